import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';
import { isPostgres } from './writeCostStore';

/** The account a cost belongs to: the sub account (AWS member account, Azure subscription, GCP project), else the billing account. */
const ACCOUNT_ID = `CASE WHEN f.sub_account_id <> '' THEN f.sub_account_id ELSE f.billing_account_id END`;
/** Scratch tables of a rollup rebuild or re-attribution, private to the connection. */
const LINES = 'multicloud_cost_rebuild_lines';
const KEYS = 'multicloud_cost_reattribute_keys';
const DELTA_PREFIX = 'multicloud_cost_reattribute_';
/** Breakdown dimensions and their column in the rebuild's lines. */
const DIMENSION_COLUMNS = {
  service: 'service_name',
  provider: 'provider',
  account: 'account_id',
  region: 'region',
} as const;
const COSTS = ['billed_cost', 'effective_cost', 'list_cost'];
/** A merged rollup row this close to zero in every cost held only moved cost: it goes. */
const ZERO = 1e-9;

/** The three rollups: their key columns, and how the other columns merge. */
const ROLLUPS = {
  daily: {
    table: 'multicloud_cost_rollup_daily',
    keys: [
      'entity_ref',
      'entity_kind',
      'usage_date',
      'currency',
      'via',
      'tagged',
    ],
    attributes: [] as string[],
  },
  dimensions: {
    table: 'multicloud_cost_rollup_dimensions',
    keys: ['entity_ref', 'dimension', 'usage_date', 'value', 'currency'],
    attributes: ['provider'],
  },
  resources: {
    table: 'multicloud_cost_rollup_resources',
    keys: ['entity_ref', 'usage_date', 'resource_key', 'provider', 'currency'],
    attributes: ['resource_name', 'resource_ref'],
  },
};
type Rollup = keyof typeof ROLLUPS;

/**
 * Sums the facts (all, or `where`'s) per attribution key, day and line
 * (a few rows per resource and day) into the scratch table `LINES`.
 */
async function createLines(
  tx: Knex.Transaction,
  where: string,
  bindings: Knex.RawBinding[],
) {
  await tx.raw(`DROP TABLE IF EXISTS ${LINES}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${LINES} AS
     SELECT f.attribution_key, f.usage_date, f.provider,
       ${ACCOUNT_ID} AS account_id, f.region, f.service_name, f.currency,
       f.resource_key, MAX(f.resource_name) AS resource_name,
       SUM(f.billed_cost) AS billed_cost,
       SUM(f.effective_cost) AS effective_cost,
       SUM(f.list_cost) AS list_cost
     FROM multicloud_cost_facts f
     ${where}
     GROUP BY f.attribution_key, f.usage_date, f.provider, ${ACCOUNT_ID},
       f.region, f.service_name, f.currency, f.resource_key`,
    bindings,
  );
}

/**
 * Fans the lines out to every ancestor of the entity each line's key is
 * attributed to (as the attribution and ancestor tables say now), summed per
 * rollup row, into `targets` (the rollups themselves, or a re-attribution's
 * scratch tables, which take the `sign` and `side` columns too).
 */
