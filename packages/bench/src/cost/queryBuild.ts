/*
 * Builds the kept store of the query part in its own Node process (forked
 * by queryBench.ts), through the plugin's HTTP API only:
 *   queryBuild.ts <json: QueryBuildInput>
 * starts the plugin on an empty database under the building name, with the
 * estate's catalog, imports one generated FOCUS file per billing month
 * (`POST /cost/imports`, gzipped; each import attributes its facts and
 * rebuilds its days' rollups), then asks for a full rebuild
 * (`POST /cost/rebuild`), and renames the database to its kept name. Sends
 * { type: 'built', info } and exits. bench:alerts builds its store with
 * `buildKeptStore` from its own entry (src/alerts/alertsBuild.ts), on its
 * estate.
 */
import { CostImportResult } from '@multicloud/plugin-multicloud-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCostBackend } from './costBackend';
import { post } from './httpClient';
import {
  BENCH_DIR,
  DatabaseLocation,
  Engine,
  createKnex,
  drainPool,
  dropPostgresDatabase,
  int,
  mib,
  psql,
  runPhase,
  seconds,
  sendToParent,
} from './lib';
import { DAYS, Estate, planEstate } from './queryEstate';
import {
  StoreInfo,
  storeDays,
  storeMonths,
  writeStoreFile,
} from './queryStore';

export type QueryBuildInput = {
  engine: Engine;
  facts: number;
  key: string;
  kept: DatabaseLocation;
  building: DatabaseLocation;
  infoFile: string;
  /**
   * The catalog the plugin reads during the build, served over HTTP at
   * this URL (bench:alerts' 100,000 Resources); by default Backstage's
   * in-memory catalog holding the estate's entities.
   */
  catalogUrl?: string;
};

/** What `POST /cost/rebuild` answers. */
export type RebuildAnswer = {
  facts: number;
  pairs: number;
  unattributedPairs: number;
  /** Per currency, EffectiveCost: the facts' sum, the organisation rollup before and after. */
  totals: Array<{
    currency: string;
    facts: number;
    rollupBefore: number;
    rollupAfter: number;
  }>;
  durationMs: number;
};

async function createEmpty(location: DatabaseLocation) {
  if (location.engine === 'sqlite') {
    fs.mkdirSync(path.dirname(location.sqliteFile!), { recursive: true });
    fs.rmSync(location.sqliteFile!, { force: true });
  } else {
    await dropPostgresDatabase(location.serverUrl!, location.database!);
    await psql(
      location.serverUrl!,
      'postgres',
      `CREATE DATABASE ${location.database}`,
    );
  }
}

async function rename(from: DatabaseLocation, to: DatabaseLocation) {
  if (from.engine === 'sqlite') {
    fs.renameSync(from.sqliteFile!, to.sqliteFile!);
  } else {
    await psql(
      from.serverUrl!,
      'postgres',
      `ALTER DATABASE ${from.database} RENAME TO ${to.database}`,
    );
  }
}

/**
 * Builds the store of `estate` under its building name through the plugin's
 * API, renames it to its kept name and writes its record; returns the record.
 */
