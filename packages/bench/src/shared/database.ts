/* The databases of the backend benches: where one is, and knex on it as Backstage configures it. */
import knexFactory, { Knex } from 'knex';
import { Engine, psql } from './postgres';
import { sleep } from './print';

/** Where a database is: a SQLite file, or a database of a PostgreSQL server. */
export type DatabaseLocation = {
  engine: Engine;
  sqliteFile?: string;
  serverUrl?: string;
  database?: string;
};

/**
 * Knex as the Backstage database service configures it for each engine:
 * the bench creates it and hands it to the plugin through
 * `mockServices.database.factory({ knex })`.
 */
export function createKnex(location: DatabaseLocation): Knex {
  if (location.engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: location.sqliteFile! },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: `${location.serverUrl}/${location.database}`,
  });
}

export async function postgresDatabaseExists(
  serverUrl: string,
  name: string,
): Promise<boolean> {
  return (
    (await psql(
      serverUrl,
      'postgres',
      `SELECT 1 FROM pg_database WHERE datname = '${name}'`,
    )) === '1'
  );
}

/**
 * Waits until no query has run on `knex` for half a second (at most
 * `maxMs`): the plugin may still be working once its backend has stopped
 * (the alert evaluation it starts after an import, requests whose clients
 * gave up), and destroying the pool under it fails those queries.
 */
export async function drainPool(knex: Knex, maxMs = 300_000): Promise<void> {
  const pool = (
    knex.client as {
      pool?: { numUsed(): number; numPendingAcquires(): number };
    }
  ).pool;
  const end = Date.now() + maxMs;
  let quiet = 0;
  while (pool && quiet < 5 && Date.now() < end) {
    await sleep(100);
    quiet = pool.numUsed() + pool.numPendingAcquires() === 0 ? quiet + 1 : 0;
  }
}
