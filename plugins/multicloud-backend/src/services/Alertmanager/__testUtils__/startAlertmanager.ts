import { ChildProcess, spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';

/** The Debian package's binary, unless `ALERTMANAGER_BIN` names another. */
const ALERTMANAGER_BIN =
  process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

/**
 * The default configuration: one receiver that sends nothing, and an
 * inhibition rule by which a critical alert of a service mutes that
 * service's warnings.
 */
export const DEFAULT_ALERTMANAGER_CONFIG = `
route:
  receiver: blackhole
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: ['service']
`;

/**
 * Basic-auth credentials for an Alertmanager started with `basicAuth: true`
 * (a test fixture: the bcrypt hash is of this password, cost 4).
 */
export const TEST_BASIC_AUTH = {
  username: 'ops',
  password: 's3cret-for-tests',
  bcryptHash: '$2b$04$bsBKBo0118SKtT/2SUHhk.MyB7JPMbnKACL2skR/ojqLSZAc3yWeq',
  header: `Basic ${Buffer.from('ops:s3cret-for-tests').toString('base64')}`,
};

/** An alert as a client posts it to `POST /api/v2/alerts`. */
export type PostableAlert = {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
};

/** An Alertmanager process the test started. */
export type RunningAlertmanager = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Posts alerts through the API, as Prometheus does. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** GET on the API v2 (`alerts`, `silences`, `silence/<id>`), the JSON it answers. */
  get<T = unknown>(path: string): Promise<T>;
  /** Stops the process, waits for it to exit and removes its files; twice is fine. */
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Ends the process: SIGTERM, then SIGKILL if it has not exited in 10 s. */
async function terminate(child: ChildProcess, exited: Promise<unknown>) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<'timeout'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), 10_000);
  });
  if ((await Promise.race([exited, killed])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/**
 * Starts the real Alertmanager on a free 127.0.0.1 port, with a temporary
 * configuration and storage and clustering off, and resolves once
 * `GET /-/ready` answers 200.
 */
export async function startAlertmanager(
  options: { config?: string; basicAuth?: boolean } = {},
): Promise<RunningAlertmanager> {
  try {
    await access(ALERTMANAGER_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `${ALERTMANAGER_BIN} is not installed: install the Debian package prometheus-alertmanager (the bootstrap does), or set ALERTMANAGER_BIN`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'multicloud-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, options.config ?? DEFAULT_ALERTMANAGER_CONFIG);
  const args = [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  const headers: Record<string, string> = {};
  if (options.basicAuth) {
    const webConfigFile = join(dir, 'web.yml');
    await writeFile(
      webConfigFile,
      `basic_auth_users:\n  ${TEST_BASIC_AUTH.username}: ${TEST_BASIC_AUTH.bcryptHash}\n`,
    );
    args.push(`--web.config.file=${webConfigFile}`);
    headers.authorization = TEST_BASIC_AUTH.header;
  }

  // Another process may take the free port before Alertmanager binds it:
  // then it exits at once, and another port is tried.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      ALERTMANAGER_BIN,
      [...args, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', chunk => {
      stderr = (stderr + chunk).slice(-8000);
    });
    const exited = new Promise<void>(resolve => child.once('exit', resolve));
    child.once('error', error => {
      stderr += `\n${error.message}`;
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);

    const stop = async () => {
      await terminate(child, exited);
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    };

    try {
      await eventually(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            return 'exited' as const;
          }
          try {
            const response = await fetch(`${url}/-/ready`, { headers });
            return response.status === 200 ? ('ready' as const) : undefined;
          } catch {
            return undefined;
          }
        },
        state => state !== undefined,
        { description: `Alertmanager on ${url} is ready`, timeoutMs: 30_000 },
      ).then(state => {
        if (state === 'exited') {
          throw new Error(
            `Alertmanager exited before it was ready (code ${child.exitCode}): ${stderr}`,
          );
        }
      });
    } catch (error) {
      await terminate(child, exited);
      process.removeListener('exit', killOnExit);
      if (attempt < 3 && /address already in use/.test(stderr)) {
        continue;
      }
      await rm(dir, { recursive: true, force: true });
      throw error;
    }

    return {
      url,
      async postAlerts(alerts) {
        const response = await fetch(`${url}/api/v2/alerts`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        });
        if (response.status !== 200) {
          throw new Error(
            `Alertmanager refused the alerts (HTTP ${
              response.status
            }): ${await response.text()}`,
          );
        }
      },
      async get<T>(path: string) {
        const response = await fetch(`${url}/api/v2/${path}`, { headers });
        if (response.status !== 200) {
          throw new Error(
            `GET /api/v2/${path} answered HTTP ${
              response.status
            }: ${await response.text()}`,
          );
        }
        return (await response.json()) as T;
      },
      stop,
    };
  }
}
