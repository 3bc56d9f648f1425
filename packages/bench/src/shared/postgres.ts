/* Engines, the bench directory and PostgreSQL helpers the backend benches share. */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

/** Where kept catalogs and results stay between runs. */
export const BENCH_DIR = path.join(os.tmpdir(), 'multicloud-bench');

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
