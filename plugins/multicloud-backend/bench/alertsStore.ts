/*
 * The kept cost store of the alerts benchmark (built by alertsBuild.ts): a
 * SQLite file in <tmpdir>/multicloud-bench/ or a PostgreSQL database, keyed
 * by the sizes and a hash of the estate and the migrations. The measured
 * runs use it in place and empty the alert tables first; `--fresh` builds it
 * again. This file loads nothing of the store's build, so that the measured
 * processes do not hold it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import { migrationsDirectory } from '../src/database/migrations';
import type { AlertsEstate } from './alertsEstate';
import {
  BENCH_DIR,
  Engine,
  createKnex,
  dropPostgresDatabase,
  psql,
} from './lib';
import type { StatementTime } from './sqlTimer';

export const INFO_TABLE = 'bench_alerts_store';
const ALERT_TABLES = [
  'multicloud_alert_events',
  'multicloud_alerts',
  'multicloud_alert_evaluations',
];

/** Where a store is: a SQLite file or a PostgreSQL database. */
export type StoreLocation = {
  engine: Engine;
  sqliteFile?: string;
  serverUrl?: string;
  database?: string;
};

/** What the build wrote down about the store. */
export type StoreInfo = {
  key: string;
  builtAt: string;
  /** First and last day of the facts. */
  from: string;
  to: string;
  factRows: number;
  loadMs: number;
  indexMs: number;
  refreshMs: number;
  refreshStatements: StatementTime[];
  analyzeMs: number | null;
  rows: Record<string, number>;
  sizes: Record<string, number>;
};

/** The key of a store: what it was built from. */
export function storeKey(estate: AlertsEstate): string {
  const hash = createHash('sha256');
  hash.update(fs.readdirSync(migrationsDirectory).sort().join('\n'));
  hash.update(JSON.stringify(estate.lines));
  for (const entity of estate.entities) {
    hash.update(JSON.stringify(entity));
  }
  return hash.digest('hex').slice(0, 12);
}

/** The kept store's name for these sizes and key, and the one it is built under. */
export function storeLocations(
  engine: Engine,
  options: { facts: number; resources: number; key: string; postgres: string },
): { kept: StoreLocation; building: StoreLocation; prefix: string } {
  const prefix =
    engine === 'sqlite'
      ? `alerts-store-r${options.resources}-f${options.facts}-`
      : `mc_bench_alerts_r${options.resources}_f${options.facts}_`;
  if (engine === 'sqlite') {
    const file = path.join(BENCH_DIR, `${prefix}${options.key}.sqlite`);
    return {
      prefix,
      kept: { engine, sqliteFile: file },
      building: { engine, sqliteFile: `${file}.building` },
    };
  }
  const database = `${prefix}${options.key}`;
  return {
    prefix,
    kept: { engine, serverUrl: options.postgres, database },
    building: {
      engine,
      serverUrl: options.postgres,
      database: `${database}_building`,
    },
  };
}

export async function storeExists(location: StoreLocation): Promise<boolean> {
  if (location.engine === 'sqlite') {
    return fs.existsSync(location.sqliteFile!);
  }
  return (
    (await psql(
      location.serverUrl!,
      'postgres',
      `SELECT 1 FROM pg_database WHERE datname = '${location.database}'`,
    )) === '1'
  );
}

/**
 * Removes the kept stores of the same sizes (other estates or migrations,
 * and unfinished builds): each is gigabytes, and only the current one is
 * read again.
 */
export async function removeStores(
  engine: Engine,
  prefix: string,
  postgres: string,
  log: (line: string) => void,
): Promise<void> {
  if (engine === 'sqlite') {
    if (!fs.existsSync(BENCH_DIR)) {
      return;
    }
    for (const name of fs.readdirSync(BENCH_DIR)) {
      if (name.startsWith(prefix)) {
        fs.rmSync(path.join(BENCH_DIR, name), { force: true });
        log(`removed the kept store ${name}`);
      }
    }
    return;
  }
  const names = (
    await psql(
      postgres,
      'postgres',
      `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
    )
  )
    .split('\n')
    .filter(Boolean);
  for (const name of names) {
    await dropPostgresDatabase(postgres, name);
    log(`dropped the kept database ${name}`);
  }
}

export function openStore(location: StoreLocation): Knex {
  return createKnex(location.engine, location);
}

export async function readStoreInfo(knex: Knex): Promise<StoreInfo> {
  const row = await knex(INFO_TABLE).first('info');
  return JSON.parse(row.info);
}

/** Empties the alert tables, so that an evaluation finds every alert new. */
export async function resetAlerts(knex: Knex, engine: Engine): Promise<void> {
  if (engine === 'postgres') {
    await knex.raw(`TRUNCATE ${ALERT_TABLES.join(', ')}`);
  } else {
    for (const table of ALERT_TABLES) {
      await knex(table).delete();
    }
  }
}
