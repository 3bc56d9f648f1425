/*
 * One measured step of the alerts benchmark for one engine, in its own Node
 * process (forked by alertsBench.ts with --expose-gc), so that its peak RSS
 * is its own: the plugin started on the kept store (alertsBackend.ts) with
 * the rules of `sources` on, the alert tables emptied first, the clock at
 * noon of the store's last day; then the plugin's evaluation task, run by
 * the bench `runs` times (the first finds every alert new, the next ones
 * nothing changed), each measured; with `serveApi`, the backend then serves
 * until the parent, which sends the requests, says stop.
 *
 * Messages over IPC, child -> parent: { type: 'evaluated' | 'ready' |
 * 'profile', ... }; parent -> child: { type: 'profile-start' |
 * 'profile-stop' | 'stop' }.
 */
import { install } from '@sinonjs/fake-timers';
import { Knex } from 'knex';
import path from 'node:path';
import { AlertSource } from '../shared/alertRules';
import { ProfileSummary, profiled } from '../shared/cpuProfile';
import { DatabaseLocation, createKnex, drainPool } from '../shared/database';
import { peakRssBytes, resetPeakRss, rssSampler } from '../shared/measure';
import { BENCH_DIR, Engine } from '../shared/postgres';
import { runPhase, sendToParent } from '../shared/process';
import { StatementTime, timeStatements } from '../shared/sqlTimer';
import { EVALUATION_TASK_ID, startAlertsBackend } from './alertsBackend';
import { timeCatalogRequests } from './catalogServer';

export type AlertsPhaseInput = {
  store: DatabaseLocation;
  /** The store's last day (`YYYY-MM-DD`): the clock is its noon, UTC. */
  lastDay: string;
  /** `http://127.0.0.1:<port>/api/catalog` */
  catalogUrl: string;
  sources: AlertSource[];
  runs: number;
  serveApi: boolean;
  /** Also a CPU profile of each run, named after `step`. */
  profile: boolean;
  step: string;
};

/** One measured piece of work. */
export type Measured = {
  ms: number;
  /** RSS just before it started (the backend started, the database connected). */
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

/** The plugin's log line after an evaluation: "Alerts evaluated: X opened, Y resolved, Z open". */
export type EvaluationCounts = {
  opened: number;
  resolved: number;
  open: number;
};

export type EvaluationMeasured = Measured & EvaluationCounts;

export type EvaluatedMessage = {
  type: 'evaluated';
  peakResetWorks: boolean;
  runs: EvaluationMeasured[];
  /** Stored alerts by "source rule", and history rows, after the runs. */
  stored: Record<string, number>;
  events: number;
  /** Tasks the plugin asked to run meanwhile (none expected). */
  triggered: string[];
};

export type ReadyMessage = { type: 'ready'; baseUrl: string };

export type ProfileMessage = {
  type: 'profile';
  statements: StatementTime[];
  catalogMs: number;
};

/** The plugin's tables of computed alerts (its migrations). */
const ALERTS_TABLE = 'multicloud_alerts';
const ALERT_TABLES = [
  'multicloud_alert_events',
  ALERTS_TABLE,
  'multicloud_alert_evaluations',
];
const COUNTS_LINE =
  /^Alerts evaluated: (\d+) opened, (\d+) resolved, (\d+) open$/;

/** Empties the alert tables, so that an evaluation finds every alert new. */
async function resetAlerts(knex: Knex, engine: Engine): Promise<void> {
  if (engine === 'postgres') {
    await knex.raw(`TRUNCATE ${ALERT_TABLES.join(', ')}`);
  } else {
    for (const table of ALERT_TABLES) {
      await knex(table).delete();
    }
  }
}

/** Runs `work` with its time, peak RSS, SQL and catalog time (and a CPU profile). */
async function measure<T>(
  knex: Knex,
  catalogWaitMs: (reset?: boolean) => number,
  profileFile: string | undefined,
  work: () => Promise<T>,
): Promise<{ result: T; measured: Measured }> {
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  resetPeakRss();
  catalogWaitMs(true);
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
      catalogMs: catalogWaitMs(),
      statements: statements.slice(0, 6),
      ...(profile ? { profile } : {}),
    },
  };
}

