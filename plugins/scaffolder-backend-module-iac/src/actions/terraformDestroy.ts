import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod';
import { readIacSettings } from '../lib/config';
import { forScaffolder, parseInput } from '../lib/inputSchemas';
import { createToolBinaryResolver } from '../lib/toolBinary';
import {
  changeSummarySchema,
  emptySummary,
  prepareTerraformRun,
  resourceChangeSchema,
  runTerraformOperation,
  terraformInit,
  terraformInputFields,
} from './terraformCommon';
import { examples } from './terraformDestroy.examples';
import { IacActionOptions } from './terraformPlan';

const ACTION_ID = 'terraform:destroy';

const inputSchema = z.object(terraformInputFields);

const outputSchema = z.object({
  summary: changeSummarySchema.describe(
    'Resources destroyed (planned for destruction, in a dry run).',
  ),
  resourceChanges: z
    .array(resourceChangeSchema)
    .describe('Each resource planned for destruction.'),
});

/**
 * Creates the `terraform:destroy` action. A dry run makes a destroy plan
 * (`terraform plan -destroy`) and destroys nothing.
 *
 * @public
 */
export function createTerraformDestroyAction(options: IacActionOptions) {
  const settings = readIacSettings(options.config).terraform;
  const binaries = options.binaries ?? createToolBinaryResolver();

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Destroys the resources managed by a Terraform configuration in the workspace. A dry run only shows the destroy plan.',
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

      const destroy = async () => {
        await terraformInit(runtime, cwd, initArgs);
        const report = ctx.isDryRun
          ? await runTerraformOperation(
              runtime,
              cwd,
              'terraform plan -destroy',
              [
                'plan',
                '-destroy',
                '-input=false',
                '-json',
                '-lock=false',
                ...varArgs,
              ],
            )
          : await runTerraformOperation(runtime, cwd, 'terraform destroy', [
              'destroy',
              '-input=false',
              '-json',
              '-auto-approve',
              ...varArgs,
            ]);
        return {
          summary: report.summary ?? emptySummary(),
          resourceChanges: report.resourceChanges,
        };
      };

      const result = ctx.isDryRun
        ? await destroy()
        : await ctx.checkpoint({
            key: `terraform.destroy.${input.workingDirectory}`,
            fn: destroy,
          });
      if (ctx.isDryRun) {
        runtime.logger.info(
          'Dry run: destroy planned only, nothing was destroyed',
        );
      }
      ctx.output('summary', result.summary);
      ctx.output('resourceChanges', result.resourceChanges);
    },
  });
}
