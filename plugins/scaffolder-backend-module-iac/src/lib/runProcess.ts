import { LoggerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { RedactedLine, Redactor } from './redactor';

/**
 * Longest line passed on; the rest of a longer line is dropped (a runaway
 * line is not a log). Lines are redacted before they are cut.
 */
const MAX_LINE_LENGTH = 1024 * 1024;
/** How long to wait for the output pipes after the process itself exited. */
const PIPE_DRAIN_MS = durationToMilliseconds({ seconds: 2 });
const STDERR_TAIL_LINES = 20;

const ESCALATION: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Absolute path of the binary; never a shell command line. */
  command: string;
  /** Arguments, built by code from validated input. */
  args: string[];
  cwd: string;
  /** The complete environment of the child (already filtered). */
  env: Record<string, string>;
  /** Log of the task; lines logged by default are redacted first. */
  logger: LoggerService;
  redactor: Redactor;
  /** Name used in log lines and errors, for example `terraform plan`. */
  label: string;
  /** Cancellation of the task (`ctx.signal`). */
  signal?: AbortSignal;
  timeoutMs: number;
  /** Time between SIGINT, SIGTERM and SIGKILL. */
  killGracePeriodMs: number;
  /**
   * Receives each stdout line unredacted, for parsing; whatever it logs
   * must go through the redacting logger, which then masks the line as the
   * stream redaction did (secrets spanning lines included). A line cut at
   * the maximum length arrives redacted. Default: log the redacted line as
   * info.
   */
  onStdoutLine?: (line: string) => void;
  /** Same for stderr. Default: log the redacted line as warn. */
  onStderrLine?: (line: string) => void;
}

/** Outcome of a process that ran to its end. */
export interface ProcessResult {
  exitCode: number | null;
  /** Signal that ended the process, when it did not exit by itself. */
  exitSignal: NodeJS.Signals | null;
  /** Last lines of stderr, redacted, for error messages. */
  stderrTail: string[];
}

/** Thrown when a process was stopped because of cancellation or timeout. */
export class ProcessStoppedError extends Error {
  constructor(message: string, readonly reason: 'cancelled' | 'timeout') {
    super(message);
    this.name = 'ProcessStoppedError';
  }
}

/**
 * Decodes a pipe's bytes and passes on its lines, with secrets masked on the
 * stream (see {@link Redactor.createLineStream}).
 */
function createOutputReader(
  redactor: Redactor,
  onLine: (line: RedactedLine) => void,
) {
  const decoder = new StringDecoder('utf8');
  const lines = redactor.createLineStream(onLine, {
    maxLineLength: MAX_LINE_LENGTH,
  });
  return {
    write(chunk: Buffer) {
      lines.write(decoder.write(chunk));
    },
    end() {
      lines.write(decoder.end());
      lines.end();
    },
  };
}

const MINUTE_MS = durationToMilliseconds({ minutes: 1 });
const SECOND_MS = durationToMilliseconds({ seconds: 1 });

