/*
 * One step of the alerts benchmark for one engine, in its own Node process
 * (forked by alerts.ts), so that its peak RSS is its own:
 *
 * - `build`: builds the kept store (alertsStore.ts); not measured.
 * - `rules`: each rule set's `evaluate()` alone, over the kept store and
 *   the catalog served by the parent (over HTTP, catalogServer.ts).
 * - `evaluate`: `createAlertsService(...).evaluate()` twice with every rule
 *   set (the first run finds every alert new, the second nothing changed),
 *   then the real router on 127.0.0.1 until the parent, which sends the
 *   requests, says stop.
 *
 * Messages over IPC, child -> parent: { type: 'built' | 'rules' |
 * 'evaluated' | 'ready' | 'profile', ... }; parent -> child:
 * { type: 'profile-start' | 'profile-stop' | 'stop' }.
 */
import { ConfigReader } from '@backstage/config';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Knex } from 'knex';
import { createAlertsService } from '../src/services/Alerts/createAlertsService';
import {
  createCostRuleSet,
  createHygieneRuleSet,
  createSavingsRuleSet,
} from '../src/services/Alerts/rules';
import { AlertRuleSet } from '../src/services/Alerts/types';
import {
  StoreInfo,
  StoreLocation,
  openStore,
  readStoreInfo,
  resetAlerts,
  storeKey,
} from './alertsStore';
import { httpCatalog } from './catalogServer';
import { ProfileSummary, profiled } from './cpuProfile';
import {
  BENCH_DIR,
  Engine,
  fakeAuth,
  peakRssBytes,
  printingLogger,
  resetPeakRss,
  rssSampler,
  sleep,
} from './lib';
import { StatementTime, timeStatements } from './sqlTimer';

type BuildInput = {
  role: 'build';
  engine: Engine;
  facts: number;
  resources: number;
  key: string;
  kept: StoreLocation;
  building: StoreLocation;
};

type MeasureInput = {
  role: 'rules' | 'evaluate';
  engine: Engine;
  store: StoreLocation;
  catalogUrl: string;
  profile: boolean;
};

export type AlertsPhaseInput = BuildInput | MeasureInput;

/** One measured piece of work. */
export type Measured = {
  ms: number;
  /** RSS just before it started (modules loaded, database connected). */
  rssBefore: number;
  /** VmHWM over the work alone (reset before it). */
  peakRss: number;
  /** V8 heap in use at the largest 50 ms RSS sample. */
  heapAtPeak: number;
  /** Time in SQL statements, and waiting for the catalog. */
  sqlMs: number;
  catalogMs: number;
  statements: StatementTime[];
  profile?: ProfileSummary;
};

export type RuleSetMeasured = Measured & {
  source: string;
  findings: number;
  byRule: Record<string, number>;
};

export type RulesResult = {
  type: 'rules';
  peakResetWorks: boolean;
  sets: RuleSetMeasured[];
};

export type EvaluationMeasured = Measured & {
  opened: number;
  resolved: number;
  open: number;
};

export type EvaluatedResult = {
  type: 'evaluated';
  /** The store's build record. */
  store: StoreInfo;
  first: EvaluationMeasured;
  second: EvaluationMeasured;
  /** Stored alerts by source and rule, and history rows, after both runs. */
  stored: Record<string, number>;
  events: number;
};

export type ReadyMessage = { type: 'ready'; baseUrl: string };

function send(message: object): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, error => (error ? reject(error) : resolve())),
  );
}

function ruleSets(catalog: ReturnType<typeof httpCatalog>['catalog']) {
  const options = {
    catalog,
    auth: fakeAuth,
    config: new ConfigReader({}),
    logger: printingLogger('rules'),
  };
  return [
    createCostRuleSet(options),
    createHygieneRuleSet(options),
    createSavingsRuleSet(options),
  ];
}

/** Runs `work` with its time, peak RSS, SQL and catalog time (and a CPU profile). */
async function measure<T>(
  knex: Knex,
  catalogWait: (reset?: boolean) => number,
  profileFile: string | undefined,
  work: () => Promise<T>,
): Promise<{ result: T; measured: Measured }> {
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  resetPeakRss();
  catalogWait(true);
  const sampler = rssSampler();
  const timer = timeStatements(knex);
  const started = performance.now();
  let result: T;
  let profile: ProfileSummary | undefined;
  if (profileFile) {
    ({ result, summary: profile } = await profiled(profileFile, work));
  } else {
    result = await work();
  }
  const ms = performance.now() - started;
  const statements = timer.stop();
  const sample = sampler.stop();
  return {
    result,
    measured: {
      ms,
      rssBefore,
      peakRss: peakRssBytes(),
      heapAtPeak: sample.heapUsed,
      sqlMs: statements.reduce((sum, s) => sum + s.totalMs, 0),
      catalogMs: catalogWait(),
      statements: statements.slice(0, 6),
      ...(profile ? { profile } : {}),
    },
  };
}

