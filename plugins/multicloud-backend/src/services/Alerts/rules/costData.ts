import { Knex } from 'knex';

/** Refs per `WHERE ... IN (...)`: well under every supported database's limit on parameters. */
export const REFS_PER_QUERY = 500;

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size = REFS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * The last day the evaluation judges: today (UTC) of `now`, or the last day
 * with cost facts when the exports lag behind, as the Cost tab does. Null
 * before the first import.
 */
export async function costAsOf(knex: Knex, now: Date): Promise<string | null> {
  const row = await knex('multicloud_cost_facts')
    .max({ last: 'usage_date' })
    .first();
  const last: string | null = row?.last ?? null;
  if (!last) {
    return null;
  }
  const today = now.toISOString().slice(0, 10);
  return last < today ? last : today;
}

/** A sum as SQLite (number) and PostgreSQL (string for some types) return it. */
export const toNumber = (value: number | string | null | undefined) =>
  Number(value ?? 0);
