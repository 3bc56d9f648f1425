import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  everythingVisible,
  iacConfig,
  runAction,
} from '../../__testUtils__/testContext';
import { createAnsiblePlaybookRunAction } from './ansiblePlaybookRun';

// These tests run the real ansible-playbook (Debian package `ansible`) against
// localhost with a local connection, in temporary directories.

const INVENTORY =
  'localhost ansible_connection=local ansible_python_interpreter=auto_silent\n';

const SUCCESS_PLAYBOOK = `- name: Prepare the host
  hosts: all
  gather_facts: false
  tasks:
    - name: Write the motd
      ansible.builtin.copy:
        dest: "{{ target_dir }}/motd"
        content: "Welcome to {{ service_name }}\\n"
        mode: "0644"
    - name: Show the service
      ansible.builtin.debug:
        msg: "configured {{ service_name }}"
    - name: Skipped on purpose
      ansible.builtin.command: /bin/false
      when: false
`;

const FAILING_PLAYBOOK = `- name: Break
  hosts: all
  gather_facts: false
  tasks:
    - name: Tolerated failure
      ansible.builtin.command: /bin/false
      ignore_errors: true
    - name: Check the disk
      ansible.builtin.fail:
        msg: "Disk /data is full"
    - name: Never reached
      ansible.builtin.debug:
        msg: unreachable
`;

const SLOW_PLAYBOOK = `- name: Slow
  hosts: all
  gather_facts: false
  tasks:
    - name: Wait a long time
      ansible.builtin.command: sleep 60
`;

function createAnsibleWorkspace(playbook: string) {
  const workspace = createTempDir('iac-ansible-');
  fs.mkdirSync(path.join(workspace, 'ansible'));
  fs.writeFileSync(path.join(workspace, 'ansible', 'site.yaml'), playbook);
  fs.writeFileSync(path.join(workspace, 'ansible', 'hosts.ini'), INVENTORY);
  return workspace;
}

jest.setTimeout(60_000);

