import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  everythingVisible,
  FAKE_TERRAFORM,
  iacConfig,
  runAction,
} from '../../__testUtils__/testContext';
import {
  createTerraformWorkspace,
  terraformCalls,
  terraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { createToolBinaryResolver } from '../../lib/toolBinary';
import { createTerraformPlanAction } from './terraformPlan';

jest.setTimeout(30_000);

describe('terraform:plan', () => {
  it('initializes, plans with a private var file and reports the changes as readable lines', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        workingDirectory: 'terraform',
        variables: { name: 'web-1' },
        backend: 'aws',
        owner: 'group:default/checkout-team',
        name: 'web-1',
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.text).toContain('info: Using terraform 1.9.8');
    expect(result.text).toContain(
      'Terraform has been successfully initialized!',
    );
    expect(result.text).toContain('info: aws_instance.vm: Plan to create');
    expect(result.text).toContain(
      'info: Plan: 2 to add, 0 to change, 0 to destroy.',
    );
    expect(result.text).not.toContain('"@level"');
    expect(result.outputs).toEqual({
      summary: { add: 2, change: 0, remove: 0 },
      resourceChanges: [
        { address: 'aws_instance.vm', action: 'create' },
        { address: 'aws_security_group.vm', action: 'create' },
      ],
      hasChanges: true,
      dryRun: false,
    });

    const [init, plan] = terraformCalls(workspace);
    expect(init.args.slice(0, 3)).toEqual([
      'init',
      '-input=false',
      '-no-color',
    ]);
    expect(init.backendFiles[0].mode).toBe('600');
    expect(init.backendFiles[0].content).toBe(
      'bucket = "state-bucket"\nregion = "eu-west-1"\nkey = "multicloud/group/default/checkout-team/web-1.tfstate"\n',
    );
    expect(plan.args[0]).toBe('plan');
    expect(plan.args).toContain('-json');
    expect(plan.varFiles).toEqual([
      expect.objectContaining({ mode: '600', content: { name: 'web-1' } }),
    ]);
    expect(plan.env).toEqual({ TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
    // The plan is saved for terraform:apply, readable by the backend only.
    const planArg = plan.args.find((a: string) => a.startsWith('-out='));
    expect(planArg).toBeDefined();
    const planFile = planArg.slice('-out='.length);
    expect(planFile.startsWith(path.join(workspace, '.iac'))).toBe(true);
    expect(fs.statSync(planFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(planFile)).mode & 0o777).toBe(0o700);
  });

  it('fails with the error diagnostic of Terraform', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform' },
    });
    expect(result.error?.message).toBe(
      'terraform plan failed (exit code 1): Error: No value for required variable: The root module input variable "name" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable. (main.tf:1)',
    );
    expect(result.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          'Error: No value for required variable',
        ),
      }),
    );
  });

  it('reports a failing init with its stderr', async () => {
    const workspace = createTerraformWorkspace({
      'fake-terraform.json': JSON.stringify({
        fail: { command: 'init', summary: 'Failed to get existing workspaces' },
      }),
    });
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform', variables: { name: 'x' } },
    });
    expect(result.error?.message).toBe(
      'terraform init failed (exit code 1): Error: Failed to get existing workspaces',
    );
    expect(result.text).toContain(
      'error: Error: Failed to get existing workspaces',
    );
  });

  it('masks task secrets and sensitive variables wherever the tool echoes them', async () => {
    const workspace = createTerraformWorkspace({
      'fake-terraform.json': JSON.stringify({ echoVariables: true }),
    });
    const secret = 'p@ss "w0rd"/+=';
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      secrets: { token: 'tok-123456' },
      input: {
        workingDirectory: 'terraform',
        variables: { name: 'tok-123456' },
        sensitiveVariables: { admin_password: secret },
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.text).toContain('provider debug: variables');
    const visible = everythingVisible(result);
    expect(visible).not.toContain('tok-123456');
    expect(visible).not.toContain(secret);
    expect(visible).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(result.text).toContain('"admin_password":"***"');
  });

  it('rejects a working directory outside the workspace', async () => {
    const workspace = createTerraformWorkspace();
    const outside = createTempDir();
    fs.symlinkSync(outside, path.join(workspace, 'elsewhere'));
    const action = createTerraformPlanAction({ config: terraformConfig() });
    for (const workingDirectory of ['../x', '/etc', 'elsewhere']) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input: { workingDirectory },
      });
      expect(result.error?.name).toBe('InputError');
    }
    expect(terraformCalls(workspace)).toEqual([]);
  });

  it('refuses an unknown backend profile', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform', backend: 'gcp' },
    });
    expect(result.error?.message).toContain(
      'multicloud.iac.terraform.backends.gcp',
    );
  });

  it('names the config key to set when the binary is missing', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({
      config: iacConfig({ terraform: { binary: 'terraform-not-installed' } }),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform' },
    });
    expect(result.error?.message).toBe(
      "Cannot run terraform: 'terraform-not-installed' was not found on PATH. Install it or set multicloud.iac.terraform.binary to the path of the binary.",
    );
  });

  it('refuses a binary whose version is not allowed', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({
      config: terraformConfig({ allowedVersions: ['1.5.x'] }),
      binaries: createToolBinaryResolver(),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform' },
    });
    expect(result.error?.message).toContain('terraform 1.9.8 at');
    expect(result.error?.message).toContain(
      'is not allowed by multicloud.iac.terraform.allowedVersions (1.5.x)',
    );
  });
});

