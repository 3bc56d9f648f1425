/*
 * `yarn bench:alerts`: how long evaluating every alert rule takes over a
 * catalog of 100,000 cloud Resources with 10,000,000 daily cost facts, and
 * how much memory, on SQLite and PostgreSQL; then how fast
 * GET /api/multicloud/alerts answers for a Component whose Resources hold
 * 500 alerts. Prints figures; asserts nothing about time. See README.md in
 * this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/multicloud-backend/bench/alerts.ts [--engines=sqlite,postgres]
 *     [--resources=100000] [--facts=10000000] [--requests=200] [--fresh]
 */
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertsResponse } from '@multicloud/plugin-multicloud-common';
import { AlertsEstate, planAlertsEstate } from './alertsEstate';
import {
  AlertsPhaseInput,
  EvaluatedResult,
  EvaluationMeasured,
  Measured,
  ReadyMessage,
  RulesResult,
} from './alertsPhase';
import {
  StoreInfo,
  StoreLocation,
  removeStores,
  storeExists,
  storeKey,
  storeLocations,
} from './alertsStore';
import { CatalogServerStats, startCatalogServer } from './catalogServer';
import { ProfileSummary } from './cpuProfile';
import {
  BENCH_DIR,
  ENGINES,
  Engine,
  UsageError,
  int,
  loadAverage,
  mib,
  ms,
  percentile,
  seconds,
  table,
} from './lib';
import { StatementTime } from './sqlTimer';

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