describe('ansible:playbook:run', () => {
  const action = createAnsiblePlaybookRunAction({
    config: iacConfig({
      ansible: { killGracePeriod: '2s', allowLocalConnection: true },
    }),
  });

  it('runs a playbook, logs each task and host, and returns the stats', async () => {
    const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
    const target = createTempDir('iac-target-');
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: { target_dir: target, service_name: 'checkout' },
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['ansible.playbook.ansible/site.yaml']);
    expect(fs.readFileSync(path.join(target, 'motd'), 'utf8')).toBe(
      'Welcome to checkout\n',
    );
    expect(result.text).toContain('info: Using ansible 2.');
    expect(result.text).toContain('info: PLAY [Prepare the host]');
    expect(result.text).toContain('info: TASK [Write the motd]');
    expect(result.text).toContain('info: changed: [localhost]');
    expect(result.text).toContain(
      'info: ok: [localhost] => configured checkout',
    );
    expect(result.text).toContain('info: skipping: [localhost]');
    expect(result.text).toContain(
      'info: localhost: ok=2 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0',
    );
    expect(result.outputs).toEqual({
      stats: {
        localhost: {
          ok: 2,
          changed: 1,
          unreachable: 0,
          failures: 0,
          skipped: 1,
          rescued: 0,
          ignored: 0,
        },
      },
      changed: true,
      dryRun: false,
    });
  });

  it('fails the action with the message of the failed task', async () => {
    const workspace = createAnsibleWorkspace(FAILING_PLAYBOOK);
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { playbook: 'ansible/site.yaml', inventory: 'ansible/hosts.ini' },
    });
    expect(result.error?.message).toBe(
      'ansible-playbook failed (exit code 2): Task "Check the disk" failed on localhost: Disk /data is full',
    );
    expect(result.text).toContain(
      'failed: [localhost] => non-zero return code ...ignoring',
    );
    expect(result.text).toContain(
      'error: fatal: [localhost] => Disk /data is full',
    );
    expect(result.text).not.toContain('Never reached');
    expect(result.outputs.stats).toEqual({
      localhost: expect.objectContaining({ failures: 1, ignored: 1 }),
    });
  });

  it('stops the playbook when the task is cancelled', async () => {
    const workspace = createAnsibleWorkspace(SLOW_PLAYBOOK);
    const controller = new AbortController();
    const running = runAction(action, {
      workspacePath: workspace,
      input: { playbook: 'ansible/site.yaml', inventory: 'ansible/hosts.ini' },
      signal: controller.signal,
    });
    await new Promise(r => setTimeout(r, 4000));
    controller.abort();
    const started = Date.now();
    const result = await running;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.error?.message).toMatch(
      /^ansible-playbook was cancelled: stopped after SIG/,
    );
    expect(result.text).toContain(
      'warn: Task cancelled: sending SIGINT to ansible-playbook',
    );
  });

  it('masks secret extra vars in task output', async () => {
    const workspace = createAnsibleWorkspace(`- hosts: all
  gather_facts: false
  tasks:
    - name: Leak it
      ansible.builtin.debug:
        msg: "token is {{ api_token }}"
    - name: Fail with it
      ansible.builtin.fail:
        msg: "bad token {{ api_token }}"
`);
    const result = await runAction(action, {
      workspacePath: workspace,
      secrets: { other: 'from-task-secrets-42' },
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: { note: 'from-task-secrets-42' },
        sensitiveExtraVars: { api_token: 'tkn-9f8e7d6c' },
      },
    });
    expect(result.text).toContain('ok: [localhost] => token is ***');
    expect(result.error?.message).toContain('bad token ***');
    const visible = everythingVisible(result);
    expect(visible).not.toContain('tkn-9f8e7d6c');
    expect(visible).not.toContain('from-task-secrets-42');
  });

  it('configures a list of hosts through a generated inventory, local only when allowed', async () => {
    const workspace = createAnsibleWorkspace(`- hosts: targets
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
`);
    const input = {
      playbook: 'ansible/site.yaml',
      hosts: ['localhost'],
      connection: 'local',
    };
    const guarded = createAnsiblePlaybookRunAction({ config: iacConfig({}) });
    const refused = await runAction(guarded, {
      workspacePath: workspace,
      input,
    });
    expect(refused.error?.name).toBe('InputError');
    expect(refused.error?.message).toContain(
      'multicloud.iac.ansible.allowLocalConnection',
    );

    const result = await runAction(action, {
      workspacePath: workspace,
      input,
    });
    expect(result.error).toBeUndefined();
    expect(result.text).toContain('info: ok: [localhost]');
  });

  it('rejects playbooks and inventories outside the workspace', async () => {
    const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
    fs.symlinkSync('/etc/hosts', path.join(workspace, 'ansible', 'linked.ini'));
    for (const input of [
      { playbook: '/etc/ansible/site.yaml', inventory: 'ansible/hosts.ini' },
      { playbook: '../site.yaml', inventory: 'ansible/hosts.ini' },
      { playbook: 'ansible/site.yaml', inventory: 'ansible/linked.ini' },
      { playbook: 'ansible/site.yaml' },
    ]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input,
      });
      expect(result.error?.name).toBe('InputError');
    }
  });
});

describe('issue 9 case 1: an Ansible dry run executes nothing', () => {
  const action = createAnsiblePlaybookRunAction({
    config: iacConfig({ ansible: { allowLocalConnection: true } }),
  });

  it('checks the playbook, lists its plays and tasks and logs the command line, running nothing', async () => {
    const marker = path.join(createTempDir('iac-marker-'), 'ran');
    const workspace = createAnsibleWorkspace(`- name: Prepare the host
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Runs even in check mode
      ansible.builtin.shell: echo MARKER-$((6*7)) > ${marker}
      check_mode: false
    - block:
        - ansible.builtin.debug:
            msg: inside a block
  handlers:
    - name: Restart the service
      ansible.builtin.command: /bin/true
`);
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      secrets: { token: 'tkn-dry-run-1' },
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: { service_name: 'checkout' },
        sensitiveExtraVars: { api_token: 'tkn-dry-run-1' },
      },
    });

    expect(result.error).toBeUndefined();
    expect(fs.existsSync(marker)).toBe(false);
    expect(result.checkpoints).toEqual([]);
    expect(result.text).not.toContain('Using ansible');
    expect(result.text).toContain(
      'info: Dry run: nothing is executed. ansible is /usr/bin/ansible-playbook',
    );
    expect(result.logs.map(l => l.message)).toEqual(
      expect.arrayContaining([
        'PLAY [Prepare the host] (hosts: all)',
        '  TASK [Runs even in check mode]',
        '  TASK [block]',
        '    TASK [ansible.builtin.debug]',
        '  HANDLER [Restart the service]',
      ]),
    );
    expect(result.text).toMatch(
      /Dry run: would write \S+\/ansible\.cfg \(\d+ bytes, mode 0600\): Ansible configuration \(ANSIBLE_CONFIG\)/,
    );
    expect(result.text).toMatch(
      /Dry run: would write \S+\/extra-vars\.json \(\d+ bytes, mode 0600\): 2 extra variable\(s\), every string marked unsafe/,
    );
    expect(result.text).toContain(
      `Dry run: would run in ${path.join(
        workspace,
        'ansible',
      )}: /usr/bin/ansible-playbook --inventory ${path.join(
        workspace,
        'ansible',
        'hosts.ini',
      )} --extra-vars @`,
    );
    expect(result.text).not.toContain('MARKER-42');
    expect(everythingVisible(result)).not.toContain('tkn-dry-run-1');
    expect(result.outputs).toEqual({ stats: {}, changed: false, dryRun: true });
  });

  it('refuses a playbook that is not a list of plays', async () => {
    const workspace = createAnsibleWorkspace('hosts: all\ntasks: []\n');
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      input: { playbook: 'ansible/site.yaml', inventory: 'ansible/hosts.ini' },
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toBe(
      'playbook ansible/site.yaml must be a YAML list of plays (mappings with hosts and tasks)',
    );
  });
});

