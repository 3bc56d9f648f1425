import fs from 'node:fs';
import { createIacAction } from '../../lib/createIacAction';
import { IacActionOptions } from '../../lib/types';
import { writePrivateFile } from '../../lib/workspacePaths';
import { terraformInputFingerprint, terraformInputSchema } from './input';
import {
  ensurePrivateDirectory,
  prepareTerraformRun,
  runTerraformOperation,
  savedPlanPaths,
  terraformActionBasis,
  terraformInit,
} from './run';
import { examples } from './terraformPlan.examples';
import {
  changeSummarySchema,
  emptySummary,
  resourceChangeSchema,
} from './uiLog';

/**
 * Creates the `terraform:plan` action: `terraform init` and `terraform plan`
 * in a directory of the workspace. The plan is saved for `terraform:apply` in
 * the same task. A dry run runs nothing: it checks the input and the working
 * directory and logs the command lines and files a real run would use.
 *
 * @public
 */
export function createTerraformPlanAction(options: IacActionOptions) {
  return createIacAction(options, {
    ...terraformActionBasis,
    id: 'terraform:plan',
    description:
      'Runs terraform init and terraform plan in a directory of the workspace and saves the plan for terraform:apply in the same task.',
    examples,
    schema: {
      input: terraformInputSchema,
      output: z =>
        z.object({
          summary: changeSummarySchema(z).describe(
            'Resources to add, change and remove, from the change_summary message.',
          ),
          resourceChanges: z
            .array(resourceChangeSchema(z))
            .describe('Each planned change: resource address and action.'),
          hasChanges: z
            .boolean()
            .describe('Whether the plan changes anything.'),
          dryRun: z
            .boolean()
            .describe(
              'Whether this was a dry run: nothing ran, and the summary and changes are empty.',
            ),
        }),
    },
    async run({ ctx, input, settings, checked, runtime, tmpDir }) {
      const { cwd } = checked;
      const { initArgs, varArgs } = await prepareTerraformRun({
        input,
        settings,
        checked,
        runtime,
        tmpDir,
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
      return {
        summary,
        resourceChanges: report.resourceChanges,
        hasChanges: summary.add + summary.change + summary.remove > 0,
      };
    },
  });
}
