/*
 * The alerts benchmark for one engine: the kept store (built through the
 * plugin's API by alertsBuild.ts when missing), each source's rules alone,
 * the evaluation with every rule twice, then `GET /alerts` from here; each
 * measured step in its own process (alertsPhase.ts).
 */
import { AlertsResponse } from '@multicloud/plugin-multicloud-common';
import { timedGet } from '../cost/httpClient';
import {
  StoreInfo,
  StorePrefixes,
  keptStoreInfo,
  removeStores,
  storeLocations,
} from '../cost/queryStore';
import { ALERT_SOURCES, AlertSource } from '../shared/alertRules';
import { ProfileSummary } from '../shared/cpuProfile';
import { DatabaseLocation } from '../shared/database';
import { Engine } from '../shared/postgres';
import { int, mib, ms, percentile, seconds } from '../shared/print';
import { forkPhase, killPhase } from '../shared/process';
import { StatementTime } from '../shared/sqlTimer';
import { AlertsBuildInput } from './alertsBuild';
import { AlertsEstate } from './alertsEstate';
import {
  AlertsPhaseInput,
  EvaluatedMessage,
  EvaluationMeasured,
  Measured,
  ProfileMessage,
  ReadyMessage,
} from './alertsPhase';
import { CatalogServer, CatalogServerStats } from './catalogServer';

