/* Shared pieces of the topology benchmark: engines, databases, dates, printing. */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// ---------------------------------------------------------------------------
// Engines and paths

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

/** Where kept catalogs and results stay between runs. */
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

// ---------------------------------------------------------------------------
// Dates

const DAY_MS = 24 * 60 * 60 * 1000;

/** The day (`YYYY-MM-DD`, UTC) `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

// ---------------------------------------------------------------------------
// Measuring

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

export function sleep(milliseconds: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, milliseconds));
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