async function fanOut(
  tx: Knex.Transaction,
  targets: Record<Rollup, string>,
  delta?: { sign: 1 | -1; side: 'old' | 'new' },
) {
  const fannedOut = `FROM ${LINES} l
     JOIN multicloud_cost_attribution at ON at.attribution_key = l.attribution_key
     JOIN multicloud_cost_ancestors an ON an.entity_ref = at.entity_ref`;
  const sign = delta ? `${delta.sign} * ` : '';
  const costs = COSTS.map(c => `${sign}SUM(l.${c})`).join(', ');
  const costColumns = COSTS.join(', ');
  const sideColumn = delta ? ', side' : '';
  const side = delta ? `, '${delta.side}'` : '';
  await tx.raw(
    `INSERT INTO ${targets.daily} (entity_ref, entity_kind, usage_date,
       currency, via, tagged, ${costColumns}${sideColumn})
     SELECT an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency,
       at.via, at.tagged, ${costs}${side}
     ${fannedOut}
     GROUP BY an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency,
       at.via, at.tagged`,
  );
  for (const [dimension, column] of Object.entries(DIMENSION_COLUMNS)) {
    await tx.raw(
      `INSERT INTO ${targets.dimensions} (entity_ref, dimension, usage_date,
         value, provider, currency, ${costColumns}${sideColumn})
       SELECT an.ancestor_ref, ?, l.usage_date, l.${column},
         MAX(l.provider), l.currency, ${costs}${side}
       ${fannedOut}
       GROUP BY an.ancestor_ref, l.usage_date, l.${column}, l.currency`,
      [dimension],
    );
  }
  await tx.raw(
    `INSERT INTO ${targets.resources} (entity_ref, usage_date, resource_key,
       resource_name, resource_ref, provider, currency, ${costColumns}${sideColumn})
     SELECT an.ancestor_ref, l.usage_date, l.resource_key,
       MAX(l.resource_name),
       MAX(CASE WHEN at.via = 'resource' THEN at.entity_ref END), l.provider,
       l.currency, ${costs}${side}
     ${fannedOut}
     WHERE an.ancestor_ref <> ?
     GROUP BY an.ancestor_ref, l.usage_date, l.resource_key, l.provider, l.currency`,
    [EVERYTHING],
  );
}

/**
 * Rebuilds the rollups of some days (all when none are given) from the
 * facts, the attribution and the ancestors. The facts are first summed per
 * attribution key, day and line (a few rows per resource and day), and only
 * those sums are fanned out to every ancestor of the entity each key belongs
 * to: the fan-out multiplies thousands of rows a day instead of every fact.
 */
export async function rebuildRollups(
  tx: Knex.Transaction,
  days?: { from: string; to: string },
) {
  const inDays = (q: Knex.QueryBuilder, column: string) =>
    days ? q.whereBetween(column, [days.from, days.to]) : q;
  for (const { table } of Object.values(ROLLUPS)) {
    await inDays(tx(table), 'usage_date').delete();
  }
  await createLines(
    tx,
    days ? 'WHERE f.usage_date BETWEEN ? AND ?' : '',
    days ? [days.from, days.to] : [],
  );
  await fanOut(tx, {
    daily: ROLLUPS.daily.table,
    dimensions: ROLLUPS.dimensions.table,
    resources: ROLLUPS.resources.table,
  });
  await tx.raw(`DROP TABLE ${LINES}`);
}

/** Creates a re-attribution's scratch table shaped like `rollup`, plus `side`. */
async function createDeltaTable(tx: Knex.Transaction, rollup: Rollup) {
  const { table } = ROLLUPS[rollup];
  const name = `${DELTA_PREFIX}${rollup}`;
  await tx.raw(`DROP TABLE IF EXISTS ${name}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${name} AS
     SELECT r.*, CAST('' AS varchar(8)) AS side FROM ${table} r WHERE 1 = 0`,
  );
  return name;
}

/**
 * Replaces the rows of `rollup` that the scratch table's rows fall on with
 * their sum with those rows: the existing cost, less what the moved keys
 * brought under their old attribution, plus what they bring under the new.
 * Rows left at zero go. Of the non-cost columns, the resource a resource
 * row is (`resource_ref`) is the new attribution's wherever the moved keys
 * still reach the row; the others are the largest value.
 */