export type AlertsOptions = {
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

/** One source's rules alone: one evaluation with only its rules on. */
export type RuleSetMeasured = EvaluationMeasured & {
  source: AlertSource;
  /** Alerts stored, by rule. */
  byRule: Record<string, number>;
  catalog: CatalogServerStats;
};

export type Latency = {
  requests: number;
  warmup: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: number;
};

export type EngineResult = {
  engine: Engine;
  store: StoreInfo & { builtThisRun: boolean };
  rules: { peakResetWorks: boolean; sets: RuleSetMeasured[] };
  evaluated: {
    first: EvaluationMeasured;
    second: EvaluationMeasured;
    /** Stored alerts by source and rule, and history rows, after both runs. */
    stored: Record<string, number>;
    events: number;
  };
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

/** The kept stores of bench:alerts: `alerts-store-r<N>-f<N>-<key>` and `mc_bench_alerts_r<N>_f<N>_<key>`. */
function alertsStorePrefixes(options: AlertsOptions): StorePrefixes {
  return {
    sqlite: `alerts-store-r${options.resources}-f${options.facts}-`,
    postgres: `mc_bench_alerts_r${options.resources}_f${options.facts}_`,
  };
}

/** The kept store for these options, built in a child process when missing (or `--fresh`). */
async function ensureStore(
  engine: Engine,
  options: AlertsOptions,
  key: string,
  catalogUrl: string,
): Promise<{ info: StoreInfo; built: boolean; store: DatabaseLocation }> {
  const log = (line: string) => console.log(`  ${engine}: ${line}`);
  const locations = storeLocations(engine, {
    facts: options.facts,
    key,
    postgres: options.postgres,
    prefixes: alertsStorePrefixes(options),
  });
  const kept = options.fresh ? undefined : await keptStoreInfo(locations);
  if (kept) {
    log(
      `kept store ${key} from ${kept.builtAt}: ${int(kept.factRows)} facts ${
        kept.from
      }..${kept.to}, imported from ${
        kept.files.length
      } FOCUS files (--fresh builds it again)`,
    );
    return { info: kept, built: false, store: locations.kept };
  }
  await removeStores(engine, locations.prefix, options.postgres, log);
  log(
    `building the store (${int(
      options.facts,
    )} facts through POST /cost/imports, then POST /cost/rebuild; tens of minutes for 10,000,000 facts)`,
  );
  const build: AlertsBuildInput = {
    engine,
    facts: options.facts,
    resources: options.resources,
    key,
    kept: locations.kept,
    building: locations.building,
    infoFile: locations.infoFile,
    catalogUrl,
  };
  const started = performance.now();
  const phase = forkPhase(
    require.resolve('./alertsBuild'),
    build,
    `the ${engine} store build`,
  );
  try {
    const { info } = await phase.message<{ info: StoreInfo }>('built');
    await phase.exited;
    log(`store built in ${seconds(performance.now() - started)}`);
    return { info, built: true, store: locations.kept };
  } finally {
    await killPhase(phase.child);
  }
}

/** A measured step in a fresh process (with `--expose-gc`, for a GC before each measurement). */
function startStep(input: AlertsPhaseInput) {
  return forkPhase(
    require.resolve('./alertsPhase'),
    input,
    `the ${input.store.engine} ${input.step} step`,
    ['--expose-gc'],
  );
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

const countsText = (r: EvaluationMeasured) =>
  `: ${int(r.opened)} opened, ${int(r.resolved)} resolved, ${int(r.open)} open`;

function warnIfTriggered(engine: Engine, evaluated: EvaluatedMessage) {
  if (evaluated.triggered.length > 0) {
    console.log(
      `  ${engine}: NOTE: the plugin asked for tasks meanwhile (not run): ${evaluated.triggered.join(
        ', ',
      )}`,
    );
  }
}

/** Each source's rules alone, each in a fresh process. */
async function measureRuleSets(
  engine: Engine,
  base: Omit<AlertsPhaseInput, 'sources' | 'runs' | 'serveApi' | 'step'>,
  catalog: CatalogServer,
): Promise<EngineResult['rules']> {
  console.log(
    `  ${engine}: each source's rules alone (the others turned off by config), one evaluation each in a fresh process`,
  );
  const sets: RuleSetMeasured[] = [];
  let peakResetWorks = true;
  for (const source of ALERT_SOURCES) {
    catalog.stats(true);
    const step = startStep({
      ...base,
      sources: [source],
      runs: 1,
      serveApi: false,
      step: `rules-${source}`,
    });
    let evaluated: EvaluatedMessage;
    try {
      evaluated = await step.message<EvaluatedMessage>('evaluated');
      await step.exited;
    } finally {
      await killPhase(step.child);
    }
    warnIfTriggered(engine, evaluated);
    peakResetWorks &&= evaluated.peakResetWorks;
    const byRule: Record<string, number> = {};
    for (const [sourceAndRule, n] of Object.entries(evaluated.stored)) {
      const [storedSource, rule] = sourceAndRule.split(' ');
      if (storedSource === source) {
        byRule[rule] = n;
      }
    }
    const set: RuleSetMeasured = {
      ...evaluated.runs[0],
      source,
      byRule,
      catalog: catalog.stats(true),
    };
    sets.push(set);
    printMeasured(
      `${source} rules: ${int(set.opened)} alerts`,
      set,
      `\n       ${Object.entries(byRule)
        .map(([rule, n]) => `${rule} ${int(n)}`)
        .join(', ')}; ${catalogText(set.catalog)}`,
    );
  }
  if (!peakResetWorks) {
    console.log(
      '  (peak RSS could not be reset: each peak counts from the start of its process)',
    );
  }
  return { peakResetWorks, sets };
}

/** `GET /alerts` for the API part's Component: latency, then where a request's time goes. */
async function measureApi(
  engine: Engine,
  options: AlertsOptions,
  estate: AlertsEstate,
  baseUrl: string,
  step: ReturnType<typeof startStep>,
): Promise<EngineResult['api']> {
  const url = `${baseUrl}/alerts?entityRef=${encodeURIComponent(
    estate.apiEntityRef,
  )}`;
  const first = await timedGet(url);
  const text = Buffer.from(first.body).toString('utf8');
  if (first.status !== 200) {
    throw new Error(
      `GET ${url} returned ${first.status}: ${text.slice(0, 300)}`,
    );
  }
  const answer = JSON.parse(text) as AlertsResponse;
  console.log(
    `  ${engine}: GET ${url}: ${answer.alerts.length} alerts (${
      answer.counts.critical
    } critical, ${answer.counts.warning} warning, ${
      answer.counts.info
    } info), ${int(first.bytes)} bytes`,
  );
  if (answer.alerts.length !== estate.apiAlerts) {
    console.log(
      `  ${engine}: WARNING: the estate planted ${estate.apiAlerts} alerts on ${estate.apiEntityRef}`,
    );
  }
  for (let i = 0; i < options.warmup; i++) {
    await timedGet(url);
  }
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.requests; i++) {
    const answered = await timedGet(url);
    if (answered.status !== 200) {
      throw new Error(`GET ${url} returned ${answered.status}`);
    }
    bytes = answered.bytes;
    times.push(answered.ms);
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
  step.child.send({ type: 'profile-start' });
  let totalMs = 0;
  for (let i = 0; i < profiledRequests; i++) {
    totalMs += (await timedGet(url)).ms;
  }
  const profile = step.message<ProfileMessage>('profile');
  step.child.send({ type: 'profile-stop' });
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

export async function runEngine(
  engine: Engine,
  options: AlertsOptions,
  estate: AlertsEstate,
  key: string,
  catalog: CatalogServer,
): Promise<EngineResult> {
  console.log(`\n== ${engine} ==`);
  const { info, built, store } = await ensureStore(
    engine,
    options,
    key,
    catalog.baseUrl,
  );
  const base = {
    store,
    lastDay: info.to,
    catalogUrl: catalog.baseUrl,
    profile: options.profile,
  };
  const rules = await measureRuleSets(engine, base, catalog);

  console.log(
    `  ${engine}: the evaluation task with every rule, twice, in a fresh process (alert tables emptied first)`,
  );
  catalog.stats(true);
  const step = startStep({
    ...base,
    sources: ALERT_SOURCES,
    runs: 2,
    serveApi: true,
    step: 'evaluate',
  });
  try {
    const evaluated = await step.message<EvaluatedMessage>('evaluated');
    const evaluateCatalog = catalog.stats(true);
    warnIfTriggered(engine, evaluated);
    const [first, second] = evaluated.runs;
    printMeasured('first run (every alert new)', first, countsText(first));
    printMeasured('second run (nothing changed)', second, countsText(second));
    if (second.opened !== 0 || second.resolved !== 0) {
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
    const { baseUrl } = await step.message<ReadyMessage>('ready');
    const api = await measureApi(engine, options, estate, baseUrl, step);
    step.child.send({ type: 'stop' });
    await step.exited;
    return {
      engine,
      store: { ...info, builtThisRun: built },
      rules,
      evaluated: {
        first,
        second,
        stored: evaluated.stored,
        events: evaluated.events,
      },
      evaluateCatalog,
      api,
    };
  } finally {
    await killPhase(step.child);
  }
}
