/*
 * `yarn bench:alerts`: how long the multicloud backend plugin's alert
 * evaluation takes over a catalog of 100,000 cloud Resources with
 * 10,000,000 daily cost facts, and how much memory, on SQLite and
 * PostgreSQL; then how fast GET /api/multicloud/alerts answers for a
 * Component whose Resources hold 500 alerts. The plugin is started through
 * its public entry point and its store built through its HTTP API. Prints
 * figures; asserts nothing about time. See README.md in this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/bench/src/alerts/alerts.ts [--engines=sqlite,postgres]
 *     [--resources=100000] [--facts=10000000] [--requests=200] [--fresh]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeKey } from '../cost/queryStore';
import {
  parseArguments,
  postgresServerUrl,
  readEngines,
  wholeNumber,
} from '../shared/options';
import { BENCH_DIR, Engine, UsageError } from '../shared/postgres';
import { int, loadAverage, mib, ms, seconds, table } from '../shared/print';
import { AlertsOptions, EngineResult, runEngine } from './alertsBench';
import { planAlertsEstate } from './alertsEstate';
import { EvaluationMeasured } from './alertsPhase';
import { startCatalogServer } from './catalogServer';

const TARGETS = {
  evaluationMs: 5_000,
  peakRssBytes: 512 * 1024 * 1024,
  apiP95Ms: 100,
};

const USAGE = `yarn bench:alerts [--engines=sqlite,postgres] [--resources=N] [--facts=N] [--requests=N] [--warmup=N] [--fresh] [--profile]
  --engines    comma-separated sqlite,postgres; default both (env BENCH_ENGINES)
  --resources  cloud Resources in the catalog (default 100000, at least 1000; env BENCH_RESOURCES)
  --facts      daily cost facts in the store (default 10000000, at least 100000; env BENCH_FACTS)
  --requests   GET /alerts requests measured per engine (default 200)
  --warmup     warm-up requests per engine (default 20)
  --fresh      build the store again instead of using the one kept from an
               earlier run of the same sizes (<tmpdir>/multicloud-bench/,
               PostgreSQL databases mc_bench_alerts_r<N>_f<N>_<hash>)
  --profile    also write a V8 CPU profile of each measured evaluation to
               <tmpdir>/multicloud-bench/ and print where the time went
               (the times are then taken under the profiler)
  --postgres   server URL (default postgresql://postgres@127.0.0.1:5432; env BENCH_POSTGRES)
  --out        where the JSON results go (default <tmpdir>/multicloud-bench/alerts-results.json)`;

/** The options from the command line, then the environment, then the defaults. */
function readOptions(argv: string[], env: NodeJS.ProcessEnv): AlertsOptions {
  const args = parseArguments(argv, [
    'help',
    'fresh',
    'profile',
    'engines',
    'resources',
    'facts',
    'requests',
    'warmup',
    'postgres',
    'out',
  ]);
  return {
    help: args.has('help'),
    fresh: args.has('fresh'),
    profile: args.has('profile'),
    engines: readEngines(args.get('engines') ?? env.BENCH_ENGINES),
    resources: wholeNumber(
      '--resources',
      args.get('resources') ?? env.BENCH_RESOURCES,
      100_000,
      1_000,
    ),
    facts: wholeNumber(
      '--facts',
      args.get('facts') ?? env.BENCH_FACTS,
      10_000_000,
      100_000,
    ),
    requests: wholeNumber('--requests', args.get('requests'), 200, 10),
    warmup: wholeNumber('--warmup', args.get('warmup'), 20, 0),
    postgres: postgresServerUrl(args.get('postgres') ?? env.BENCH_POSTGRES),
    out: args.get('out') || path.join(BENCH_DIR, 'alerts-results.json'),
  };
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadAverage()}`;
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function summary(results: EngineResult[]): string[][] {
  const rows: string[][] = [];
  const timeAndMemory = (
    what: string,
    engine: Engine,
    m: EvaluationMeasured,
  ) => {
    rows.push([
      `${what}: wall time`,
      engine,
      seconds(m.ms),
      `< ${seconds(TARGETS.evaluationMs)}`,
      verdict(m.ms < TARGETS.evaluationMs),
    ]);
    rows.push([
      `${what}: RSS before / peak`,
      engine,
      `${mib(m.rssBefore)} / ${mib(m.peakRss)}`,
      `< ${mib(TARGETS.peakRssBytes)}`,
      verdict(m.peakRss < TARGETS.peakRssBytes),
    ]);
  };
  for (const r of results) {
    const built = r.store.builtThisRun
      ? ''
      : ` (kept store, ${r.store.builtAt.slice(0, 10)})`;
    rows.push([
      `store: ${int(r.store.factRows)} facts from ${
        r.store.files.length
      } FOCUS files, POST /cost/imports${built}`,
      r.engine,
      seconds(r.store.importMs),
      '-',
      '',
    ]);
    rows.push([
      `rollup rebuild: POST /cost/rebuild${built}`,
      r.engine,
      seconds(r.store.rebuild.ms),
      '-',
      '',
    ]);
    const sets = r.rules.sets;
    for (const s of sets) {
      rows.push([
        `${s.source} rules alone (${int(s.opened)} alerts)`,
        r.engine,
        `${seconds(s.ms)}, peak ${mib(s.peakRss)}`,
        '-',
        '',
      ]);
    }
    // Each source alone is a whole evaluation (one catalog pass each), in
    // turn: a breakdown, not the product's path (every source at once over
    // one pass, below).
    rows.push([
      'the three sources alone, one after another',
      r.engine,
      `${seconds(sets.reduce((sum, s) => sum + s.ms, 0))}, peak ${mib(
        Math.max(...sets.map(s => s.peakRss)),
      )}`,
      '-',
      '',
    ]);
    timeAndMemory(
      `evaluation first run (${int(r.evaluated.first.opened)} new)`,
      r.engine,
      r.evaluated.first,
    );
    timeAndMemory(
      'evaluation second run (unchanged)',
      r.engine,
      r.evaluated.second,
    );
    rows.push([
      `GET /alerts, ${r.api.alerts} alerts: p50 / p95 / p99`,
      r.engine,
      `${ms(r.api.latency.p50)} / ${ms(r.api.latency.p95)} / ${ms(
        r.api.latency.p99,
      )}`,
      `p95 < ${TARGETS.apiP95Ms} ms`,
      verdict(r.api.latency.p95 < TARGETS.apiP95Ms),
    ]);
  }
  return rows;
}

async function main() {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const uptimeBefore = uptime();
  console.log(
    `multicloud alerts benchmark: engines=${options.engines.join(
      ',',
    )}, resources=${int(options.resources)}, facts=${int(
      options.facts,
    )}; node ${process.version}, ${os.cpus().length} CPUs, ${(
      os.totalmem() /
      1024 ** 3
    ).toFixed(1)} GiB RAM${options.profile ? '; CPU profiles on' : ''}`,
  );
  console.log(`  before: ${uptimeBefore}`);

  const planStarted = performance.now();
  const estate = planAlertsEstate(options.facts, options.resources);
  if (estate.cloudResources !== options.resources) {
    throw new UsageError(
      `--resources=${options.resources} is fewer than the ${int(
        estate.cloudResources,
      )} Resources the estate of --facts=${
        options.facts
      } needs (those that bill and the API part's 250); raise --resources or lower --facts`,
    );
  }
  const key = storeKey(estate, options.facts);
  const c = estate.counts;
  console.log(
    `  estate (planned in ${seconds(
      performance.now() - planStarted,
    )}, key ${key}): ${int(c.cloudResources)} cloud Resources (aws ${int(
      c.aws,
    )}, azure ${int(c.azure)}, gcp ${int(c.gcp)}, kubernetes ${int(
      c.kubernetes,
    )}; ${int(c.billedResourceEntities)} of them bill), ${int(
      c.handWrittenResources,
    )} hand-written Resources that bill, ${int(c.components)} Components, ${int(
      c.systems,
    )} Systems, ${int(c.domains)} Domains, ${int(c.groups)} Groups; ${int(
      c.linesPerDay,
    )} cost lines a day on ${int(c.resources)} resources`,
  );
  console.log(
    `  planted: ${Object.entries(estate.planted)
      .map(([what, n]) => `${what} ${int(n)}`)
      .join('; ')}`,
  );
  const catalog = await startCatalogServer(estate.entities);
  const results: EngineResult[] = [];
  try {
    for (const engine of options.engines) {
      results.push(await runEngine(engine, options, estate, key, catalog));
    }
  } finally {
    await catalog.stop();
  }

  const uptimeAfter = uptime();
  const totalMs = performance.now() - started;
  console.log('\n== Figures ==');
  console.log(
    table(['figure', 'engine', 'measured', 'target', ''], summary(results)),
  );
  console.log(`\n  after: ${uptimeAfter}`);
  console.log(`  the run took ${seconds(totalMs)}`);
  await fs.promises.mkdir(path.dirname(options.out), { recursive: true });
  await fs.promises.writeFile(
    options.out,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        options,
        machine: {
          node: process.version,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryBytes: os.totalmem(),
          uptimeBefore,
          uptimeAfter,
        },
        totalMs,
        targets: TARGETS,
        estate: { key, counts: estate.counts, planted: estate.planted },
        results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`  results written to ${options.out}`);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(
      error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error,
    );
    process.exit(1);
  },
);