describe('issue 9 case 1: a terraform:plan dry run executes nothing', () => {
  it('checks the working directory and logs the command lines and files of a real run', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({
      config: terraformConfig({ allowedVersions: ['1.9.x'] }),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      secrets: { token: 'tok-dry-run-7' },
      input: {
        workingDirectory: 'terraform',
        variables: { name: 'web-1' },
        sensitiveVariables: { admin_password: 'tok-dry-run-7' },
        backend: 'aws',
        owner: 'group:default/checkout-team',
        name: 'web-1',
      },
    });

    expect(result.error).toBeUndefined();
    expect(terraformCalls(workspace)).toEqual([]);
    expect(fs.existsSync(path.join(workspace, '.iac'))).toBe(false);
    expect(result.checkpoints).toEqual([]);
    expect(result.text).not.toContain('Using terraform');
    expect(result.text).toContain(
      `info: Dry run: nothing is executed. terraform is ${FAKE_TERRAFORM}; a real run checks its version first (allowed: 1.9.x)`,
    );
    expect(result.text).toContain(
      'info: Dry run: configuration files in terraform: main.tf',
    );
    expect(result.text).toContain(
      'info: Dry run: declared: aws_instance.vm, aws_security_group.vm',
    );
    expect(result.text).toMatch(
      /Dry run: would write \S+\/variables\.tfvars\.json \(\d+ bytes, mode 0600\): 2 input variable\(s\)/,
    );
    expect(result.text).toMatch(
      /Dry run: would write \S+\/backend\.tfbackend \(\d+ bytes, mode 0600\): backend settings bucket, region, key/,
    );
    const cwd = path.join(workspace, 'terraform');
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in ${cwd}: ${FAKE_TERRAFORM} init -input=false -no-color -backend-config=\\S+/backend\\.tfbackend`,
      ),
    );
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in ${cwd}: ${FAKE_TERRAFORM} plan -input=false -json -var-file=\\S+/variables\\.tfvars\\.json -out=${workspace}/\\.iac/terraform/[0-9a-f]+\\.tfplan`,
      ),
    );
    expect(everythingVisible(result)).not.toContain('tok-dry-run-7');
    expect(result.outputs).toEqual({
      summary: { add: 0, change: 0, remove: 0 },
      resourceChanges: [],
      hasChanges: false,
      dryRun: true,
    });
  });

  it('refuses a working directory without Terraform files', async () => {
    const workspace = createTerraformWorkspace();
    fs.mkdirSync(path.join(workspace, 'empty'));
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      input: { workingDirectory: 'empty' },
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toBe(
      'workingDirectory empty holds no Terraform configuration (*.tf or *.tf.json files)',
    );
  });
});

