/*
 * Builds the kept store of the alerts benchmark: N daily facts
 * (queryStore.ts) for the estate of alertsEstate.ts, attributed and rolled up
 * by the real `refresh()` against a catalog of the estate's entities, under a
 * building name renamed to the kept name once complete.
 */
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { readCostConfig } from '../src/config';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { createCostAttributionService } from '../src/services/CostAttribution/createCostAttributionService';
import { AlertsEstate } from './alertsEstate';
import { INFO_TABLE, StoreInfo, StoreLocation, openStore } from './alertsStore';
import {
  BENCH_DIR,
  dropPostgresDatabase,
  fakeAuth,
  fakeCatalog,
  printingLogger,
  psql,
  seconds,
} from './lib';
import { buildStore, storeSize } from './queryStore';
import { timeStatements } from './sqlTimer';

/**
 * Builds the store under its building name and renames it to its kept name
 * once complete (an interrupted build is never read).
 */
export async function buildAlertsStore(options: {
  estate: AlertsEstate;
  facts: number;
  key: string;
  kept: StoreLocation;
  building: StoreLocation;
  log: (line: string) => void;
}): Promise<StoreInfo> {
  const { estate, facts, key, kept, building, log } = options;
  const { engine } = building;
  if (engine === 'sqlite') {
    fs.mkdirSync(path.dirname(building.sqliteFile!), { recursive: true });
    fs.rmSync(building.sqliteFile!, { force: true });
  } else {
    await dropPostgresDatabase(building.serverUrl!, building.database!);
    await psql(
      building.serverUrl!,
      'postgres',
      `CREATE DATABASE ${building.database}`,
    );
  }
  const knex = openStore(building);
  let info: StoreInfo;
  try {
    await applyDatabaseMigrations(knex);
    const built = await buildStore(knex, engine, estate, facts, log);
    log(
      `store: ${built.factRows.toLocaleString('en-US')} facts ${built.from}..${
        built.to
      } loaded in ${seconds(built.loadMs)} + indexes ${seconds(built.indexMs)}`,
    );
    let analyzeMs: number | null = null;
    if (engine === 'postgres') {
      // What autovacuum does after a large load; the planner needs the stats.
      const started = performance.now();
      await knex.raw('VACUUM ANALYZE multicloud_cost_facts');
      await knex.raw('VACUUM ANALYZE multicloud_cost_attribution');
      analyzeMs = performance.now() - started;
    }
    const attribution = createCostAttributionService({
      knex,
      catalog: fakeCatalog(estate.entities),
      auth: fakeAuth,
      logger: printingLogger(engine),
      tagKeys: readCostConfig(new ConfigReader({}), BENCH_DIR).tagKeys,
    });
    log('attribution refresh (full rollup rebuild) ...');
    const timer = timeStatements(knex);
    const refreshStarted = performance.now();
    await attribution.refresh();
    const refreshMs = performance.now() - refreshStarted;
    const refreshStatements = timer.stop().slice(0, 8);
    log(`attribution refresh took ${seconds(refreshMs)}`);
    if (engine === 'postgres') {
      const started = performance.now();
      for (const table of [
        'multicloud_cost_rollup_daily',
        'multicloud_cost_rollup_dimensions',
        'multicloud_cost_rollup_resources',
        'multicloud_cost_ancestors',
        'multicloud_cost_entities',
      ]) {
        await knex.raw(`VACUUM ANALYZE ${table}`);
      }
      analyzeMs = (analyzeMs ?? 0) + performance.now() - started;
    }
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    const rows: Record<string, number> = {};
    for (const table of [
      'multicloud_cost_attribution',
      'multicloud_cost_ancestors',
      'multicloud_cost_entities',
      'multicloud_cost_rollup_daily',
      'multicloud_cost_rollup_dimensions',
      'multicloud_cost_rollup_resources',
    ]) {
      rows[table] = await count(table);
    }
    rows.budgets = Number(
      (
        await knex('multicloud_cost_entities')
          .whereNotNull('annotation_budget')
          .count({ n: '*' })
      )[0].n,
    );
    info = {
      key,
      builtAt: new Date().toISOString(),
      from: built.from,
      to: built.to,
      factRows: built.factRows,
      loadMs: built.loadMs,
      indexMs: built.indexMs,
      refreshMs,
      refreshStatements,
      analyzeMs,
      rows,
      sizes: await storeSize(knex, engine),
    };
    await knex.schema.createTable(INFO_TABLE, table => table.text('info'));
    await knex(INFO_TABLE).insert({ info: JSON.stringify(info) });
  } finally {
    await knex.destroy();
  }
  if (engine === 'sqlite') {
    fs.renameSync(building.sqliteFile!, kept.sqliteFile!);
  } else {
    await psql(
      building.serverUrl!,
      'postgres',
      `ALTER DATABASE ${building.database} RENAME TO ${kept.database}`,
    );
  }
  return info;
}
