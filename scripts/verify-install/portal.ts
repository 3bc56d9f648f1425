/*
 * The new app, running: its backend (serving the built app) on a free port,
 * and the checks against it. Every wait polls a state with a deadline.
 */
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { StepError, seconds, start, tail } from './runner';

export type Backend = {
  baseUrl: string;
  process: ChildProcess;
  log: string;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Polls `probe` every second until it returns a value, or throws when the
 * deadline passes, with the last state it saw. `alive` ends the wait early.
 */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<
    { done: true; value: T } | { done: false; state: string }
  >,
  alive?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let state = 'not asked yet';
  for (;;) {
    const dead = alive?.();
    if (dead) {
      throw new StepError(`${what}: ${dead}`);
    }
    try {
      const result = await probe();
      if (result.done) {
        return result.value;
      }
      state = result.state;
    } catch (error) {
      state = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new StepError(
        `${what}: not within ${seconds(timeoutMs)}; last: ${state}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

/**
 * Starts the backend as `yarn start` does (backstage-cli package start,
 * NODE_ENV development, the app's SQLite in memory), with an overlay that
 * only moves it to `port` and lets it serve the built app there.
 */
export async function startBackend(options: {
  appDir: string;
  env: NodeJS.ProcessEnv;
  port?: number;
  log: string;
}): Promise<Backend> {
  const port = options.port ?? (await freePort());
  if (!(await isFree(port))) {
    throw new StepError(
      `port ${port} is already in use; stop what listens there or pass --port=N`,
    );
  }
  const baseUrl = `http://localhost:${port}`;
  const overlay = path.join(options.appDir, 'app-config.verify-install.yaml');
  fs.writeFileSync(
    overlay,
    [
      '# yarn verify:install: the backend on a free port, serving the built app.',
      'app:',
      `  baseUrl: ${baseUrl}`,
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  cors:',
      `    origin: ${baseUrl}`,
      '',
    ].join('\n'),
  );
  const child = start(
    'yarn',
    [
      'workspace',
      'backend',
      'start',
      '--config',
      path.join(options.appDir, 'app-config.yaml'),
      '--config',
      overlay,
    ],
    { cwd: options.appDir, env: options.env, log: options.log },
  );
  const backend = { baseUrl, process: child, log: options.log };
  await waitFor(
    `GET ${baseUrl}/.backstage/health/v1/readiness`,
    180_000,
    async () => {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      return res.status === 200
        ? { done: true, value: undefined }
        : { done: false, state: `HTTP ${res.status}` };
    },
    () => exited(backend),
  );
  return backend;
}

/**
 * Why waiting on the backend is pointless: it exited, or it logged that its
 * startup failed (the dev server's file watcher then keeps the process, and
 * readiness, at 503, alive).
 */
function exited(backend: Backend): string | undefined {
  const { exitCode, signalCode } = backend.process;
  if (exitCode !== null || signalCode !== null) {
    return `the backend exited (${exitCode ?? signalCode}); last lines of ${
      backend.log
    }:\n${tail(backend.log)}`;
  }
  const log = fs.existsSync(backend.log)
    ? fs.readFileSync(backend.log, 'utf8')
    : '';
  const failure = log
    .split('\n')
    .find(line =>
      /threw an error during startup|Backend startup failed/.test(line),
    );
  return failure
    ? `the backend's startup failed (log ${backend.log}):\n${failure
        .replace(/\u001b\[[0-9;]*m/g, '')
        .slice(0, 600)}`
    : undefined;
}

let token: string | undefined;

/** A guest user's token, as the app's sign-in page gets it. */
async function guestToken(backend: Backend): Promise<string> {
  if (!token) {
    const res = await fetch(
      `${backend.baseUrl}/api/auth/guest/refresh?env=development`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    if (!res.ok) {
      throw new StepError(
        `guest sign-in: HTTP ${res.status} ${await res.text()}`,
      );
    }
    token = (await res.json()).backstageIdentity.token;
  }
  return token!;
}

async function getJson(
  backend: Backend,
  route: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${backend.baseUrl}${route}`, {
    headers: { Authorization: `Bearer ${await guestToken(backend)}` },
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: res.status, body };
}

/** Waits until the catalog serves Resources from the multicloud sources; their count. */
export function waitForInventory(backend: Backend): Promise<number> {
  return waitFor(
    'Resource entities with the multicloud.io/provider annotation',
    300_000,
    async () => {
      const { status, body } = await getJson(
        backend,
        '/api/catalog/entities/by-query?filter=kind=resource,metadata.annotations.multicloud.io/provider&limit=1',
      );
      if (status !== 200) {
        return {
          done: false,
          state: `HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`,
        };
      }
      return body.totalItems > 0
        ? { done: true, value: body.totalItems }
        : { done: false, state: '0 resources' };
    },
    () => exited(backend),
  );
}

/** Waits until GET /api/multicloud/health says ready; a one-line summary. */
export function waitForHealth(backend: Backend): Promise<string> {
  return waitFor(
    'GET /api/multicloud/health ready',
    360_000,
    async () => {
      const { status, body } = await getJson(backend, '/api/multicloud/health');
      if (status !== 200) {
        return {
          done: false,
          state: `HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`,
        };
      }
      if (!body.ready) {
        return { done: false, state: `pending: ${body.pending.join('; ')}` };
      }
      const sources = body.sources
        .map((s: any) => `${s.id} (${s.type}, ${s.catalogEntities} entities)`)
        .join(', ');
      return {
        done: true,
        value: `ready: ${body.database}, sources ${sources}, last import ${body.cost.lastImportAt}`,
      };
    },
    () => exited(backend),
  );
}

/**
 * Signs in as guest in Chromium, opens the Cost tab of component
 * checkout-api and waits for a cost figure above $0.00; returns it.
 */
export async function checkCostTab(
  backend: Backend,
  screenshot: string,
  onBrowser: (close: () => Promise<void>) => void,
): Promise<string> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new StepError(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  onBrowser(() => browser.close());
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    page.setDefaultTimeout(60_000);
    try {
      await page.goto(backend.baseUrl);
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Catalog', exact: true })
        .waitFor();
      await page.goto(
        `${backend.baseUrl}/catalog/default/component/checkout-api/cost`,
      );
      const figure = page.getByText(/^\$(?!0\.00$)[0-9,]+\.[0-9]{2}$/).first();
      await figure.waitFor({ timeout: 120_000 });
      const text = (await figure.textContent())!;
      await page.screenshot({ path: screenshot, fullPage: true });
      return `${text} on ${page.url().replace(backend.baseUrl, '')}`;
    } catch (error) {
      await page
        .screenshot({ path: screenshot, fullPage: true })
        .catch(() => undefined);
      throw new StepError(
        `${
          error instanceof Error ? error.message.split('\n')[0] : error
        } (page ${page.url()}; screenshot ${screenshot}, kept with --keep)`,
      );
    }
  } finally {
    await browser.close();
  }
}
