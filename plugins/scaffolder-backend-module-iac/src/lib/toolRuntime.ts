import { LoggerService } from '@backstage/backend-plugin-api';
import { ToolSettings } from './config';
import { createRedactingLogger } from './redactingLogger';
import { collectStrings, createRedactor, Redactor } from './redactor';
import { ProcessResult, runProcess } from './runProcess';
import { buildToolEnvironment, ToolBinaryResolver } from './toolBinary';

/** The parts of the scaffolder action context a tool run needs. */
export interface ToolActionContext {
  logger: LoggerService;
  secrets?: Record<string, string>;
  signal?: AbortSignal;
}

/** Everything an action needs to run one tool safely. */
export interface ToolRuntime {
  /** The task log, redacted. Actions log through nothing else. */
  logger: LoggerService;
  redactor: Redactor;
  binaryPath: string;
  version: string;
  run(
    args: string[],
    options: {
      cwd: string;
      label: string;
      onStdoutLine?: (line: string) => void;
      onStderrLine?: (line: string) => void;
    },
  ): Promise<ProcessResult>;
}

/**
 * Resolves the configured binary (checking its version) and prepares the
 * redactor, redacted logger and environment allowlist for running it.
 *
 * @param sensitiveInput - input values marked secret; every string in them is
 *   masked, as are the task secrets and the configured secret environment
 */
export async function prepareToolRuntime(options: {
  ctx: ToolActionContext;
  settings: ToolSettings;
  binaries: ToolBinaryResolver;
  sensitiveInput?: unknown[];
  fixedEnv?: Record<string, string>;
}): Promise<ToolRuntime> {
  const { ctx, settings, binaries } = options;
  const redactor = createRedactor([
    ...Object.values(ctx.secrets ?? {}),
    ...Object.values(settings.secretEnvironment),
    ...(options.sensitiveInput ?? []).flatMap(collectStrings),
  ]);
  const logger = createRedactingLogger(ctx.logger, redactor);

  let tool;
  try {
    tool = await binaries.resolve(settings);
  } catch (error) {
    throw redactor.redactError(error);
  }
  logger.info(`Using ${settings.tool} ${tool.version} (${tool.path})`);

  const env = buildToolEnvironment(settings, options.fixedEnv);
  return {
    logger,
    redactor,
    binaryPath: tool.path,
    version: tool.version,
    run: (args, runOptions) =>
      runProcess({
        command: tool.path,
        args,
        env,
        logger,
        redactor,
        signal: ctx.signal,
        timeoutMs: settings.timeoutMs,
        killGracePeriodMs: settings.killGracePeriodMs,
        ...runOptions,
      }),
  };
}

/** The error message of a failed run: the tool's own words, else stderr. */
export function describeFailure(
  label: string,
  result: ProcessResult,
  toolMessage?: string,
): string {
  const detail =
    toolMessage ||
    result.stderrTail
      .filter(line => line.trim())
      .slice(-5)
      .join(' ')
      .trim();
  const status =
    result.exitCode !== null
      ? `exit code ${result.exitCode}`
      : `signal ${result.exitSignal}`;
  return detail
    ? `${label} failed (${status}): ${detail}`
    : `${label} failed (${status})`;
}
