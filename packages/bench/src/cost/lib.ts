/* Shared pieces of the cost benchmark: options, databases, child processes, measuring, printing. */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  BENCH_DIR,
  ENGINES,
  Engine,
  UsageError,
  psql,
} from '../shared/postgres';
import { sleep } from '../shared/print';

export {
  BENCH_DIR,
  ENGINES,
  UsageError,
  dropPostgresDatabase,
  psql,
} from '../shared/postgres';
export type { Engine } from '../shared/postgres';
export {
  int,
  loadAverage,
  mib,
  ms,
  percentile,
  seconds,
  sleep,
  table,
} from '../shared/print';

// ---------------------------------------------------------------------------
// Options

export const USAGE = `yarn bench:cost [--only=import|query] [--engines=sqlite,postgres] [--rows=N] [--facts=N] [--fresh] ...
  --only          import or query; default both (env BENCH_ONLY)
  --engines       comma-separated sqlite,postgres; default both (env BENCH_ENGINES)
  --rows          FOCUS rows in the generated CSV for the import part (default 1000000; env BENCH_ROWS)
  --facts         daily facts in the store of the query part (default 10000000; env BENCH_FACTS)
  --fresh         build the kept store of the query part again
  --requests      sequential requests measured per engine (default 500, after --warmup=50)
  --warmup        sequential warm-up requests per engine (default 50)
  --duration      seconds of the concurrent run (default 30)
  --connections   concurrent clients, one keep-alive connection each (default 100)
  --postgres      server URL; the import part creates a throw-away database per
                  engine, the query part keeps its store there
                  (default postgresql://postgres@127.0.0.1:5432; env BENCH_POSTGRES)
  --out           where the JSON results go (default <tmpdir>/multicloud-bench/cost-results.json)`;

export type BenchOptions = {
  help: boolean;
  parts: Array<'import' | 'query'>;
  engines: Engine[];
  rows: number;
  facts: number;
  fresh: boolean;
  requests: number;
  warmup: number;
  duration: number;
  connections: number;
  postgres: string;
  out: string;
};

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const number = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(number) || number < min) {
    throw new UsageError(
      `${name} must be a whole number of at least ${min}, got '${value}'`,
    );
  }
  return number;
}

/** The options from the command line, then the environment, then the defaults. */
export function readOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): BenchOptions {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new UsageError(`Unknown argument '${arg}'`);
    }
    args.set(match[1], match[2] ?? '');
  }
  const known = [
    'help',
    'only',
    'engines',
    'rows',
    'facts',
    'fresh',
    'requests',
    'warmup',
    'duration',
    'connections',
    'postgres',
    'out',
  ];
  for (const key of args.keys()) {
    if (!known.includes(key)) {
      throw new UsageError(`Unknown option '--${key}'`);
    }
  }
  const only = args.get('only') ?? env.BENCH_ONLY ?? '';
  const parts: BenchOptions['parts'] = [];
  for (const part of only ? only.split(',') : ['import', 'query']) {
    if (part !== 'import' && part !== 'query') {
      throw new UsageError(`--only must be import or query, got '${part}'`);
    }
    parts.push(part);
  }
  const enginesArg =
    args.get('engines') ?? env.BENCH_ENGINES ?? ENGINES.join(',');
  const engines: Engine[] = [];
  for (const name of enginesArg.split(',').map(e => e.trim())) {
    const engine = name === 'pg' ? 'postgres' : name;
    if (!ENGINES.includes(engine as Engine)) {
      throw new UsageError(
        `--engines takes sqlite and/or postgres, got '${name}'`,
      );
    }
    engines.push(engine as Engine);
  }
  return {
    help: args.has('help'),
    parts,
    engines,
    rows: wholeNumber(
      '--rows',
      args.get('rows') ?? env.BENCH_ROWS,
      1_000_000,
      100,
    ),
    facts: wholeNumber(
      '--facts',
      args.get('facts') ?? env.BENCH_FACTS,
      10_000_000,
      10_000,
    ),
    fresh: args.has('fresh'),
    requests: wholeNumber('--requests', args.get('requests'), 500, 10),
    warmup: wholeNumber('--warmup', args.get('warmup'), 50, 0),
    duration: wholeNumber('--duration', args.get('duration'), 30, 1),
    connections: wholeNumber('--connections', args.get('connections'), 100, 1),
    postgres: (
      args.get('postgres') ??
      env.BENCH_POSTGRES ??
      'postgresql://postgres@127.0.0.1:5432'
    ).replace(/\/+$/, ''),
    out: args.get('out') || path.join(BENCH_DIR, 'cost-results.json'),
  };
}

// ---------------------------------------------------------------------------
// Databases

/** A new, empty PostgreSQL database with a unique name. */
export async function createPostgresDatabase(
  serverUrl: string,
  purpose: string,
): Promise<string> {
  const name = `multicloud_bench_${purpose}_${process.pid}_${Date.now()}`;
  await psql(serverUrl, 'postgres', `CREATE DATABASE ${name}`);
  return name;
}

