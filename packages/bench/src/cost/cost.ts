/*
 * `yarn bench:cost`: how fast the multicloud backend plugin imports FOCUS
 * files and answers entity cost queries, on SQLite and PostgreSQL, driven
 * through its HTTP API. Prints figures; asserts nothing about time. See
 * README.md in this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/bench/src/cost/cost.ts [--only=import|query]
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

const TARGETS = {
  importPostgresFloorRatio: 2,
  importSqliteRowsPerSecond: 100_000,
  importPeakRssBytes: 512 * 1024 * 1024,
  queryP95Ms: { postgres: 50, sqlite: 150 } as Record<string, number>,
};

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadAverage()}`;
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function summary(
  imports: ImportResults | undefined,
  queries: QueryEngineResult[] | undefined,
): string[][] {
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
    rows.push([
      'concurrent: requests/s, p50 / p99',
      q.engine,
      `${q.concurrent.requestsPerSecond.toFixed(1)}/s, ${
        q.concurrent.p50 === null
          ? 'none answered'
          : `${ms(q.concurrent.p50)} / ${ms(q.concurrent.p99!)}`
      }`,
      '-',
      '',
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
    )}, facts=${int(options.facts)}${
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
  const uptimeAfter = uptime();
  const totalMs = performance.now() - started;

  console.log('\n== Figures ==');
  console.log(
    table(
      ['figure', 'engine', 'measured', 'target', ''],
      summary(imports, queries),
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
