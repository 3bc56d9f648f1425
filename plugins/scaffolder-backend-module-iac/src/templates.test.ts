import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  DryRunFile,
  DryRunResponse,
  logOf,
  startDryRunBackend,
} from './__testUtils__/dryRunBackend';
import {
  createTempDir,
  FAKE_HELM,
  FAKE_TERRAFORM,
} from './__testUtils__/testContext';

// Every template in templates/ goes through the scaffolder's own dry-run API.
// A dry run executes nothing: the actions check their input and the workspace
// and log the command lines and files a real run would use.

jest.setTimeout(180_000);

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

function readDirectoryContents(templateDir: string) {
  const files: DryRunFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        files.push({
          path: path.relative(templateDir, full),
          base64Content: fs.readFileSync(full).toString('base64'),
        });
      }
    }
  };
  walk(path.join(templateDir, 'skeleton'));
  return files;
}

function loadTemplate(name: string) {
  const dir = path.join(TEMPLATES_DIR, name);
  return {
    template: yaml.parse(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    ),
    directoryContents: readDirectoryContents(dir),
  };
}

const OWNERSHIP = {
  owner: 'group:default/checkout-team',
  system: 'system:default/checkout',
};

/** Form values of each template, as the scaffolder form would send them. */
const VALUES: Record<string, Record<string, unknown>> = {
  'aws-vm': {
    name: 'checkout-vm',
    ...OWNERSHIP,
    component: 'component:default/checkout-api',
    region: 'eu-west-1',
    instanceType: 't3.small',
    diskSizeGb: 30,
  },
  'azure-vm': {
    name: 'checkout-vm',
    ...OWNERSHIP,
    location: 'westeurope',
    vmSize: 'Standard_B2s',
    sshPublicKey:
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL dev@example.com',
  },
  'gcp-vm': {
    name: 'checkout-vm',
    ...OWNERSHIP,
    component: 'component:default/checkout-api',
    project: 'shop-prod-123',
    zone: 'europe-west1-b',
    machineType: 'e2-small',
  },
  'ansible-hosts': {
    hosts: ['localhost'],
    remoteUser: 'root',
    connection: 'local',
    installDocker: true,
    installNodeExporter: true,
  },
  'helm-service': {
    name: 'checkout-api',
    namespace: 'apps',
    ...OWNERSHIP,
    component: 'component:default/checkout-api',
    image: 'ghcr.io/acme/checkout-api',
    tag: '1.4.2',
    replicas: 3,
  },
  'full-stack': {
    name: 'checkout-worker',
    ...OWNERSHIP,
    region: 'eu-west-1',
    instanceType: 't3.small',
    sshKeyName: 'platform',
    adminCidr: '10.0.0.0/8',
  },
};