describe('issue 9 case 2: extra vars are data, not code', () => {
  const action = createAnsiblePlaybookRunAction({
    config: iacConfig({ ansible: { allowLocalConnection: true } }),
  });
  const PAYLOAD = "{{ lookup('pipe', 'echo MARKER-$((6*7))') }}";
  const SECRET_PAYLOAD = "{{ lookup('pipe', 'echo SECRET-$((6*7))') }}";

  it('passes every string of the extra vars, at every depth, to the play as literal text', async () => {
    const target = createTempDir('iac-target-');
    const workspace = createAnsibleWorkspace(`- hosts: all
  gather_facts: false
  tasks:
    - name: Write what arrived
      ansible.builtin.copy:
        dest: "{{ target_dir }}/payload.txt"
        content: "{{ payload }}|{{ nested.lines[0] }}|{{ nested.deeper.text }}|{{ token }}"
    - name: Show it
      ansible.builtin.debug:
        msg: "payload is {{ payload }}"
`);
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: {
          target_dir: target,
          payload: PAYLOAD,
          nested: { lines: [PAYLOAD], deeper: { text: PAYLOAD } },
        },
        sensitiveExtraVars: { token: SECRET_PAYLOAD },
      },
    });

    expect(result.error).toBeUndefined();
    expect(fs.readFileSync(path.join(target, 'payload.txt'), 'utf8')).toBe(
      `${PAYLOAD}|${PAYLOAD}|${PAYLOAD}|${SECRET_PAYLOAD}`,
    );
    expect(result.text).toContain(`ok: [localhost] => payload is ${PAYLOAD}`);
    expect(result.text).not.toContain('MARKER-42');
    expect(result.text).not.toContain('SECRET-42');
  });

  it('refuses names Ansible reads itself and names that are not plain identifiers, naming the key, before anything runs', async () => {
    const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
    for (const field of ['extraVars', 'sensitiveExtraVars']) {
      for (const name of [
        'ansible_connection',
        'ansible_ssh_common_args',
        'ansible_python_interpreter',
        'ansible_become_exe',
        'hostvars',
        'groups',
        'group_names',
        'inventory_hostname',
        'inventory_dir',
        'omit',
        'playbook_dir',
        'role_path',
        'play_hosts',
        'environment',
        'vars',
        'not-an-identifier',
        '1st',
        'a.b',
      ]) {
        const result = await runAction(action, {
          workspacePath: workspace,
          input: {
            playbook: 'ansible/site.yaml',
            inventory: 'ansible/hosts.ini',
            [field]: { [name]: 'local' },
          },
        });
        expect(result.error?.name).toBe('InputError');
        expect(result.error?.message).toMatch(
          new RegExp(
            `^Invalid input to ansible:playbook:run: ${field}\\.${name.replace(
              '.',
              '\\.',
            )}: `,
          ),
        );
        expect(result.logs).toEqual([]);
      }
    }
  });

  it('names the reserved variable in the message', async () => {
    const result = await runAction(action, {
      workspacePath: createAnsibleWorkspace(SUCCESS_PLAYBOOK),
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: { ansible_connection: 'local' },
      },
    });
    expect(result.error?.message).toContain(
      'extraVars.ansible_connection: ansible_connection is reserved: Ansible reads it to decide how and where tasks run',
    );
  });

  it('refuses nested keys that Ansible would treat as markers or templates', async () => {
    const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
    for (const [value, message] of [
      [{ __ansible_unsafe: 'x' }, 'key __ansible_unsafe is reserved'],
      [[{ __ansible_vault: 'x' }], 'key __ansible_vault is reserved'],
      [{ "{{ lookup('pipe', 'id') }}": 1 }, 'looks like a Jinja2 template'],
    ] as const) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input: {
          playbook: 'ansible/site.yaml',
          inventory: 'ansible/hosts.ini',
          extraVars: { settings: value },
        },
      });
      expect(result.error?.name).toBe('InputError');
      expect(result.error?.message).toContain(message);
    }
  });

  it('never loads an ansible.cfg from the workspace', async () => {
    const remoteTmp = path.join(createTempDir('iac-cfg-'), 'from-workspace');
    const workspace = createAnsibleWorkspace(`- hosts: all
  gather_facts: false
  tasks:
    - name: Run a module
      ansible.builtin.command: /bin/true
`);
    // Were it loaded, Ansible would create remote_tmp for the module run.
    fs.writeFileSync(
      path.join(workspace, 'ansible', 'ansible.cfg'),
      `[defaults]\nremote_tmp = ${remoteTmp}\nstdout_callback = json\n`,
    );
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { playbook: 'ansible/site.yaml', inventory: 'ansible/hosts.ini' },
    });
    expect(result.error).toBeUndefined();
    expect(result.text).toContain('info: TASK [Run a module]');
    expect(fs.existsSync(remoteTmp)).toBe(false);
  });
});