async function mergeDelta(tx: Knex.Transaction, rollup: Rollup) {
  const { table, keys, attributes } = ROLLUPS[rollup];
  const delta = `${DELTA_PREFIX}${rollup}`;
  const merged = `${DELTA_PREFIX}${rollup}_merged`;
  const touched = (row: string) =>
    `EXISTS (SELECT 1 FROM ${delta} d WHERE ${keys
      .map(k => `d.${k} = ${row}.${k}`)
      .join(' AND ')})`;
  const attributeSql = attributes.map(attribute =>
    attribute === 'resource_ref'
      ? `CASE WHEN SUM(CASE WHEN side = 'new' THEN 1 ELSE 0 END) > 0
           THEN MAX(CASE WHEN side = 'new' THEN resource_ref END)
           ELSE MAX(CASE WHEN side = 'kept' THEN resource_ref END) END
         AS resource_ref`
      : `MAX(${attribute}) AS ${attribute}`,
  );
  const allColumns = [...keys, ...attributes, ...COSTS];
  await tx.raw(`DROP TABLE IF EXISTS ${merged}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${merged} AS
     SELECT ${[
       ...keys,
       ...attributeSql,
       ...COSTS.map(c => `SUM(${c}) AS ${c}`),
     ].join(', ')}
     FROM (
       SELECT ${allColumns.map(c => `r.${c}`).join(', ')}, 'kept' AS side
       FROM ${table} r WHERE ${touched('r')}
       UNION ALL
       SELECT ${allColumns.join(', ')}, side FROM ${delta}
     ) rows_of_keys
     GROUP BY ${keys.join(', ')}`,
  );
  await tx.raw(`DELETE FROM ${table} WHERE ${touched(table)}`);
  await tx.raw(
    `INSERT INTO ${table} (${allColumns.join(', ')})
     SELECT ${allColumns.join(', ')} FROM ${merged}
     WHERE NOT (${COSTS.map(c => `ABS(${c}) < ${ZERO}`).join(' AND ')})`,
  );
  await tx.raw(`DROP TABLE ${merged}`);
  await tx.raw(`DROP TABLE ${delta}`);
}

/**
 * Moves the cost of the attribution keys `keys` from where the stored
 * attribution and ancestors put it to where `replaceMappings` (which writes
 * the new ones) puts it, in the rollups, reading only those keys' facts:
 * their lines are fanned out under the old mappings with a minus sign and
 * under the new with a plus, and only the rollup rows these fall on are
 * rewritten. The result is what a full rebuild gives (up to rounding of
 * the last bits).
 */
export async function reattributeRollups(
  tx: Knex.Transaction,
  keys: readonly string[],
  replaceMappings: () => Promise<void>,
) {
  await tx.raw(`DROP TABLE IF EXISTS ${KEYS}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${KEYS} (attribution_key varchar(255) PRIMARY KEY)`,
  );
  for (let start = 0; start < keys.length; start += 500) {
    await tx(KEYS).insert(
      keys.slice(start, start + 500).map(key => ({ attribution_key: key })),
    );
  }
  await createLines(
    tx,
    `WHERE f.attribution_key IN (SELECT attribution_key FROM ${KEYS})`,
    [],
  );
  const targets = {
    daily: await createDeltaTable(tx, 'daily'),
    dimensions: await createDeltaTable(tx, 'dimensions'),
    resources: await createDeltaTable(tx, 'resources'),
  };
  await fanOut(tx, targets, { sign: -1, side: 'old' });
  await replaceMappings();
  await fanOut(tx, targets, { sign: 1, side: 'new' });
  // The merge looks every rollup row up in the scratch tables by its key:
  // without an index SQLite scans a scratch table per rollup row (minutes
  // at 30,000 facts, yarn bench:cost).
  for (const [rollup, name] of Object.entries(targets) as Array<
    [Rollup, string]
  >) {
    await tx.raw(
      `CREATE INDEX ${name}_keys ON ${name} (${ROLLUPS[rollup].keys.join(
        ', ',
      )})`,
    );
    if (isPostgres(tx)) {
      await tx.raw(`ANALYZE ${name}`);
    }
  }
  for (const rollup of Object.keys(ROLLUPS) as Rollup[]) {
    await mergeDelta(tx, rollup);
  }
  await tx.raw(`DROP TABLE ${LINES}`);
  await tx.raw(`DROP TABLE ${KEYS}`);
}
