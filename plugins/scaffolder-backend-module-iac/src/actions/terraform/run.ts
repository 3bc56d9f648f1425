import { isChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TerraformSettings } from '../../lib/config';
import { collectStrings } from '../../lib/redactor';
import { buildToolEnvironment } from '../../lib/toolBinary';
import { describeFailure, ToolRuntime } from '../../lib/toolRuntime';
import { IacCheckContext, ZodSchema } from '../../lib/types';
import { FoundLink } from '../../lib/workspacePaths';
import {
  resolveTerraformState,
  TerraformInput,
  TerraformInputSchema,
  terraformSensitiveInput,
  TerraformState,
} from './input';
import { createTerraformUiHandler, TerraformRunReport } from './uiLog';

/** Environment for Terraform: the variables it documents for unattended runs. */
export const TERRAFORM_ENV: Record<string, string> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
};

/** What the Terraform actions check before Terraform is looked for. */
export interface CheckedTerraformRun {
  /** The working directory, resolved in the workspace. */
  cwd: string;
  state?: TerraformState;
}

/**
 * With a plugin cache (`TF_PLUGIN_CACHE_DIR`), `terraform init` links the
 * providers of `.terraform/providers` to the cache; those links, made by
 * Terraform in an earlier step of the task, are the only ones accepted.
 */
function pluginCacheLinks(cwd: string, settings: TerraformSettings) {
  const cacheDir = buildToolEnvironment(
    settings,
    TERRAFORM_ENV,
  ).TF_PLUGIN_CACHE_DIR;
  if (!cacheDir) {
    return undefined;
  }
  const cache = path.resolve(cwd, cacheDir);
  return (link: FoundLink) =>
    link.path.startsWith('.terraform/providers/') &&
    isChildPath(cache, link.target);
}

/**
 * What every Terraform action checks first: the backend input (and the
 * derived state key), the working directory in the workspace, and no
 * symbolic links in it.
 */
async function checkTerraformRun({
  actionId,
  input,
  settings,
  workspace,
}: Pick<
  IacCheckContext<'terraform', TerraformInputSchema, ZodSchema>,
  'actionId' | 'input' | 'settings' | 'workspace'
>): Promise<CheckedTerraformRun> {
  const state = resolveTerraformState(input, settings, actionId);
  const cwd = await workspace.resolve(
    input.workingDirectory,
    'directory',
    'workingDirectory',
  );
  await workspace.refuseLinks(
    input.workingDirectory,
    'workingDirectory',
    pluginCacheLinks(cwd, settings),
  );
  return { cwd, state };
}

/**
 * The parts of an action definition the Terraform actions share, for
 * `createIacAction`.
 */
export const terraformActionBasis = {
  tool: 'terraform' as const,
  sensitiveInput: terraformSensitiveInput,
  environment: () => TERRAFORM_ENV,
  check: checkTerraformRun,
};

/** Escapes a string as an HCL quoted string literal, without template sequences. */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/g,
      c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/\$\{/g, '$${')
    .replace(/%\{/g, '%%{');
  return `"${escaped}"`;
}

/**
 * Writes the var file and backend config file into a private temporary
 * directory (in a dry run, only logs them) and returns the extra arguments
 * for init and for the operation.
 */
async function writeTerraformInputFiles(
  input: TerraformInput,
  state: TerraformState | undefined,
  settings: TerraformSettings,
  tmpDir: string,
  runtime: ToolRuntime,
): Promise<{ initArgs: string[]; varArgs: string[] }> {
  const initArgs: string[] = [];
  const varArgs: string[] = [];

  const variables = { ...input.variables, ...input.sensitiveVariables };
  if (Object.keys(variables).length > 0) {
    const varFile = path.join(tmpDir, 'variables.tfvars.json');
    await runtime.writeFile(
      varFile,
      JSON.stringify(variables, null, 2),
      `${Object.keys(variables).length} input variable(s)`,
    );
    varArgs.push(`-var-file=${varFile}`);
  }

  const backendConfig = {
    ...settings.backendConfig,
    ...state?.profile.settings,
    ...(state ? { [state.profile.keySetting]: state.key } : {}),
  };
  if (state) {
    runtime.logger.info(
      `State of ${state.owner.ref} / ${input.name}: ${state.profile.keySetting} ${state.key} of backend profile ${input.backend}`,
    );
  }
  if (Object.keys(backendConfig).length > 0) {
    const backendFile = path.join(tmpDir, 'backend.tfbackend');
    const body = Object.entries(backendConfig)
      .map(
        ([key, value]) =>
          `${key} = ${typeof value === 'string' ? hclString(value) : value}`,
      )
      .join('\n');
    await runtime.writeFile(
      backendFile,
      `${body}\n`,
      `backend settings ${Object.keys(backendConfig).join(', ')}`,
    );
    initArgs.push(`-backend-config=${backendFile}`);
  }
  return { initArgs, varArgs };
}

