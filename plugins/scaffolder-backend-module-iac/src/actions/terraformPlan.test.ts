import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  everythingVisible,
  FAKE_TERRAFORM,
  iacConfig,
  runAction,
} from '../__testUtils__/testContext';
import {
  createTerraformWorkspace,
  terraformCalls,
  terraformConfig,
} from '../__testUtils__/terraformWorkspace';
import { createToolBinaryResolver } from '../lib/toolBinary';
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
        backendConfig: { key: 'vms/web-1.tfstate' },
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
      'bucket = "state-bucket"\nregion = "eu-west-1"\nkey = "vms/web-1.tfstate"\n',
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
        backendConfig: { key: 'vms/web-1.tfstate' },
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
