import { LogEntry, createCapturingLogger } from '../__testUtils__/testContext';
import { createRedactor } from './redactor';
import { ProcessStoppedError, runProcess } from './runProcess';

jest.setTimeout(20_000);

/** Runs a Node script as the child, so the tests need no other binary. */
function runScript(
  script: string,
  options: {
    args?: string[];
    env?: Record<string, string>;
    signal?: AbortSignal;
    timeoutMs?: number;
    killGracePeriodMs?: number;
    secrets?: string[];
  } = {},
) {
  const logs: LogEntry[] = [];
  const stdout: string[] = [];
  const promise = runProcess({
    command: process.execPath,
    args: ['-e', script, ...(options.args ?? [])],
    cwd: process.cwd(),
    env: options.env ?? {},
    logger: createCapturingLogger(logs),
    redactor: createRedactor(options.secrets ?? []),
    label: 'tool run',
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 10_000,
    killGracePeriodMs: options.killGracePeriodMs ?? 300,
    onStdoutLine: line => stdout.push(line),
  });
  return { promise, logs, stdout };
}

describe('runProcess', () => {
  it('passes arguments literally, without a shell', async () => {
    const injection = ['; rm -rf /', '$(id)', '`id`', '&& echo hi', '*'];
    const { promise, stdout } = runScript(
      'console.log(JSON.stringify(process.argv.slice(1)))',
      { args: injection },
    );
    expect(await promise).toEqual(
      expect.objectContaining({ exitCode: 0, exitSignal: null }),
    );
    expect(JSON.parse(stdout[0])).toEqual(injection);
  });

  it('gives the child exactly the environment it is handed', async () => {
    process.env.IAC_TEST_BACKEND_SECRET = 'not-for-tools';
    try {
      const { promise, stdout } = runScript(
        'console.log(JSON.stringify(Object.keys(process.env).sort()))',
        { env: { ONLY_THIS: '1' } },
      );
      await promise;
      expect(JSON.parse(stdout[0])).toEqual(['ONLY_THIS']);
    } finally {
      delete process.env.IAC_TEST_BACKEND_SECRET;
    }
  });

  it('splits output into lines across chunks, CRLF and multi-byte characters', async () => {
    const { promise, stdout } = runScript(
      `const w = s => process.stdout.write(s);
       w('first li'); setTimeout(() => { w('ne\\r\\nsecond ');
       w(Buffer.from('é')); setTimeout(() => w('\\nlast without newline'), 20); }, 20);`,
    );
    await promise;
    expect(stdout).toEqual(['first line', 'second é', 'last without newline']);
  });

  it('logs stderr redacted and keeps its tail for error messages', async () => {
    const logs: LogEntry[] = [];
    const result = await runProcess({
      command: process.execPath,
      args: [
        '-e',
        'console.log("out hunter2"); console.error("err hunter2"); process.exit(3)',
      ],
      cwd: process.cwd(),
      env: {},
      logger: createCapturingLogger(logs),
      redactor: createRedactor(['hunter2']),
      label: 'tool',
      timeoutMs: 10_000,
      killGracePeriodMs: 300,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderrTail).toEqual(['err ***']);
    expect(logs.map(l => `${l.level}: ${l.message}`)).toEqual([
      'info: out ***',
      'warn: err ***',
    ]);
  });

  it('stops the process with SIGINT when cancelled and says so', async () => {
    const controller = new AbortController();
    const { promise, logs } = runScript(
      'process.on("SIGINT", () => { console.log("bye"); process.exit(130); }); console.log("ready"); setInterval(() => {}, 1000);',
      { signal: controller.signal },
    );
    await new Promise(r => setTimeout(r, 500));
    controller.abort();
    await expect(promise).rejects.toEqual(
      new ProcessStoppedError(
        'tool run was cancelled: stopped after SIGINT (exited with code 130)',
        'cancelled',
      ),
    );
    expect(logs.map(l => l.message)).toEqual([
      expect.stringMatching(
        /^Task cancelled: sending SIGINT to tool run \(pid \d+\)$/,
      ),
      'tool run was cancelled: stopped after SIGINT (exited with code 130)',
    ]);
  });

  it('escalates to SIGTERM, then SIGKILL, when the process ignores signals', async () => {
    const controller = new AbortController();
    const { promise, logs } = runScript(
      'process.on("SIGINT", () => {}); process.on("SIGTERM", () => {}); setInterval(() => {}, 1000);',
      { signal: controller.signal, killGracePeriodMs: 200 },
    );
    await new Promise(r => setTimeout(r, 500));
    controller.abort();
    await expect(promise).rejects.toThrow(
      'tool run was cancelled: stopped after SIGKILL (ended by SIGKILL)',
    );
    expect(logs.map(l => l.message)).toEqual([
      expect.stringMatching(/^Task cancelled: sending SIGINT/),
      'tool run did not stop within 200 ms of SIGINT: sending SIGTERM',
      'tool run did not stop within 200 ms of SIGTERM: sending SIGKILL',
      'tool run was cancelled: stopped after SIGKILL (ended by SIGKILL)',
    ]);
  });

  it('stops the process at its timeout and says so', async () => {
    const { promise, logs } = runScript('setInterval(() => {}, 1000);', {
      timeoutMs: 400,
    });
    const error = await promise.catch(e => e);
    expect(error).toBeInstanceOf(ProcessStoppedError);
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      'tool run timed out after 400 ms: stopped after SIGINT (ended by SIGINT)',
    );
    expect(logs[0].message).toMatch(
      /^tool run exceeded its timeout of 400 ms: sending SIGINT \(pid \d+\)$/,
    );
  });

  it('does not start when the task is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { promise } = runScript('console.log(1)', {
      signal: controller.signal,
    });
    await expect(promise).rejects.toThrow(
      'tool run was cancelled before it started',
    );
  });

  it('reports a binary that cannot be started', async () => {
    await expect(
      runProcess({
        command: '/nonexistent/terraform',
        args: [],
        cwd: process.cwd(),
        env: {},
        logger: createCapturingLogger(),
        redactor: createRedactor(),
        label: 'terraform plan',
        timeoutMs: 1000,
        killGracePeriodMs: 100,
      }),
    ).rejects.toThrow(
      'Could not start terraform plan (/nonexistent/terraform): spawn /nonexistent/terraform ENOENT',
    );
  });
});
