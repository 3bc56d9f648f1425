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
  summary: changeSummarySchema.describe('Resources destroyed.'),
  resourceChanges: z
    .array(resourceChangeSchema)
    .describe('Each resource planned for destruction.'),
  dryRun: z
    .boolean()
    .describe(
      'Whether this was a dry run: nothing ran, and the summary and changes are empty.',
    ),
});

/**
 * Creates the `terraform:destroy` action. A dry run runs nothing: it logs the
 * command lines and files a real run would use.
 *
 * @public
 */
export function createTerraformDestroyAction(options: IacActionOptions) {
  const settings = readIacSettings(options.config).terraform;
  const binaries = options.binaries ?? createToolBinaryResolver();

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Destroys the resources managed by a Terraform configuration in the workspace.',
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

      const destroy = async () => {
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
      };

      const result = runtime.dryRun
        ? await destroy()
        : await ctx.checkpoint({
            key: `terraform.destroy.${input.workingDirectory}`,
            fn: destroy,
          });
      if (runtime.dryRun) {
        runtime.logger.info('Dry run: nothing ran, nothing was destroyed');
      }
      ctx.output('summary', result.summary);
      ctx.output('resourceChanges', result.resourceChanges);
      ctx.output('dryRun', runtime.dryRun);
    },
  });
}