async function build(input: BuildInput) {
  const log = (line: string) => console.log(`  ${input.engine}: ${line}`);
  // Loaded only here: the measured steps hold none of the store's build.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { planAlertsEstate } =
    require('./alertsEstate') as typeof import('./alertsEstate');
  const { buildAlertsStore } =
    require('./alertsBuild') as typeof import('./alertsBuild');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const estate = planAlertsEstate(input.facts, input.resources);
  const key = storeKey(estate);
  if (key !== input.key) {
    throw new Error(
      `The estate planned here (key ${key}) is not the parent's (${input.key})`,
    );
  }
  const info: StoreInfo = await buildAlertsStore({
    estate,
    facts: input.facts,
    key,
    kept: input.kept,
    building: input.building,
    log,
  });
  await send({ type: 'built', info });
}

async function rules(input: MeasureInput) {
  const knex = openStore(input.store);
  try {
    const info = await readStoreInfo(knex);
    const now = new Date(`${info.to}T12:00:00Z`);
    const http = httpCatalog(input.catalogUrl);
    const peakResetWorks = resetPeakRss();
    const sets: RuleSetMeasured[] = [];
    for (const ruleSet of ruleSets(http.catalog)) {
      const { result: findings, measured } = await measure(
        knex,
        http.waitMs,
        input.profile
          ? path.join(
              BENCH_DIR,
              `alerts-${input.engine}-rules-${ruleSet.source}.cpuprofile`,
            )
          : undefined,
        () => ruleSet.evaluate({ now, knex }),
      );
      const byRule: Record<string, number> = {};
      for (const finding of findings) {
        byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
      }
      sets.push({
        ...measured,
        source: ruleSet.source,
        findings: findings.length,
        byRule,
      });
    }
    await send({ type: 'rules', peakResetWorks, sets } satisfies RulesResult);
  } finally {
    await knex.destroy();
  }
}

async function evaluate(input: MeasureInput) {
  const { engine } = input;
  const knex = openStore(input.store);
  let server: Server | undefined;
  try {
    const info = await readStoreInfo(knex);
    const now = new Date(`${info.to}T12:00:00Z`);
    await resetAlerts(knex, engine);
    const http = httpCatalog(input.catalogUrl);
    const logger = printingLogger(engine);
    const sets: AlertRuleSet[] = ruleSets(http.catalog);
    const alerts = createAlertsService({
      knex,
      catalog: http.catalog,
      auth: fakeAuth,
      logger,
      ruleSets: sets,
      now: () => now,
    });
    const run = async (which: string) => {
      const { result, measured } = await measure(
        knex,
        http.waitMs,
        input.profile
          ? path.join(
              BENCH_DIR,
              `alerts-${engine}-evaluate-${which}.cpuprofile`,
            )
          : undefined,
        () => alerts.evaluate(),
      );
      return { ...result, ...measured };
    };
    const first = await run('first');
    const second = await run('second');
    const stored: Record<string, number> = {};
    const rows: Array<{ source: string; rule: string; n: number | string }> =
      await knex('multicloud_alerts')
        .groupBy('source', 'rule')
        .select('source', 'rule')
        .count({ n: '*' });
    for (const row of rows) {
      stored[`${row.source} ${row.rule}`] = Number(row.n);
    }
    const events = Number(
      (await knex('multicloud_alert_events').count({ n: '*' }))[0].n,
    );
    await send({
      type: 'evaluated',
      store: info,
      first,
      second,
      stored,
      events,
    } satisfies EvaluatedResult);

    // The API, through the real router; loaded only now, so that the
    // evaluations above ran without the router's modules (the cloud SDKs
    // among them) in memory.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { serveAlertsApi } =
      require('./alertsServer') as typeof import('./alertsServer');
    server = await serveAlertsApi({
      engine,
      knex,
      catalog: http.catalog,
      logger,
      alerts,
      now,
    });
    const { port } = server.address() as AddressInfo;
    let profile: ReturnType<typeof timeStatements> | undefined;
    const stopped = new Promise<void>(resolve => {
      process.on('message', (message: { type?: string }) => {
        if (message?.type === 'profile-start') {
          http.waitMs(true);
          profile = timeStatements(knex);
        } else if (message?.type === 'profile-stop') {
          const statements = profile?.stop() ?? [];
          profile = undefined;
          send({
            type: 'profile',
            statements,
            catalogMs: http.waitMs(true),
          }).catch(() => undefined);
        } else if (message?.type === 'stop') {
          resolve();
        }
      });
    });
    await send({
      type: 'ready',
      baseUrl: `http://127.0.0.1:${port}/api/multicloud`,
    } satisfies ReadyMessage);
    await stopped;
  } finally {
    if (server) {
      const closed = new Promise(resolve => server!.close(resolve));
      server.closeIdleConnections();
      await Promise.race([closed, sleep(10_000)]);
      server.closeAllConnections();
    }
    await knex.destroy();
  }
}

async function main() {
  const input: AlertsPhaseInput = JSON.parse(process.argv[2]);
  if (input.role === 'build') {
    await build(input);
  } else if (input.role === 'rules') {
    await rules(input);
  } else {
    await evaluate(input);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