describe('issue 9 case 2: allowLocalConnection false covers the inventory and the playbook', () => {
  const guarded = createAnsiblePlaybookRunAction({ config: iacConfig({}) });
  const REMOTE_INVENTORY = '[web]\nweb1 ansible_host=192.0.2.10\n';

  function guardedWorkspace(
    marker: string,
    options: { play?: string; task?: string; files?: Record<string, string> },
  ) {
    const workspace = createAnsibleWorkspace(`- name: Configure
  hosts: ${options.play ?? 'web'}
  gather_facts: false
  tasks:
    - name: Leave a mark
      ansible.builtin.shell: touch ${marker}
${options.task ?? ''}`);
    fs.writeFileSync(
      path.join(workspace, 'ansible', 'hosts.ini'),
      REMOTE_INVENTORY,
    );
    for (const [name, content] of Object.entries(options.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, 'ansible', name)), {
        recursive: true,
      });
      fs.writeFileSync(path.join(workspace, 'ansible', name), content);
    }
    return workspace;
  }

  it.each([
    [
      'an inventory host with ansible_connection=local',
      {
        files: {
          'hosts.ini':
            'web1 ansible_host=192.0.2.10 ansible_connection=local\n',
        },
        play: 'all',
      },
      'inventory host web1: connection local is not one of the remote connections',
    ],
    [
      'group_vars next to the playbook setting ansible_connection: local',
      { files: { 'group_vars/all.yaml': 'ansible_connection: local\n' } },
      'inventory host web1: connection local is not one of the remote connections',
    ],
    [
      'localhost in the inventory',
      { files: { 'hosts.ini': '[web]\nlocalhost\n' } },
      'inventory host localhost is the Backstage host',
    ],
    [
      'an inventory host whose address is 127.0.0.1',
      { files: { 'hosts.ini': '[web]\nweb1 ansible_host=127.0.0.1\n' } },
      'inventory host web1: ansible_host 127.0.0.1 is the Backstage host',
    ],
    [
      'a play with connection: local',
      { play: 'web\n  connection: local' },
      'play "Configure": connection local is not one of the remote connections',
    ],
    [
      'a play on localhost (Ansible adds an implicit local localhost)',
      { play: 'localhost' },
      'play "Configure": hosts localhost is the Backstage host',
    ],
    [
      'a play whose hosts are a template',
      { play: '"{{ target }}"' },
      'play "Configure": hosts is a template',
    ],
    [
      'a task delegated to localhost',
      {
        task: '    - name: Fetch\n      ansible.builtin.command: id\n      delegate_to: localhost\n',
      },
      'task "Fetch": delegate_to localhost is the Backstage host',
    ],
    [
      'a task delegated to a template',
      {
        task: '    - name: Fetch\n      ansible.builtin.command: id\n      delegate_to: "{{ jump }}"\n',
      },
      'task "Fetch": delegate_to is a template',
    ],
    [
      'a local_action',
      { task: '    - name: Here\n      local_action: command id\n' },
      'task "Here": local_action runs on the Backstage host',
    ],
    [
      'task vars setting ansible_connection',
      {
        task: '    - name: Here\n      ansible.builtin.command: id\n      vars:\n        ansible_connection: local\n',
      },
      'task "Here": connection local is not one of the remote connections',
    ],
    [
      'set_fact of ansible_connection in key=value form',
      {
        task: '    - name: Switch\n      ansible.builtin.set_fact: ansible_connection=local\n',
      },
      'task "Switch": connection local is not one of the remote connections',
    ],
  ])('refuses %s and runs nothing', async (_case, options, message) => {
    const marker = path.join(createTempDir('iac-marker-'), 'ran');
    const workspace = guardedWorkspace(marker, options);
    const result = await runAction(guarded, {
      workspacePath: workspace,
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
      },
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toContain(
      'multicloud.iac.ansible.allowLocalConnection: false forbids',
    );
    expect(result.error?.message).toContain(message);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses localhost in the hosts input, whatever the connection', async () => {
    const marker = path.join(createTempDir('iac-marker-'), 'ran');
    const result = await runAction(guarded, {
      workspacePath: guardedWorkspace(marker, { play: 'targets' }),
      input: { playbook: 'ansible/site.yaml', hosts: ['localhost'] },
    });
    expect(result.error?.message).toContain(
      'hosts: localhost is the Backstage host',
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('in a dry run, shows the ansible-inventory command a real run checks the inventory with', async () => {
    const marker = path.join(createTempDir('iac-marker-'), 'ran');
    const workspace = guardedWorkspace(marker, { play: 'databases' });
    const result = await runAction(guarded, {
      workspacePath: workspace,
      isDryRun: true,
      input: { playbook: 'ansible/site.yaml', inventory: 'ansible/hosts.ini' },
    });
    expect(result.error).toBeUndefined();
    const dir = path.join(workspace, 'ansible');
    expect(result.text).toContain(
      `Dry run: would run in ${dir}: /usr/bin/ansible-inventory --list --inventory ${dir}/hosts.ini --playbook-dir ${dir}`,
    );
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('issue 9 case 6: symbolic links in the playbook and inventory folders', () => {
  const action = createAnsiblePlaybookRunAction({
    config: iacConfig({ ansible: { allowLocalConnection: true } }),
  });
  const outside = createTempDir();
  fs.writeFileSync(path.join(outside, 'id_rsa'), 'PRIVATE KEY');

  it.each([false, true])(
    'refuses a link anywhere in the folder of the playbook or of the inventory, naming it, before anything runs (dry run: %s)',
    async isDryRun => {
      const cases: Array<{
        make: (workspace: string) => void;
        input: Record<string, unknown>;
        message: string;
      }> = [
        {
          make: workspace => {
            fs.mkdirSync(path.join(workspace, 'ansible', 'files'));
            fs.symlinkSync(
              path.join(outside, 'id_rsa'),
              path.join(workspace, 'ansible', 'files', 'id_rsa'),
            );
          },
          input: {
            playbook: 'ansible/site.yaml',
            inventory: 'ansible/hosts.ini',
          },
          message:
            'The playbook folder ansible holds the symbolic link ansible/files/id_rsa; symbolic links are not allowed in the folders a tool runs on: replace it with the file or folder it points to',
        },
        {
          make: workspace => {
            fs.mkdirSync(path.join(workspace, 'inventory', 'group_vars'), {
              recursive: true,
            });
            fs.writeFileSync(
              path.join(workspace, 'inventory', 'hosts.ini'),
              INVENTORY,
            );
            fs.symlinkSync(
              outside,
              path.join(workspace, 'inventory', 'group_vars', 'all'),
            );
          },
          input: {
            playbook: 'ansible/site.yaml',
            inventory: 'inventory/hosts.ini',
          },
          message:
            'The inventory folder inventory holds the symbolic link inventory/group_vars/all; symbolic links are not allowed in the folders a tool runs on: replace it with the file or folder it points to',
        },
      ];
      for (const { make, input, message } of cases) {
        const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
        make(workspace);
        const target = createTempDir('iac-target-');
        const result = await runAction(action, {
          workspacePath: workspace,
          isDryRun,
          input: {
            ...input,
            extraVars: { target_dir: target, service_name: 'checkout' },
          },
        });
        expect(result.error?.name).toBe('InputError');
        expect(result.error?.message).toBe(message);
        expect(result.text).not.toContain('PLAY');
        expect(fs.existsSync(path.join(target, 'motd'))).toBe(false);
      }
    },
  );
});
