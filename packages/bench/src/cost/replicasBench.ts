/*
 * Part 5: two replicas on one PostgreSQL store. Two plugin backends, each
 * in its own Node process with its own knex pool (queryPhase.ts, forked
 * twice: each gets its own CPU time, as replicas on separate machines
 * would, though here they share the machine's two cores), on one copy of
 * the kept store. The query part's request (`GET /cost/entity` for the
 * largest System over the store's days) from 100 clients dealt out over
 * both for 30 s, while replica A imports one billing month of the store
 * again (the same facts) and replica B a billing month the store does not
 * hold (its last days), both started with the clients. Once the imports
 * have answered, the organisation's total through each replica
 * (`GET /cost/summary` over every day) must equal the facts' sum, which
 * `POST /cost/rebuild` answers with the organisation rollup it found
 * (`rollupBefore`) and the one it left.
 */
import {
  CostImportResult,
  CostSummaryResponse,
} from '@multicloud/plugin-multicloud-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getJson } from './costTotals';
import { ConcurrentResult, concurrentGets, post } from './httpClient';
import {
  BenchOptions,
  forkPhase,
  int,
  killPhase,
  mib,
  ms,
  seconds,
} from './lib';
import { ensureStore, waitForAttribution } from './queryBench';
import { RebuildAnswer } from './queryBuild';
import { Estate, planEstate } from './queryEstate';
import { QueryPhaseInput } from './queryPhase';
import {
  StoreMonth,
  storeDays,
  storeMonths,
  writeStoreFile,
} from './queryStore';
import { printRebuildTotals } from './rebuildBench';
import { copyStore } from './storeCopy';

const DAY_MS = 24 * 3600 * 1000;
/** Days of the billing month the store does not hold that replica B imports. */
const NEW_MONTH_DAYS = 3;
/** Half a cent: two figures this close are equal to the cent. */
const CENT_TOLERANCE = 0.005;

export type ReplicaImport = {
  replica: 'A' | 'B';
  file: string;
  month: string;
  rows: number;
  bytes: number;
  /** When the upload started and the answer came, from the clients' start. */
  startMs: number;
  endMs: number | null;
  /** EffectiveCost the import answered, summed over providers. */
  effectiveCost: number | null;
  error: string | null;
};

export type ReplicasResult = {
  store: { key: string; factRows: number; builtThisRun: boolean };
  copyMs: number;
  concurrent: ConcurrentResult;
  imports: ReplicaImport[];
  /** Organisation totals (EffectiveCost, USD) over every day. */
  totals: {
    before: number;
    afterA: number;
    afterB: number;
    /** `before` plus what B's import answered it added. */
    expected: number;
    rebuild: RebuildAnswer;
    rebuildMs: number;
  };
  /** The totals through both replicas, the facts' sum and the rollup before the rebuild agree to the cent. */
  consistent: boolean;
};

/** The last `days` days of the billing month before the store's first day. */
function monthBefore(
  from: string,
  firstDay: number,
  days: number,
): StoreMonth & { firstDate: string } {
  const start = Date.parse(`${from}T00:00:00Z`);
  const firstDate = new Date(start + firstDay * DAY_MS);
  const monthStart = Date.UTC(
    firstDate.getUTCFullYear(),
    firstDate.getUTCMonth(),
    1,
  );
  const lastDay = Math.round((monthStart - start) / DAY_MS) - 1;
  return {
    month: new Date(monthStart - DAY_MS).toISOString().slice(0, 7),
    firstDay: lastDay - days + 1,
    lastDay,
    firstDate: new Date(start + (lastDay - days + 1) * DAY_MS)
      .toISOString()
      .slice(0, 10),
  };
}

async function organisationTotal(
  baseUrl: string,
  period: { from: string; to: string },
): Promise<number> {
  const summary = await getJson<CostSummaryResponse>(
    `${baseUrl}/cost/summary?from=${period.from}&to=${period.to}`,
  );
  return summary.total;
}

async function writeImportFile(
  directory: string,
  estate: Estate,
  from: string,
  month: StoreMonth,
  replica: 'A' | 'B',
) {
  const file = path.join(
    directory,
    `focus-replica-${replica}-${month.month}.csv.gz`,
  );
  const { rows, bytes } = await writeStoreFile(file, estate, from, month);
  return { file, rows, bytes };
}

