import { LoggerService } from '@backstage/backend-plugin-api';
import { generateKeyPairSync } from 'node:crypto';
import net from 'node:net';
import { LogEntry, createCapturingLogger } from '../__testUtils__/testContext';
import { createRedactingLogger } from './redactingLogger';
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

describe('issue 9 case 3: redaction on the stream', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pemBody = pem.trim().split('\n').slice(1, -1);

  let server: net.Server;
  let port: number;
  let connection: net.Socket | undefined;
  beforeAll(async () => {
    server = net.createServer(socket => {
      connection = socket;
      socket.write('g');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise(r => server.close(r)));

  /**
   * The child writes one step, then waits until the parent has read all of
   * it before it writes the next: every step ends at a chunk boundary of the
   * pipes. Each write is shorter than PIPE_BUF, so it is read whole.
   */
  const PACED_CHILD = `
    const steps = JSON.parse(process.env.STEPS);
    const socket = require('node:net').connect(Number(process.env.PORT), '127.0.0.1');
    let next = 0;
    socket.on('data', () => {
      if (next === steps.length) return;
      const { out, err } = steps[next++];
      if (out) process.stdout.write(out);
      if (err) process.stderr.write(err);
      if (next === steps.length) socket.end();
    });`;

  function runPaced(
    steps: Array<{ out?: string; err?: string }>,
    options: {
      secrets: string[];
      onStdoutLine?: (line: string, logger: LoggerService) => void;
      onStderrLine?: (line: string, logger: LoggerService) => void;
    },
  ) {
    const stepEnds: number[] = [];
    let total = 0;
    for (const { out = '', err = '' } of steps) {
      expect(Buffer.byteLength(out)).toBeLessThan(4096);
      expect(Buffer.byteLength(err)).toBeLessThan(4096);
      total += out.length + err.length;
      stepEnds.push(total);
    }
    const logs: LogEntry[] = [];
    const redactor = createRedactor(options.secrets);
    const logger = createRedactingLogger(createCapturingLogger(logs), redactor);
    // The parent tells the child to go on once it has read a whole step.
    let received = 0;
    let acknowledged = 0;
    const createLineStream = redactor.createLineStream;
    redactor.createLineStream = (onLine, streamOptions) => {
      const stream = createLineStream(onLine, streamOptions);
      return {
        write: text => {
          stream.write(text);
          received += text.length;
          while (
            acknowledged < steps.length &&
            received >= stepEnds[acknowledged]
          ) {
            acknowledged += 1;
            connection?.write('g');
          }
        },
        end: () => stream.end(),
      };
    };
    const { onStdoutLine, onStderrLine } = options;
    const promise = runProcess({
      command: process.execPath,
      args: ['-e', PACED_CHILD],
      cwd: process.cwd(),
      env: { STEPS: JSON.stringify(steps), PORT: String(port) },
      logger,
      redactor,
      label: 'tool',
      timeoutMs: 10_000,
      killGracePeriodMs: 300,
      onStdoutLine: onStdoutLine && (line => onStdoutLine(line, logger)),
      onStderrLine: onStderrLine && (line => onStderrLine(line, logger)),
    });
    return { promise, logs };
  }

  const messages = (logs: LogEntry[]) =>
    logs.map(l => `${l.level}: ${l.message}`);

  it('masks a PEM private key printed across lines and pipe chunks', async () => {
    const printed = `before the key\n${pem}after the key\n`;
    const { promise, logs } = runPaced(
      [
        { out: printed.slice(0, 20) },
        { out: printed.slice(20, 60) },
        { out: printed.slice(60, 700) },
        { out: printed.slice(700, 1500) },
        { out: printed.slice(1500) },
      ],
      { secrets: [pem] },
    );
    await promise;
    expect(messages(logs)).toEqual([
      'info: before the key',
      ...pem
        .trim()
        .split('\n')
        .map(() => 'info: ***'),
      'info: after the key',
    ]);
  });

  it('masks a PEM key printed with CRLF and indentation on stderr, for parsers that log raw lines and in the stderr tail', async () => {
    const indented = pem
      .trim()
      .split('\n')
      .map(line => `    ${line}`)
      .join('\r\n');
    const printed = `Error: invalid values:\r\n  key: |\r\n${indented}\r\ndone\r\n`;
    const parsed: string[] = [];
    const { promise, logs } = runPaced(
      [
        { err: printed.slice(0, 45) },
        { err: printed.slice(45, 900) },
        { err: printed.slice(900) },
      ],
      {
        secrets: [pem],
        onStderrLine: (line, logger) => {
          parsed.push(line);
          logger.error(line);
        },
      },
    );
    const result = await promise;
    expect(parsed.join('\r\n')).toBe(printed.slice(0, -2));
    const visible = [...messages(logs), ...result.stderrTail].join('\n');
    for (const line of pemBody) {
      expect(visible).not.toContain(line);
    }
    expect(messages(logs)).toEqual([
      'error: Error: invalid values:',
      'error:   key: |',
      // The indentation inside the key is masked with it.
      'error:     ***',
      ...pemBody.concat('').map(() => 'error: ***'),
      'error: done',
    ]);
    expect(result.stderrTail.slice(-2)).toEqual(['***', 'done']);
  });

  it('masks a kubeconfig client key that is base64-encoded', async () => {
    const key = pem.trim();
    const keyData = Buffer.from(`${key}\n`).toString('base64');
    const certData = Buffer.from(
      '-----BEGIN CERTIFICATE-----\npublic\n',
    ).toString('base64');
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: ci',
      '  user:',
      `    client-certificate-data: ${certData}`,
      `    client-key-data: ${keyData}`,
      '',
    ].join('\n');
    const { promise, logs } = runPaced([{ out: kubeconfig }], {
      secrets: [key],
    });
    await promise;
    expect(messages(logs)).toEqual([
      'info: apiVersion: v1',
      'info: kind: Config',
      'info: users:',
      'info: - name: ci',
      'info:   user:',
      `info:     client-certificate-data: ${certData}`,
      'info:     client-key-data: ***',
    ]);
  });

  it('masks the secret of an Authorization: Basic header, whatever the user name', async () => {
    const secret = 'hunter2-Sx9';
    const header = (user: string) =>
      `Authorization: Basic ${Buffer.from(`${user}:${secret}`).toString(
        'base64',
      )}\n`;
    const { promise, logs } = runPaced(
      [{ out: header('ci') + header('bot') + header('root') }],
      { secrets: [secret] },
    );
    await promise;
    expect(messages(logs)).toEqual(
      Array(3).fill('info: Authorization: Basic ***'),
    );
  });

  it("masks a secret with & < > in Go's JSON escaping", async () => {
    const secret = 'p&ss<w>rd-42';
    const goJson = JSON.stringify({
      '@level': 'info',
      '@message': `var.password = ${secret}`,
    })
      .replace(/&/g, '\\u0026')
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e');
    const { promise, logs } = runPaced([{ out: `${goJson}\n` }], {
      secrets: [secret],
    });
    await promise;
    expect(messages(logs)).toEqual([
      'info: {"@level":"info","@message":"var.password = ***"}',
    ]);
  });

  it('masks a JSON service-account key printed escaped, also when a parser logs it with its lines joined', async () => {
    const serviceAccountKey = `${JSON.stringify(
      {
        type: 'service_account',
        project_id: 'demo-project',
        private_key_id: '1f2e3d4c5b6a79880123456789abcdef01234567',
        private_key: pem,
        client_email: 'ci@demo-project.iam.gserviceaccount.com',
      },
      null,
      2,
    )}\n`;
    // The tool trims the file's last newline, as Terraform's file() users do.
    const diagnostic = `${JSON.stringify({
      '@level': 'error',
      diagnostic: {
        severity: 'error',
        summary: 'invalid credentials',
        detail: serviceAccountKey.trim(),
      },
    })}\n`;
    const { promise, logs } = runPaced([{ out: diagnostic, err: diagnostic }], {
      secrets: [serviceAccountKey],
      onStderrLine: (line, logger) => {
        const { detail } = JSON.parse(line).diagnostic;
        logger.error(detail.replace(/\s*\n\s*/g, ' '));
      },
    });
    await promise;
    // stdout and stderr are read in no particular order.
    expect(messages(logs).sort()).toEqual([
      'error: ***',
      'info: {"@level":"error","diagnostic":{"severity":"error","summary":"invalid credentials","detail":"***"}}',
    ]);
  });

  it('cuts a 2 MiB line after redacting it, never inside a secret', async () => {
    const secret = 'S3CR3T-straddling-the-cut';
    const oneMiB = 1024 * 1024;
    const { promise, logs, stdout } = runScript(
      `const line = 'x'.repeat(${oneMiB - 6}) + ${JSON.stringify(
        secret,
      )} + 'y'.repeat(${oneMiB});
       process.stdout.write(line + '\\nafter\\n');
       process.stderr.write(line + '\\n');`,
      { secrets: [secret] },
    );
    await promise;
    // Compared in short form: a failure would otherwise print 2 MiB.
    const shorten = (lines: string[]) =>
      lines.map(line => line.replace(/x{1000,}/, run => `x{${run.length}}`));
    // The parser gets the cut line redacted: it is no longer the tool's line.
    expect(shorten(stdout)).toEqual([
      `x{${oneMiB - 6}}*** [line truncated]`,
      'after',
    ]);
    expect(shorten(messages(logs))).toEqual([
      `warn: x{${oneMiB - 6}}*** [line truncated]`,
    ]);
  });

  it('leaves output unchanged for a 2-character secret and warns once, without its value', async () => {
    const { promise, logs } = runPaced([{ out: 'zq: zqzq done\nzq\n' }], {
      secrets: ['zq'],
    });
    await promise;
    expect(messages(logs)).toEqual([
      'warn: The secret value #1 is shorter than 4 characters and is not masked in the task log: masking it would garble every line that contains those characters',
      'info: zq: zqzq done',
      'info: zq',
    ]);
  });

  it('masks a URL-encoded secret, with a space as %20 and as +', async () => {
    const secret = 'p@ss word/(x)!';
    const component = encodeURIComponent(secret);
    const query = component
      .replace(
        /[!'()*]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      )
      .replace(/%20/g, '+');
    const { promise, logs } = runPaced(
      [
        {
          out: [
            `postgres://admin:${component}@db:5432/app`,
            `GET /login?user=admin&password=${query}&next=/`,
            `form: password=${component.replace(/%20/g, '+')}`,
            '',
          ].join('\n'),
        },
      ],
      { secrets: [secret] },
    );
    await promise;
    expect(messages(logs)).toEqual([
      'info: postgres://admin:***@db:5432/app',
      'info: GET /login?user=admin&password=***&next=/',
      'info: form: password=***',
    ]);
  });
});