describe('templates', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;

  beforeAll(async () => {
    backend = await startDryRunBackend({
      terraform: {
        binary: FAKE_TERRAFORM,
        allowedVersions: ['1.9.x'],
        backends: {
          aws: { bucket: 'tfstate', region: 'eu-west-1' },
          azure: {
            resource_group_name: 'rg-tfstate',
            storage_account_name: 'tfstate',
            container_name: 'tfstate',
          },
          gcp: { bucket: 'tfstate', keySetting: 'prefix' },
        },
      },
      ansible: { allowLocalConnection: true },
      helm: {
        binary: FAKE_HELM,
        environment: { FAKE_HELM_STATE_DIR: createTempDir() },
        allowedNamespaces: ['apps', 'team-*'],
        allowWorkspaceCharts: true,
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const dryRun = (
    template: unknown,
    values: Record<string, unknown>,
    directoryContents: DryRunFile[],
  ) => backend.dryRun({ template, values, directoryContents });

  function expectSuccess(result: DryRunResponse) {
    if (result.status !== 200) {
      throw new Error(
        `dry run failed with ${result.status}: ${JSON.stringify(
          result.body.error ?? result.body,
        )}\n${logOf(result)}`,
      );
    }
  }

  it('lists every template in templates/all.yaml', () => {
    const location = yaml.parse(
      fs.readFileSync(path.join(TEMPLATES_DIR, 'all.yaml'), 'utf8'),
    );
    expect(location.spec.targets.sort()).toEqual(
      Object.keys(VALUES)
        .map(name => `./${name}/template.yaml`)
        .sort(),
    );
    for (const name of Object.keys(VALUES)) {
      expect(fs.existsSync(path.join(TEMPLATES_DIR, name, 'README.md'))).toBe(
        true,
      );
    }
  });

  it('names the AWS template as the portal presents it', () => {
    expect(loadTemplate('aws-vm').template.metadata.title).toBe(
      'Virtual machine on AWS with Terraform',
    );
  });

  it.each(['aws-vm', 'azure-vm', 'gcp-vm'])(
    '%s shows the Terraform commands for a tagged virtual machine and runs nothing',
    async name => {
      const { template, directoryContents } = loadTemplate(name);
      const result = await dryRun(template, VALUES[name], directoryContents);
      expectSuccess(result);

      const planLog = logOf(result, 'plan');
      expect(planLog).toContain(
        `Dry run: nothing is executed. terraform is ${FAKE_TERRAFORM}; a real run checks its version first (allowed: 1.9.x)`,
      );
      expect(planLog).toMatch(/Dry run: declared: \w+\.\w+/);
      expect(planLog).toMatch(
        /Dry run: would run in \S+\/terraform: \S+ init -input=false -no-color -backend-config=\S+\/backend\.tfbackend/,
      );
      expect(planLog).toMatch(
        /Dry run: would run in \S+\/terraform: \S+ plan -input=false -json -var-file=\S+ -out=\S+\.tfplan/,
      );
      expect(planLog).toContain('Dry run: nothing ran');
      // The scaffolder prints the rendered input of each step in a dry run:
      // the tags carry entity names the entity provider can resolve.
      expect(planLog).toContain('"owner": "checkout-team"');
      expect(planLog).toContain('"system": "checkout"');

      const applyLog = logOf(result, 'apply');
      expect(applyLog).toContain('terraform:plan saves no plan in a dry run');
      expect(applyLog).toMatch(
        /Dry run: would run in \S+\/terraform: \S+ apply -input=false -json -auto-approve -var-file=\S+/,
      );
      expect(applyLog).not.toMatch(/Creating\.\.\./);
    },
  );

  it('aws-vm takes typed entity names and leaves the component tag empty without a component', async () => {
    const { template, directoryContents } = loadTemplate('aws-vm');
    const { component: _, ...values } = VALUES['aws-vm'];
    const result = await dryRun(
      template,
      { ...values, owner: 'checkout-team', system: 'checkout' },
      directoryContents,
    );
    expectSuccess(result);
    const planLog = logOf(result, 'plan');
    expect(planLog).toContain('"owner": "checkout-team"');
    expect(planLog).toContain('"system": "checkout"');
    expect(planLog).toContain('"component": ""');
  });

  it('ansible-hosts lists the plays and tasks and the command it would run', async () => {
    const { template, directoryContents } = loadTemplate('ansible-hosts');
    const result = await dryRun(
      template,
      VALUES['ansible-hosts'],
      directoryContents,
    );
    expectSuccess(result);
    const log = logOf(result, 'configure');
    expect(log).toContain(
      'Dry run: playbook ansible/site.yaml (nothing in it runs):',
    );
    expect(log).toContain('PLAY [Configure hosts] (hosts: targets)');
    expect(log).toContain('TASK [Install the Docker engine]');
    expect(log).toContain('TASK [Install the node exporter]');
    expect(log).toMatch(
      /Dry run: would write \S+\/inventory\.yaml \(\d+ bytes, mode 0600\): inventory of 1 host\(s\)/,
    );
    expect(log).toMatch(
      /Dry run: would run in \S+\/ansible: \S+ansible-playbook --inventory \S+\/inventory\.yaml --extra-vars @\S+\/extra-vars\.json --user root \S+\/site\.yaml/,
    );
    expect(log).not.toContain('PLAY RECAP');
    expect(result.body.output?.text?.[0].content).toContain(
      'Configured 1 host(s) (dry run: nothing ran)',
    );
  });

  it('helm-service shows the helm command it would run', async () => {
    const { template, directoryContents } = loadTemplate('helm-service');
    const result = await dryRun(
      template,
      VALUES['helm-service'],
      directoryContents,
    );
    expectSuccess(result);
    const log = logOf(result, 'deploy');
    expect(log).toMatch(
      /Dry run: would run in \S+: \S+ upgrade checkout-team-checkout-api \S+\/chart --install --namespace apps --labels multicloud\.io\/owner=group\.default\.checkout-team\.[0-9a-f]{10} --values \S+\/values\.json --timeout 5m --output json --atomic --wait --create-namespace/,
    );
    expect(log).toContain(
      'Release checkout-team-checkout-api in namespace apps: dry-run from chart service-0.1.0',
    );
    expect(log).not.toContain('manifest');
    expect(result.body.output?.text?.[0].content).toContain('dry-run');
  });

  it('full-stack shows the Terraform commands, skips Ansible without an address and writes the catalog file', async () => {
    const { template, directoryContents } = loadTemplate('full-stack');
    const result = await dryRun(
      template,
      VALUES['full-stack'],
      directoryContents,
    );
    expectSuccess(result);
    expect(logOf(result, 'plan')).toMatch(
      /Dry run: declared: .*aws_instance\.vm/,
    );
    expect(logOf(result, 'apply')).toContain(
      'terraform:plan saves no plan in a dry run',
    );
    expect(logOf(result, 'configure')).not.toContain('PLAY');
    const catalogInfo = result.body.directoryContents?.find(
      f => f.path === 'catalog-info.yaml',
    );
    expect(catalogInfo).toBeDefined();
    const entity = yaml.parse(
      Buffer.from(catalogInfo!.base64Content, 'base64').toString('utf8'),
    );
    expect(entity).toEqual(
      expect.objectContaining({
        kind: 'Component',
        metadata: expect.objectContaining({ name: 'checkout-worker' }),
        spec: expect.objectContaining({
          owner: 'group:default/checkout-team',
          system: 'system:default/checkout',
        }),
      }),
    );
    expect(logOf(result, 'plan')).toContain('"component": "checkout-worker"');
  });

  it('rejects an injected argument through the action input schema', async () => {
    const { template, directoryContents } = loadTemplate('aws-vm');
    const tampered = JSON.parse(JSON.stringify(template));
    tampered.spec.steps[1].input.workingDirectory = 'terraform; rm -rf /';
    const result = await dryRun(tampered, VALUES['aws-vm'], directoryContents);
    expect(result.status).toBe(400);
    expect(result.body.error?.message).toContain(
      'Invalid input passed to action terraform:plan',
    );
    expect(logOf(result)).not.toContain('Using terraform');
  });

  describe('issue 9 case 6: templates keep each owner to its own state and release', () => {
    it.each([
      [
        'aws-vm',
        'key multicloud/group/default/checkout-team/aws-vm.checkout-vm.tfstate of backend profile aws',
        'key multicloud/group/default/payments-team/aws-vm.checkout-vm.tfstate of backend profile aws',
      ],
      [
        'azure-vm',
        'key multicloud/group/default/checkout-team/azure-vm.checkout-vm.tfstate of backend profile azure',
        'key multicloud/group/default/payments-team/azure-vm.checkout-vm.tfstate of backend profile azure',
      ],
      [
        'gcp-vm',
        'prefix multicloud/group/default/checkout-team/gcp-vm.shop-prod-123.checkout-vm of backend profile gcp',
        'prefix multicloud/group/default/payments-team/gcp-vm.shop-prod-123.checkout-vm of backend profile gcp',
      ],
      [
        'full-stack',
        'key multicloud/group/default/checkout-team/full-stack.checkout-worker.tfstate of backend profile aws',
        'key multicloud/group/default/payments-team/full-stack.checkout-worker.tfstate of backend profile aws',
      ],
    ])(
      '%s gives two teams that pick the same name two state keys',
      async (name, checkoutKey, paymentsKey) => {
        const { template, directoryContents } = loadTemplate(name);
        for (const [owner, key] of [
          ['group:default/checkout-team', checkoutKey],
          ['group:default/payments-team', paymentsKey],
        ]) {
          const result = await dryRun(
            template,
            { ...VALUES[name], owner },
            directoryContents,
          );
          expectSuccess(result);
          for (const step of ['plan', 'apply']) {
            expect(logOf(result, step)).toContain(`: ${key}`);
          }
        }
      },
    );

    it('helm-service checks the owner of an existing release and refuses a namespace the platform does not allow', async () => {
      const { template, directoryContents } = loadTemplate('helm-service');
      const allowed = await dryRun(
        template,
        VALUES['helm-service'],
        directoryContents,
      );
      expectSuccess(allowed);
      expect(logOf(allowed, 'deploy')).toMatch(
        /Dry run: would run in \S+: \S+ list --namespace apps --all --filter '\^checkout-team-checkout-api\$' --selector 'multicloud\.io\/owner!=group\.default\.checkout-team\.[0-9a-f]{10}' --output json/,
      );

      const refused = await dryRun(
        template,
        { ...VALUES['helm-service'], namespace: 'kube-system' },
        directoryContents,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error?.message).toContain(
        'Namespace kube-system belongs to the cluster itself',
      );
    });

    it('refuses a template that still passes backendConfig, saying what to pass instead', async () => {
      const { template, directoryContents } = loadTemplate('aws-vm');
      const old = JSON.parse(JSON.stringify(template));
      old.spec.steps[1].input.backendConfig = {
        key: 'vms/aws/${{ parameters.name }}.tfstate',
      };
      const result = await dryRun(old, VALUES['aws-vm'], directoryContents);
      expect(result.status).toBe(400);
      expect(result.body.error?.message).toContain(
        'backendConfig is no longer accepted',
      );
      expect(logOf(result)).not.toContain('Dry run: would run');
    });
  });
});
