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

export const USAGE = `yarn bench:cost [--parts=import,query,reattribute,rebuild,replicas] [--engines=sqlite,postgres] [--rows=N] [--facts=N] [--fresh] ...
  --parts         comma-separated, in this order whatever the order given:
                  import, query, reattribute, rebuild, replicas; default all
                  (env BENCH_PARTS; --only and BENCH_ONLY are the same)
  --engines       comma-separated sqlite,postgres; default both (env BENCH_ENGINES)
  --rows          FOCUS rows in the generated CSV for the import part (default 1000000; env BENCH_ROWS)
  --facts         daily facts in the kept store of the query, reattribute, rebuild
                  and replicas parts (default 10000000; env BENCH_FACTS)
  --resources     Resource entities the catalog of the reattribute part serves, those
                  of the resources that bill and more that do not (default 20000 at
                  10000000 facts, in proportion to --facts; env BENCH_RESOURCES)
  --attribution-timeout  seconds the reattribute part waits for the attribution task
                  before it gives up and stops the server (default 1800, the
                  task's timeout in the plugin's default schedule)
  --fresh         build the kept store again
  --requests      sequential requests measured per engine (default 500, after --warmup=50)
  --warmup        sequential warm-up requests per engine (default 50)
  --duration      seconds of the concurrent runs (default 30)
  --connections   concurrent clients, one keep-alive connection each (default 100)
  --postgres      server URL; the import part creates a throw-away database per
                  engine, the other parts keep their store there (and copy it
                  for the parts that write)
                  (default postgresql://postgres@127.0.0.1:5432; env BENCH_POSTGRES)
  --out           where the JSON results go (default <tmpdir>/multicloud-bench/cost-results.json)`;

/** The parts of the bench, in the order they run. */
export const PARTS = [
  'import',
  'query',
  'reattribute',
  'rebuild',
  'replicas',
] as const;
export type Part = (typeof PARTS)[number];

/** Resource entities of the reattribute part's catalog at 10,000,000 facts. */
const RESOURCES_AT_DEFAULT_FACTS = 20_000;

export type BenchOptions = {
  help: boolean;
  parts: Part[];
  engines: Engine[];
  rows: number;
  facts: number;
  /** Resource entities of the reattribute part's catalog. */
  resources: number;
  /** Seconds the reattribute part waits for the attribution task. */
  attributionTimeout: number;
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
    'parts',
    'only',
    'engines',
    'rows',
    'facts',
    'resources',
    'attribution-timeout',
    'fresh',
    'requests',
    'warmup',
    'duration',
    'connections',
    'postgres',
    'out',
  ]);
  const listed =
    args.get('parts') ??
    args.get('only') ??
    env.BENCH_PARTS ??
    env.BENCH_ONLY ??
    '';
  const wanted = listed ? listed.split(',').map(p => p.trim()) : [...PARTS];
  for (const part of wanted) {
    if (!PARTS.includes(part as Part)) {
      throw new UsageError(`--parts takes ${PARTS.join(', ')}; got '${part}'`);
    }
  }
  const facts = wholeNumber(
    '--facts',
    args.get('facts') ?? env.BENCH_FACTS,
    10_000_000,
    10_000,
  );
  return {
    help: args.has('help'),
    parts: PARTS.filter(part => wanted.includes(part)),
    engines: readEngines(args.get('engines') ?? env.BENCH_ENGINES),
    rows: wholeNumber(
      '--rows',
      args.get('rows') ?? env.BENCH_ROWS,
      1_000_000,
      100,
    ),
    facts,
    resources: wholeNumber(
      '--resources',
      args.get('resources') ?? env.BENCH_RESOURCES,
      Math.round((RESOURCES_AT_DEFAULT_FACTS * facts) / 10_000_000),
      0,
    ),
    attributionTimeout: wholeNumber(
      '--attribution-timeout',
      args.get('attribution-timeout'),
      1800,
      1,
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
