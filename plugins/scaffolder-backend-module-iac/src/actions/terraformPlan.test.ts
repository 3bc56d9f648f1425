import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  everythingVisible,
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

  it('plans without a lock and saves nothing in a dry run', async () => {
    const workspace = createTerraformWorkspace();
    const action = createTerraformPlanAction({ config: terraformConfig() });
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      input: { workingDirectory: 'terraform', variables: { name: 'web-1' } },
    });
    expect(result.error).toBeUndefined();
    const plan = terraformCalls(workspace)[1];
    expect(plan.args).toContain('-lock=false');
    // Providers go to a data directory outside the workspace, which a dry
    // run returns to the browser.
    expect(plan.env.TF_DATA_DIR).toBeDefined();
    expect(plan.env.TF_DATA_DIR.startsWith(workspace)).toBe(false);
    expect(plan.args.some((a: string) => a.startsWith('-out='))).toBe(false);
    expect(fs.existsSync(path.join(workspace, '.iac'))).toBe(false);
    expect(result.text).toContain('Dry run');
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
