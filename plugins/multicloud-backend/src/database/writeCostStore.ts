import { Knex } from 'knex';

/**
 * The PostgreSQL advisory lock every writer of the cost store takes: the
 * bytes of "mc.cost!" as one 64-bit key, distinct from other plugins' keys
 * when they share a database.
 */
export const COST_STORE_LOCK_KEY = '7882194777434977313';

export function isPostgres(knex: Knex): boolean {
  const client = String(knex.client.config.client);
  return client === 'pg' || client.includes('postgres');
}

/**
 * Runs `work` in a transaction that holds the cost store's write lock from
 * its first statement, so imports, attribution refreshes and rebuilds never
 * interleave, across backend replicas too, and what `work` reads cannot
 * change before it writes.
 *
 * - PostgreSQL: a transaction-level advisory lock on one fixed key.
 * - SQLite is single-writer; knex gives each process one connection. A write
 *   as the transaction's first statement takes the database's write lock at
 *   once (`BEGIN IMMEDIATE` semantics, which knex cannot issue), so another
 *   process cannot slip a write in between this transaction's reads and
 *   writes; it waits (busy timeout) instead.
 *
 * `onWait` is called when the lock is held by another writer, before waiting.
 */
export async function writeCostStore<T>(
  knex: Knex,
  work: (tx: Knex.Transaction) => Promise<T>,
  options: { onWait?: () => void } = {},
): Promise<T> {
  return knex.transaction(async tx => {
    if (isPostgres(knex)) {
      const { rows } = await tx.raw(
        'SELECT pg_try_advisory_xact_lock(CAST(? AS bigint)) AS locked',
        [COST_STORE_LOCK_KEY],
      );
      if (!rows[0].locked) {
        options.onWait?.();
        await tx.raw('SELECT pg_advisory_xact_lock(CAST(? AS bigint))', [
          COST_STORE_LOCK_KEY,
        ]);
      }
    } else {
      await tx.raw('UPDATE multicloud_cost_imports SET id = id WHERE 1 = 0');
    }
    return work(tx);
  });
}
