import { Knex } from 'knex';
import { batches } from './alertRows';

/** How PostgreSQL reads a column's array parameter. */
export type ColumnType = 'text' | 'float8' | 'timestamptz' | 'bigint';

/**
 * Rows per statement. Each statement binds one parameter per column
 * (PostgreSQL: an array per column; SQLite: one JSON document), so the
 * size is bounded by memory, not by the databases' limits on bound values.
 */
const ROWS_PER_STATEMENT = 10_000;

const isPostgres = (db: Knex) => String(db.client.config.client).includes('pg');

/**
 * A value as the database stores it: knex writes a Date to SQLite as
 * milliseconds, so JSON carries milliseconds too; PostgreSQL parses ISO text.
 */
function cell(value: unknown, postgres: boolean): unknown {
  if (value instanceof Date) {
    return postgres ? value.toISOString() : value.getTime();
  }
  return value ?? null;
}

/**
 * Inserts many rows with one statement per 10,000, each binding one value
 * per column rather than one per cell: a multi-row VALUES list binds tens
 * of thousands of values per statement, which both databases parse slowly.
 * With `merge`, a row whose `conflict` key exists updates those columns.
 */
export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  columns: Record<string, ColumnType>,
  rows: Array<Record<string, unknown>>,
  upsert?: { conflict: string; merge: string[] },
): Promise<void> {
  const names = Object.keys(columns);
  const postgres = isPostgres(db);
  const quoted = names.map(name => `"${name}"`).join(', ');
  const onConflict = upsert
    ? ` ON CONFLICT ("${upsert.conflict}") DO UPDATE SET ${upsert.merge
        .map(name => `"${name}" = excluded."${name}"`)
        .join(', ')}`
    : '';
  for (const batch of batches(rows, ROWS_PER_STATEMENT)) {
    if (postgres) {
      await db.raw(
        `INSERT INTO "${table}" (${quoted}) SELECT * FROM unnest(${names
          .map(name => `?::${columns[name]}[]`)
          .join(', ')})${onConflict}`,
        // One array parameter per column; pg sends a JS array as an array.
        names.map(name =>
          batch.map(row => cell(row[name], true)),
        ) as unknown as readonly Knex.RawBinding[],
      );
    } else {
      // `WHERE true` tells SQLite's parser that ON CONFLICT is not a join's ON.
      await db.raw(
        `INSERT INTO "${table}" (${quoted}) SELECT ${names
          .map((_, i) => `json_extract(value, '$[${i}]')`)
          .join(', ')} FROM json_each(?) WHERE true${onConflict}`,
        [
          JSON.stringify(
            batch.map(row => names.map(name => cell(row[name], false))),
          ),
        ],
      );
    }
  }
}

/** `column IN (ids)` with the ids bound as one parameter, however many. */
export function whereIdIn(
  db: Knex | Knex.Transaction,
  column: string,
  ids: string[],
): Knex.Raw {
  return isPostgres(db)
    ? db.raw(`?? = ANY(?::text[])`, [column, ids])
    : db.raw(`?? IN (SELECT value FROM json_each(?))`, [
        column,
        JSON.stringify(ids),
      ]);
}