describe('issue 9 case 6: Terraform state belongs to its owner', () => {
  const config = terraformConfig({
    backends: {
      aws: { bucket: 'state-bucket', region: 'eu-west-1' },
      gcp: {
        bucket: 'state-bucket',
        keyPrefix: 'platform/tfstate',
        keySetting: 'prefix',
      },
    },
  });
  const action = createTerraformPlanAction({ config });

  async function planFor(owner: string, name: string, backend = 'aws') {
    const workspace = createTerraformWorkspace();
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        workingDirectory: 'terraform',
        variables: { name },
        backend,
        owner,
        name,
      },
    });
    expect(result.error).toBeUndefined();
    const [init] = terraformCalls(workspace);
    expect(init.args[0]).toBe('init');
    return { result, backendFile: init.backendFiles[0].content as string };
  }

  it('gives two owners who pick the same name two different state keys', async () => {
    const checkout = await planFor('group:default/checkout-team', 'web-1');
    const payments = await planFor('group:default/payments-team', 'web-1');
    expect(checkout.backendFile).toBe(
      'bucket = "state-bucket"\nregion = "eu-west-1"\nkey = "multicloud/group/default/checkout-team/web-1.tfstate"\n',
    );
    expect(payments.backendFile).toBe(
      'bucket = "state-bucket"\nregion = "eu-west-1"\nkey = "multicloud/group/default/payments-team/web-1.tfstate"\n',
    );
    expect(checkout.result.text).toContain(
      'info: State of group:default/checkout-team / web-1: key multicloud/group/default/checkout-team/web-1.tfstate of backend profile aws',
    );
  });

  it('reads the owner as the OwnerPicker gives it, and uses the profile key prefix and setting', async () => {
    const typed = await planFor('Checkout-Team', 'aws-vm.web-1');
    expect(typed.backendFile).toContain(
      'key = "multicloud/group/default/checkout-team/aws-vm.web-1.tfstate"',
    );
    const gcs = await planFor('user:partners/jane.doe', 'web-1', 'gcp');
    expect(gcs.backendFile).toBe(
      'bucket = "state-bucket"\nprefix = "platform/tfstate/user/partners/jane.doe/web-1"\n',
    );
  });

  it('refuses the backendConfig input, saying what to pass instead, before anything runs', async () => {
    const workspace = createTerraformWorkspace();
    for (const isDryRun of [false, true]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        isDryRun,
        input: {
          workingDirectory: 'terraform',
          variables: { name: 'web-1' },
          backend: 'aws',
          owner: 'group:default/checkout-team',
          name: 'web-1',
          backendConfig: { key: 'vms/payments-team/web-1.tfstate' },
        },
      });
      expect(result.error?.name).toBe('InputError');
      expect(result.error?.message).toBe(
        'backendConfig is no longer accepted: backend settings come only from the profile multicloud.iac.terraform.backends.<backend> in app-config, and the state key is derived from owner and name. Remove backendConfig and pass backend (the profile), owner (for example ${{ parameters.owner }}) and name (unique per owner) to terraform:plan',
      );
      expect(result.logs).toEqual([]);
    }
    expect(terraformCalls(workspace)).toEqual([]);
  });

  it('never lets the name or the owner lead the key out of the owner directory', async () => {
    const workspace = createTerraformWorkspace();
    const base = {
      workingDirectory: 'terraform',
      variables: { name: 'web-1' },
      backend: 'aws',
    };
    const owner = 'group:default/checkout-team';
    for (const name of [
      '../payments-team/web-1',
      '..',
      'web-1/../../x',
      'a/b',
      '.hidden',
      'a..b',
      'web-1.',
      '/etc/passwd',
      'Web-1',
      '',
    ]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input: { ...base, owner, name },
      });
      expect({ name, error: result.error?.message }).toEqual({
        name,
        error: expect.stringMatching(/^Invalid input to terraform:plan: name:/),
      });
    }
    for (const bad of [
      'group:default/..',
      'group:../payments-team',
      'group:default/checkout-team/../../x',
      'group:default/a/b',
      'group:',
      '-group:default/x',
    ]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input: { ...base, owner: bad, name: 'web-1' },
      });
      expect({ bad, error: result.error?.message }).toEqual({
        bad,
        error: expect.stringMatching(
          /^Invalid input to terraform:plan: owner:/,
        ),
      });
    }
    const component = await runAction(action, {
      workspacePath: workspace,
      input: { ...base, owner: 'component:default/checkout-api', name: 'x' },
    });
    expect(component.error?.name).toBe('InputError');
    expect(component.error?.message).toBe(
      'owner must be a group or user, not a component: component:default/checkout-api',
    );
    expect(terraformCalls(workspace)).toEqual([]);
  });

  it('needs owner and name with a backend profile, and a backend profile with them', async () => {
    const workspace = createTerraformWorkspace();
    const withoutOwner = await runAction(action, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform', backend: 'aws', name: 'web-1' },
    });
    expect(withoutOwner.error?.message).toBe(
      'terraform:plan with backend aws needs owner (the owning group or user, for example ${{ parameters.owner }}) and name (unique per owner): the state key is derived from them',
    );
    const withoutBackend = await runAction(action, {
      workspacePath: workspace,
      input: {
        workingDirectory: 'terraform',
        owner: 'group:default/checkout-team',
        name: 'web-1',
      },
    });
    expect(withoutBackend.error?.message).toBe(
      'owner and name make the state key of a backend profile; pass backend as well (a profile under multicloud.iac.terraform.backends)',
    );
    expect(terraformCalls(workspace)).toEqual([]);
  });
});

