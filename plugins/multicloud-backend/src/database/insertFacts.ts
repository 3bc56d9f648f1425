import { Knex } from 'knex';
import { isPostgres } from './writeCostStore';

/** One daily cost fact, as the store writes it. */
export type DailyCostRow = {
  usage_date: string;
  provider: string;
  billing_account_id: string;
  billing_period_start: string;
  sub_account_id: string;
  region: string;
  service_name: string;
  service_category: string;
  resource_id: string;
  resource_key: string;
  resource_name: string | null;
  resource_type: string | null;
  charge_category: string;
  currency: string;
  consumed_unit: string;
  billed_cost: number;
  effective_cost: number;
  list_cost: number;
  consumed_quantity: number | null;
  tags: string;
  extra: string;
  attribution_key: string;
};

/** Columns of a daily fact, in insert order. */
export const FACT_COLUMNS = [
  'usage_date',
  'provider',
  'billing_account_id',
  'billing_period_start',
  'sub_account_id',
  'region',
  'service_name',
  'service_category',
  'resource_id',
  'resource_key',
  'resource_name',
  'resource_type',
  'charge_category',
  'currency',
  'consumed_unit',
  'billed_cost',
  'effective_cost',
  'list_cost',
  'consumed_quantity',
  'tags',
  'extra',
  'attribution_key',
  'import_id',
] as const;

/** Rows per INSERT, within SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_INSERT = 1000;

/** Fact columns that hold numbers; the others are text. */
const NUMBER_COLUMNS = new Set<string>([
  'billed_cost',
  'effective_cost',
  'list_cost',
  'consumed_quantity',
]);

/**
 * PostgreSQL: the batch as one JSON document, unpacked by the server. Binding
 * tens of thousands of parameters per statement (or an array per column)
 * costs the driver and the planner 3-5 times more than PostgreSQL parsing the
 * same values from JSON.
 */
async function insertFactsFromJson(
  tx: Knex.Transaction,
  rows: DailyCostRow[],
  importId: string,
) {
  const columns = FACT_COLUMNS.filter(
    (c): c is keyof DailyCostRow => c !== 'import_id',
  );
  const values = columns.map((column, i) =>
    NUMBER_COLUMNS.has(column)
      ? `CAST(e->>${i} AS double precision)`
      : `e->>${i}`,
  );
  const json = JSON.stringify(rows.map(row => columns.map(c => row[c])));
  await tx.raw(
    `INSERT INTO multicloud_cost_facts (${columns.join(
      ',',
    )},import_id) SELECT ${values.join(
      ',',
    )}, ? FROM jsonb_array_elements(CAST(? AS jsonb)) AS e`,
    [importId, json],
  );
}

/** The part of a better-sqlite3 connection used here. */
type BetterSqliteConnection = {
  prepare(sql: string): { run(values: unknown[]): unknown };
};

/**
 * better-sqlite3: a prepared one-row INSERT run per row on the transaction's
 * own connection. knex's handling of bound parameters costs several times
 * what SQLite takes to store them (143,000 facts: ~4.8 s through `raw` with
 * 1000-row VALUES, ~0.9 s prepared). False when the driver is another one.
 */
async function insertFactsPrepared(
  tx: Knex.Transaction,
  rows: DailyCostRow[],
  importId: string,
): Promise<boolean> {
  if (String(tx.client.config.client) !== 'better-sqlite3') {
    return false;
  }
  // Inside a transaction knex hands out the transaction's connection.
  const connection: Partial<BetterSqliteConnection> =
    await tx.client.acquireConnection();
  if (typeof connection.prepare !== 'function') {
    return false;
  }
  const statement = connection.prepare(
    `INSERT INTO multicloud_cost_facts (${FACT_COLUMNS.join(
      ',',
    )}) VALUES (${FACT_COLUMNS.map(() => '?').join(',')})`,
  );
  for (const row of rows) {
    statement.run(
      FACT_COLUMNS.map(column =>
        column === 'import_id' ? importId : row[column],
      ),
    );
  }
  return true;
}

/**
 * Writes daily facts in the fastest way the driver allows; elsewhere
 * multi-row `INSERT ... VALUES` with bound parameters, far cheaper than the
 * query builder's per-row objects (and its UNION ALL form on SQLite).
 */
export async function insertFacts(
  tx: Knex.Transaction,
  rows: DailyCostRow[],
  importId: string,
) {
  if (isPostgres(tx)) {
    await insertFactsFromJson(tx, rows, importId);
    return;
  }
  if (await insertFactsPrepared(tx, rows, importId)) {
    return;
  }
  const placeholders = `(${FACT_COLUMNS.map(() => '?').join(',')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const slice = rows.slice(start, start + ROWS_PER_INSERT);
    const bindings: unknown[] = [];
    for (const row of slice) {
      for (const column of FACT_COLUMNS) {
        bindings.push(column === 'import_id' ? importId : row[column]);
      }
    }
    await tx.raw(
      `INSERT INTO multicloud_cost_facts (${FACT_COLUMNS.join(
        ',',
      )}) VALUES ${slice.map(() => placeholders).join(',')}`,
      bindings as Knex.RawBinding[],
    );
  }
}
