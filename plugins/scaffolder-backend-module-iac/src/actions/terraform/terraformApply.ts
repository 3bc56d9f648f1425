import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { createIacAction } from '../../lib/createIacAction';
import { IacActionOptions } from '../../lib/types';
import { terraformInputFingerprint, terraformInputSchema } from './input';
import {
  prepareTerraformRun,
  readTerraformOutputs,
  runTerraformOperation,
  savedPlanPaths,
  terraformActionBasis,
  terraformInit,
} from './run';
import { examples } from './terraformApply.examples';
import {
  changeSummarySchema,
  emptySummary,
  resourceChangeSchema,
} from './uiLog';

/**
 * Creates the `terraform:apply` action. When `terraform:plan` ran for the same
 * working directory earlier in the task, exactly that saved plan is applied;
 * otherwise Terraform plans and applies in one go. A dry run runs nothing: it
 * logs the command lines and files a real run would use.
 *
 * @public
 */
export function createTerraformApplyAction(options: IacActionOptions) {
  return createIacAction(options, {
    ...terraformActionBasis,
    id: 'terraform:apply',
    description:
      'Applies Terraform changes: the plan saved by terraform:plan in this task when there is one, else a fresh plan. Returns the change summary and non-sensitive outputs.',
    examples,
    schema: {
      input: terraformInputSchema,
      output: z =>
        z.object({
          summary: changeSummarySchema(z).describe(
            'Resources added, changed and removed.',
          ),
          resourceChanges: z
            .array(resourceChangeSchema(z))
            .describe(
              'The changes of the applied plan: resource address and action.',
            ),
          outputs: z
            .record(z.unknown())
            .describe(
              'Values of the non-sensitive root module outputs (`terraform output -json`). Sensitive outputs are never returned.',
            ),
          appliedSavedPlan: z
            .boolean()
            .describe(
              'Whether the plan saved by terraform:plan in this task was applied.',
            ),
          dryRun: z
            .boolean()
            .describe(
              'Whether this was a dry run: nothing ran, and the other outputs are empty.',
            ),
        }),
    },
    async run({ ctx, input, settings, checked, runtime, tmpDir, checkpoint }) {
      const { cwd } = checked;
      const { initArgs, varArgs } = await prepareTerraformRun({
        input,
        settings,
        checked,
        runtime,
        tmpDir,
      });

      const saved = savedPlanPaths(ctx.workspacePath, input.workingDirectory);
      const metadata = await fs.promises
        .readFile(saved.metadataFile, 'utf8')
        .then(
          text => JSON.parse(text) as { taskId?: string; fingerprint?: string },
        )
        .catch(() => undefined);
      // The workspace starts as the template's files: a plan this task did
      // not make (shipped with the template, say) is never applied.
      if (metadata && metadata.taskId !== ctx.task.id) {
        throw new InputError(
          `${path.relative(
            ctx.workspacePath,
            saved.dir,
          )} holds a Terraform plan that terraform:plan did not save in this task; remove that folder from the template's files`,
        );
      }
      const hasSavedPlan =
        metadata !== undefined &&
        (await fs.promises.stat(saved.planFile).then(
          s => s.isFile(),
          () => false,
        ));
      const givesInput =
        input.variables !== undefined ||
        input.sensitiveVariables !== undefined ||
        input.backend !== undefined ||
        input.owner !== undefined ||
        input.name !== undefined;
      if (
        hasSavedPlan &&
        givesInput &&
        metadata?.fingerprint !== terraformInputFingerprint(input)
      ) {
        throw new InputError(
          'The variables, backend, owner or name differ from those of the plan saved by terraform:plan in this task; pass the same values, or none to apply the saved plan',
        );
      }

      if (runtime.dryRun && !hasSavedPlan) {
        runtime.logger.info(
          'Dry run: terraform:plan saves no plan in a dry run, so these are the commands of an apply without one; after a real terraform:plan in the same task, the saved plan is applied instead',
        );
      }
      return checkpoint(
        `terraform.apply.${input.workingDirectory}`,
        async () => {
          // terraform:plan initialized the directory with its backend settings;
          // a second init without them would look like a backend change.
          if (!hasSavedPlan) {
            await terraformInit(runtime, cwd, initArgs);
          }
          const args = hasSavedPlan
            ? ['apply', '-input=false', '-json', saved.planFile]
            : ['apply', '-input=false', '-json', '-auto-approve', ...varArgs];
          runtime.logger.info(
            hasSavedPlan
              ? 'Applying the plan saved by terraform:plan in this task'
              : 'No saved plan for this directory: planning and applying',
          );
          const report = await runTerraformOperation(
            runtime,
            cwd,
            'terraform apply',
            args,
          );
          if (hasSavedPlan && !runtime.dryRun) {
            // A saved plan cannot be applied twice; Terraform would call it stale.
            await fs.promises.rm(saved.planFile, { force: true });
            await fs.promises.rm(saved.metadataFile, { force: true });
          }
          const outputs = await readTerraformOutputs(runtime, cwd);
          return {
            summary: report.summary ?? emptySummary(),
            resourceChanges: report.resourceChanges,
            outputs,
            appliedSavedPlan: hasSavedPlan && !runtime.dryRun,
          };
        },
      );
    },
  });
}
