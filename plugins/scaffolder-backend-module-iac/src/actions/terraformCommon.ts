import { isChildPath, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/config';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackendProfile, TerraformSettings } from '../lib/config';
import {
  IDENTIFIER_PATTERN,
  jsonValues,
  OwnerRef,
  ownerRef,
  parseOwnerRef,
  refuseRemovedInput,
  removedInput,
  STATE_NAME_PATTERN,
  workspacePath,
} from '../lib/inputSchemas';
import { terraformStateKey } from '../lib/ownership';
import { collectStrings } from '../lib/redactor';
import { buildToolEnvironment, ToolBinaryResolver } from '../lib/toolBinary';
import {
  describeFailure,
  prepareToolRuntime,
  ToolActionContext,
  ToolRuntime,
} from '../lib/toolRuntime';
import {
  FoundLink,
  refuseSymbolicLinks,
  resolveWorkspacePath,
} from '../lib/workspacePaths';

/** Input fields shared by the Terraform actions. */
export const terraformInputFields = {
  workingDirectory: workspacePath(
    'Directory of the Terraform configuration, relative to the task workspace. Default: the workspace itself.',
  ).default('.'),
  variables: jsonValues(
    'Input variables by name. Written to a JSON -var-file readable only by the backend (mode 0600), never passed on the command line.',
  ).optional(),
  sensitiveVariables: jsonValues(
    'Input variables whose values are secrets, for example `${{ secrets.dbPassword }}`. Written to the same var file; every string in them is masked in the task log and in outputs.',
  ).optional(),
  backend: z
    .string({
      description:
        'Name of a backend profile under multicloud.iac.terraform.backends whose settings (bucket, region, locking...) are passed to `terraform init`, with a state key derived from `owner` and `name`. Only platform config sets backend settings.',
    })
    .max(64)
    .regex(IDENTIFIER_PATTERN, { message: 'must be a profile name' })
    .optional(),
  owner: ownerRef(
    'Entity ref of the group or user that owns what the configuration manages, for example `${{ parameters.owner }}` from an OwnerPicker (`group:default/checkout-team`; the kind defaults to group, the namespace to default). Needed with `backend`: the state key lies under the owner.',
  ).optional(),
  name: z
    .string({
      description:
        'Short name of what the configuration manages, unique per owner (two owners may both use `aws-vm.web-1`): dot-separated parts of lower-case letters, digits and `-`. Needed with `backend`: the state key is `<keyPrefix>/<owner kind>/<owner namespace>/<owner name>/<name>.tfstate`.',
    })
    .max(128)
    .regex(STATE_NAME_PATTERN, {
      message:
        'must be dot-separated parts of lower-case letters, digits and "-", each starting with a letter or digit',
    })
    .optional(),
  backendConfig: removedInput(
    'No longer accepted, and refused: backend settings come only from the profile named by `backend`, and the state key is derived from `owner` and `name`.',
  ),
};

const terraformInput = z.object(terraformInputFields);
export type TerraformInput = z.output<typeof terraformInput>;

export const changeSummarySchema = z.object({
  add: z.number(),
  change: z.number(),
  remove: z.number(),
});
export type ChangeSummary = z.output<typeof changeSummarySchema>;

export const resourceChangeSchema = z.object({
  address: z.string(),
  action: z.string(),
});
export type ResourceChange = z.output<typeof resourceChangeSchema>;

/** Everything read from one `-json` run of plan, apply or destroy. */
export interface TerraformRunReport {
  summary?: ChangeSummary;
  resourceChanges: ResourceChange[];
  errors: string[];
}

/** Environment for Terraform: the variables it documents for unattended runs. */
export const TERRAFORM_ENV: Record<string, string> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
};

/** The secret input of a Terraform action, for the redactor. */
export function terraformSensitiveInput(input: TerraformInput): unknown[] {
  return [input.sensitiveVariables ?? {}];
}

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

/** The backend profile and the derived state key of a run with `backend`. */
interface TerraformState {
  profile: BackendProfile;
  owner: OwnerRef;
  key: string;
}

/**
 * Checks the backend input and derives the state key: backend settings come
 * only from a profile in config, and the key only from the owner and name, so
 * no input can point a run at another owner's state.
 */
