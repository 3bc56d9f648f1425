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
  dryRun: z
    .boolean()
    .describe(
      'Whether this was a dry run: nothing ran, and the summary and changes are empty.',
    ),
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
 * the same task. A dry run runs nothing: it checks the input and the working
 * directory and logs the command lines and files a real run would use.
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
        actionId: ACTION_ID,
      });
      await terraformInit(runtime, cwd, initArgs);

      const saved = savedPlanPaths(ctx.workspacePath, input.workingDirectory);
      if (!runtime.dryRun) {
        await ensurePrivateDirectory(saved.dir);
        await fs.promises.rm(saved.planFile, { force: true });
      }
      const report = await runTerraformOperation(
        runtime,
        cwd,
        'terraform plan',
        ['plan', '-input=false', '-json', ...varArgs, `-out=${saved.planFile}`],
      );

      if (runtime.dryRun) {
        runtime.logger.info(
          'Dry run: nothing ran; a real run saves the plan for terraform:apply in this task',
        );
      } else {
        await fs.promises.chmod(saved.planFile, 0o600).catch(() => {});
        await writePrivateFile(
          saved.metadataFile,
          JSON.stringify({
            taskId: ctx.task.id,
            workingDirectory: input.workingDirectory,
            fingerprint: terraformInputFingerprint(input),
          }),
        );
        runtime.logger.info(
          'Plan saved; terraform:apply in this task applies exactly this plan',
        );
      }

      const summary = report.summary ?? emptySummary();
      ctx.output('summary', summary);
      ctx.output('resourceChanges', report.resourceChanges);
      ctx.output(
        'hasChanges',
        summary.add + summary.change + summary.remove > 0,
      );
      ctx.output('dryRun', runtime.dryRun);
    },
  });
}
