import {
  BLOCK_SECTIONS,
  isMapping,
  PlaybookNode,
  playLabel,
  TASK_SECTIONS,
  taskLabel,
} from './playbookFile';

/*
 * With multicloud.iac.ansible.allowLocalConnection false, nothing may make
 * Ansible run tasks on the Backstage host: no `local` connection (nor any
 * other connection that executes on the controller, such as chroot or
 * network_cli), no host that is the Backstage host itself (Ansible gives an
 * implicit `localhost` a local connection), no delegation to it. These checks
 * read the inventory as Ansible resolves it (`ansible-inventory --list`) and
 * the playbook file itself; see the README for what they cannot see.
 */

/** Connections that reach another machine. */
const REMOTE_CONNECTIONS = [
  'ssh',
  'paramiko',
  'paramiko_ssh',
  'smart',
  'winrm',
  'psrp',
];

export function isTemplated(value: string): boolean {
  return /\{[{%#]/.test(value);
}

/** Names by which Ansible (and the network) reach the Backstage host itself. */
export function isLocalHost(name: string): boolean {
  const host = name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return (
    host === 'localhost' ||
    host.startsWith('localhost.') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1' ||
    host === '0.0.0.0'
  );
}

function connectionProblem(value: unknown, where: string): string | undefined {
  if (typeof value === 'string' && isTemplated(value)) {
    return `${where}: the connection is a template, which could resolve to local`;
  }
  const name = String(value).replace(/^ansible\.(builtin|legacy)\./, '');
  if (!REMOTE_CONNECTIONS.includes(name)) {
    return `${where}: connection ${String(
      value,
    )} is not one of the remote connections (${REMOTE_CONNECTIONS.join(', ')})`;
  }
  return undefined;
}

/**
 * `ansible_connection` and `ansible_host` wherever they are set: vars,
 * set_fact, add_host, role parameters, and `key=value` argument strings.
 */
function scanVariables(value: unknown, where: string, problems: string[]) {
  if (typeof value === 'string') {
    for (const m of value.matchAll(
      /\bansible_(connection|host|ssh_host)\s*=\s*(["']?)([^\s"']+)\2/g,
    )) {
      scanVariables({ [`ansible_${m[1]}`]: m[3] }, where, problems);
    }
  } else if (Array.isArray(value)) {
    value.forEach(item => scanVariables(item, where, problems));
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'ansible_connection') {
        const problem = connectionProblem(item, where);
        if (problem) {
          problems.push(problem);
        }
      } else if (
        (key === 'ansible_host' || key === 'ansible_ssh_host') &&
        typeof item === 'string' &&
        isLocalHost(item)
      ) {
        problems.push(`${where}: ${key} ${item} is the Backstage host`);
      }
      scanVariables(item, where, problems);
    }
  }
}

/** Play and task keywords that choose where a task runs. */
function checkKeywords(
  node: PlaybookNode,
  where: string,
  problems: string[],
  nestedSections: string[],
) {
  if (node.connection !== undefined) {
    const problem = connectionProblem(node.connection, where);
    if (problem) {
      problems.push(problem);
    }
  }
  if (node.delegate_to !== undefined) {
    const target = String(node.delegate_to);
    if (isTemplated(target)) {
      problems.push(
        `${where}: delegate_to is a template, which could resolve to the Backstage host`,
      );
    } else if (isLocalHost(target)) {
      problems.push(`${where}: delegate_to ${target} is the Backstage host`);
    }
  }
  for (const key of ['local_action', 'ansible.builtin.local_action']) {
    if (node[key] !== undefined) {
      problems.push(`${where}: local_action runs on the Backstage host`);
    }
  }
  const rest = Object.fromEntries(
    Object.entries(node).filter(([key]) => !nestedSections.includes(key)),
  );
  scanVariables(rest, where, problems);
}

function checkTasks(tasks: unknown, where: string, problems: string[]) {
  for (const task of Array.isArray(tasks) ? tasks : []) {
    if (!isMapping(task)) {
      continue;
    }
    const here = `${where}, task "${taskLabel(task)}"`;
    checkKeywords(task, here, problems, BLOCK_SECTIONS);
    for (const section of BLOCK_SECTIONS) {
      checkTasks(task[section], here, problems);
    }
  }
}

function checkHosts(hosts: unknown, where: string, problems: string[]) {
  const patterns = (Array.isArray(hosts) ? hosts : [hosts])
    .map(String)
    .flatMap(pattern => pattern.split(','));
  for (const pattern of patterns) {
    if (isTemplated(pattern)) {
      problems.push(
        `${where}: hosts is a template, which could name the Backstage host`,
      );
      continue;
    }
    const name = pattern.trim().replace(/^[!&]/, '');
    if (isLocalHost(name) || name.split(':').some(isLocalHost)) {
      problems.push(`${where}: hosts ${name} is the Backstage host`);
    }
  }
}

/**
 * What in the playbook file would run tasks on the Backstage host. Plays and
 * tasks of imported or included files and of roles are not read.
 */
export function findLocalExecutionInPlaybook(plays: PlaybookNode[]): string[] {
  const problems: string[] = [];
  plays.forEach((play, index) => {
    const where = `play "${playLabel(play, index)}"`;
    if (play.hosts !== undefined) {
      checkHosts(play.hosts, where, problems);
    }
    checkKeywords(play, where, problems, TASK_SECTIONS);
    for (const section of TASK_SECTIONS) {
      checkTasks(play[section], where, problems);
    }
  });
  return problems;
}

/**
 * What in an inventory, as `ansible-inventory --list` prints it (group and
 * host variables of the inventory and of the playbook's directory merged
 * into each host), would run tasks on the Backstage host.
 */
export function findLocalExecutionInInventory(inventory: unknown): string[] {
  const problems: string[] = [];
  const groups = isMapping(inventory) ? inventory : {};
  const meta = isMapping(groups._meta) ? groups._meta : {};
  const hostvars = isMapping(meta.hostvars) ? meta.hostvars : {};
  const hosts = new Set(Object.keys(hostvars));
  for (const [name, group] of Object.entries(groups)) {
    if (name !== '_meta' && isMapping(group) && Array.isArray(group.hosts)) {
      group.hosts.forEach(host => hosts.add(String(host)));
    }
  }
  for (const host of [...hosts].sort()) {
    const where = `inventory host ${host}`;
    if (isLocalHost(host)) {
      problems.push(`${where} is the Backstage host`);
    }
    scanVariables(hostvars[host] ?? {}, where, problems);
  }
  return problems;
}

/** The host names given in the `hosts` input that are the Backstage host. */
export function findLocalExecutionInHosts(hosts: string[]): string[] {
  return hosts
    .filter(isLocalHost)
    .map(host => `hosts: ${host} is the Backstage host`);
}
