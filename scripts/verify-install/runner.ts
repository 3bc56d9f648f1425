/*
 * Steps with their times and outcomes, and the child processes the run
 * starts: every one is started in its own process group and stopped, with
 * its children, when the run ends, whatever the outcome.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

export type Outcome = 'PASS' | 'FAIL' | 'SKIP';

type StepResult = {
  name: string;
  outcome: Outcome;
  ms: number;
  detail?: string;
};

/** A step failed; the message says what to look at. */
export class StepError extends Error {}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function stamp(startedAt: number): string {
  return `[${seconds(Date.now() - startedAt).padStart(7)}]`;
}

export class Runner {
  readonly startedAt = Date.now();
  private readonly results: StepResult[] = [];
  private failed = false;

  get ok(): boolean {
    return !this.failed;
  }

  log(message: string) {
    console.log(`${stamp(this.startedAt)} ${message}`);
  }

  /**
   * Runs `fn` as a step unless an earlier step failed (then it is reported
   * as skipped). A thrown error fails the step; the run goes on to the
   * summary and the clean-up.
   */
  async step<T>(
    name: string,
    fn: () => Promise<T>,
    detail?: (result: T) => string,
  ): Promise<T | undefined> {
    if (this.failed) {
      this.results.push({ name, outcome: 'SKIP', ms: 0 });
      return undefined;
    }
    this.log(`START ${name}`);
    const started = Date.now();
    try {
      const result = await fn();
      const ms = Date.now() - started;
      const text = detail?.(result);
      this.results.push({ name, outcome: 'PASS', ms, detail: text });
      this.log(`PASS  ${name} (${seconds(ms)})${text ? `: ${text}` : ''}`);
      return result;
    } catch (error) {
      const ms = Date.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      this.failed = true;
      this.results.push({ name, outcome: 'FAIL', ms, detail: message });
      this.log(`FAIL  ${name} (${seconds(ms)})\n${indent(message)}`);
      return undefined;
    }
  }

  /** Prints every step with its time and outcome. */
  summary() {
    const width = Math.max(...this.results.map(r => r.name.length), 10);
    console.log('\nverify:install summary');
    for (const r of this.results) {
      const time = r.outcome === 'SKIP' ? '' : seconds(r.ms);
      console.log(
        `  ${r.outcome}  ${r.name.padEnd(width)}  ${time.padStart(8)}${
          r.outcome === 'PASS' && r.detail ? `  ${r.detail}` : ''
        }`,
      );
    }
    const count = (o: Outcome) => this.results.filter(r => r.outcome === o);
    console.log(
      `  ${count('PASS').length} passed, ${count('FAIL').length} failed, ${
        count('SKIP').length
      } skipped in ${seconds(Date.now() - this.startedAt)}`,
    );
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map(line => `        ${line}`)
    .join('\n');
}

/** The last `lines` lines of a log file, for a failure message. */
export function tail(file: string, lines = 40): string {
  if (!fs.existsSync(file)) {
    return '';
  }
  const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

const children = new Set<ChildProcess>();

export type RunOptions = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout and stderr go (appended). */
  log: string;
};

/** Starts a command in its own process group, output to `options.log`. */
export function start(
  command: string,
  args: string[],
  options: RunOptions,
): ChildProcess {
  const out = fs.openSync(options.log, 'a');
  fs.writeSync(
    out,
    `\n$ ${[command, ...args].join(' ')}  (in ${options.cwd})\n`,
  );
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a command to its end; a non-zero exit throws with the log's tail. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions & { timeoutMs?: number },
): Promise<void> {
  const child = start(command, args, options);
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const timer = setTimeout(() => stop(child), timeoutMs);
  const code = await new Promise<number | string>(resolve => {
    child.once('error', error => resolve(error.message));
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? `${signal}`));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    throw new StepError(
      `\`${[command, ...args].join(' ')}\` in ${
        options.cwd
      } ended with ${code}` +
        `${code === 'SIGTERM' ? ` (timeout ${seconds(timeoutMs)})` : ''}; ` +
        `last lines of ${options.log}:\n${tail(options.log)}`,
    );
  }
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return;
  }
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const killed = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>(resolve => setTimeout(() => resolve(true), graceMs)),
  ]);
  if (killed) {
    signal('SIGKILL');
    await exited;
  }
  // Grandchildren that left the group's leader behind.
  signal('SIGKILL');
}

/** Stops every process this run started that is still running. */
export async function stopAll() {
  await Promise.all([...children].map(child => stop(child)));
}
