/*
 * `yarn bench:cost`: how fast the multicloud backend plugin imports FOCUS
 * files, answers entity cost queries, re-attributes cost when the catalog
 * changes, rebuilds its rollups and serves from two replicas, on SQLite and
 * PostgreSQL, driven through its HTTP API. Prints figures; asserts nothing
 * about time. See README.md in this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/bench/src/cost/cost.ts
 *     [--parts=import,query,reattribute,rebuild,replicas]
 *     [--engines=sqlite,postgres] [--rows=1000000] [--facts=10000000] [--fresh]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImportResults, runImportBench } from './importBench';
import {
  USAGE,
  UsageError,
  int,
  loadAverage,
  mib,
  ms,
  readOptions,
  seconds,
  table,
} from './lib';
import { QueryEngineResult, runQueryBench } from './queryBench';
import { ConcurrentResult } from './httpClient';
import {
  ReattributeEngineResult,
  runReattributeBench,
} from './reattributeBench';
import { RebuildEngineResult, runRebuildBench } from './rebuildBench';
import { ReplicasResult, runReplicasBench } from './replicasBench';

const TARGETS = {
  importPostgresFloorRatio: 2,
  importSqliteRowsPerSecond: 100_000,
  importPeakRssBytes: 512 * 1024 * 1024,
  queryP95Ms: { postgres: 50, sqlite: 150 } as Record<string, number>,
  reattributeMs: 30_000,
  rebuildPostgresMs: 3 * 60_000,
};

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadAverage()}`;
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

type PartResults = {
  imports?: ImportResults;
  queries?: QueryEngineResult[];
  reattributions?: ReattributeEngineResult[];
  rebuilds?: RebuildEngineResult[];
  replicas?: ReplicasResult;
};

function summary({
  imports,
  queries,
  reattributions,
  rebuilds,
  replicas,
}: PartResults): string[][] {
  const rows: string[][] = [];
  if (imports?.floor) {
    rows.push([
      'import floor: psql \\copy, 44 text columns',
      'postgres',
      `${seconds(imports.floor.copyMs)}, ${int(
        imports.floor.rowsPerSecond,
      )} rows/s`,
      '-',
      '',
    ]);
  }
  for (const r of imports?.engines ?? []) {
    if (r.engine === 'postgres') {
      const ratio = imports?.floor ? r.wallMs / imports.floor.copyMs : NaN;
      rows.push([
        'import: POST /cost/imports, rows/s',
        'postgres',
        `${seconds(r.wallMs)}, ${int(r.rowsPerSecond)} rows/s`,
        '-',
        '',
      ]);
      rows.push([
        'import: ratio to the COPY floor',
        'postgres',
        `${ratio.toFixed(2)}x`,
        `<= ${TARGETS.importPostgresFloorRatio}x`,
        verdict(ratio <= TARGETS.importPostgresFloorRatio),
      ]);
    } else {
      rows.push([
        'import: POST /cost/imports, rows/s',
        'sqlite',
        `${seconds(r.wallMs)}, ${int(r.rowsPerSecond)} rows/s`,
        `>= ${int(TARGETS.importSqliteRowsPerSecond)} rows/s`,
        verdict(r.rowsPerSecond >= TARGETS.importSqliteRowsPerSecond),
      ]);
    }
    rows.push([
      'import: server peak RSS (VmHWM)',
      r.engine,
      mib(r.peakRssBytes),
      `< ${mib(TARGETS.importPeakRssBytes)}`,
      verdict(r.peakRssBytes < TARGETS.importPeakRssBytes),
    ]);
  }
  for (const q of queries ?? []) {
    const built = q.store.builtThisRun
      ? ''
      : ` (kept store, ${q.store.builtAt.slice(0, 10)})`;
    rows.push([
      `store: ${int(q.store.factRows)} facts from ${
        q.store.files.length
      } FOCUS files, POST /cost/imports${built}`,
      q.engine,
      seconds(q.store.importMs),
      '-',
      '',
    ]);
    rows.push([
      `rollup rebuild: POST /cost/rebuild over ${int(
        q.store.rebuild.facts,
      )} facts${built}`,
      q.engine,
      seconds(q.store.rebuild.ms),
      '-',
      '',
    ]);
    const target = TARGETS.queryP95Ms[q.engine];
    rows.push([
      'GET /cost/entity sequential p50 / p95',
      q.engine,
      `${ms(q.sequential.p50)} / ${ms(q.sequential.p95)}`,
      `p95 < ${target} ms`,
      verdict(q.sequential.p95 < target),
    ]);
    const errors = q.concurrent.errors + q.concurrent.non2xx;
    rows.push([
      `${q.concurrent.connections} clients ${q.concurrent.durationS} s: errors`,
      q.engine,
      `${errors} (timeouts ${q.concurrent.timeouts})`,
      '0',
      verdict(errors === 0),
    ]);
    const throughput = (c: ConcurrentResult) =>
      `${c.requestsPerSecond.toFixed(1)}/s, ${
        c.p50 === null ? 'none answered' : `${ms(c.p50)} / ${ms(c.p99!)}`
      }`;
    rows.push([
      'concurrent, same question: requests/s, p50 / p99',
      q.engine,
      throughput(q.concurrent),
      '>= 150/s, p99 < 1 s',
      verdict(
        q.concurrent.requestsPerSecond >= 150 &&
          q.concurrent.p99 !== null &&
          q.concurrent.p99 < 1000,
      ),
    ]);
    rows.push([
      'sequential, questions never asked: p50 / p95',
      q.engine,
      `${ms(q.uncachedSequential.p50)} / ${ms(q.uncachedSequential.p95)}`,
      '-',
      '',
    ]);
    const uncachedErrors =
      q.uncachedConcurrent.errors + q.uncachedConcurrent.non2xx;
    rows.push([
      'concurrent, never asked: requests/s, p50 / p99 (errors)',
      q.engine,
      `${throughput(q.uncachedConcurrent)} (${uncachedErrors})`,
      '-',
      '',
    ]);
  }
  for (const r of reattributions ?? []) {
    let moved = 'no log line';
    if (r.refresh.timedOut) {
      moved = 'not done, server stopped';
    } else if (r.refresh.mode === 'updated') {
      moved = `${int(r.refresh.movedPairs!)} of ${int(
        r.refresh.pairs!,
      )} pairs moved`;
    } else if (r.refresh.mode === 'rebuilt') {
      moved = 'rebuilt whole';
    }
    rows.push([
      `re-attribution: task after ${r.moves.component} + ${
        r.moves.owner
      } of ${int(r.catalog.resourcesThatBill)} resources moved (${moved})`,
      r.engine,
      `${r.refresh.timedOut ? 'over ' : ''}${seconds(r.refresh.ms)}`,
      `< ${seconds(TARGETS.reattributeMs)}`,
      verdict(r.refresh.ms < TARGETS.reattributeMs),
    ]);
    rows.push([
      're-attribution: task with nothing to move',
      r.engine,
      seconds(r.unchanged.ms),
      '-',
      '',
    ]);
    rows.push([
      `re-attribution = full rebuild, to the cent (${
        r.check?.compared ?? 0
      } figures)`,
      r.engine,
      r.check ? `${r.check.differing.length} differ` : 'not compared',
      '0 differ',
      verdict(r.check?.differing.length === 0),
    ]);
  }
  for (const r of rebuilds ?? []) {
    const target = r.engine === 'postgres' ? TARGETS.rebuildPostgresMs : null;
    rows.push([
      `full rebuild: POST /cost/rebuild over ${int(r.answer.facts)} facts`,
      r.engine,
      `${seconds(r.ms)} (server ${seconds(r.answer.durationMs)})`,
      target === null ? '-' : `< ${seconds(target)}`,
      target === null ? '' : verdict(r.ms < target),
    ]);
  }
  if (replicas) {
    const c = replicas.concurrent;
    const errors =
      c.errors + c.non2xx + replicas.imports.filter(i => i.error).length;
    rows.push([
      `2 replicas, ${c.connections} clients ${c.durationS} s, 2 imports: errors`,
      'postgres',
      `${errors} (timeouts ${c.timeouts})`,
      '0',
      verdict(errors === 0),
    ]);
    rows.push([
      '2 replicas: requests/s, p50 / p95 / p99',
      'postgres',
      `${c.requestsPerSecond.toFixed(1)}/s, ${
        c.p50 === null
          ? 'none answered'
          : `${ms(c.p50)} / ${ms(c.p95!)} / ${ms(c.p99!)}`
      }`,
      '-',
      '',
    ]);
    const usd = replicas.totals.rebuild.totals.find(t => t.currency === 'USD');
    rows.push([
      '2 replicas: organisation total (A, B) = facts = rollup',
      'postgres',
      `${replicas.totals.afterA.toFixed(2)}, ${replicas.totals.afterB.toFixed(
        2,
      )} / ${usd?.facts.toFixed(2)} / ${usd?.rollupBefore.toFixed(2)}`,
      'equal',
      verdict(replicas.consistent),
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
    `multicloud cost benchmark: parts=${options.parts.join(
      ',',
    )}, engines=${options.engines.join(',')}, rows=${int(
      options.rows,
    )}, facts=${int(options.facts)}, resources=${int(options.resources)}${
      options.fresh ? ', fresh store' : ''
    }; node ${process.version}, ${os.cpus().length} CPUs, ${(
      os.totalmem() /
      1024 ** 3
    ).toFixed(1)} GiB RAM`,
  );
  console.log(`  before: ${uptimeBefore}`);
  const imports = options.parts.includes('import')
    ? await runImportBench(options)
    : undefined;
  const queries = options.parts.includes('query')
    ? await runQueryBench(options)
    : undefined;
  const reattributions = options.parts.includes('reattribute')
    ? await runReattributeBench(options)
    : undefined;
  const rebuilds = options.parts.includes('rebuild')
    ? await runRebuildBench(options)
    : undefined;
  const replicas = options.parts.includes('replicas')
    ? await runReplicasBench(options)
    : undefined;
  const uptimeAfter = uptime();
  const totalMs = performance.now() - started;

  console.log('\n== Figures ==');
  console.log(
    table(
      ['figure', 'engine', 'measured', 'target', ''],
      summary({ imports, queries, reattributions, rebuilds, replicas }),
    ),
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
        import: imports,
        query: queries,
        reattribute: reattributions,
        rebuild: rebuilds,
        replicas,
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
