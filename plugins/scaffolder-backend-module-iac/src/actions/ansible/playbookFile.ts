import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import yaml from 'yaml';

/** A play, task or other mapping of a playbook, as parsed. */
export type PlaybookNode = Record<string, unknown>;

export function isMapping(value: unknown): value is PlaybookNode {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

// Ansible's own tags: the values stay plain strings here (this module only
// reads the structure, never renders or decrypts anything).
const ANSIBLE_TAGS = ['!unsafe', '!vault', '!vault-encrypted'].map(tag => ({
  tag,
  resolve: (value: string) => value,
}));

/**
 * Reads a playbook: a YAML list of plays. Only its structure is read; nothing
 * in it is rendered or run.
 */
export async function readPlaybook(
  file: string,
  name: string,
): Promise<PlaybookNode[]> {
  const text = await fs.promises.readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = yaml.parse(text, {
      customTags: ANSIBLE_TAGS,
      merge: true,
      logLevel: 'error',
    });
  } catch (error) {
    throw new InputError(
      `playbook ${name} is not valid YAML: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(parsed) || !parsed.every(isMapping)) {
    throw new InputError(
      `playbook ${name} must be a YAML list of plays (mappings with hosts and tasks)`,
    );
  }
  return parsed;
}

/** Keywords of a task; any other key names the module it runs. */
const TASK_KEYWORDS = new Set([
  'name',
  'action',
  'args',
  'any_errors_fatal',
  'async',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'changed_when',
  'check_mode',
  'collections',
  'connection',
  'debugger',
  'delay',
  'delegate_facts',
  'delegate_to',
  'diff',
  'environment',
  'failed_when',
  'ignore_errors',
  'ignore_unreachable',
  'listen',
  'loop',
  'loop_control',
  'module_defaults',
  'no_log',
  'notify',
  'poll',
  'port',
  'register',
  'remote_user',
  'retries',
  'run_once',
  'tags',
  'throttle',
  'timeout',
  'until',
  'vars',
  'when',
]);

/** A task's name, else the module it runs; never its arguments. */
export function taskLabel(task: PlaybookNode): string {
  if (typeof task.name === 'string' && task.name.trim()) {
    return task.name.trim();
  }
  if (task.block) {
    return 'block';
  }
  return (
    Object.keys(task).find(
      key => !TASK_KEYWORDS.has(key) && !key.startsWith('with_'),
    ) ?? 'task'
  );
}

export function playLabel(play: PlaybookNode, index: number): string {
  return typeof play.name === 'string' && play.name.trim()
    ? play.name.trim()
    : `#${index + 1}`;
}

export const TASK_SECTIONS = ['pre_tasks', 'tasks', 'post_tasks', 'handlers'];
export const BLOCK_SECTIONS = ['block', 'rescue', 'always'];

function outlineTasks(tasks: unknown, depth: number, handler: boolean) {
  const lines: string[] = [];
  for (const task of Array.isArray(tasks) ? tasks : []) {
    if (!isMapping(task)) {
      continue;
    }
    const indent = '  '.repeat(depth);
    lines.push(`${indent}${handler ? 'HANDLER' : 'TASK'} [${taskLabel(task)}]`);
    for (const section of BLOCK_SECTIONS) {
      lines.push(...outlineTasks(task[section], depth + 1, handler));
    }
  }
  return lines;
}

/**
 * What a dry run shows of a playbook: each play with its hosts, roles and
 * tasks by name (or module), in the order Ansible runs them. Task arguments
 * are never shown.
 */
export function outlinePlaybook(plays: PlaybookNode[]): string[] {
  const lines: string[] = [];
  plays.forEach((play, index) => {
    const imported =
      play.import_playbook ?? play['ansible.builtin.import_playbook'];
    if (imported !== undefined) {
      lines.push(
        `IMPORT PLAYBOOK [${String(imported)}] (not read in a dry run)`,
      );
      return;
    }
    const hosts = Array.isArray(play.hosts)
      ? play.hosts.join(', ')
      : String(play.hosts ?? '');
    lines.push(`PLAY [${playLabel(play, index)}] (hosts: ${hosts})`);
    lines.push(...outlineTasks(play.pre_tasks, 1, false));
    for (const role of Array.isArray(play.roles) ? play.roles : []) {
      const roleName = isMapping(role) ? role.role ?? role.name : role;
      lines.push(`  ROLE [${String(roleName)}]`);
    }
    lines.push(...outlineTasks(play.tasks, 1, false));
    lines.push(...outlineTasks(play.post_tasks, 1, false));
    lines.push(...outlineTasks(play.handlers, 1, true));
  });
  return lines;
}