async function storedAlerts(
  knex: Knex,
): Promise<Pick<EvaluatedMessage, 'stored' | 'events'>> {
  const stored: Record<string, number> = {};
  const rows: Array<{ source: string; rule: string; n: number | string }> =
    await knex(ALERTS_TABLE)
      .groupBy('source', 'rule')
      .orderBy(['source', 'rule'])
      .select('source', 'rule')
      .count({ n: '*' });
  for (const row of rows) {
    stored[`${row.source} ${row.rule}`] = Number(row.n);
  }
  const events = Number(
    (await knex('multicloud_alert_events').count({ n: '*' }))[0].n,
  );
  return { stored, events };
}

/** Serves until the parent says stop; times SQL and catalog between 'profile-start' and 'profile-stop'. */
async function serveUntilStopped(
  knex: Knex,
  baseUrl: string,
  catalogWaitMs: (reset?: boolean) => number,
): Promise<void> {
  let profile: ReturnType<typeof timeStatements> | undefined;
  const stopped = new Promise<void>(resolve => {
    process.on('message', (message: { type?: string }) => {
      if (message?.type === 'profile-start') {
        catalogWaitMs(true);
        profile = timeStatements(knex);
      } else if (message?.type === 'profile-stop') {
        const statements = profile?.stop() ?? [];
        profile = undefined;
        sendToParent({
          type: 'profile',
          statements,
          catalogMs: catalogWaitMs(true),
        } satisfies ProfileMessage).catch(() => undefined);
      } else if (message?.type === 'stop') {
        resolve();
      }
    });
  });
  await sendToParent({ type: 'ready', baseUrl } satisfies ReadyMessage);
  await stopped;
}

async function main() {
  const input: AlertsPhaseInput = JSON.parse(process.argv[2]);
  const { engine } = input.store;
  const knex = createKnex(input.store);
  // The store ends on the day it was built: its noon is "now", so that a
  // kept store judges the same month, week and window whatever the date.
  // Only Date is faked; timers stay real and the clock runs on from there.
  const clock = install({
    now: Date.parse(`${input.lastDay}T12:00:00Z`),
    toFake: ['Date'],
    shouldAdvanceTime: true,
  });
  const catalog = timeCatalogRequests(input.catalogUrl);
  let counts: EvaluationCounts | undefined;
  try {
    await resetAlerts(knex, engine);
    const backend = await startAlertsBackend({
      knex,
      catalogBaseUrl: input.catalogUrl,
      sources: input.sources,
      logPrefix: `${engine} ${input.step}`,
      onInfo: message => {
        const match = COUNTS_LINE.exec(message);
        if (match) {
          counts = {
            opened: Number(match[1]),
            resolved: Number(match[2]),
            open: Number(match[3]),
          };
        }
      },
    });
    try {
      const evaluation = backend.scheduler.taskFunction(EVALUATION_TASK_ID);
      const peakResetWorks = resetPeakRss();
      const runs: EvaluationMeasured[] = [];
      for (let run = 1; run <= input.runs; run++) {
        counts = undefined;
        const { measured } = await measure(
          knex,
          catalog.waitMs,
          input.profile
            ? path.join(
                BENCH_DIR,
                `alerts-${engine}-${input.step}-${run}.cpuprofile`,
              )
            : undefined,
          evaluation,
        );
        // Set by the logger while the task ran (TypeScript cannot see it).
        const logged = counts as EvaluationCounts | undefined;
        if (!logged) {
          throw new Error(
            'The evaluation task ended without logging "Alerts evaluated: ..."',
          );
        }
        runs.push({ ...measured, ...logged });
      }
      await sendToParent({
        type: 'evaluated',
        peakResetWorks,
        runs,
        ...(await storedAlerts(knex)),
        triggered: backend.scheduler.triggered,
      } satisfies EvaluatedMessage);
      if (input.serveApi) {
        await serveUntilStopped(knex, backend.baseUrl, catalog.waitMs);
      }
    } finally {
      await backend.stop();
    }
    await drainPool(knex);
  } finally {
    catalog.stop();
    clock.uninstall();
    await knex.destroy();
  }
}

runPhase(main);
