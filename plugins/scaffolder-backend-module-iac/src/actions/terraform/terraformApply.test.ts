import fs from 'node:fs';
import path from 'node:path';
import {
  everythingVisible,
  FAKE_TERRAFORM,
  runAction,
} from '../../__testUtils__/testContext';
import {
  createTerraformWorkspace,
  terraformCalls,
  terraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { createTerraformApplyAction } from './terraformApply';
import { createTerraformPlanAction } from './terraformPlan';

jest.setTimeout(30_000);

describe('terraform:apply', () => {
  const config = terraformConfig();
  const plan = createTerraformPlanAction({ config });
  const apply = createTerraformApplyAction({ config });
  const planInput = {
    workingDirectory: 'terraform',
    variables: { name: 'web-1' },
    sensitiveVariables: { admin_password: 'correct-horse-battery' },
    backend: 'aws',
    owner: 'group:default/checkout-team',
    name: 'web-1',
  };

  it('applies the plan saved by terraform:plan and returns only non-sensitive outputs', async () => {
    const workspace = createTerraformWorkspace();
    expect(
      (await runAction(plan, { workspacePath: workspace, input: planInput }))
        .error,
    ).toBeUndefined();

    const result = await runAction(apply, {
      workspacePath: workspace,
      input: { workingDirectory: 'terraform' },
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['terraform.apply.terraform']);
    expect(result.text).toContain(
      'Applying the plan saved by terraform:plan in this task',
    );
    expect(result.text).toContain('info: aws_instance.vm: Creating...');
    expect(result.text).toContain(
      'info: aws_instance.vm: Creation complete after 1s [id=i-0a1b2c3d4e5f67890]',
    );
    expect(result.text).toContain(
      'info: Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
    );
    expect(result.text).toContain('sensitive outputs withheld: admin_password');
    expect(result.outputs).toEqual({
      summary: { add: 2, change: 0, remove: 0 },
      resourceChanges: [],
      outputs: { public_ip: '203.0.113.10' },
      appliedSavedPlan: true,
      dryRun: false,
    });
    expect(everythingVisible(result)).not.toContain('correct-horse-battery');

    const calls = terraformCalls(workspace).map(c => c.args);
    const applyCall = calls.find(args => args[0] === 'apply');
    expect(applyCall).toEqual([
      'apply',
      '-input=false',
      '-json',
      expect.stringMatching(/\.tfplan$/),
    ]);
    // The saved plan is used up.
    expect(fs.readdirSync(path.join(workspace, '.iac', 'terraform'))).toEqual(
      [],
    );
    expect(calls[calls.length - 1]).toEqual(['output', '-json', '-no-color']);
  });

  it('accepts the same input as the plan and refuses different input', async () => {
    const workspace = createTerraformWorkspace();
    await runAction(plan, { workspacePath: workspace, input: planInput });

    const different = await runAction(apply, {
      workspacePath: workspace,
      input: { ...planInput, variables: { name: 'web-2' } },
    });
    expect(different.error?.name).toBe('InputError');
    expect(different.error?.message).toContain('differ from those of the plan');

    const same = await runAction(apply, {
      workspacePath: workspace,
      input: planInput,
    });
    expect(same.error).toBeUndefined();
    expect(same.outputs.appliedSavedPlan).toBe(true);
  });

  it('never applies a plan that another task saved, such as one shipped with the template', async () => {
    const workspace = createTerraformWorkspace();
    await runAction(plan, {
      workspacePath: workspace,
      input: planInput,
      taskId: 'an-earlier-task',
    });

    const result = await runAction(apply, {
      workspacePath: workspace,
      input: planInput,
      taskId: 'this-task',
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toBe(
      ".iac/terraform holds a Terraform plan that terraform:plan did not save in this task; remove that folder from the template's files",
    );
    expect(terraformCalls(workspace).map(c => c.args[0])).not.toContain(
      'apply',
    );
  });

  it('plans and applies in one go when there is no saved plan', async () => {
    const workspace = createTerraformWorkspace();
    const result = await runAction(apply, {
      workspacePath: workspace,
      input: planInput,
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs.appliedSavedPlan).toBe(false);
    const applyCall = terraformCalls(workspace).find(
      c => c.args[0] === 'apply',
    );
    expect(applyCall.args).toContain('-auto-approve');
    expect(applyCall.varFiles[0].mode).toBe('600');
  });

  it('issue 9 case 1: runs nothing in a dry run and logs the commands of a real apply', async () => {
    const workspace = createTerraformWorkspace();
    const result = await runAction(apply, {
      workspacePath: workspace,
      input: planInput,
      isDryRun: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(terraformCalls(workspace)).toEqual([]);
    expect(result.text).toContain('terraform:plan saves no plan in a dry run');
    const cwd = path.join(workspace, 'terraform');
    expect(result.text).toContain(
      `Dry run: would run in ${cwd}: ${FAKE_TERRAFORM} init`,
    );
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in ${cwd}: ${FAKE_TERRAFORM} apply -input=false -json -auto-approve -var-file=\\S+`,
      ),
    );
    expect(result.text).toContain(
      `Dry run: would run in ${cwd}: ${FAKE_TERRAFORM} output -json -no-color`,
    );
    expect(everythingVisible(result)).not.toContain('correct-horse-battery');
    expect(result.outputs).toEqual({
      summary: { add: 0, change: 0, remove: 0 },
      resourceChanges: [],
      outputs: {},
      appliedSavedPlan: false,
      dryRun: true,
    });
  });

  it('fails with the diagnostic of a failed apply', async () => {
    const workspace = createTerraformWorkspace({
      'fake-terraform.json': JSON.stringify({
        fail: {
          command: 'apply',
          summary: 'creating EC2 Instance: UnauthorizedOperation',
          detail: 'You are not authorized to perform this operation.',
        },
      }),
    });
    const result = await runAction(apply, {
      workspacePath: workspace,
      input: planInput,
    });
    expect(result.error?.message).toBe(
      'terraform apply failed (exit code 1): Error: creating EC2 Instance: UnauthorizedOperation: You are not authorized to perform this operation. (main.tf:1)',
    );
  });

  it('stops Terraform when the task is cancelled and says so', async () => {
    const workspace = createTerraformWorkspace({
      'fake-terraform.json': JSON.stringify({
        sleep: { command: 'apply', seconds: 30 },
      }),
    });
    const controller = new AbortController();
    const running = runAction(apply, {
      workspacePath: workspace,
      input: planInput,
      signal: controller.signal,
    });
    await waitFor(() =>
      terraformCalls(workspace).some(c => c.args[0] === 'apply'),
    );
    await new Promise(r => setTimeout(r, 1500));
    controller.abort();
    const result = await running;
    expect(result.error?.message).toMatch(
      /^terraform apply was cancelled: stopped after SIGINT/,
    );
    expect(result.text).toContain(
      'warn: Task cancelled: sending SIGINT to terraform apply',
    );
    expect(result.text).toContain('Interrupt received.');
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error('condition not reached');
    }
    await new Promise(r => setTimeout(r, 50));
  }
}
