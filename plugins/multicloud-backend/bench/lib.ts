/* Shared pieces of the alerts benchmark: databases, fakes, measuring, printing. */
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knexFactory, { Knex } from 'knex';

// ---------------------------------------------------------------------------
// Engines and paths

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

/** Where generated files and results are kept between runs. */
export const BENCH_DIR = path.join(os.tmpdir(), 'multicloud-bench');

// ---------------------------------------------------------------------------
// Databases

const run = promisify(execFile);

/** Runs SQL through psql against a database of the server. */
export async function psql(
  serverUrl: string,
  database: string,
  sql: string,
): Promise<string> {
  const { stdout } = await run(
    'psql',
    [
      `${serverUrl}/${database}`,
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-At',
      '-c',
      sql,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout.trim();
}

export async function dropPostgresDatabase(
  serverUrl: string,
  name: string,
): Promise<void> {
  await psql(serverUrl, 'postgres', `DROP DATABASE IF EXISTS ${name} (FORCE)`);
}

/** Knex as the Backstage database service configures it for each engine. */
export function createKnex(
  engine: Engine,
  target: { serverUrl?: string; database?: string; sqliteFile?: string },
): Knex {
  if (engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target.sqliteFile! },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: `${target.serverUrl}/${target.database}`,
  });
}

// ---------------------------------------------------------------------------
// Fakes of the Backstage services the cost code needs

export const BENCH_USER = 'user:default/bench';

const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: BENCH_USER },
} as unknown as BackstageCredentials;

export const fakeAuth = {
  getOwnServiceCredentials: async () => credentials,
  isPrincipal: (c: BackstageCredentials, type: string) =>
    (c.principal as { type?: string }).type === type,
} as unknown as AuthService;

export const fakeHttpAuth = {
  credentials: async () => credentials,
} as unknown as HttpAuthService;

/** An auditor that records nothing: the benches measure the product, not the audit log. */
export const fakeAuditor = {
  createEvent: async () => ({
    success: async () => undefined,
    fail: async () => undefined,
  }),
} as unknown as AuditorService;

export const fakePermissions = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

/**
 * A catalog holding the given entities: `queryEntities` pages through them
 * (1000 at a time, by cursor) as the real one does, `getEntityByRef` finds one.
 */
export function fakeCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
  );
  return {
    async queryEntities(request?: { cursor?: string; limit?: number }) {
      const start = request?.cursor ? Number(request.cursor) : 0;
      const limit = request?.limit ?? 1000;
      const items = entities.slice(start, start + limit);
      const next = start + limit;
      return {
        items,
        totalItems: entities.length,
        pageInfo: next < entities.length ? { nextCursor: String(next) } : {},
      };
    },
    async getEntityByRef(ref: string | { kind: string; name: string }) {
      const key = (
        typeof ref === 'string' ? ref : stringifyEntityRef(ref)
      ).toLocaleLowerCase('en-US');
      return byRef.get(key);
    },
  } as unknown as CatalogService;
}

/**
 * A logger that prints info and above with a prefix (debug is dropped), with
 * the process's RSS at that moment when `withRss`.
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
  const logger: LoggerService = {
    debug() {},
    info: print('info'),
    warn: print('warn'),
    error: print('error'),
    child: () => logger,
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
 * largest RSS (with the V8 heap in use at that moment: the rest is native,
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

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `uptime` of the machine (load averages), to say whether it was busy. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(', ');
}

// ---------------------------------------------------------------------------
// Printing

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A plain text table; numbers (and cells that look like them) are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)),
  );
  const numeric = (cell: string) =>
    /^[-+<>]?[\d,.]+( ?[a-zA-Z/%]+)?$/.test(cell) || cell === '-';
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) =>
        i > 0 && numeric(cell)
          ? cell.padStart(widths[i])
          : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd()}`;
  return [
    line(header),
    `  ${widths.map(w => '-'.repeat(w)).join('  ')}`,
    ...rows.map(line),
  ].join('\n');
}

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

export function sleep(milliseconds: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, milliseconds));
}
