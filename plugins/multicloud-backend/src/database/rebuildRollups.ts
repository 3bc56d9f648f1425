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
/** Facts a rebuild sums at a time (a few days' at 10,000,000 facts a year). */
const CHUNK_FACTS = 250_000;
/** Work memory of a rebuild's sums on PostgreSQL (per hash table; default 4MB). */
const WORK_MEM = '64MB';
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
  if (isPostgres(tx)) {
    // Without statistics of the new table the planner expects a few rows
    // and sorts the fan-out's millions instead of hashing them; hash tables
    // of that size need more than the default 4MB of work memory.
    await tx.raw(`SET LOCAL work_mem = '${WORK_MEM}'`);
    await tx.raw(`ANALYZE ${LINES}`);
  }
}

/**
 * The lines summed per entity they are attributed to (as the attribution
 * table says now) and the `groups` columns (of the line `l` or of its
 * attribution `at`), with the largest value of the `maxima`, joined to the
 * entity's ancestors: the fan-out then multiplies one row per entity and
 * value instead of one per line.
 */
function perEntityWithAncestors(
  groups: string[],
  maxima: Record<string, string> = {},
) {
  return `(SELECT at.entity_ref, ${[
    ...groups.map(g => `${g} AS ${g.split('.')[1]}`),
    ...Object.entries(maxima).map(([alias, sql]) => `MAX(${sql}) AS ${alias}`),
    ...COSTS.map(c => `SUM(l.${c}) AS ${c}`),
  ].join(', ')}
     FROM ${LINES} l
     JOIN multicloud_cost_attribution at ON at.attribution_key = l.attribution_key
     GROUP BY at.entity_ref, ${groups.join(', ')}) e
     JOIN multicloud_cost_ancestors an ON an.entity_ref = e.entity_ref`;
}

/**
 * Fans the lines out to every ancestor of the entity each line's key is
 * attributed to (as the attribution and ancestor tables say now), summed per
 * rollup row, into `targets` (the rollups themselves, or a re-attribution's
 * scratch tables, which take the `sign` and `side` columns too). The lines
 * are first summed per entity and rollup row (`perEntityWithAncestors`).
 */
async function fanOut(
  tx: Knex.Transaction,
  targets: Record<Rollup, string>,
  delta?: { sign: 1 | -1; side: 'old' | 'new' },
) {
  const sign = delta ? `${delta.sign} * ` : '';
  const costs = COSTS.map(c => `${sign}SUM(e.${c})`).join(', ');
  const costColumns = COSTS.join(', ');
  const sideColumn = delta ? ', side' : '';
  const side = delta ? `, '${delta.side}'` : '';
  await tx.raw(
    `INSERT INTO ${targets.daily} (entity_ref, entity_kind, usage_date,
       currency, via, tagged, ${costColumns}${sideColumn})
     SELECT an.ancestor_ref, an.ancestor_kind, e.usage_date, e.currency,
       e.via, e.tagged, ${costs}${side}
     FROM ${perEntityWithAncestors([
       'at.via',
       'at.tagged',
       'l.usage_date',
       'l.currency',
     ])}
     GROUP BY an.ancestor_ref, an.ancestor_kind, e.usage_date, e.currency,
       e.via, e.tagged`,
  );
  for (const [dimension, column] of Object.entries(DIMENSION_COLUMNS)) {
    await tx.raw(
      `INSERT INTO ${targets.dimensions} (entity_ref, dimension, usage_date,
         value, provider, currency, ${costColumns}${sideColumn})
       SELECT an.ancestor_ref, ?, e.usage_date, e.${column},
         MAX(e.value_provider), e.currency, ${costs}${side}
       FROM ${perEntityWithAncestors(
         ['l.usage_date', `l.${column}`, 'l.currency'],
         { value_provider: 'l.provider' },
       )}
       GROUP BY an.ancestor_ref, e.usage_date, e.${column}, e.currency`,
      [dimension],
    );
  }
  await tx.raw(
    `INSERT INTO ${targets.resources} (entity_ref, usage_date, resource_key,
       resource_name, resource_ref, provider, currency, ${costColumns}${sideColumn})
     SELECT an.ancestor_ref, e.usage_date, e.resource_key,
       MAX(e.resource_name), MAX(e.resource_ref), e.provider, e.currency,
       ${costs}${side}
     FROM ${perEntityWithAncestors(
       ['l.usage_date', 'l.resource_key', 'l.provider', 'l.currency'],
       {
         resource_name: 'l.resource_name',
         resource_ref: `CASE WHEN at.via = 'resource' THEN at.entity_ref END`,
       },
     )}
     WHERE an.ancestor_ref <> ?
     GROUP BY an.ancestor_ref, e.usage_date, e.resource_key, e.provider,
       e.currency`,
    [EVERYTHING],
  );
}

