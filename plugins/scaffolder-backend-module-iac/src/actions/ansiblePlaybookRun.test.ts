import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  everythingVisible,
  iacConfig,
  runAction,
} from '../__testUtils__/testContext';
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
    config: iacConfig({ ansible: { killGracePeriod: '2s' } }),
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
      checkMode: false,
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

  it('runs in check mode with a diff in a dry run and changes nothing', async () => {
    const workspace = createAnsibleWorkspace(SUCCESS_PLAYBOOK);
    const target = createTempDir('iac-target-');
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      input: {
        playbook: 'ansible/site.yaml',
        inventory: 'ansible/hosts.ini',
        extraVars: { target_dir: target, service_name: 'checkout' },
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(fs.existsSync(path.join(target, 'motd'))).toBe(false);
    expect(result.text).toContain('check mode (--check --diff)');
    expect(result.text).toContain('info: changed: [localhost]');
    expect(result.text).toContain('+Welcome to checkout');
    expect(result.outputs.checkMode).toBe(true);
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
    const refused = await runAction(action, {
      workspacePath: workspace,
      input,
    });
    expect(refused.error?.name).toBe('InputError');
    expect(refused.error?.message).toContain(
      'multicloud.iac.ansible.allowLocalConnection',
    );

    const allowed = createAnsiblePlaybookRunAction({
      config: iacConfig({ ansible: { allowLocalConnection: true } }),
    });
    const result = await runAction(allowed, {
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
