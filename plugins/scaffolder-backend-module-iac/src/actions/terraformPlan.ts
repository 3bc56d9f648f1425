import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs';
import { z } from 'zod';
import { readIacSettings } from '../lib/config';
import { forScaffolder, parseInput } from '../lib/inputSchemas';
import {
  createToolBinaryResolver,
  ToolBinaryResolver,
} from '../lib/toolBinary';
import { writePrivateFile } from '../lib/workspacePaths';
import {
  changeSummarySchema,
  emptySummary,
  ensurePrivateDirectory,
  prepareTerraformRun,
  resourceChangeSchema,
  runTerraformOperation,
  savedPlanPaths,
  terraformInit,
  terraformInputFields,
  terraformInputFingerprint,
} from './terraformCommon';
import { examples } from './terraformPlan.examples';

const ACTION_ID = 'terraform:plan';

const inputSchema = z.object(terraformInputFields);

const outputSchema = z.object({
  summary: changeSummarySchema.describe(
    'Resources to add, change and remove, from the change_summary message.',
  ),
  resourceChanges: z
    .array(resourceChangeSchema)
    .describe('Each planned change: resource address and action.'),
  hasChanges: z.boolean().describe('Whether the plan changes anything.'),
});

/**
 * Options of the Terraform actions.
 *
 * @public
 */
export interface IacActionOptions {
  /** Root config; the actions read `multicloud.iac`. */
  config: Config;
  /** Shared binary resolver, so each version check runs once. */
  binaries?: ToolBinaryResolver;
}

/**
 * Creates the `terraform:plan` action: `terraform init` and `terraform plan`
 * in a directory of the workspace. The plan is saved for `terraform:apply` in
 * the same task. In a dry run the plan is made without a state lock and not
 * saved.
 *
 * @public
 */
export function createTerraformPlanAction(options: IacActionOptions) {
  const settings = readIacSettings(options.config).terraform;
  const binaries = options.binaries ?? createToolBinaryResolver();

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Runs terraform init and terraform plan in a directory of the workspace and saves the plan for terraform:apply in the same task.',
    examples,
    supportsDryRun: true,
    schema: {
      input: forScaffolder(inputSchema),
      output: forScaffolder(outputSchema),
    },
    async handler(ctx) {
      const input = parseInput(inputSchema, ctx.input, ACTION_ID);
      const { cwd, runtime, initArgs, varArgs } = await prepareTerraformRun({
        ctx,
        input,
        settings,
        binaries,
      });
      await terraformInit(runtime, cwd, initArgs);

      const saved = savedPlanPaths(ctx.workspacePath, input.workingDirectory);
      const args = ['plan', '-input=false', '-json', ...varArgs];
      if (ctx.isDryRun) {
        // A preview must not block a real run waiting for the state lock.
        args.push('-lock=false');
      } else {
        await ensurePrivateDirectory(saved.dir);
        await fs.promises.rm(saved.planFile, { force: true });
        args.push(`-out=${saved.planFile}`);
      }
      const report = await runTerraformOperation(
        runtime,
        cwd,
        'terraform plan',
        args,
      );

      if (!ctx.isDryRun) {
        await fs.promises.chmod(saved.planFile, 0o600).catch(() => {});
        await writePrivateFile(
          saved.metadataFile,
          JSON.stringify({
            workingDirectory: input.workingDirectory,
            fingerprint: terraformInputFingerprint(input),
          }),
        );
        runtime.logger.info(
          'Plan saved; terraform:apply in this task applies exactly this plan',
        );
      } else {
        runtime.logger.info(
          'Dry run: plan made without a state lock, not saved',
        );
      }

      const summary = report.summary ?? emptySummary();
      ctx.output('summary', summary);
      ctx.output('resourceChanges', report.resourceChanges);
      ctx.output(
        'hasChanges',
        summary.add + summary.change + summary.remove > 0,
      );
    },
  });
}