/**
 * Rebuilds the rollups of some days (all when none are given) from the
 * facts, the attribution and the ancestors. The facts are first summed per
 * attribution key, day and line (a few rows per resource and day), and only
 * those sums are fanned out to every ancestor of the entity each key belongs
 * to: the fan-out multiplies thousands of rows a day instead of every fact.
 * The days go in chunks of about `CHUNK_FACTS` facts, whose sums fit in
 * memory where the whole would be sorted on disk.
 */
export async function rebuildRollups(
  tx: Knex.Transaction,
  days?: { from: string; to: string },
) {
  const fanOutChunks = async (targets: Record<Rollup, string>) => {
    for (const chunk of await dayChunks(tx, days)) {
      await createLines(tx, 'WHERE f.usage_date BETWEEN ? AND ?', [
        chunk.from,
        chunk.to,
      ]);
      await fanOut(tx, targets);
      await tx.raw(`DROP TABLE ${LINES}`);
    }
  };
  const rollups = {
    daily: ROLLUPS.daily.table,
    dimensions: ROLLUPS.dimensions.table,
    resources: ROLLUPS.resources.table,
  };
  if (days) {
    for (const table of Object.values(rollups)) {
      await tx(table).whereBetween('usage_date', [days.from, days.to]).delete();
    }
    await fanOutChunks(rollups);
  } else if (isPostgres(tx)) {
    await replaceRollupsPostgres(tx, fanOutChunks);
  } else {
    await replaceRollupsSqlite(tx, () => fanOutChunks(rollups));
  }
}

/**
 * Consecutive days (of `days`, else all) with facts, in chunks of at most
 * `CHUNK_FACTS` facts (a day with more is a chunk of its own).
 */
async function dayChunks(
  tx: Knex.Transaction,
  days?: { from: string; to: string },
): Promise<Array<{ from: string; to: string }>> {
  const query = tx('multicloud_cost_facts')
    .select('usage_date')
    .count({ facts: '*' })
    .groupBy('usage_date')
    .orderBy('usage_date');
  if (days) {
    query.whereBetween('usage_date', [days.from, days.to]);
  }
  const chunks: Array<{ from: string; to: string }> = [];
  let facts = 0;
  for (const row of (await query) as Array<{
    usage_date: string;
    facts: number | string;
  }>) {
    const last = chunks[chunks.length - 1];
    const dayFacts = Number(row.facts);
    if (last && facts + dayFacts <= CHUNK_FACTS) {
      last.to = row.usage_date;
      facts += dayFacts;
    } else {
      chunks.push({ from: row.usage_date, to: row.usage_date });
      facts = dayFacts;
    }
  }
  return chunks;
}

/**
 * The whole rollups on PostgreSQL: written into new tables without indexes,
 * which are then indexed in bulk and take the rollups' place (their indexes
 * and comments re-created from the catalog), instead of deleting every row
 * and inserting every row again through the indexes. Readers see the old
 * rollups until the transaction commits; only the swap locks them out, for
 * its few statements. (yarn bench:cost: 300,000 facts 34 s -> 10 s.)
 */
async function replaceRollupsPostgres(
  tx: Knex.Transaction,
  write: (targets: Record<Rollup, string>) => Promise<void>,
) {
  const tables = [] as Array<{
    table: string;
    qualified: string;
    rebuilt: string;
    indexes: Array<{ indexdef: string }>;
    comment: string | null;
  }>;
  for (const { table } of Object.values(ROLLUPS)) {
    const {
      rows: [{ schema, comment }],
    } = await tx.raw(
      `SELECT n.nspname AS schema, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = to_regclass(?)`,
      [table],
    );
    const { rows: indexes } = await tx.raw(
      'SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?',
      [schema, table],
    );
    const qualified = `"${schema}"."${table}"`;
    const rebuilt = `"${schema}"."${table}_rebuilt"`;
    await tx.raw(`DROP TABLE IF EXISTS ${rebuilt}`);
    await tx.raw(
      `CREATE TABLE ${rebuilt} (LIKE ${qualified}
         INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)`,
    );
    tables.push({ table, qualified, rebuilt, indexes, comment });
  }
  const [daily, dimensions, resources] = tables.map(t => t.rebuilt);
  await write({ daily, dimensions, resources });
  for (const { table, qualified, rebuilt, indexes, comment } of tables) {
    await tx.raw(`DROP TABLE ${qualified}`);
    await tx.raw(`ALTER TABLE ${rebuilt} RENAME TO "${table}"`);
    for (const { indexdef } of indexes) {
      await tx.raw(indexdef);
    }
    if (comment) {
      // COMMENT takes no parameters: PostgreSQL quotes the literal.
      const {
        rows: [{ statement }],
      } = await tx.raw(
        `SELECT format('COMMENT ON TABLE %s IS %L', CAST(? AS text), CAST(? AS text)) AS statement`,
        [qualified, comment],
      );
      await tx.raw(statement);
    }
    // The planner's statistics of the new table, which has none yet.
    await tx.raw(`ANALYZE ${qualified}`);
  }
}

/**
 * The whole rollups on SQLite: emptied and written with their indexes
 * dropped, then indexed again from their definitions, in bulk.
 */
