import fs from 'node:fs';
import path from 'node:path';
import {
  DryRunFile,
  logOf,
  startDryRunBackend,
} from './__testUtils__/dryRunBackend';
import { createTempDir } from './__testUtils__/testContext';

// Anyone who may use the template editor can send the scaffolder's dry-run
// API (and the MCP tool dry-run-template) a template of their own, so a dry
// run must execute nothing on the backend's host. Terraform and Helm are
// configured here as stand-ins that leave a mark when anything starts them;
// Ansible is the real ansible-playbook, with local connections allowed.

jest.setTimeout(120_000);

const MARKS = createTempDir('iac-marks-');
const RAN = path.join(MARKS, 'ran');

/** A binary that records each start, and prints a version like the tool's. */
function markingStandIn(name: string, versionOutput: string): string {
  const binary = path.join(createTempDir('iac-standin-'), name);
  fs.writeFileSync(
    binary,
    `#!/bin/sh\necho "${name} $*" >> '${RAN}'\necho '${versionOutput}'\n`,
    { mode: 0o755 },
  );
  return binary;
}

const TERRAFORM = markingStandIn('terraform', '{"terraform_version":"1.9.8"}');
const HELM = markingStandIn('helm', 'v3.16.2+g13654a5');

function file(filePath: string, content: string) {
  return {
    path: filePath,
    base64Content: Buffer.from(content).toString('base64'),
  };
}

function template(steps: unknown[]) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'issue-9' },
    spec: {
      type: 'service',
      parameters: [],
      steps: [
        {
          id: 'fetch',
          action: 'fetch:plain',
          input: { url: './skeleton' },
        },
        ...steps,
      ],
    },
  };
}

// Runs on the controller even under --check, and prints what it ran.
const MARKER_PLAYBOOK = `- name: Take over the portal
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Run a command
      ansible.builtin.shell: echo MARKER-$((6*7)) | tee -a '${RAN}'
      check_mode: false
      register: out
    - name: Show it
      ansible.builtin.debug:
        msg: "{{ out.stdout }}"
`;

describe('issue 9 case 1: dry run executes nothing', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;

  beforeAll(async () => {
    backend = await startDryRunBackend({
      terraform: { binary: TERRAFORM, allowedVersions: ['1.9.x'] },
      ansible: { allowLocalConnection: true },
      helm: {
        binary: HELM,
        allowedNamespaces: ['apps'],
        allowWorkspaceCharts: true,
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const dryRun = (body: unknown, directoryContents: DryRunFile[]) =>
    backend.dryRun({ template: body, directoryContents });

  beforeEach(() => {
    fs.rmSync(RAN, { force: true });
  });

  it('refuses the reported template, whose extra vars set ansible_connection, naming the key', async () => {
    const result = await dryRun(
      template([
        {
          id: 'configure',
          action: 'ansible:playbook:run',
          input: {
            playbook: 'site.yaml',
            hosts: ['web-1'],
            extraVars: { ansible_connection: 'local' },
          },
        },
      ]),
      [file('skeleton/site.yaml', MARKER_PLAYBOOK)],
    );
    expect(result.status).toBe(400);
    expect(result.body.error?.name).toBe('InputError');
    expect(result.body.error?.message).toContain(
      'extraVars.ansible_connection: ansible_connection is reserved',
    );
    expect(JSON.stringify(result.body)).not.toContain('MARKER-42');
    expect(fs.existsSync(RAN)).toBe(false);
  });

  it('runs no task of a playbook with check_mode: false and connection: local, and shows the command line', async () => {
    const result = await dryRun(
      template([
        {
          id: 'configure',
          action: 'ansible:playbook:run',
          input: { playbook: 'site.yaml', hosts: ['web-1'] },
        },
      ]),
      [file('skeleton/site.yaml', MARKER_PLAYBOOK)],
    );
    expect(result.status).toBe(200);
    const log = logOf(result, 'configure');
    expect(log).toContain('PLAY [Take over the portal] (hosts: all)');
    expect(log).toContain('TASK [Run a command]');
    expect(log).toMatch(
      /Dry run: would run in \S+: \S*ansible-playbook --inventory \S+\/inventory\.yaml \S+\/site\.yaml$/m,
    );
    expect(JSON.stringify(result.body)).not.toContain('MARKER-42');
    expect(fs.existsSync(RAN)).toBe(false);
  });

  it('starts neither Terraform nor Helm, not even for their version, and shows the commands', async () => {
    const release = {
      owner: 'group:default/web-team',
      name: 'web',
      namespace: 'apps',
    };
    const result = await dryRun(
      template([
        {
          id: 'plan',
          action: 'terraform:plan',
          input: { workingDirectory: 'terraform', variables: { name: 'x' } },
        },
        {
          id: 'apply',
          action: 'terraform:apply',
          input: { workingDirectory: 'terraform', variables: { name: 'x' } },
        },
        {
          id: 'destroy',
          action: 'terraform:destroy',
          input: { workingDirectory: 'terraform', variables: { name: 'x' } },
        },
        {
          id: 'deploy',
          action: 'helm:release:upgrade',
          input: { ...release, chart: 'chart' },
        },
        {
          id: 'remove',
          action: 'helm:release:uninstall',
          input: release,
        },
      ]),
      [
        file(
          'skeleton/terraform/main.tf',
          'data "external" "run" {\n  program = ["sh", "-c", "echo MARKER-$((6*7))"]\n}\n',
        ),
        file(
          'skeleton/chart/Chart.yaml',
          'apiVersion: v2\nname: web\nversion: 0.3.0\n',
        ),
      ],
    );
    expect(result.status).toBe(200);

    const plan = logOf(result, 'plan');
    expect(plan).toContain(
      `Dry run: nothing is executed. terraform is ${TERRAFORM}; a real run checks its version first (allowed: 1.9.x)`,
    );
    expect(plan).toContain('Dry run: declared: data.external.run');
    expect(plan).toMatch(
      new RegExp(
        `Dry run: would run in \\S+/terraform: ${TERRAFORM} init -input=false -no-color$`,
        'm',
      ),
    );
    expect(plan).toMatch(
      new RegExp(
        `Dry run: would run in \\S+/terraform: ${TERRAFORM} plan -input=false -json -var-file=\\S+ -out=\\S+\\.tfplan$`,
        'm',
      ),
    );
    expect(logOf(result, 'apply')).toContain(
      `${TERRAFORM} apply -input=false -json -auto-approve`,
    );
    expect(logOf(result, 'destroy')).toContain(
      `${TERRAFORM} destroy -input=false -json -auto-approve`,
    );
    expect(logOf(result, 'deploy')).toMatch(
      new RegExp(
        `Dry run: would run in \\S+: ${HELM} upgrade web-team-web \\S+/chart --install --namespace apps `,
      ),
    );
    expect(logOf(result, 'remove')).toContain(
      `${HELM} uninstall web-team-web --namespace apps --timeout 5m --wait`,
    );
    expect(JSON.stringify(result.body)).not.toContain('MARKER-42');
    expect(fs.existsSync(RAN)).toBe(false);
  });
});