describe('issue 9 case 6: symbolic links in the Terraform folder', () => {
  const input = { workingDirectory: 'terraform', variables: { name: 'x' } };
  const outside = createTempDir();
  fs.writeFileSync(path.join(outside, 'id_rsa'), 'PRIVATE KEY');
  const links: Array<[string, (workspace: string) => void]> = [
    [
      'terraform/key.txt',
      workspace =>
        fs.symlinkSync(
          path.join(outside, 'id_rsa'),
          path.join(workspace, 'terraform', 'key.txt'),
        ),
    ],
    [
      'terraform/modules/vpc',
      workspace => {
        fs.mkdirSync(path.join(workspace, 'terraform', 'modules'));
        fs.symlinkSync(
          outside,
          path.join(workspace, 'terraform', 'modules', 'vpc'),
        );
      },
    ],
    [
      // A link that stays in the workspace is refused all the same.
      'terraform/copy.tf',
      workspace =>
        fs.symlinkSync(
          path.join(workspace, 'terraform', 'main.tf'),
          path.join(workspace, 'terraform', 'copy.tf'),
        ),
    ],
  ];

  it.each([false, true])(
    'refuses a link to a file or a folder anywhere in the working directory, naming it (dry run: %s)',
    async isDryRun => {
      const action = createTerraformPlanAction({ config: terraformConfig() });
      for (const [link, make] of links) {
        const workspace = createTerraformWorkspace();
        make(workspace);
        const result = await runAction(action, {
          workspacePath: workspace,
          input,
          isDryRun,
        });
        expect(result.error?.name).toBe('InputError');
        expect(result.error?.message).toBe(
          `workingDirectory terraform holds the symbolic link ${link}; symbolic links are not allowed in the folders a tool runs on: replace it with the file or folder it points to`,
        );
        expect(terraformCalls(workspace)).toEqual([]);
      }
    },
  );

  it('refuses a working directory reached through a link', async () => {
    const workspace = createTerraformWorkspace();
    fs.symlinkSync(
      path.join(workspace, 'terraform'),
      path.join(workspace, 'infra'),
    );
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { ...input, workingDirectory: 'infra' },
    });
    expect(result.error?.message).toBe(
      'workingDirectory infra passes through the symbolic link infra; symbolic links are not allowed in the folders a tool runs on: put the files themselves there',
    );
  });

  it('accepts only the provider links terraform init makes into the plugin cache', async () => {
    const cache = createTempDir('iac-plugin-cache-');
    const cached = path.join(
      cache,
      'registry.terraform.io/hashicorp/aws/5.0.0',
    );
    fs.mkdirSync(path.join(cached, 'linux_amd64'), { recursive: true });
    const action = createTerraformPlanAction({
      config: terraformConfig({
        environment: { TF_PLUGIN_CACHE_DIR: cache },
      }),
    });
    const workspace = createTerraformWorkspace();
    const providers = path.join(
      workspace,
      'terraform/.terraform/providers/registry.terraform.io/hashicorp/aws/5.0.0',
    );
    fs.mkdirSync(providers, { recursive: true });
    fs.symlinkSync(
      path.join(cached, 'linux_amd64'),
      path.join(providers, 'linux_amd64'),
    );
    const cachedLink = await runAction(action, {
      workspacePath: workspace,
      input,
    });
    expect(cachedLink.error).toBeUndefined();

    fs.symlinkSync(outside, path.join(providers, 'linux_arm64'));
    const elsewhere = await runAction(action, {
      workspacePath: workspace,
      input,
    });
    expect(elsewhere.error?.message).toContain(
      'holds the symbolic link terraform/.terraform/providers/registry.terraform.io/hashicorp/aws/5.0.0/linux_arm64;',
    );
  });
});