async function replaceRollupsSqlite(
  tx: Knex.Transaction,
  write: () => Promise<void>,
) {
  const dropped = [] as string[];
  for (const { table } of Object.values(ROLLUPS)) {
    const indexes: Array<{ name: string; sql: string }> = await tx.raw(
      `SELECT name, sql FROM sqlite_master
       WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
      [table],
    );
    for (const { name, sql } of indexes) {
      await tx.raw(`DROP INDEX "${name}"`);
      dropped.push(sql);
    }
    await tx(table).delete();
  }
  await write();
  for (const sql of dropped) {
    await tx.raw(sql);
  }
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
  const touchedKeys = `${DELTA_PREFIX}${rollup}_keys`;
  // The rollup rows the moved cost falls on, less those it leaves as they
  // were: an ancestor of both the old and the new entity (the organisation,
  // an owner or system that stayed) loses and gains the same cost, so its
  // rows are not touched (on the resources rollup, unless the resource
  // entity it names changed). The rest are found from the keys through the
  // rollup's index: a lookup per moved row, where a test of every rollup row
  // against the keys reads the whole rollup (tens of millions of rows on a
  // large estate; on SQLite a scan of the keys per rollup row).
  const unchanged = [
    ...COSTS.map(c => `ABS(SUM(${c})) < ${ZERO}`),
    ...(attributes.includes('resource_ref')
      ? [
          `COALESCE(MAX(CASE WHEN side = 'new' THEN resource_ref END), '') =
           COALESCE(MAX(CASE WHEN side = 'old' THEN resource_ref END), '')`,
        ]
      : []),
  ];
  await tx.raw(`DROP TABLE IF EXISTS ${touchedKeys}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${touchedKeys} AS
     SELECT ${keys.join(', ')} FROM ${delta}
     GROUP BY ${keys.join(', ')}
     HAVING NOT (${unchanged.join(' AND ')})`,
  );
  if (isPostgres(tx)) {
    await tx.raw(`ANALYZE ${touchedKeys}`);
  }
  // CROSS JOIN: SQLite loops over its left side, the keys, first.
  const rowsOfKeys = (of: string) => `${touchedKeys} k CROSS JOIN ${of} r
     WHERE ${keys.map(k => `r.${k} = k.${k}`).join(' AND ')}`;
  const touchedRows = rowsOfKeys(table);
  const attributeSql = attributes.map(attribute =>
    attribute === 'resource_ref'
      ? `CASE WHEN SUM(CASE WHEN side = 'new' THEN 1 ELSE 0 END) > 0
           THEN MAX(CASE WHEN side = 'new' THEN resource_ref END)
           ELSE MAX(CASE WHEN side = 'kept' THEN resource_ref END) END
         AS resource_ref`
      : `MAX(${attribute}) AS ${attribute}`,
  );
  const allColumns = [...keys, ...attributes, ...COSTS];
  // The touched rows are read once, with where they are: the delete then
  // goes straight to them instead of looking each up again.
  const kept = `${DELTA_PREFIX}${rollup}_kept`;
  const rowId = isPostgres(tx) ? 'r.ctid' : 'r.rowid';
  await tx.raw(`DROP TABLE IF EXISTS ${kept}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${kept} AS
     SELECT ${rowId} AS row_id, ${allColumns.map(c => `r.${c}`).join(', ')}
     FROM ${touchedRows}`,
  );
  await tx.raw(`DROP TABLE IF EXISTS ${merged}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${merged} AS
     SELECT ${[
       ...keys,
       ...attributeSql,
       ...COSTS.map(c => `SUM(${c}) AS ${c}`),
     ].join(', ')}
     FROM (
       SELECT ${allColumns.join(', ')}, 'kept' AS side FROM ${kept}
       UNION ALL
       SELECT ${allColumns.map(c => `r.${c}`).join(', ')}, r.side
       FROM ${rowsOfKeys(delta)}
     ) rows_of_keys
     GROUP BY ${keys.join(', ')}`,
  );
  if (isPostgres(tx)) {
    await tx.raw(
      `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT row_id FROM ${kept}))`,
    );
  } else {
    await tx.raw(
      `DELETE FROM ${table} WHERE rowid IN (SELECT row_id FROM ${kept})`,
    );
  }
  await tx.raw(
    `INSERT INTO ${table} (${allColumns.join(', ')})
     SELECT ${allColumns.join(', ')} FROM ${merged}
     WHERE NOT (${COSTS.map(c => `ABS(${c}) < ${ZERO}`).join(' AND ')})`,
  );
  await tx.raw(`DROP TABLE ${merged}`);
  await tx.raw(`DROP TABLE ${kept}`);
  await tx.raw(`DROP TABLE ${touchedKeys}`);
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
  for (const rollup of Object.keys(ROLLUPS) as Rollup[]) {
    await mergeDelta(tx, rollup);
  }
  await tx.raw(`DROP TABLE ${LINES}`);
  await tx.raw(`DROP TABLE ${KEYS}`);
}
