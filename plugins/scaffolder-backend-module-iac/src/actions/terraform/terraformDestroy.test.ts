import fs from 'node:fs';
import path from 'node:path';
import { FAKE_TERRAFORM, runAction } from '../../__testUtils__/testContext';
import {
  createTerraformWorkspace,
  terraformCalls,
  terraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { createTerraformApplyAction } from './terraformApply';
import { createTerraformDestroyAction } from './terraformDestroy';

jest.setTimeout(30_000);

describe('terraform:destroy', () => {
  const config = terraformConfig();
  const input = { workingDirectory: 'terraform', variables: { name: 'web-1' } };

  async function appliedWorkspace() {
    const workspace = createTerraformWorkspace();
    const applied = await runAction(createTerraformApplyAction({ config }), {
      workspacePath: workspace,
      input,
    });
    expect(applied.error).toBeUndefined();
    return workspace;
  }

  it('destroys what the configuration manages', async () => {
    const workspace = await appliedWorkspace();
    const result = await runAction(createTerraformDestroyAction({ config }), {
      workspacePath: workspace,
      input,
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['terraform.destroy.terraform']);
    expect(result.text).toContain('info: aws_instance.vm: Destroying...');
    expect(result.text).toContain(
      'info: Destroy complete! Resources: 2 destroyed.',
    );
    expect(result.outputs.summary).toEqual({ add: 0, change: 0, remove: 2 });
    const destroyCall = terraformCalls(workspace).pop();
    expect(destroyCall.args.slice(0, 4)).toEqual([
      'destroy',
      '-input=false',
      '-json',
      '-auto-approve',
    ]);
    expect(
      fs.existsSync(path.join(workspace, 'terraform', 'terraform.tfstate')),
    ).toBe(false);
  });

  it('issue 9 case 1: runs nothing in a dry run and logs the destroy command', async () => {
    const workspace = await appliedWorkspace();
    const callsBefore = terraformCalls(workspace).length;
    const result = await runAction(createTerraformDestroyAction({ config }), {
      workspacePath: workspace,
      input,
      isDryRun: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(terraformCalls(workspace)).toHaveLength(callsBefore);
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in ${path.join(
          workspace,
          'terraform',
        )}: ${FAKE_TERRAFORM} destroy -input=false -json -auto-approve -var-file=\\S+`,
      ),
    );
    expect(result.text).toContain(
      'Dry run: nothing ran, nothing was destroyed',
    );
    expect(result.outputs).toEqual({
      summary: { add: 0, change: 0, remove: 0 },
      resourceChanges: [],
      dryRun: true,
    });
    expect(
      fs.existsSync(path.join(workspace, 'terraform', 'terraform.tfstate')),
    ).toBe(true);
  });
});
