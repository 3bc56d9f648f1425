/*
 * Part 2: GET /cost/entity for a System over 365 days on a store of N daily
 * facts, sequentially (p50/p95) and under 100 concurrent clients. The store
 * is built once through the plugin's import API (queryBuild.ts) and kept;
 * the server runs in a child process (queryPhase.ts); requests come from
 * here.
 */
import {
  EntityCostResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import { ConcurrentResult, concurrentGets, timedGet } from './httpClient';
import {
  BenchOptions,
  Engine,
  forkPhase,
  int,
  killPhase,
  mib,
  ms,
  percentile,
  seconds,
  sleep,
} from './lib';
import { QueryBuildInput } from './queryBuild';
import { planEstate } from './queryEstate';
import { QueryPhaseInput } from './queryPhase';
import {
  StoreInfo,
  keptStoreInfo,
  removeStores,
  storeKey,
  storeLocations,
} from './queryStore';
import { StatementTime } from '../shared/sqlTimer';

export type QueryEngineResult = {
  engine: Engine;
  store: StoreInfo & { builtThisRun: boolean };
  /** From the server's start until `GET /health` said attribution is up to date. */
  attribution: {
    waitedMs: number;
    refreshMs: number | null;
    changed: boolean | null;
  };
  url: string;
  responseBytes: number;
  sequential: {
    requests: number;
    warmup: number;
    p50: number;
    p95: number;
    p99: number;
    mean: number;
    max: number;
  };
  profile: StatementTime[];
  concurrent: ConcurrentResult;
  /** The same question, each time with a URL never asked before: computed every time. */
  uncachedSequential: { requests: number; p50: number; p95: number };
  uncachedConcurrent: ConcurrentResult;
};

/** Time caps of the sequential warm-up (and the profile) and measurement. */
const WARMUP_CAP_MS = 30_000;
const MEASURE_CAP_MS = 120_000;
/** Sequential requests of questions never asked before. */
const COLD_REQUESTS = 100;
/** Longest wait for the attribution refresh to show in `GET /health`. */
const HEALTH_CAP_MS = 30 * 60_000;

export type EnsuredStore = {
  info: StoreInfo;
  built: boolean;
  input: QueryPhaseInput;
};

/** The stores this run has found or built, so that `--fresh` builds each once. */
const ensured = new Map<string, Promise<EnsuredStore>>();

/**
 * The kept store for these options, built in a child process when missing
 * (or `--fresh`, the first time a part of this run asks for it).
 */
export function ensureStore(
  engine: Engine,
  options: BenchOptions,
): Promise<EnsuredStore> {
  const key = `${engine} ${options.facts} ${options.postgres}`;
  let store = ensured.get(key);
  if (!store) {
    store = findOrBuildStore(engine, options);
    ensured.set(key, store);
  }
  return store;
}

async function findOrBuildStore(
  engine: Engine,
  options: BenchOptions,
): Promise<EnsuredStore> {
  const log = (line: string) => console.log(`  ${engine}: ${line}`);
  const estate = planEstate(options.facts);
  const key = storeKey(estate, options.facts);
  const locations = storeLocations(engine, {
    facts: options.facts,
    key,
    postgres: options.postgres,
  });
  const input = { facts: options.facts, store: locations.kept };
  const kept = options.fresh ? undefined : await keptStoreInfo(locations);
  if (kept) {
    log(
      `kept store ${key} from ${kept.builtAt}: ${int(kept.factRows)} facts ${
        kept.from
      }..${kept.to}, imported from ${
        kept.files.length
      } FOCUS files in ${seconds(kept.importMs)}`,
    );
    return { info: kept, built: false, input };
  }
  await removeStores(engine, locations.prefix, options.postgres, log);
  const build: QueryBuildInput = {
    engine,
    facts: options.facts,
    key,
    kept: locations.kept,
    building: locations.building,
    infoFile: locations.infoFile,
  };
  const phase = forkPhase(
    require.resolve('./queryBuild'),
    build,
    `the ${engine} store build`,
  );
  try {
    const { info } = await phase.message<{ info: StoreInfo }>('built');
    await phase.exited;
    return { info, built: true, input };
  } finally {
    await killPhase(phase.child);
  }
}

/** Polls `GET /health` until the cost attribution is up to date. */
export async function waitForAttribution(
  baseUrl: string,
): Promise<QueryEngineResult['attribution']> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${baseUrl}/health`);
    const health = (await response.json()) as MulticloudHealth;
    const { upToDate, lastRefresh } = health.cost.attribution;
    if (lastRefresh?.error) {
      throw new Error(`the attribution refresh failed: ${lastRefresh.error}`);
    }
    if (upToDate) {
      return {
        waitedMs: performance.now() - started,
        refreshMs: lastRefresh
          ? Date.parse(lastRefresh.finishedAt) -
            Date.parse(lastRefresh.startedAt)
          : null,
        changed: lastRefresh?.changed ?? null,
      };
    }
    if (performance.now() - started > HEALTH_CAP_MS) {
      throw new Error(
        `attribution not up to date after ${seconds(
          HEALTH_CAP_MS,
        )}: ${health.pending.join('; ')}`,
      );
    }
    await sleep(500);
  }
}

async function measureEngine(
  engine: Engine,
  options: BenchOptions,
  store: StoreInfo,
  phase: ReturnType<typeof forkPhase>,
): Promise<Omit<QueryEngineResult, 'store'>> {
  const { baseUrl } = await phase.message<{ baseUrl: string }>('ready');
  const attribution = await waitForAttribution(baseUrl);
  console.log(
    `  ${engine}: GET /health says attribution is up to date (refresh at start: ${
      attribution.refreshMs === null ? '-' : seconds(attribution.refreshMs)
    }, changed: ${attribution.changed})`,
  );
  const url = `${baseUrl}/cost/entity?entityRef=${encodeURIComponent(
    store.entityRef,
  )}&from=${store.from}&to=${store.to}&groupBy=service`;
  console.log(`  ${engine}: serving; GET ${url}`);

  // Sequential: warm-up, then measured.
  const first = await timedGet(url);
  if (first.status !== 200) {
    const text = await (await fetch(url)).text();
    throw new Error(`GET returned ${first.status}: ${text.slice(0, 500)}`);
  }
  const sample = (await (await fetch(url)).json()) as EntityCostResponse;
  console.log(
    `  ${engine}: response ${int(
      first.bytes,
    )} bytes: total ${sample.total.toFixed(2)}, ${sample.daily.length} days, ${
      sample.breakdown.length
    } services`,
  );
  // Capped in time too: on a slow store 550 requests could take an hour.
  const warmupEnd = performance.now() + WARMUP_CAP_MS;
  let warmups = 0;
  while (warmups < options.warmup && performance.now() < warmupEnd) {
    await timedGet(url);
    warmups += 1;
  }
  const times: number[] = [];
  const measureEnd = performance.now() + MEASURE_CAP_MS;
  while (times.length < options.requests && performance.now() < measureEnd) {
    const t = await timedGet(url);
    if (t.status !== 200) {
      throw new Error(`GET returned ${t.status}`);
    }
    times.push(t.ms);
  }
  times.sort((a, b) => a - b);
  const sequential = {
    requests: times.length,
    warmup: warmups,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    max: times[times.length - 1],
  };
  console.log(
    `  ${engine}: sequential, ${
      times.length
    } requests after ${warmups} warm-up${
      times.length < options.requests
        ? ` (stopped at the ${MEASURE_CAP_MS / 1000} s cap)`
        : ''
    }: p50 ${ms(sequential.p50)}, p95 ${ms(sequential.p95)}, p99 ${ms(
      sequential.p99,
    )}, max ${ms(sequential.max)}`,
  );

  // Where a computed answer's time goes: SQL statements timed over 20 more
  // requests, each a question never asked before (a kept answer has no SQL
  // but the data version's).
  phase.child.send({ type: 'profile-start' });
  let profiled = 0;
  let profiledMs = 0;
  const profileEnd = performance.now() + WARMUP_CAP_MS;
  while (profiled < 20 && (profiled < 3 || performance.now() < profileEnd)) {
    profiledMs += (await timedGet(`${url}&profile=${profiled}`)).ms;
    profiled += 1;
  }
  const profileMessage = phase.message<{ statements: StatementTime[] }>(
    'profile',
  );
  phase.child.send({ type: 'profile-stop' });
  const profile = (await profileMessage).statements;
  console.log(
    `  ${engine}: per request (mean of ${profiled}): ${ms(
      profiledMs / profiled,
    )} in all, of which SQL:`,
  );
  for (const s of profile) {
    console.log(
      `     ${ms(s.totalMs / profiled).padStart(9)}  ${String(
        s.count / profiled,
      ).padStart(3)}x  ${s.sql}`,
    );
  }

  console.log(
    `  ${engine}: ${options.connections} concurrent clients for ${options.duration} s ...`,
  );
  const concurrent = await concurrentGets({
    url,
    connections: options.connections,
    durationS: options.duration,
  });
  const latency =
    concurrent.p50 === null
      ? 'no request answered before the 10 s timeout'
      : `latency of the answered ones p50 ${ms(concurrent.p50)}, p99 ${ms(
          concurrent.p99!,
        )}, max ${ms(concurrent.max!)}`;
  console.log(
    `  ${engine}: ${concurrent.requestsPerSecond.toFixed(1)} requests/s, ${
      concurrent.total
    } answered; errors ${concurrent.errors} (of which timeouts ${
      concurrent.timeouts
    }), non-2xx ${concurrent.non2xx}; ${latency}`,
  );

  // The same question with a URL never asked before (`&n=<i>`, which the
  // plugin ignores): no answer is kept for it, every one is computed.
  const uncachedUrl = (n: number) => `${url}&n=${n}`;
  const coldTimes: number[] = [];
  const coldEnd = performance.now() + MEASURE_CAP_MS;
  while (coldTimes.length < COLD_REQUESTS && performance.now() < coldEnd) {
    const t = await timedGet(uncachedUrl(coldTimes.length));
    if (t.status !== 200) {
      throw new Error(`GET returned ${t.status}`);
    }
    coldTimes.push(t.ms);
  }
  coldTimes.sort((a, b) => a - b);
  const uncachedSequential = {
    requests: coldTimes.length,
    p50: percentile(coldTimes, 50),
    p95: percentile(coldTimes, 95),
  };
  console.log(
    `  ${engine}: sequential, ${
      coldTimes.length
    } questions never asked before: p50 ${ms(uncachedSequential.p50)}, p95 ${ms(
      uncachedSequential.p95,
    )}`,
  );
  console.log(
    `  ${engine}: ${options.connections} concurrent clients for ${options.duration} s, every request a question never asked before ...`,
  );
  const uncachedConcurrent = await concurrentGets({
    url,
    urlOf: (_, n) => uncachedUrl(COLD_REQUESTS + n),
    connections: options.connections,
    durationS: options.duration,
  });
  console.log(
    `  ${engine}: ${uncachedConcurrent.requestsPerSecond.toFixed(
      1,
    )} requests/s, ${uncachedConcurrent.total} answered; errors ${
      uncachedConcurrent.errors
    } (of which timeouts ${uncachedConcurrent.timeouts}), non-2xx ${
      uncachedConcurrent.non2xx
    }; ${
      uncachedConcurrent.p50 === null
        ? 'no request answered before the 10 s timeout'
        : `latency p50 ${ms(uncachedConcurrent.p50)}, p99 ${ms(
            uncachedConcurrent.p99!,
          )}`
    }`,
  );
  return {
    engine,
    attribution,
    url,
    responseBytes: first.bytes,
    sequential,
    profile,
    concurrent,
    uncachedSequential,
    uncachedConcurrent,
  };
}

export async function runQueryBench(
  options: BenchOptions,
): Promise<QueryEngineResult[]> {
  console.log(
    `\n== Part 2: GET /cost/entity for a System over 365 days, ${int(
      options.facts,
    )} daily facts ==`,
  );
  const results: QueryEngineResult[] = [];
  for (const engine of options.engines) {
    console.log(`  -- ${engine}`);
    const started = performance.now();
    const { info, built, input } = await ensureStore(engine, options);
    const phase = forkPhase(
      require.resolve('./queryPhase'),
      input,
      `the ${engine} server`,
    );
    try {
      const measured = await measureEngine(engine, options, info, phase);
      phase.child.send({ type: 'stop' });
      await phase.exited;
      results.push({ ...measured, store: { ...info, builtThisRun: built } });
      console.log(
        `  ${engine}: store ${mib(info.sizeBytes)}${
          engine === 'sqlite' ? ' file' : ' database'
        }; part took ${seconds(performance.now() - started)}`,
      );
    } finally {
      await killPhase(phase.child);
    }
  }
  return results;
}