export async function buildKeptStore(
  input: QueryBuildInput,
  estate: Estate,
): Promise<StoreInfo> {
  const { engine, building } = input;
  const log = (line: string) => console.log(`  ${engine}: ${line}`);
  const today = new Date().toISOString().slice(0, 10);
  const { from, firstDay, first } = storeDays(estate, input.facts, today);
  const months = storeMonths(from, firstDay);
  log(
    `building the store: ${estate.lines.length} lines a day for ${
      DAYS - firstDay
    } days, one FOCUS file per billing month (${
      months.length
    }), imported through POST /cost/imports`,
  );

  await createEmpty(building);
  const tempDirectory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), `multicloud-bench-store-${engine}-`),
  );
  const knex = createKnex(building);
  let info: StoreInfo;
  try {
    const backend = await startCostBackend({
      knex,
      catalog: input.catalogUrl
        ? { baseUrl: input.catalogUrl }
        : { entities: estate.entities },
      tempDirectory,
      runTasksAtStart: false,
      logPrefix: `${engine} build`,
    });
    const files: StoreInfo['files'] = [];
    let rebuild: StoreInfo['rebuild'];
    try {
      for (const month of months) {
        const name = `focus-store-${month.month}.csv.gz`;
        const file = path.join(tempDirectory, name);
        const generateStarted = performance.now();
        const { rows, bytes } = await writeStoreFile(file, estate, from, month);
        const generateMs = performance.now() - generateStarted;
        const imported = await post<CostImportResult>(
          `${backend.baseUrl}/cost/imports?fileName=${encodeURIComponent(
            name,
          )}`,
          { file, contentType: 'application/gzip', expected: 201 },
        );
        await fs.promises.rm(file, { force: true });
        if (imported.body.rows !== rows) {
          throw new Error(
            `${name}: the import read ${imported.body.rows} rows of ${rows}`,
          );
        }
        files.push({
          name,
          rows,
          dailyRows: imported.body.dailyRows,
          bytes,
          generateMs,
          importMs: imported.ms,
        });
        log(
          `${name}: ${int(rows)} rows, ${mib(
            bytes,
          )} gzipped, generated in ${seconds(
            generateMs,
          )}, imported in ${seconds(imported.ms)} (${int(
            imported.body.dailyRows,
          )} daily facts)`,
        );
      }
      log(
        'POST /cost/rebuild (attribution and every rollup from the facts) ...',
      );
      const rebuilt = await post<RebuildAnswer>(
        `${backend.baseUrl}/cost/rebuild`,
        { expected: 200 },
      );
      rebuild = {
        ms: rebuilt.ms,
        serverMs: rebuilt.body.durationMs,
        facts: rebuilt.body.facts,
        pairs: rebuilt.body.pairs,
      };
      log(
        `full rollup rebuild over ${int(rebuild.facts)} facts (${int(
          rebuild.pairs,
        )} resource and tag pairs): ${seconds(rebuild.ms)}`,
      );
    } finally {
      await backend.stop();
    }
    await drainPool(knex);

    let analyzeMs: number | null = null;
    if (engine === 'postgres') {
      // What autovacuum does after such loads; the planner needs the stats.
      const started = performance.now();
      await knex.raw('VACUUM ANALYZE');
      analyzeMs = performance.now() - started;
      log(`VACUUM ANALYZE: ${seconds(analyzeMs)}`);
    }
    const sizeBytes =
      engine === 'postgres'
        ? Number(
            (
              await knex.raw(
                'SELECT pg_database_size(current_database()) AS size',
              )
            ).rows[0].size,
          )
        : 0;
    const sum = (pick: (f: StoreInfo['files'][number]) => number) =>
      files.reduce((total, f) => total + pick(f), 0);
    info = {
      key: input.key,
      builtAt: new Date().toISOString(),
      from: first,
      to: today,
      rows: sum(f => f.rows),
      factRows: sum(f => f.dailyRows),
      files,
      generateMs: sum(f => f.generateMs),
      importMs: sum(f => f.importMs),
      rebuild,
      analyzeMs,
      sizeBytes,
      entityRef: estate.largestSystem,
      counts: estate.counts,
      entities: estate.entities.length,
    };
  } finally {
    await knex.destroy();
    await fs.promises.rm(tempDirectory, { recursive: true, force: true });
  }
  if (engine === 'sqlite') {
    info.sizeBytes = fs.statSync(building.sqliteFile!).size;
  }
  await rename(building, input.kept);
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(input.infoFile, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

async function main() {
  const input: QueryBuildInput = JSON.parse(process.argv[2]);
  const info = await buildKeptStore(input, planEstate(input.facts));
  await sendToParent({ type: 'built', info });
}

// Forked by queryBench.ts; bench:alerts imports `buildKeptStore` only.
if (require.main === module) {
  runPhase(main);
}