function formatDuration(ms: number): string {
  if (ms % MINUTE_MS === 0) {
    return `${ms / MINUTE_MS} minute${ms === MINUTE_MS ? '' : 's'}`;
  }
  if (ms % SECOND_MS === 0) {
    return `${ms / SECOND_MS} second${ms === SECOND_MS ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/**
 * Runs a tool without a shell and streams its output line by line.
 *
 * @remarks
 * The child gets its own process group so that a stop reaches the helpers it
 * started (Terraform providers, Ansible workers), the way Ctrl-C does in a
 * terminal. Cancellation and timeout escalate SIGINT, then SIGTERM, then
 * SIGKILL, each after the grace period, and the task log says which happened.
 * Resolves with the exit status; rejects with {@link ProcessStoppedError} when
 * the process was stopped, or with an error when it could not be started.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { logger, redactor, label, signal } = options;
  const stderrTail: string[] = [];
  const handleLine =
    (
      parse: ((line: string) => void) | undefined,
      log: (message: string) => void,
    ) =>
    (line: RedactedLine) => {
      if (parse) {
        redactor.withLine(line, () => parse(line.raw));
      } else {
        log(line.redacted);
      }
    };
  const onStdoutLine = handleLine(options.onStdoutLine, m => logger.info(m));
  const onStderrLine = handleLine(options.onStderrLine, m => logger.warn(m));

  if (signal?.aborted) {
    return Promise.reject(
      new ProcessStoppedError(
        `${label} was cancelled before it started`,
        'cancelled',
      ),
    );
  }

  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    let stopReason: 'cancelled' | 'timeout' | undefined;
    let escalationStep = 0;
    let escalationTimer: NodeJS.Timeout | undefined;
    let exited = false;
    let settled = false;

    const sendSignal = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) {
        return;
      }
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };

    const escalate = () => {
      if (exited) {
        return;
      }
      const sig = ESCALATION[escalationStep];
      if (escalationStep > 0) {
        logger.warn(
          `${label} did not stop within ${formatDuration(
            options.killGracePeriodMs,
          )} of ${ESCALATION[escalationStep - 1]}: sending ${sig}`,
        );
      }
      sendSignal(sig);
      escalationStep += 1;
      if (escalationStep < ESCALATION.length) {
        escalationTimer = setTimeout(escalate, options.killGracePeriodMs);
      }
    };

    const stop = (reason: 'cancelled' | 'timeout') => {
      if (stopReason || exited) {
        return;
      }
      stopReason = reason;
      logger.warn(
        reason === 'cancelled'
          ? `Task cancelled: sending SIGINT to ${label} (pid ${child.pid})`
          : `${label} exceeded its timeout of ${formatDuration(
              options.timeoutMs,
            )}: sending SIGINT (pid ${child.pid})`,
      );
      escalate();
    };

    const onAbort = () => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutTimer = setTimeout(() => stop('timeout'), options.timeoutMs);

    const stdout = createOutputReader(redactor, onStdoutLine);
    const stderr = createOutputReader(redactor, line => {
      stderrTail.push(line.redacted);
      if (stderrTail.length > STDERR_TAIL_LINES) {
        stderrTail.shift();
      }
      onStderrLine(line);
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));

    const cleanup = () => {
      clearTimeout(timeoutTimer);
      clearTimeout(escalationTimer);
      signal?.removeEventListener('abort', onAbort);
    };

    const finish = (
      exitCode: number | null,
      exitSignal: NodeJS.Signals | null,
    ) => {
      if (settled) {
        return;
      }
      settled = true;
      cleanup();
      stdout.end();
      stderr.end();
      if (stopReason) {
        const how = exitSignal
          ? `ended by ${exitSignal}`
          : `exited with code ${exitCode}`;
        const lastSignal = ESCALATION[Math.max(0, escalationStep - 1)];
        const message =
          stopReason === 'cancelled'
            ? `${label} was cancelled: stopped after ${lastSignal} (${how})`
            : `${label} timed out after ${formatDuration(
                options.timeoutMs,
              )}: stopped after ${lastSignal} (${how})`;
        logger.warn(message);
        reject(new ProcessStoppedError(message, stopReason));
        return;
      }
      resolve({ exitCode, exitSignal, stderrTail });
    };

    child.on('error', error => {
      if (settled) {
        return;
      }
      settled = true;
      cleanup();
      reject(
        new Error(
          `Could not start ${label} (${options.command}): ${redactor(
            error.message,
          )}`,
        ),
      );
    });

    child.on('exit', (code, sig) => {
      exited = true;
      clearTimeout(escalationTimer);
      // A helper that outlived the tool may keep the pipes open; do not wait
      // for it forever.
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, sig);
      }, PIPE_DRAIN_MS);
      child.on('close', () => {
        clearTimeout(drain);
        finish(code, sig);
      });
    });
  });
}