export async function postgresDatabaseExists(
  serverUrl: string,
  name: string,
): Promise<boolean> {
  return (
    (await psql(
      serverUrl,
      'postgres',
      `SELECT 1 FROM pg_database WHERE datname = '${name}'`,
    )) === '1'
  );
}

/** Where a database is: a SQLite file, or a database of a PostgreSQL server. */
export type DatabaseLocation = {
  engine: Engine;
  sqliteFile?: string;
  serverUrl?: string;
  database?: string;
};

/**
 * Knex as the Backstage database service configures it for each engine:
 * the bench creates it and hands it to the plugin through
 * `mockServices.database.factory({ knex })`.
 */
export function createKnex(location: DatabaseLocation): Knex {
  if (location.engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: location.sqliteFile! },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: `${location.serverUrl}/${location.database}`,
  });
}

/**
 * Waits until no query has run on `knex` for half a second (at most
 * `maxMs`): the plugin may still be working once its backend has stopped
 * (the alert evaluation it starts after an import, requests whose clients
 * gave up), and destroying the pool under it fails those queries.
 */
export async function drainPool(knex: Knex, maxMs = 300_000): Promise<void> {
  const pool = (
    knex.client as {
      pool?: { numUsed(): number; numPendingAcquires(): number };
    }
  ).pool;
  const end = Date.now() + maxMs;
  let quiet = 0;
  while (pool && quiet < 5 && Date.now() < end) {
    await sleep(100);
    quiet = pool.numUsed() + pool.numPendingAcquires() === 0 ? quiet + 1 : 0;
  }
}

// ---------------------------------------------------------------------------
// Child processes

/**
 * Forks a TypeScript file (`require.resolve('./name')`) with Backstage's
 * loader, its input as JSON in argv. `message(type)` resolves with the child's next message of
 * that type, or rejects when the child exits first.
 */
export function forkPhase(file: string, input: object, label: string) {
  const child = fork(file, [JSON.stringify(input)], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const message = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type?: string } & Record<string, unknown>) => {
        if (m?.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      exited.then(code =>
        reject(new Error(`${label} exited with ${code} before '${type}'`)),
      );
    });
  return { child, exited, message };
}

/** Stops a child that is still running (after a failure of its parent). */
export async function killPhase(child: ChildProcess | undefined) {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise(resolve => child.once('exit', resolve));
  }
}

/** Sends a message to the parent process. */
export function sendToParent(message: object): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, (error: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** The `main` of a child process: exit 0 once done, 1 with the error printed. */
export function runPhase(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------------------
// Logging

/**
 * A logger that prints info and above with a prefix (debug and audit events
 * are dropped), with the process's RSS at that moment when `withRss`. Given
 * to the test backend as its root logger, so the plugin's own log lines
 * (the importer's timings among them) are printed.
 */
export function printingLogger(prefix: string, withRss = false): LoggerService {
  const print = (level: string) => (message: string, meta?: Error | object) => {
    const extra = meta instanceof Error ? ` ${meta.message}` : '';
    const rss = withRss
      ? ` [rss ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MiB]`
      : '';
    process.stdout.write(
      `  ${prefix} [${level}] ${
        message.length > 400 ? `${message.slice(0, 397)}...` : message
      }${extra}${rss}\n`,
    );
  };
  const silent: LoggerService = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child: () => silent,
  };
  const logger: LoggerService = {
    debug() {},
    info: print('info'),
    warn: print('warn'),
    error: print('error'),
    child: meta =>
      (meta as { isAuditEvent?: boolean }).isAuditEvent ? silent : logger,
  };
  return logger;
}

// ---------------------------------------------------------------------------
// Measuring

/** Peak resident set size of this process (VmHWM), in bytes. */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match) {
      return Number(match[1]) * 1024;
    }
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Starts a new peak: `VmHWM` becomes the current RSS (Linux,
 * `/proc/self/clear_refs`), so that `peakRssBytes()` afterwards is the peak
 * of what follows. False where that is not possible: the peak then counts
 * from the start of the process.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples memory every `intervalMs`; `stop()` returns the sample with the
 * largest RSS (with the V8 heap at that moment: the rest is native,
 * DuckDB's and SQLite's memory among it).
 */
export function rssSampler(intervalMs = 50) {
  let max = process.memoryUsage();
  const sample = () => {
    const now = process.memoryUsage();
    if (now.rss > max.rss) {
      max = now;
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rss: max.rss, heapUsed: max.heapUsed, heapTotal: max.heapTotal };
    },
  };
}

// ---------------------------------------------------------------------------
// Printing

// ---------------------------------------------------------------------------
// Generating

/** A small deterministic PRNG (mulberry32): the same seed, the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal from a uniform source (Box-Muller). */
export function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

export function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}
