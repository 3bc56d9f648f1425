import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { runExample } from '../../__testUtils__/examples';
import { createTempDir, iacConfig } from '../../__testUtils__/testContext';
import { examples } from './ansiblePlaybookRun.examples';
import { createAnsiblePlaybookRunAction } from './ansiblePlaybookRun';

// The real ansible-playbook (Debian package `ansible`): an example with an
// inventory runs against localhost through an inventory with a local
// connection; an example with `hosts` would connect to them over SSH, so it
// runs as a dry run.

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'steps.apply.output.outputs.public_ip': '203.0.113.10',
  'secrets.monitoringApiKey': 'monitoring-key-5521',
};

const PLAYBOOK = `- name: Configure
  hosts: all
  gather_facts: false
  tasks:
    - name: Node exporter
      ansible.builtin.debug:
        msg: "agent key of {{ api_key | default('') | length }} characters"
      tags: [node_exporter]
    - name: Everything else
      ansible.builtin.debug:
        msg: other
`;

function createExampleWorkspace() {
  const workspace = createTempDir('iac-example-');
  for (const playbook of ['ansible/site.yaml', 'playbooks/monitoring.yaml']) {
    fs.mkdirSync(path.join(workspace, path.dirname(playbook)), {
      recursive: true,
    });
    fs.writeFileSync(path.join(workspace, playbook), PLAYBOOK);
  }
  fs.mkdirSync(path.join(workspace, 'inventories'));
  fs.writeFileSync(
    path.join(workspace, 'inventories', 'production.ini'),
    '[webservers]\nlocalhost ansible_connection=local ansible_python_interpreter=auto_silent\n',
  );
  return workspace;
}

/** Whether the example's step gives `hosts`, which Ansible reaches over SSH. */
function connectsToHosts(example: TemplateExample): boolean {
  return yaml
    .parse(example.example)
    .steps.some((step: { input: object }) => 'hosts' in step.input);
}

jest.setTimeout(60_000);

describe('ansible:playbook:run examples', () => {
  const action = createAnsiblePlaybookRunAction({
    config: iacConfig({ ansible: { allowLocalConnection: true } }),
  });

  it.each(examples.filter(connectsToHosts).map(e => [e.description, e]))(
    '%s (a dry run: a real one connects to the hosts)',
    async (_, example) => {
      const [result] = await runExample(example, {
        actions: [action],
        values,
        workspacePath: createExampleWorkspace(),
        isDryRun: true,
      });
      expect(result.schemaErrors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.outputs).toEqual({
        stats: {},
        changed: false,
        dryRun: true,
      });
      expect(result.text).toContain('Dry run: would run in');
    },
  );

  it.each(
    examples.filter(e => !connectsToHosts(e)).map(e => [e.description, e]),
  )('%s', async (_, example) => {
    const [result] = await runExample(example, {
      actions: [action],
      values,
      workspacePath: createExampleWorkspace(),
      isDryRun: false,
      secrets: { monitoringApiKey: values['secrets.monitoringApiKey'] },
    });
    expect(result.schemaErrors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({
      stats: {
        localhost: expect.objectContaining({ ok: 1, failures: 0 }),
      },
      changed: false,
      dryRun: false,
    });
    expect(result.text).toContain(
      `agent key of ${values['secrets.monitoringApiKey'].length} characters`,
    );
    expect(result.text).not.toContain(values['secrets.monitoringApiKey']);
  });
});
