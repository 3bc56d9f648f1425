import { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { ToolSettings } from './config';
import { createRedactingLogger } from './redactingLogger';
import { collectStrings, createRedactor, Redactor } from './redactor';
import { ProcessResult, runProcess } from './runProcess';
import { buildToolEnvironment, ToolBinaryResolver } from './toolBinary';
import { writePrivateFile } from './workspacePaths';

/** The parts of the scaffolder action context a tool run needs. */
export interface ToolActionContext {
  logger: LoggerService;
  secrets?: Record<string, string>;
  signal?: AbortSignal;
  /** A dry run executes nothing; see {@link ToolRuntime}. */
  isDryRun?: boolean;
}

/** How {@link ToolRuntime.run} runs one command. */
export interface ToolRunOptions {
  cwd: string;
  label: string;
  /**
   * Another binary of the same installation, for example `ansible-inventory`
   * next to `ansible-playbook`. Default: the tool's binary.
   */
  command?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

/**
 * Everything an action needs to run one tool safely.
 *
 * @remarks
 * In a dry run the runtime is the one place that keeps the action from
 * executing anything: {@link ToolRuntime.run} logs the command line it would
 * run and starts nothing, {@link ToolRuntime.writeFile} logs the file it
 * would write and writes nothing. A dry run can be sent by anyone who may use
 * the template editor, with a template of their own, so it must never run the
 * tool, its providers, plugins or playbooks on the backend's host.
 */
export interface ToolRuntime {
  /** The task log, redacted. Actions log through nothing else. */
  logger: LoggerService;
  redactor: Redactor;
  binaryPath: string;
  /** The checked version; undefined in a dry run, which does not run the version command. */
  version?: string;
  dryRun: boolean;
  /**
   * Writes a file the tool reads (mode 0600, in a directory only the backend
   * user can enter). In a dry run, logs its name and size only.
   */
  writeFile(file: string, content: string, description: string): Promise<void>;
  /**
   * Runs the tool without a shell. In a dry run, logs the command line and
   * resolves as a success with no output: nothing is started.
   */
  run(args: string[], options: ToolRunOptions): Promise<ProcessResult>;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A command line as a person would type it in a POSIX shell. */
export function formatCommandLine(command: string, args: string[]): string {
  return [command, ...args]
    .map(arg =>
      SHELL_SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`,
    )
    .join(' ');
}

/**
 * Locates the configured binary and prepares the redactor, the redacted
 * logger and the environment allowlist for running it. A real run checks the
 * binary's version with its version command; a dry run starts nothing, not
 * even that, and logs the allowed versions instead.
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
  const dryRun = Boolean(ctx.isDryRun);
  const redactor = createRedactor([
    ...Object.values(ctx.secrets ?? {}),
    ...Object.values(settings.secretEnvironment),
    ...(options.sensitiveInput ?? []).flatMap(collectStrings),
  ]);
  const logger = createRedactingLogger(ctx.logger, redactor);
  const env = buildToolEnvironment(settings, options.fixedEnv);

  let binaryPath: string;
  let version: string | undefined;
  try {
    if (dryRun) {
      binaryPath = await binaries.locate(settings);
    } else {
      ({ path: binaryPath, version } = await binaries.resolve(settings));
    }
  } catch (error) {
    throw redactor.redactError(error);
  }
  if (dryRun) {
    logger.info(
      `Dry run: nothing is executed. ${
        settings.tool
      } is ${binaryPath}; a real run checks its version first (allowed: ${
        settings.allowedVersions.join(', ') || 'any'
      })`,
    );
  } else {
    logger.info(`Using ${settings.tool} ${version} (${binaryPath})`);
  }

  return {
    logger,
    redactor,
    binaryPath,
    version,
    dryRun,
    async writeFile(file, content, description) {
      if (dryRun) {
        logger.info(
          `Dry run: would write ${file} (${Buffer.byteLength(
            content,
          )} bytes, mode 0600): ${description}`,
        );
        return;
      }
      await fs.promises.mkdir(path.dirname(file), {
        recursive: true,
        mode: 0o700,
      });
      await writePrivateFile(file, content);
    },
    async run(args, { command = binaryPath, ...runOptions }) {
      if (dryRun) {
        logger.info(
          `Dry run: would run in ${runOptions.cwd}: ${formatCommandLine(
            command,
            args,
          )}`,
        );
        return { exitCode: 0, exitSignal: null, stderrTail: [] };
      }
      return runProcess({
        command,
        args,
        env,
        logger,
        redactor,
        signal: ctx.signal,
        timeoutMs: settings.timeoutMs,
        killGracePeriodMs: settings.killGracePeriodMs,
        ...runOptions,
      });
    },
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
