import { Config } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import {
  ActionContext,
  TemplateActionOptions,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import { IacSettings, IacToolName } from './config';
import { ToolBinaryResolver } from './toolBinary';
import { ToolRuntime } from './toolRuntime';
import { FoundLink } from './workspacePaths';

/**
 * Options of the Terraform, Ansible and Helm actions.
 *
 * @public
 */
export interface IacActionOptions {
  /** Root config; the actions read `multicloud.iac`. */
  config: Config;
  /** Shared binary resolver, so each version check runs once. */
  binaries?: ToolBinaryResolver;
}

type SchemaFactory = NonNullable<
  NonNullable<TemplateActionOptions['schema']>['input']
>[string];

/**
 * The zod that the scaffolder hands to `schema.input` and `schema.output`
 * (the v3 API of its own copy of zod). Schemas are built with it, never with
 * an import of zod, so their types are the scaffolder's whichever zod this
 * package resolves to.
 */
export type Zod = Parameters<SchemaFactory>[0];

/** A schema built with {@link Zod}. */
export type ZodSchema = ReturnType<SchemaFactory>;

/** What a schema parses to (zod's `z.output`). */
export type ZodOutput<TSchema extends ZodSchema> = TSchema['_output'];

/*
 * Names for the schema types of {@link Zod}, for the return types of the
 * exported schema builders: a declaration cannot name the scaffolder's copy
 * of zod itself.
 */
declare const zod: Zod;
export type ZodString = ReturnType<typeof zod.string>;
export type ZodNumber = ReturnType<typeof zod.number>;
export type ZodBoolean = ReturnType<typeof zod.boolean>;
export type ZodUnknown = ReturnType<typeof zod.unknown>;
export type ZodOptional<T extends ZodSchema> = ReturnType<T['optional']>;
export type ZodDefault<T extends ZodSchema> = ReturnType<T['default']>;
/** A record with string keys. */
export type ZodRecord<TValue extends ZodSchema> = ReturnType<
  typeof zod.record<TValue>
>;
/** A schema with a `superRefine` check. */
export type ZodRefined<T extends ZodSchema> = ReturnType<T['superRefine']>;
export type ZodShape = Parameters<typeof zod.object>[0];
export type ZodObject<TShape extends ZodShape> = ReturnType<
  typeof zod.object<TShape>
>;

/** The scaffolder context of an action with these schemas. */
export type IacActionContext<
  TInput extends ZodSchema,
  TOutput extends ZodSchema,
> = ActionContext<ZodOutput<TInput>, ZodOutput<TOutput>>;

/** Paths of the action input, checked against the task workspace. */
export interface IacWorkspace {
  /**
   * Resolves a path of the input inside the workspace; absolute paths, `..`
   * and links leading outside are refused (see `resolveWorkspacePath`).
   */
  resolve(
    relativePath: string,
    kind: 'file' | 'directory' | 'file or directory',
    inputName: string,
  ): Promise<string>;
  /**
   * Refuses symbolic links on the way to a path of the workspace and anywhere
   * below it (see `refuseSymbolicLinks`).
   */
  refuseLinks(
    relativePath: string,
    inputName: string,
    allowLink?: (link: FoundLink) => boolean,
  ): Promise<void>;
}

/** What {@link IacActionDefinition.check} is given. */
export interface IacCheckContext<
  TTool extends IacToolName,
  TInput extends ZodSchema,
  TOutput extends ZodSchema,
> {
  /** The action's id, for messages. */
  actionId: string;
  ctx: IacActionContext<TInput, TOutput>;
  /** The input, parsed with the input schema: defaults applied. */
  input: ZodOutput<TInput>;
  settings: IacSettings[TTool];
  workspace: IacWorkspace;
}

/** What {@link IacActionDefinition.run} is given. */
export interface IacRunContext<
  TTool extends IacToolName,
  TInput extends ZodSchema,
  TOutput extends ZodSchema,
  TChecked,
> extends IacCheckContext<TTool, TInput, TOutput> {
  /** What `check` returned. */
  checked: TChecked;
  /** Runs and logs the tool; in a dry run it executes and writes nothing. */
  runtime: ToolRuntime;
  /** A private temporary directory of the step, for the files the tool reads. */
  tmpDir: string;
  /**
   * Runs a side effect once per task: through `ctx.checkpoint` in a real
   * run, so a recovered task does not repeat it; directly in a dry run,
   * where the runtime executes nothing.
   */
  checkpoint<T extends JsonValue | void>(
    key: string,
    fn: () => Promise<T>,
  ): Promise<T>;
}

/**
 * One Terraform, Ansible or Helm action: what is its own. Everything the
 * actions share (config, input parsing, the private temporary directory,
 * binary lookup and version check, redaction, dry runs, the `dryRun` output)
 * is done by {@link createIacAction}.
 */
export interface IacActionDefinition<
  TTool extends IacToolName,
  TInput extends ZodSchema,
  TOutput extends ZodSchema,
  TChecked,
> {
  id: string;
  tool: TTool;
  description: string;
  examples: TemplateExample[];
  /**
   * The scaffolder's form of `schema`: functions of its zod. The output
   * schema includes `dryRun`.
   */
  schema: {
    input: (z: Zod) => TInput;
    output: (z: Zod) => TOutput;
  };
  /**
   * Input values that are secrets: every string in them is masked in the
   * task log, in errors and in outputs, as are the task secrets and the
   * configured secret environment.
   */
  sensitiveInput?(input: ZodOutput<TInput>): unknown[];
  /** Variables the action sets for the tool, over the allowlisted ones. */
  environment?(options: {
    input: ZodOutput<TInput>;
    tmpDir: string;
  }): Record<string, string>;
  /**
   * The action's own checks of its input, the config and the workspace,
   * before the binary is looked for; they run in a dry run too. It starts
   * nothing and writes nothing. What it returns is given to `run`.
   */
  check(
    context: IacCheckContext<TTool, TInput, TOutput>,
  ): Promise<TChecked> | TChecked;
  /**
   * Does the action's work through `runtime` and returns its outputs but
   * `dryRun`, which {@link createIacAction} adds.
   */
  run(
    context: IacRunContext<TTool, TInput, TOutput, TChecked>,
  ): Promise<Omit<ZodOutput<TOutput>, 'dryRun'>>;
}
