import { createIacAction } from '../../lib/createIacAction';
import { IacActionOptions } from '../../lib/types';
import { terraformInputSchema } from './input';
import {
  prepareTerraformRun,
  runTerraformOperation,
  terraformActionBasis,
  terraformInit,
} from './run';
import { examples } from './terraformDestroy.examples';
import {
  changeSummarySchema,
  emptySummary,
  resourceChangeSchema,
} from './uiLog';

/**
 * Creates the `terraform:destroy` action. A dry run runs nothing: it logs the
 * command lines and files a real run would use.
 *
 * @public
 */
export function createTerraformDestroyAction(options: IacActionOptions) {
  return createIacAction(options, {
    ...terraformActionBasis,
    id: 'terraform:destroy',
    description:
      'Destroys the resources managed by a Terraform configuration in the workspace.',
    examples,
    schema: {
      input: terraformInputSchema,
      output: z =>
        z.object({
          summary: changeSummarySchema(z).describe('Resources destroyed.'),
          resourceChanges: z
            .array(resourceChangeSchema(z))
            .describe('Each resource planned for destruction.'),
          dryRun: z
            .boolean()
            .describe(
              'Whether this was a dry run: nothing ran, and the summary and changes are empty.',
            ),
        }),
    },
    async run({ input, settings, checked, runtime, tmpDir, checkpoint }) {
      const { cwd } = checked;
      const { initArgs, varArgs } = await prepareTerraformRun({
        input,
        settings,
        checked,
        runtime,
        tmpDir,
      });

      const result = await checkpoint(
        `terraform.destroy.${input.workingDirectory}`,
        async () => {
          await terraformInit(runtime, cwd, initArgs);
          const report = await runTerraformOperation(
            runtime,
            cwd,
            'terraform destroy',
            ['destroy', '-input=false', '-json', '-auto-approve', ...varArgs],
          );
          return {
            summary: report.summary ?? emptySummary(),
            resourceChanges: report.resourceChanges,
          };
        },
      );
      if (runtime.dryRun) {
        runtime.logger.info('Dry run: nothing ran, nothing was destroyed');
      }
      return result;
    },
  });
}