type Options = {
  help: boolean;
  fresh: boolean;
  profile: boolean;
  engines: Engine[];
  resources: number;
  facts: number;
  requests: number;
  warmup: number;
  postgres: string;
  out: string;
};

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
) {
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

function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
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
    'fresh',
    'profile',
    'engines',
    'resources',
    'facts',
    'requests',
    'warmup',
    'postgres',
    'out',
  ];
  for (const key of args.keys()) {
    if (!known.includes(key)) {
      throw new UsageError(`Unknown option '--${key}'`);
    }
  }
  const engines: Engine[] = [];
  for (const name of (
    args.get('engines') ??
    env.BENCH_ENGINES ??
    ENGINES.join(',')
  ).split(',')) {
    const engine = name.trim() === 'pg' ? 'postgres' : name.trim();
    if (!ENGINES.includes(engine as Engine)) {
      throw new UsageError(
        `--engines takes sqlite and/or postgres, got '${name}'`,
      );
    }
    engines.push(engine as Engine);
  }
  return {
    help: args.has('help'),
    fresh: args.has('fresh'),
    profile: args.has('profile'),
    engines,
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
    postgres: (
      args.get('postgres') ??
      env.BENCH_POSTGRES ??
      'postgresql://postgres@127.0.0.1:5432'
    ).replace(/\/+$/, ''),
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

/** A child process running one step; `message(type)` waits for its message. */
function startPhase(input: AlertsPhaseInput) {
  const child = fork(
    path.join(__dirname, 'alertsPhase.ts'),
    [JSON.stringify(input)],
    {
      execArgv: [
        '--expose-gc',
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const message = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type?: string }) => {
        if (m?.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      exited.then(code =>
        reject(
          new Error(
            `the ${input.engine} ${input.role} step exited with ${code} before '${type}'`,
          ),
        ),
      );
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { child, exited, message, stop };
}

type Latency = {
  requests: number;
  warmup: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: number;
};

type EngineResult = {
  engine: Engine;
  store: StoreInfo;
  builtNow: boolean;
  rules: RulesResult;
  rulesCatalog: CatalogServerStats;
  evaluated: EvaluatedResult;
  evaluateCatalog: CatalogServerStats;
  api: {
    url: string;
    alerts: number;
    latency: Latency;
    sqlPerRequest: StatementTime[];
    catalogMsPerRequest: number;
    profiledRequests: number;
  };
};

async function get(url: string) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

function printProfile(profile: ProfileSummary | undefined) {
  if (!profile) {
    return;
  }
  console.log(
    `       CPU profile ${profile.file} (${seconds(
      profile.totalMs,
    )}), self time by area:`,
  );
  for (const line of profile.areas.slice(0, 10)) {
    console.log(
      `         ${ms(line.ms).padStart(9)} ${(line.share * 100)
        .toFixed(1)
        .padStart(5)}%  ${line.what}`,
    );
  }
  console.log('       by function:');
  for (const line of profile.functions.slice(0, 12)) {
    console.log(
      `         ${ms(line.ms).padStart(9)} ${(line.share * 100)
        .toFixed(1)
        .padStart(5)}%  ${line.what}`,
    );
  }
}

function printMeasured(what: string, m: Measured, extra = '') {
  console.log(
    `     ${what}: ${seconds(m.ms)}; RSS before ${mib(m.rssBefore)}, peak ${mib(
      m.peakRss,
    )} (V8 heap at the peak ${mib(m.heapAtPeak)}); SQL ${seconds(
      m.sqlMs,
    )}, waiting for the catalog ${seconds(m.catalogMs)}${extra}`,
  );
  for (const s of m.statements.slice(0, 4)) {
    console.log(
      `       ${seconds(s.totalMs).padStart(7)} ${String(s.count).padStart(
        5,
      )}x  ${s.sql}`,
    );
  }
  printProfile(m.profile);
}

const catalogText = (s: CatalogServerStats) =>
  `catalog served ${int(s.requests)} requests, ${mib(s.bytes)}, in ${seconds(
    s.serveMs,
  )}`;

async function ensureStore(
  engine: Engine,
  options: Options,
  key: string,
): Promise<{ store: StoreLocation; info?: StoreInfo }> {
  const { kept, building, prefix } = storeLocations(engine, {
    facts: options.facts,
    resources: options.resources,
    key,
    postgres: options.postgres,
  });
  if (!options.fresh && (await storeExists(kept))) {
    console.log(
      `  ${engine}: using the kept store ${
        kept.sqliteFile ?? kept.database
      } (--fresh builds it again)`,
    );
    return { store: kept };
  }
  await removeStores(engine, prefix, options.postgres, line =>
    console.log(`  ${engine}: ${line}`),
  );
  console.log(
    `  ${engine}: building the store (${int(
      options.facts,
    )} facts, attribution and rollups; tens of minutes for 10,000,000 facts)`,
  );
  const started = performance.now();
  const phase = startPhase({
    role: 'build',
    engine,
    facts: options.facts,
    resources: options.resources,
    key,
    kept,
    building,
  });
  try {
    const { info } = await phase.message<{ info: StoreInfo }>('built');
    await phase.exited;
    console.log(
      `  ${engine}: store built in ${seconds(performance.now() - started)}`,
    );
    return { store: kept, info };
  } finally {
    await phase.stop();
  }
}

async function measureApi(
  engine: Engine,
  options: Options,
  estate: AlertsEstate,
  baseUrl: string,
  phase: ReturnType<typeof startPhase>,
): Promise<EngineResult['api']> {
  const url = `${baseUrl}/alerts?entityRef=${encodeURIComponent(
    estate.apiEntityRef,
  )}`;
  const first = await get(url);
  if (first.status !== 200) {
    throw new Error(
      `GET ${url} returned ${first.status}: ${first.body.slice(0, 300)}`,
    );
  }
  const answer = JSON.parse(first.body) as AlertsResponse;
  console.log(
    `  ${engine}: GET ${url}: ${answer.alerts.length} alerts (${
      answer.counts.critical
    } critical, ${answer.counts.warning} warning, ${
      answer.counts.info
    } info), ${int(first.body.length)} bytes`,
  );
  if (answer.alerts.length !== estate.apiAlerts) {
    console.log(
      `  ${engine}: WARNING: the estate planted ${estate.apiAlerts} alerts on ${estate.apiEntityRef}`,
    );
  }
  for (let i = 0; i < options.warmup; i++) {
    await get(url);
  }
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.requests; i++) {
    const r = await get(url);
    if (r.status !== 200) {
      throw new Error(
        `GET ${url} returned ${r.status}: ${r.body.slice(0, 300)}`,
      );
    }
    bytes = r.body.length;
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  const latency: Latency = {
    requests: times.length,
    warmup: options.warmup,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1],
    bytes,
  };
  console.log(
    `  ${engine}: ${latency.requests} requests after ${
      latency.warmup
    } warm-up: p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, p99 ${ms(
      latency.p99,
    )}, max ${ms(latency.max)}`,
  );

  // Where a request's time goes: SQL and catalog over 20 more requests.
  const profiledRequests = 20;
  phase.child.send({ type: 'profile-start' });
  let totalMs = 0;
  for (let i = 0; i < profiledRequests; i++) {
    totalMs += (await get(url)).ms;
  }
  const profile = phase.message<{
    statements: StatementTime[];
    catalogMs: number;
  }>('profile');
  phase.child.send({ type: 'profile-stop' });
  const { statements, catalogMs } = await profile;
  const sqlMs = statements.reduce((sum, s) => sum + s.totalMs, 0);
  console.log(
    `  ${engine}: per request (mean of ${profiledRequests}): ${ms(
      totalMs / profiledRequests,
    )}, of which SQL ${ms(
      sqlMs / profiledRequests,
    )} and waiting for the catalog ${ms(catalogMs / profiledRequests)}:`,
  );
  for (const s of statements.slice(0, 6)) {
    console.log(
      `     ${ms(s.totalMs / profiledRequests).padStart(9)}  ${String(
        s.count / profiledRequests,
      ).padStart(3)}x  ${s.sql}`,
    );
  }
  return {
    url,
    alerts: answer.alerts.length,
    latency,
    sqlPerRequest: statements.map(s => ({
      ...s,
      totalMs: s.totalMs / profiledRequests,
      count: s.count / profiledRequests,
    })),
    catalogMsPerRequest: catalogMs / profiledRequests,
    profiledRequests,
  };
}

async function runEngine(
  engine: Engine,
  options: Options,
  estate: AlertsEstate,
  key: string,
  catalog: Awaited<ReturnType<typeof startCatalogServer>>,
): Promise<EngineResult> {
  console.log(`\n== ${engine} ==`);
  const ensured = await ensureStore(engine, options, key);

  console.log(
    `  ${engine}: the rule sets alone, each over the catalog and the store, in a fresh process`,
  );
  catalog.stats(true);
  const rulesPhase = startPhase({
    role: 'rules',
    engine,
    store: ensured.store,
    catalogUrl: catalog.baseUrl,
    profile: options.profile,
  });
  let rules: RulesResult;
  try {
    rules = await rulesPhase.message<RulesResult>('rules');
    await rulesPhase.exited;
  } finally {
    await rulesPhase.stop();
  }
  const rulesCatalog = catalog.stats(true);
  if (!rules.peakResetWorks) {
    console.log(
      '  (peak RSS could not be reset: each peak counts from the start of the process)',
    );
  }
  for (const set of rules.sets) {
    printMeasured(
      `${set.source} rules: ${int(set.findings)} findings`,
      set,
      `\n       ${Object.entries(set.byRule)
        .map(([rule, n]) => `${rule} ${int(n)}`)
        .join(', ')}`,
    );
  }
  console.log(`     ${catalogText(rulesCatalog)}`);

  console.log(
    `  ${engine}: evaluate() with storing, twice, in a fresh process (alert tables emptied first)`,
  );
  const evaluatePhase = startPhase({
    role: 'evaluate',
    engine,
    store: ensured.store,
    catalogUrl: catalog.baseUrl,
    profile: options.profile,
  });
  try {
    const evaluated = await evaluatePhase.message<EvaluatedResult>('evaluated');
    const evaluateCatalog = catalog.stats(true);
    const runText = (r: EvaluationMeasured) =>
      `: ${int(r.opened)} opened, ${int(r.resolved)} resolved, ${int(
        r.open,
      )} open`;
    printMeasured(
      'first run (every alert new)',
      evaluated.first,
      runText(evaluated.first),
    );
    printMeasured(
      'second run (nothing changed)',
      evaluated.second,
      runText(evaluated.second),
    );
    if (evaluated.second.opened !== 0 || evaluated.second.resolved !== 0) {
      console.log(
        `  ${engine}: WARNING: the second run changed alerts; it should find the same conditions`,
      );
    }
    console.log(
      `     ${catalogText(
        evaluateCatalog,
      )} (both runs); stored: ${Object.entries(evaluated.stored)
        .map(([rule, n]) => `${rule} ${int(n)}`)
        .join(', ')}; ${int(evaluated.events)} history rows`,
    );
    const { baseUrl } = await evaluatePhase.message<ReadyMessage>('ready');
    const api = await measureApi(
      engine,
      options,
      estate,
      baseUrl,
      evaluatePhase,
    );
    evaluatePhase.child.send({ type: 'stop' });
    await evaluatePhase.exited;
    return {
      engine,
      store: evaluated.store,
      builtNow: Boolean(ensured.info),
      rules,
      rulesCatalog,
      evaluated,
      evaluateCatalog,
      api,
    };
  } finally {
    await evaluatePhase.stop();
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function summary(results: EngineResult[]): string[][] {
  const rows: string[][] = [];
  const timeAndMemory = (what: string, engine: Engine, m: Measured) => {
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
    rows.push([
      r.builtNow ? 'store built: facts, rollup refresh' : 'store (kept)',
      r.engine,
      `${int(r.store.factRows)} facts${
        r.builtNow
          ? `, ${seconds(r.store.loadMs + r.store.indexMs)} + ${seconds(
              r.store.refreshMs,
            )}`
          : ''
      }`,
      '-',
      '',
    ]);
    const sets = r.rules.sets;
    const all: Measured = {
      ms: sets.reduce((sum, s) => sum + s.ms, 0),
      rssBefore: sets[0]?.rssBefore ?? 0,
      peakRss: Math.max(...sets.map(s => s.peakRss)),
      heapAtPeak: Math.max(...sets.map(s => s.heapAtPeak)),
      sqlMs: sets.reduce((sum, s) => sum + s.sqlMs, 0),
      catalogMs: sets.reduce((sum, s) => sum + s.catalogMs, 0),
      statements: [],
    };
    for (const s of sets) {
      rows.push([
        `${s.source} rules alone (${int(s.findings)} findings)`,
        r.engine,
        `${seconds(s.ms)}, peak ${mib(s.peakRss)}`,
        '-',
        '',
      ]);
    }
    // Each set alone reads the catalog itself, in turn: a breakdown, not the
    // product's path (evaluate() below runs them at once over one pass).
    rows.push([
      'the three rule sets alone, one after another',
      r.engine,
      `${seconds(all.ms)}, peak ${mib(all.peakRss)}`,
      '-',
      '',
    ]);
    timeAndMemory(
      `evaluate() first run (${int(r.evaluated.first.opened)} new)`,
      r.engine,
      r.evaluated.first,
    );
    timeAndMemory(
      'evaluate() second run (unchanged)',
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
  const key = storeKey(estate);
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
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(
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