function resolveTerraformState(
  input: TerraformInput,
  settings: TerraformSettings,
  actionId: string,
): TerraformState | undefined {
  refuseRemovedInput(
    input,
    'backendConfig',
    `backend settings come only from the profile multicloud.iac.terraform.backends.<backend> in app-config, and the state key is derived from owner and name. Remove backendConfig and pass backend (the profile), owner (for example \${{ parameters.owner }}) and name (unique per owner) to ${actionId}`,
  );
  if (input.backend === undefined) {
    if (input.owner !== undefined || input.name !== undefined) {
      throw new InputError(
        `owner and name make the state key of a backend profile; pass backend as well (a profile under multicloud.iac.terraform.backends)`,
      );
    }
    return undefined;
  }
  const profile = settings.backends[input.backend];
  if (!profile) {
    throw new InputError(
      `Backend profile '${input.backend}' is not configured; platform engineers define it under multicloud.iac.terraform.backends.${input.backend}`,
    );
  }
  if (input.owner === undefined || input.name === undefined) {
    throw new InputError(
      `${actionId} with backend ${input.backend} needs owner (the owning group or user, for example \${{ parameters.owner }}) and name (unique per owner): the state key is derived from them`,
    );
  }
  const owner = parseOwnerRef(input.owner);
  return { profile, owner, key: terraformStateKey(profile, owner, input.name) };
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
 * What every Terraform action does first: check the backend input, resolve
 * the working directory in the workspace, refuse symbolic links in it, check
 * it holds a configuration, locate the binary, build the
 * redacting runtime and write the variable and backend files (mode 0600) into
 * a private temporary directory. In a dry run nothing is run or written.
 */
export async function prepareTerraformRun(options: {
  ctx: ToolActionContext & {
    workspacePath: string;
    createTemporaryDirectory(): Promise<string>;
  };
  input: TerraformInput;
  settings: TerraformSettings;
  binaries: ToolBinaryResolver;
  actionId: string;
}): Promise<{
  cwd: string;
  runtime: ToolRuntime;
  initArgs: string[];
  varArgs: string[];
}> {
  const { ctx, input, settings, binaries, actionId } = options;
  const state = resolveTerraformState(input, settings, actionId);
  const cwd = await resolveWorkspacePath(
    ctx.workspacePath,
    input.workingDirectory,
    'directory',
    'workingDirectory',
  );
  await refuseSymbolicLinks({
    workspacePath: ctx.workspacePath,
    relativePath: input.workingDirectory,
    inputName: 'workingDirectory',
    allowLink: pluginCacheLinks(cwd, settings),
  });
  const tmpDir = await ctx.createTemporaryDirectory();
  const runtime = await prepareToolRuntime({
    ctx,
    settings,
    binaries,
    sensitiveInput: terraformSensitiveInput(input),
    fixedEnv: TERRAFORM_ENV,
  });
  await inspectConfiguration(cwd, input.workingDirectory, runtime);
  const { initArgs, varArgs } = await writeTerraformInputFiles(
    input,
    state,
    settings,
    tmpDir,
    runtime,
  );
  return { cwd, runtime, initArgs, varArgs };
}

/** Fingerprint of what a plan was made from, to match a later apply. */
export function terraformInputFingerprint(input: TerraformInput): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(canonical);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map(k => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(
      JSON.stringify(
        canonical({
          variables: input.variables ?? {},
          sensitiveVariables: input.sensitiveVariables ?? {},
          backend: input.backend ?? null,
          owner: input.owner ? parseOwnerRef(input.owner).ref : null,
          name: input.name ?? null,
        }),
      ),
    )
    .digest('hex');
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

function formatDiagnostic(diagnostic: JsonObject | undefined): string {
  if (!diagnostic) {
    return '';
  }
  const severity = diagnostic.severity === 'warning' ? 'Warning' : 'Error';
  const range = diagnostic.range as JsonObject | undefined;
  const start = range?.start as JsonObject | undefined;
  const where =
    range?.filename && start?.line ? ` (${range.filename}:${start.line})` : '';
  const detail =
    typeof diagnostic.detail === 'string' && diagnostic.detail.trim()
      ? `: ${diagnostic.detail.trim().replace(/\s*\n\s*/g, ' ')}`
      : '';
  return `${severity}: ${diagnostic.summary ?? ''}${detail}${where}`;
}

/**
 * Turns Terraform's machine-readable UI (`-json`, one message a line) into
 * readable task log lines and collects the change summary, the planned or
 * applied resource changes and the error diagnostics. Output values are never
 * logged. Lines that are not JSON (a provider's stray output) are logged as
 * they are.
 */
export function createTerraformUiHandler(logger: LoggerService) {
  const report: TerraformRunReport = { resourceChanges: [], errors: [] };
  const onLine = (line: string) => {
    if (!line.trim()) {
      return;
    }
    let message: JsonObject;
    try {
      const parsed = JSON.parse(line) as JsonValue;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('not a message');
      }
      message = parsed;
    } catch {
      logger.info(line);
      return;
    }
    const text = String(message['@message'] ?? '');
    const level = message['@level'];
    switch (message.type) {
      case 'planned_change': {
        const change = message.change as JsonObject | undefined;
        const resource = change?.resource as JsonObject | undefined;
        if (resource?.addr && change?.action) {
          report.resourceChanges.push({
            address: String(resource.addr),
            action: String(change.action),
          });
        }
        logger.info(text);
        return;
      }
      case 'change_summary': {
        const changes = message.changes as JsonObject | undefined;
        if (changes) {
          report.summary = {
            add: Number(changes.add ?? 0),
            change: Number(changes.change ?? 0),
            remove: Number(changes.remove ?? 0),
          };
        }
        logger.info(text);
        return;
      }
      case 'diagnostic': {
        const diagnostic = message.diagnostic as JsonObject | undefined;
        const formatted = formatDiagnostic(diagnostic) || text;
        if (diagnostic?.severity === 'error' || level === 'error') {
          report.errors.push(formatted);
          logger.error(formatted);
        } else {
          logger.warn(formatted);
        }
        return;
      }
      case 'outputs': {
        const names = Object.keys((message.outputs as JsonObject) ?? {});
        logger.info(
          names.length
            ? `Outputs: ${names.join(
                ', ',
              )} (values are returned as step outputs, sensitive ones never)`
            : text,
        );
        return;
      }
      case 'apply_errored':
      case 'provision_errored':
        logger.error(text);
        return;
      case 'resource_drift':
        logger.warn(text);
        return;
      default:
        if (level === 'error') {
          logger.error(text);
        } else if (level === 'warn') {
          logger.warn(text);
        } else if (text) {
          logger.info(text);
        }
    }
  };
  return { onLine, report };
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

export function emptySummary(): ChangeSummary {
  return { add: 0, change: 0, remove: 0 };
}