const RESOURCE_BLOCK =
  /^\s*(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?/gm;

/**
 * Finds the configuration files of the working directory; a directory without
 * any is refused. A dry run logs them and the resources, data sources and
 * modules they declare, read from the text (nothing is evaluated).
 */
async function inspectConfiguration(
  cwd: string,
  workingDirectory: string,
  runtime: ToolRuntime,
) {
  const files = (await fs.promises.readdir(cwd, { withFileTypes: true }))
    .filter(e => e.isFile() && /\.tf(\.json)?$/.test(e.name))
    .map(e => e.name)
    .sort();
  if (files.length === 0) {
    throw new InputError(
      `workingDirectory ${workingDirectory} holds no Terraform configuration (*.tf or *.tf.json files)`,
    );
  }
  if (!runtime.dryRun) {
    return;
  }
  runtime.logger.info(
    `Dry run: configuration files in ${workingDirectory}: ${files.join(', ')}`,
  );
  const declared: string[] = [];
  for (const file of files.filter(f => f.endsWith('.tf'))) {
    const text = await fs.promises.readFile(path.join(cwd, file), 'utf8');
    for (const [, kind, type, name] of text.matchAll(RESOURCE_BLOCK)) {
      const address = kind === 'module' ? `module.${type}` : `${type}.${name}`;
      declared.push(kind === 'data' ? `data.${address}` : address);
    }
  }
  if (declared.length > 0) {
    runtime.logger.info(`Dry run: declared: ${declared.join(', ')}`);
  }
}

/**
 * What every Terraform action does once the runtime is ready: check the
 * working directory holds a configuration, and write the variable and
 * backend files (mode 0600) into the step's private temporary directory. In
 * a dry run nothing is written; the files are logged.
 */
export async function prepareTerraformRun(options: {
  input: TerraformInput;
  settings: TerraformSettings;
  checked: CheckedTerraformRun;
  runtime: ToolRuntime;
  tmpDir: string;
}): Promise<{ initArgs: string[]; varArgs: string[] }> {
  const { input, settings, checked, runtime, tmpDir } = options;
  await inspectConfiguration(checked.cwd, input.workingDirectory, runtime);
  return writeTerraformInputFiles(
    input,
    checked.state,
    settings,
    tmpDir,
    runtime,
  );
}

/**
 * Where terraform:plan saves its plan for terraform:apply of the same task:
 * in the task workspace (removed with the task), in a directory only the
 * backend user can enter, since plan files hold variable values.
 */
export function savedPlanPaths(workspace: string, workingDirectory: string) {
  const id = createHash('sha256')
    .update(path.normalize(workingDirectory))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(workspace, '.iac', 'terraform');
  return {
    dir,
    planFile: path.join(dir, `${id}.tfplan`),
    metadataFile: path.join(dir, `${id}.json`),
  };
}

export async function ensurePrivateDirectory(dir: string) {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.promises.chmod(dir, 0o700);
}

/** Runs `terraform init` for the working directory. */
export async function terraformInit(
  runtime: ToolRuntime,
  cwd: string,
  initArgs: string[],
) {
  const result = await runtime.run(
    ['init', '-input=false', '-no-color', ...initArgs],
    {
      cwd,
      label: 'terraform init',
      onStdoutLine: line => line.trim() && runtime.logger.info(line),
      onStderrLine: line => line.trim() && runtime.logger.error(line),
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(describeFailure('terraform init', result));
  }
}

/** Runs a `-json` Terraform operation and returns what it reported. */
export async function runTerraformOperation(
  runtime: ToolRuntime,
  cwd: string,
  label: string,
  args: string[],
): Promise<TerraformRunReport> {
  const ui = createTerraformUiHandler(runtime.logger);
  const result = await runtime.run(args, {
    cwd,
    label,
    onStdoutLine: ui.onLine,
    onStderrLine: line => line.trim() && runtime.logger.error(line),
  });
  if (result.exitCode !== 0) {
    // Diagnostics are kept raw for parsing; the error message is redacted.
    throw new Error(
      describeFailure(
        label,
        result,
        runtime.redactor(ui.report.errors.join(' ')),
      ),
    );
  }
  return ui.report;
}

/**
 * Reads `terraform output -json`: non-sensitive values are returned (redacted
 * all the same, in case one repeats a secret input); the values of sensitive
 * outputs are added to the redactor and never returned.
 */
export async function readTerraformOutputs(
  runtime: ToolRuntime,
  cwd: string,
): Promise<JsonObject> {
  const lines: string[] = [];
  const result = await runtime.run(['output', '-json', '-no-color'], {
    cwd,
    label: 'terraform output',
    onStdoutLine: line => lines.push(line),
    onStderrLine: line => line.trim() && runtime.logger.error(line),
  });
  if (runtime.dryRun) {
    return {};
  }
  if (result.exitCode !== 0) {
    throw new Error(describeFailure('terraform output', result));
  }
  let parsed: Record<string, { sensitive?: boolean; value?: JsonValue }>;
  try {
    parsed = JSON.parse(lines.join('\n') || '{}');
  } catch {
    throw new Error('terraform output -json did not print JSON');
  }
  const sensitive = Object.values(parsed).filter(o => o?.sensitive);
  runtime.redactor.add(sensitive.flatMap(o => collectStrings(o.value)));

  const outputs: JsonObject = {};
  for (const [name, output] of Object.entries(parsed)) {
    if (!output?.sensitive && output?.value !== undefined) {
      outputs[name] = runtime.redactor.redactValue(output.value);
    }
  }
  const hidden = Object.keys(parsed).filter(name => parsed[name]?.sensitive);
  runtime.logger.info(
    `Read ${Object.keys(outputs).length} output value(s)${
      hidden.length ? `; sensitive outputs withheld: ${hidden.join(', ')}` : ''
    }`,
  );
  return outputs;
}