export async function runReplicasBench(
  options: BenchOptions,
): Promise<ReplicasResult | undefined> {
  console.log(
    `\n== Part 5: two replicas on one PostgreSQL store, ${
      options.connections
    } clients for ${options.duration} s during imports, ${int(
      options.facts,
    )} daily facts ==`,
  );
  if (!options.engines.includes('postgres')) {
    console.log('  skipped: PostgreSQL only, and --engines has no postgres');
    return undefined;
  }
  const log = (line: string) => console.log(`  postgres: ${line}`);
  const estate = planEstate(options.facts);
  const { info, built, input } = await ensureStore('postgres', options);
  const { from, firstDay } = storeDays(estate, options.facts, info.to);
  const months = storeMonths(from, firstDay);
  // The last complete month: the store's last month ends on the day it was built.
  const again = months[Math.max(0, months.length - 2)];
  const added = monthBefore(from, firstDay, NEW_MONTH_DAYS);
  const period = { from: added.firstDate, to: info.to };

  const directory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'multicloud-bench-replicas-'),
  );
  const copy = await copyStore(input.store, 'replicas');
  log(`copied the kept store in ${seconds(copy.ms)}`);
  const phases = (['A', 'B'] as const).map(replica =>
    forkPhase(
      require.resolve('./queryPhase'),
      { ...input, store: copy.location } satisfies QueryPhaseInput,
      `replica ${replica}`,
    ),
  );
  try {
    const files = {
      A: await writeImportFile(directory, estate, from, again, 'A'),
      B: await writeImportFile(directory, estate, from, added, 'B'),
    };
    log(
      `import files: A ${again.month} again (${int(files.A.rows)} rows, ${mib(
        files.A.bytes,
      )}), B ${
        added.month
      }, a month the store does not hold (its last ${NEW_MONTH_DAYS} days: ${int(
        files.B.rows,
      )} rows, ${mib(files.B.bytes)})`,
    );
    const [baseA, baseB] = await Promise.all(
      phases.map(async phase => {
        const { baseUrl } = await phase.message<{ baseUrl: string }>('ready');
        await waitForAttribution(baseUrl);
        return baseUrl;
      }),
    );
    const before = await organisationTotal(baseA, period);
    const query = (baseUrl: string) =>
      `${baseUrl}/cost/entity?entityRef=${encodeURIComponent(
        info.entityRef,
      )}&from=${info.from}&to=${info.to}&groupBy=service`;
    log(
      `replicas A ${baseA} and B ${baseB}; organisation total before: ${before.toFixed(
        2,
      )}`,
    );

    const started = performance.now();
    const upload = async (
      replica: 'A' | 'B',
      baseUrl: string,
      month: StoreMonth,
    ): Promise<ReplicaImport> => {
      const { file, rows, bytes } = files[replica];
      const startMs = performance.now() - started;
      const name = path.basename(file);
      try {
        const answer = await post<CostImportResult>(
          `${baseUrl}/cost/imports?fileName=${encodeURIComponent(name)}`,
          { file, contentType: 'application/gzip', expected: 201 },
        );
        return {
          replica,
          file: name,
          month: month.month,
          rows,
          bytes,
          startMs,
          endMs: performance.now() - started,
          effectiveCost: answer.body.totals.reduce(
            (sum, t) => sum + t.effectiveCost,
            0,
          ),
          error: null,
        };
      } catch (error) {
        return {
          replica,
          file: name,
          month: month.month,
          rows,
          bytes,
          startMs,
          endMs: null,
          effectiveCost: null,
          error: String(error),
        };
      }
    };
    log(
      `${options.connections} clients on both replicas for ${options.duration} s, A and B importing ...`,
    );
    const [concurrent, importA, importB] = await Promise.all([
      concurrentGets({
        url: [query(baseA), query(baseB)],
        connections: options.connections,
        durationS: options.duration,
      }),
      upload('A', baseA, again),
      upload('B', baseB, added),
    ]);
    const imports = [importA, importB];
    for (const i of imports) {
      log(
        `import on ${i.replica} (${i.month}): ${
          i.error
            ? `FAILED: ${i.error}`
            : `${seconds(i.endMs! - i.startMs)}, from ${seconds(
                i.startMs,
              )} to ${seconds(i.endMs!)} after the clients started`
        }`,
      );
    }
    log(
      `${concurrent.requestsPerSecond.toFixed(1)} requests/s (A ${
        concurrent.answeredByUrl[0]
      }, B ${concurrent.answeredByUrl[1]} answered); errors ${
        concurrent.errors
      } (of which timeouts ${concurrent.timeouts}), non-2xx ${
        concurrent.non2xx
      }; p50 ${
        concurrent.p50 === null
          ? '-'
          : `${ms(concurrent.p50)}, p95 ${ms(concurrent.p95!)}, p99 ${ms(
              concurrent.p99!,
            )}, max ${ms(concurrent.max!)}`
      }`,
    );

    const afterA = await organisationTotal(baseA, period);
    const afterB = await organisationTotal(baseB, period);
    const expected = before + (importB.effectiveCost ?? 0);
    log(
      `organisation total after: through A ${afterA.toFixed(
        2,
      )}, through B ${afterB.toFixed(
        2,
      )}; before plus B's month ${expected.toFixed(2)}`,
    );
    log('POST /cost/rebuild on A, for the facts against the rollup ...');
    const rebuilt = await post<RebuildAnswer>(`${baseA}/cost/rebuild`, {
      expected: 200,
    });
    printRebuildTotals(log, rebuilt.body);
    const usd = rebuilt.body.totals.find(t => t.currency === 'USD');
    const agree = (a: number, b: number) => Math.abs(a - b) < CENT_TOLERANCE;
    const consistent =
      !!usd &&
      rebuilt.body.totals.length === 1 &&
      agree(afterA, usd.facts) &&
      agree(afterB, usd.facts) &&
      agree(usd.rollupBefore, usd.facts) &&
      agree(usd.rollupAfter, usd.facts);
    log(
      `the totals through A and B, the facts' sum and the rollup before the rebuild ${
        consistent ? 'agree to the cent' : 'DO NOT agree to the cent'
      }`,
    );
    for (const phase of phases) {
      phase.child.send({ type: 'stop' });
    }
    await Promise.all(phases.map(phase => phase.exited));
    return {
      store: { key: info.key, factRows: info.factRows, builtThisRun: built },
      copyMs: copy.ms,
      concurrent,
      imports,
      totals: {
        before,
        afterA,
        afterB,
        expected,
        rebuild: rebuilt.body,
        rebuildMs: rebuilt.ms,
      },
      consistent,
    };
  } finally {
    for (const phase of phases) {
      await killPhase(phase.child);
    }
    await copy.drop();
    await fs.promises.rm(directory, { recursive: true, force: true });
  }
}
