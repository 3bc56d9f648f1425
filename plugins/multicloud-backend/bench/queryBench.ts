/*
 * Part 2: GET /cost/entity for a System over 365 days on a store of N daily
 * facts, sequentially (p50/p95) and under 100 concurrent clients (autocannon).
 * The server runs in a child process (queryPhase.ts); requests come from here.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryPhaseInput, QueryPhaseReady } from './queryPhase';
import { StatementTime } from './sqlTimer';
import {
  BenchOptions,
  Engine,
  createPostgresDatabase,
  dropPostgresDatabase,
  int,
  mib,
  ms,
  percentile,
  seconds,
} from './lib';

// autocannon ships no types; what is used of it:
type AutocannonResult = {
  requests: { average: number; total: number };
  latency: {
    p50: number;
    p90: number;
    p99: number;
    max: number;
    average: number;
  };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: (options: {
  url: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult> = require('autocannon');

export type QueryEngineResult = {
  engine: Engine;
  store: Omit<QueryPhaseReady, 'baseUrl' | 'engine'>;
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
  concurrent: {
    connections: number;
    durationS: number;
    requestsPerSecond: number;
    total: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    p50: number | null;
    p99: number | null;
    max: number | null;
  };
};

/** Time caps of the sequential warm-up (and the profile) and measurement. */
const WARMUP_CAP_MS = 30_000;
const MEASURE_CAP_MS = 120_000;

function startPhase(input: QueryPhaseInput) {
  const child = fork(
    path.join(__dirname, 'queryPhase.ts'),
    [JSON.stringify(input)],
    {
      execArgv: [
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
      const onMessage = (m: { type?: string } & Record<string, unknown>) => {
        if (m?.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      exited.then(code =>
        reject(
          new Error(`the ${input.engine} query phase exited with ${code}`),
        ),
      );
    });
  return { child, exited, message };
}

async function timedGet(
  url: string,
): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return {
    ms: performance.now() - started,
    bytes: body.byteLength,
    status: response.status,
  };
}

async function measureEngine(
  engine: Engine,
  options: BenchOptions,
  phase: ReturnType<typeof startPhase>,
): Promise<QueryEngineResult> {
  const { ready } = await phase.message<{ ready: QueryPhaseReady }>('ready');
  const url = `${ready.baseUrl}/cost/entity?entityRef=${encodeURIComponent(
    ready.entityRef,
  )}&from=${ready.from}&to=${ready.to}&groupBy=service`;
  console.log(`  ${engine}: serving; GET ${url}`);

  // Sequential: warm-up, then measured.
  const first = await timedGet(url);
  if (first.status !== 200) {
    const text = await (await fetch(url)).text();
    throw new Error(`GET returned ${first.status}: ${text.slice(0, 500)}`);
  }
  const sample = (await (await fetch(url)).json()) as {
    total: number;
    breakdown: unknown[];
    daily: unknown[];
  };
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

  // Where a request's time goes: SQL statements timed over 20 more requests.
  phase.child.send({ type: 'profile-start' });
  let profiled = 0;
  let profiledMs = 0;
  const profileEnd = performance.now() + WARMUP_CAP_MS;
  while (profiled < 20 && (profiled < 3 || performance.now() < profileEnd)) {
    profiledMs += (await timedGet(url)).ms;
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

  // 100 concurrent clients.
  console.log(
    `  ${engine}: autocannon, ${options.connections} connections for ${options.duration} s ...`,
  );
  const cannon = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
  });
  const concurrent = {
    connections: options.connections,
    durationS: options.duration,
    requestsPerSecond: cannon.requests.average,
    total: cannon.requests.total,
    errors: cannon.errors,
    timeouts: cannon.timeouts,
    non2xx: cannon.non2xx,
    // Latencies are of the answered requests; none answered, none known.
    p50: cannon.requests.total > 0 ? cannon.latency.p50 : null,
    p99: cannon.requests.total > 0 ? cannon.latency.p99 : null,
    max: cannon.requests.total > 0 ? cannon.latency.max : null,
  };
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
  const { baseUrl: _baseUrl, engine: _engine, ...store } = ready;
  return {
    engine,
    store,
    url,
    responseBytes: first.bytes,
    sequential,
    profile,
    concurrent,
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
    const tempDirectory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), `multicloud-bench-query-${engine}-`),
    );
    let database: string | undefined;
    let child: ChildProcess | undefined;
    try {
      const input: QueryPhaseInput = {
        engine,
        facts: options.facts,
        tempDirectory,
      };
      if (engine === 'postgres') {
        database = await createPostgresDatabase(options.postgres, 'query');
        input.serverUrl = options.postgres;
        input.database = database;
      } else {
        input.sqliteFile = path.join(tempDirectory, 'multicloud.sqlite');
      }
      const started = performance.now();
      const phase = startPhase(input);
      child = phase.child;
      const result = await measureEngine(engine, options, phase);
      phase.child.send({ type: 'stop' });
      await phase.exited;
      child = undefined;
      results.push(result);
      console.log(
        `  ${engine}: store ${Object.entries(result.store.sizes)
          .map(([k, v]) => `${k} ${mib(v)}`)
          .join(', ')}; part took ${seconds(performance.now() - started)}`,
      );
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise(resolve => child!.once('exit', resolve));
      }
      if (database) {
        await dropPostgresDatabase(options.postgres, database);
      }
      await fs.promises.rm(tempDirectory, { recursive: true, force: true });
    }
  }
  return results;
}
