/* The cost benchmark's options, and the helpers it shares with the other benches (src/shared). */
import path from 'node:path';
import {
  parseArguments,
  postgresServerUrl,
  readEngines,
  wholeNumber,
} from '../shared/options';
import { BENCH_DIR, Engine, UsageError, psql } from '../shared/postgres';

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
export {
  createKnex,
  drainPool,
  postgresDatabaseExists,
} from '../shared/database';
export type { DatabaseLocation } from '../shared/database';
export {
  forkPhase,
  killPhase,
  runPhase,
  sendToParent,
} from '../shared/process';
export { printingLogger } from '../shared/logger';
export { peakRssBytes, resetPeakRss, rssSampler } from '../shared/measure';
export { gaussian, pick, random } from '../shared/random';

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

/** The options from the command line, then the environment, then the defaults. */
export function readOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): BenchOptions {
  const args = parseArguments(argv, [
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
  ]);
  const only = args.get('only') ?? env.BENCH_ONLY ?? '';
  const parts: BenchOptions['parts'] = [];
  for (const part of only ? only.split(',') : ['import', 'query']) {
    if (part !== 'import' && part !== 'query') {
      throw new UsageError(`--only must be import or query, got '${part}'`);
    }
    parts.push(part);
  }
  return {
    help: args.has('help'),
    parts,
    engines: readEngines(args.get('engines') ?? env.BENCH_ENGINES),
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
    postgres: postgresServerUrl(args.get('postgres') ?? env.BENCH_POSTGRES),
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
