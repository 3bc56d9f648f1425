import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { IacToolName, readIacSettings } from './config';
import { parseInput } from './inputSchemas';
import { createToolBinaryResolver } from './toolBinary';
import { prepareToolRuntime } from './toolRuntime';
import {
  IacActionDefinition,
  IacActionOptions,
  IacWorkspace,
  Zod,
  ZodSchema,
} from './types';
import { refuseSymbolicLinks, resolveWorkspacePath } from './workspacePaths';

function workspaceOf(workspacePath: string): IacWorkspace {
  return {
    resolve: (relativePath, kind, inputName) =>
      resolveWorkspacePath(workspacePath, relativePath, kind, inputName),
    refuseLinks: (relativePath, inputName, allowLink) =>
      refuseSymbolicLinks({
        workspacePath,
        relativePath,
        inputName,
        allowLink,
      }),
  };
}

/**
 * Builds a Terraform, Ansible or Helm scaffolder action from what is its own
 * (see {@link IacActionDefinition}). Every such action:
 *
 * 1. reads `multicloud.iac.<tool>` once, when it is created;
 * 2. parses `ctx.input` with its input schema: the scaffolder only checks
 *    the JSON Schema, and a handler may be called without it, so the
 *    patterns, refinements and defaults are applied here;
 * 3. runs the action's `check` (input, config, workspace paths);
 * 4. makes a private temporary directory and prepares the tool runtime:
 *    binary lookup (and version check in a real run), the redactor over the
 *    task secrets, the secret environment and the sensitive input, the
 *    redacted logger and the environment allowlist; in a dry run the
 *    runtime executes and writes nothing;
 * 5. runs the action's `run`, its side effects checkpointed in a real run;
 * 6. sets the outputs `run` returned and `dryRun`.
 *
 * The action is returned as the scaffolder's extension point takes actions,
 * of any input and output: the precise types serve the definition.
 */
export function createIacAction<
  TTool extends IacToolName,
  TInput extends ZodSchema,
  TOutput extends ZodSchema,
  TChecked,
>(
  options: IacActionOptions,
  definition: IacActionDefinition<TTool, TInput, TOutput, TChecked>,
): TemplateAction<any, any, 'v2'> {
  const settings = readIacSettings(options.config)[definition.tool];
  const binaries = options.binaries ?? createToolBinaryResolver();
  // createTemplateAction builds each schema once, with the scaffolder's zod,
  // to derive the JSON Schema; the handler parses with that same schema, so
  // what the scaffolder shows and what the handler accepts cannot drift.
  let inputSchema: TInput | undefined;

  return createTemplateAction({
    id: definition.id,
    description: definition.description,
    examples: definition.examples,
    supportsDryRun: true,
    schema: {
      input: (z: Zod) => (inputSchema = definition.schema.input(z)),
      output: definition.schema.output,
    },
    async handler(ctx) {
      if (!inputSchema) {
        throw new Error(`${definition.id}: the input schema was never built`);
      }
      const input = parseInput(inputSchema, ctx.input, definition.id);
      const workspace = workspaceOf(ctx.workspacePath);
      const checked = await definition.check({
        actionId: definition.id,
        ctx,
        input,
        settings,
        workspace,
      });
      const tmpDir = await ctx.createTemporaryDirectory();
      const runtime = await prepareToolRuntime({
        ctx,
        settings,
        binaries,
        sensitiveInput: definition.sensitiveInput?.(input),
        fixedEnv: definition.environment?.({ input, tmpDir }),
      });
      const outputs = await definition.run({
        actionId: definition.id,
        ctx,
        input,
        settings,
        workspace,
        checked,
        runtime,
        tmpDir,
        checkpoint: (key, fn) =>
          runtime.dryRun ? fn() : ctx.checkpoint({ key, fn }),
      });
      for (const [name, value] of Object.entries(outputs)) {
        ctx.output(name, value);
      }
      ctx.output('dryRun', runtime.dryRun);
    },
  });
}
