import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';
import { isPostgres } from './writeCostStore';

/** The account a cost belongs to: the sub account (AWS member account, Azure subscription, GCP project), else the billing account. */
const ACCOUNT_ID = `CASE WHEN f.sub_account_id <> '' THEN f.sub_account_id ELSE f.billing_account_id END`;
/** Scratch tables of a rollup rebuild or re-attribution, private to the connection. */
const LINES = 'multicloud_cost_rebuild_lines';
const KEYS = 'multicloud_cost_reattribute_keys';
const DELTA_PREFIX = 'multicloud_cost_reattribute_';
const FAN_OUT_LABELS = 'multicloud_cost_rebuild_labels';
const FAN_OUT_ANCESTORS = 'multicloud_cost_rebuild_fan_out';
/** A full rebuild's attribution, copied for its helper connections (which cannot see the rebuild's own, uncommitted). */
const ATTRIBUTION_COPY = 'multicloud_cost_rebuild_attribution';
/** Connections besides its transaction's that a whole rebuild on PostgreSQL sums and indexes on. */
const HELPERS = 2;
/** The suffix of a whole rebuild's new tables and indexes on PostgreSQL until they take the old ones' place. */
const REBUILT = '_rebuilt';
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
/** Memory of the rebuilt rollups' index builds on PostgreSQL (default 64MB). */
const INDEX_MEM = '256MB';
/** A merged rollup row this close to zero in every cost held only moved cost: it goes. */
const ZERO = 1e-9;

/**
 * The three rollups: their key columns, and how the other columns merge.
 * A row's labels (the provider of a dimension value, a resource's name) are
 * part of its key, not the largest of its lines': a re-attribution that
 * takes cost out of a row cannot tell which label the rest would have.
 */
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
    keys: [
      'entity_ref',
      'dimension',
      'usage_date',
      'value',
      'provider',
      'currency',
    ],
    attributes: [] as string[],
  },
  resources: {
    table: 'multicloud_cost_rollup_resources',
    keys: [
      'entity_ref',
      'usage_date',
      'resource_key',
      'resource_name',
      'provider',
      'currency',
    ],
    attributes: ['resource_ref'],
  },
};
type Rollup = keyof typeof ROLLUPS;
/** Key columns that may be null: equal when both are. */
const NULLABLE_KEYS = new Set(['resource_name']);

/**
 * The facts (all, or `where`'s) with the entity each one's key is
 * attributed to now (`entity_ref`, `via`, `tagged`) and the account as the
 * rollups have it, in the scratch table `LINES`. Not summed here: every
 * statement of the fan-out sums them per entity and its own columns anyway
 * (and at 10,000,000 facts a year a fact is a line of its own).
 */
async function createLines(
  tx: Knex.Transaction,
  where: string,
  bindings: Knex.RawBinding[],
  attribution = 'multicloud_cost_attribution',
) {
  await tx.raw(`DROP TABLE IF EXISTS ${LINES}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${LINES} AS
     SELECT at.entity_ref, at.via, at.tagged, f.usage_date, f.provider,
       ${ACCOUNT_ID} AS account_id, f.region, f.service_name, f.currency,
       f.resource_key, f.resource_name,
       f.billed_cost, f.effective_cost, f.list_cost
     FROM multicloud_cost_facts f
     JOIN ${attribution} at ON at.attribution_key = f.attribution_key
     ${where}`,
    bindings,
  );
}

/**
 * Runs `work` with PostgreSQL's sums hashed in memory: the planner, which
 * cannot tell how few groups the fan-out's millions of rows fall into,
 * otherwise sorts them (on disk); the hash tables of those sums need more
 * than the default 4MB of work memory. SQLite is left as it is.
 */
async function withHashedSums(tx: Knex.Transaction, work: () => Promise<void>) {
  if (!isPostgres(tx)) {
    await work();
    return;
  }
  await hashSums(tx);
  await work();
  await tx.raw('SET LOCAL enable_sort = on');
  await tx.raw('RESET work_mem');
}

/** Hashes the sums for the rest of the transaction (see `withHashedSums`). */
async function hashSums(tx: Knex.Transaction) {
  await tx.raw(`SET LOCAL work_mem = '${WORK_MEM}'`);
  await tx.raw('SET LOCAL enable_sort = off');
}

/**
 * How a rollup's rows are made from the lines: the columns (of the line `l`)
 * it groups by and keeps the largest value of,
 * under the rollup's column names, and whether the row names the ancestor's
 * kind and a constant dimension.
 */
type FanOutShape = {
  groups: Record<string, string>;
  maxima: Record<string, string>;
  kind?: boolean;
  dimension?: string;
  /** Leave out the organisation's rows (`*`). */
  notEverything?: boolean;
};

/** The shapes of every rollup statement of a fan-out. */
function fanOutShapes(): Array<{ rollup: Rollup; shape: FanOutShape }> {
  return [
    {
      rollup: 'daily',
      shape: {
        groups: {
          usage_date: 'l.usage_date',
          currency: 'l.currency',
          via: 'l.via',
          tagged: 'l.tagged',
        },
        maxima: {},
        kind: true,
      },
    },
    ...Object.entries(DIMENSION_COLUMNS).map(([dimension, column]) => ({
      rollup: 'dimensions' as const,
      shape: {
        groups: {
          usage_date: 'l.usage_date',
          value: `l.${column}`,
          provider: 'l.provider',
          currency: 'l.currency',
        },
        maxima: {},
        dimension,
      },
    })),
    {
      rollup: 'resources',
      shape: {
        groups: {
          usage_date: 'l.usage_date',
          resource_key: 'l.resource_key',
          resource_name: 'l.resource_name',
          provider: 'l.provider',
          currency: 'l.currency',
        },
        maxima: {
          resource_ref: `CASE WHEN l.via = 'resource' THEN l.entity_ref END`,
        },
        notEverything: true,
      },
    },
  ];
}

/**
 * Writes what the scratch table `FAN_OUT_LABELS` says of how each entity's
 * cost reaches its ancestors (the entities `entities`, an SQL list of refs,
 * else all). Entities with the same ancestors share a label, and their cost
 * is summed per label before it is fanned out to the label's ancestors
 * (`FAN_OUT_ANCESTORS`): thousands of resources in a component fan out as
 * one. An entity no other entity rolls up to (a resource) is left out of its
 * own label and written to itself on its own (`own_kind`), so that its
 * siblings can share the rest; an entity others roll up to stays in its
 * label, which makes each rollup row come from one place.
 */
async function createFanOutLabels(tx: Knex.Transaction, entities?: string) {
  await writeFanOutLabels(tx, await readFanOutLabels(tx, entities));
}

type FanOutLabels = {
  labels: Array<{ entity_ref: string; label: number; own_kind: string | null }>;
  fanOutRows: Array<{
    label: number;
    ancestor_ref: string;
    ancestor_kind: string;
  }>;
};

/** The rows of `createFanOutLabels`' tables, from the ancestors. */
async function readFanOutLabels(
  tx: Knex.Transaction,
  entities?: string,
): Promise<FanOutLabels> {
  const query = tx('multicloud_cost_ancestors').select(
    'entity_ref',
    'ancestor_ref',
    'ancestor_kind',
  );
  if (entities) {
    query.whereRaw(`entity_ref IN (${entities})`);
  }
  const ancestors = new Map<string, Array<{ ref: string; kind: string }>>();
  const inner = new Set<string>();
  for (const row of (await query) as Array<{
    entity_ref: string;
    ancestor_ref: string;
    ancestor_kind: string;
  }>) {
    const list = ancestors.get(row.entity_ref) ?? [];
    list.push({ ref: row.ancestor_ref, kind: row.ancestor_kind });
    ancestors.set(row.entity_ref, list);
    if (row.ancestor_ref !== row.entity_ref) {
      inner.add(row.ancestor_ref);
    }
  }
  const labelIds = new Map<string, number>();
  const labels: FanOutLabels['labels'] = [];
  const fanOutRows: FanOutLabels['fanOutRows'] = [];
  for (const [entityRef, list] of ancestors) {
    const own = inner.has(entityRef)
      ? undefined
      : list.find(a => a.ref === entityRef);
    const rest = list
      .filter(a => a !== own)
      .sort((a, b) => (a.ref < b.ref ? -1 : Number(a.ref > b.ref)));
    const key = JSON.stringify(rest);
    let label = labelIds.get(key);
    if (label === undefined) {
      label = labelIds.size;
      labelIds.set(key, label);
      fanOutRows.push(
        ...rest.map(a => ({
          label: label!,
          ancestor_ref: a.ref,
          ancestor_kind: a.kind,
        })),
      );
    }
    labels.push({ entity_ref: entityRef, label, own_kind: own?.kind ?? null });
  }
  return { labels, fanOutRows };
}

/** Writes the fan-out labels into the connection's scratch tables. */
async function writeFanOutLabels(
  tx: Knex.Transaction,
  { labels, fanOutRows }: FanOutLabels,
) {
  await tx.raw(`DROP TABLE IF EXISTS ${FAN_OUT_LABELS}`);
  await tx.raw(`DROP TABLE IF EXISTS ${FAN_OUT_ANCESTORS}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${FAN_OUT_LABELS} (entity_ref varchar(255)
       PRIMARY KEY, label integer NOT NULL, own_kind varchar(32))`,
  );
  await tx.raw(
    `CREATE TEMPORARY TABLE ${FAN_OUT_ANCESTORS} (label integer NOT NULL,
       ancestor_ref varchar(255) NOT NULL, ancestor_kind varchar(32) NOT NULL)`,
  );
  await insertScratch(tx, FAN_OUT_LABELS, labels);
  await insertScratch(tx, FAN_OUT_ANCESTORS, fanOutRows);
}

/** Inserts `rows` into a scratch table, and on PostgreSQL gives the planner its statistics. */
async function insertScratch(
  tx: Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
) {
  for (let start = 0; start < rows.length; start += 500) {
    await tx(table).insert(rows.slice(start, start + 500));
  }
  if (isPostgres(tx)) {
    await tx.raw(`ANALYZE ${table}`);
  }
}

async function dropFanOutLabels(tx: Knex.Transaction) {
  await tx.raw(`DROP TABLE ${FAN_OUT_LABELS}`);
  await tx.raw(`DROP TABLE ${FAN_OUT_ANCESTORS}`);
}

/**
 * Fans the lines out to every ancestor of the entity each line's key is
 * attributed to (as the attribution and the fan-out labels say now), summed
 * per rollup row, into `targets` (the rollups themselves, or a
 * re-attribution's scratch tables, which take the `sign` and `side` columns
 * too). The lines are summed per entity (`e`); an entity of its own label
 * gets those sums as they are, and the sums of each label are summed again
 * before they go to its ancestors: each rollup row is written once.
 */
async function fanOut(
  tx: Knex.Transaction,
  targets: Record<Rollup, string>,
  delta?: { sign: 1 | -1; side: 'old' | 'new' },
) {
  for (const { rollup, shape } of fanOutShapes()) {
    await fanOutRollup(tx, targets[rollup], shape, delta);
  }
}

/** One statement of `fanOut`: the rows of one rollup (one dimension) into `target`. */
async function fanOutRollup(
  tx: Knex.Transaction,
  target: string,
  shape: FanOutShape,
  delta?: { sign: 1 | -1; side: 'old' | 'new' },
) {
  const sign = delta ? `${delta.sign} * ` : '';
  const groups = Object.keys(shape.groups);
  const maxima = Object.keys(shape.maxima);
  const constant = shape.dimension === undefined ? [] : ['?'];
  const bindings = shape.dimension === undefined ? [] : [shape.dimension];
  const notEverything = (ref: string) =>
    shape.notEverything ? `WHERE ${ref} <> ?` : '';
  const columns = [
    'entity_ref',
    ...(shape.kind ? ['entity_kind'] : []),
    ...(shape.dimension === undefined ? [] : ['dimension']),
    ...groups,
    ...maxima,
    ...COSTS,
    ...(delta ? ['side'] : []),
  ];
  const side = delta ? [`'${delta.side}'`] : [];
  await tx.raw(
    `WITH e AS MATERIALIZED (
       SELECT l.entity_ref, ${[
         ...Object.entries(shape.groups).map(([a, sql]) => `${sql} AS ${a}`),
         ...Object.entries(shape.maxima).map(
           ([a, sql]) => `MAX(${sql}) AS ${a}`,
         ),
         ...COSTS.map(c => `SUM(l.${c}) AS ${c}`),
       ].join(', ')}
       FROM ${LINES} l
       GROUP BY l.entity_ref, ${Object.values(shape.groups).join(', ')}
     )
     INSERT INTO ${target} (${columns.join(', ')})
     SELECT ${[
       'lb.entity_ref',
       ...(shape.kind ? ['lb.own_kind'] : []),
       ...constant,
       ...[...groups, ...maxima].map(c => `e.${c}`),
       ...COSTS.map(c => `${sign}e.${c}`),
       ...side,
     ].join(', ')}
     FROM e JOIN ${FAN_OUT_LABELS} lb
       ON lb.entity_ref = e.entity_ref AND lb.own_kind IS NOT NULL
     ${notEverything('lb.entity_ref')}
     UNION ALL
     SELECT ${[
       'fo.ancestor_ref',
       ...(shape.kind ? ['fo.ancestor_kind'] : []),
       ...constant,
       ...groups.map(c => `x.${c}`),
       ...maxima.map(c => `MAX(x.${c})`),
       ...COSTS.map(c => `${sign}SUM(x.${c})`),
       ...side,
     ].join(', ')}
     FROM (
       SELECT lb.label, ${[
         ...groups.map(c => `e.${c}`),
         ...maxima.map(c => `MAX(e.${c}) AS ${c}`),
         ...COSTS.map(c => `SUM(e.${c}) AS ${c}`),
       ].join(', ')}
       FROM e JOIN ${FAN_OUT_LABELS} lb ON lb.entity_ref = e.entity_ref
       GROUP BY lb.label, ${groups.map(c => `e.${c}`).join(', ')}
     ) x
     JOIN ${FAN_OUT_ANCESTORS} fo ON fo.label = x.label
     ${notEverything('fo.ancestor_ref')}
     GROUP BY fo.ancestor_ref, ${[
       ...(shape.kind ? ['fo.ancestor_kind'] : []),
       ...groups.map(c => `x.${c}`),
     ].join(', ')}`,
    [
      ...bindings,
      ...(shape.notEverything ? [EVERYTHING] : []),
      ...bindings,
      ...(shape.notEverything ? [EVERYTHING] : []),
    ],
  );
}

/**
 * Rebuilds the rollups of some days (all when none are given) from the
 * facts, the attribution and the ancestors. The facts are first summed per
 * entity, day and line (a few rows per resource and day), and only those
 * sums are fanned out (`fanOut`) to the ancestors of the entity: the fan-out
 * multiplies thousands of rows a day instead of every fact.
 * The days go in chunks of about `CHUNK_FACTS` facts, whose sums fit in
 * memory where the whole would be sorted on disk. A whole rebuild on
 * PostgreSQL given the pool (`helper`) sums and indexes on `HELPERS`
 * connections at once (`replaceRollupsPostgres`); they read a copy of the
 * transaction's attribution, which they could not see, and the committed
 * facts: only for a transaction that has not changed the facts.
 */
export async function rebuildRollups(
  tx: Knex.Transaction,
  days?: { from: string; to: string },
  options: { helper?: Knex; chunkFacts?: number } = {},
) {
  const { helper, chunkFacts = CHUNK_FACTS } = options;
  const fanOutChunks = async (
    targets: Record<Rollup, string>,
    helpers?: Knex,
  ) => {
    const labels = await readFanOutLabels(tx);
    const chunks = await dayChunks(tx, chunkFacts, days);
    const fanOutChunk = async (
      db: Knex.Transaction,
      chunk: { from: string; to: string },
      attribution?: string,
    ) => {
      await createLines(
        db,
        'WHERE f.usage_date BETWEEN ? AND ?',
        [chunk.from, chunk.to],
        attribution,
      );
      await fanOut(db, targets);
      await db.raw(`DROP TABLE ${LINES}`);
    };
    if (helpers) {
      // The helpers cannot see the transaction's attribution: they get a copy.
      const attribution = await tx('multicloud_cost_attribution').select(
        'attribution_key',
        'entity_ref',
        'via',
        'tagged',
      );
      // One transaction per helper, which takes chunks until none is left.
      await onHelpers(
        helpers,
        Array.from({ length: HELPERS }, () => chunks),
        queue =>
          helpers.transaction(async db => {
            await db.raw(
              `CREATE TEMPORARY TABLE ${ATTRIBUTION_COPY} (attribution_key
                 varchar(32) PRIMARY KEY, entity_ref varchar(255) NOT NULL,
                 via varchar(16) NOT NULL, tagged boolean NOT NULL)
               ON COMMIT DROP`,
            );
            await insertScratch(db, ATTRIBUTION_COPY, attribution);
            await writeFanOutLabels(db, labels);
            await hashSums(db);
            for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
              await fanOutChunk(db, chunk, ATTRIBUTION_COPY).catch(error => {
                queue.length = 0; // the other helper stops too
                throw error;
              });
            }
          }),
      );
      return;
    }
    await writeFanOutLabels(tx, labels);
    await withHashedSums(tx, async () => {
      for (const chunk of chunks) {
        await fanOutChunk(tx, chunk);
      }
    });
    await dropFanOutLabels(tx);
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
    // (A pool too small for the helpers would wait for its own connections.)
    const helpers = helper && poolSize(helper) > HELPERS ? helper : undefined;
    await replaceRollupsPostgres(
      tx,
      targets => fanOutChunks(targets, helpers),
      helpers,
    );
  } else {
    await replaceRollupsSqlite(tx, () => fanOutChunks(rollups));
  }
}

/**
 * Runs `run` for each item of `queue`, `HELPERS` at a time. After a failure
 * no other item starts (the queue is emptied); the first failure is thrown
 * once all have stopped.
 */
async function onHelpers<T>(
  pool: Knex,
  queue: T[],
  run: (item: T) => Promise<void>,
) {
  const next = async (): Promise<void> => {
    const item = queue.shift();
    if (item === undefined) {
      return;
    }
    try {
      await run(item);
    } catch (error) {
      queue.length = 0;
      throw error;
    }
    await next();
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(HELPERS, poolSize(pool) - 1) }, next),
  );
  for (const result of results) {
    if (result.status === 'rejected') {
      throw result.reason;
    }
  }
}

/** How many connections `knex`'s pool may open. */
function poolSize(knex: Knex): number {
  return Number(knex.client.pool?.max ?? 1);
}

/**
 * Consecutive days (of `days`, else all) with facts, in chunks of at most
 * `chunkFacts` facts (a day with more is a chunk of its own).
 */
async function dayChunks(
  tx: Knex.Transaction,
  chunkFacts: number,
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
    if (last && facts + dayFacts <= chunkFacts) {
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
 *
 * With `helpers` (the pool the transaction came from), the new tables are
 * created outside the transaction, committed at once, and `HELPERS`
 * connections write the days into them and then index them side by side
 * (two cores instead of one), each committing before the swap, which the
 * transaction does. A rebuild that fails leaves them behind; the next one
 * drops them.
 */
async function replaceRollupsPostgres(
  tx: Knex.Transaction,
  write: (targets: Record<Rollup, string>) => Promise<void>,
  helpers?: Knex,
) {
  // With helpers, the new tables are created outside the transaction
  // (committed at once), for the helpers to write to and index.
  const ddl = helpers ?? tx;
  const tables = [] as Array<{
    table: string;
    schema: string;
    qualified: string;
    rebuilt: string;
    indexes: Array<{ indexname: string; indexdef: string }>;
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
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = ? AND tablename = ?`,
      [schema, table],
    );
    const qualified = `"${schema}"."${table}"`;
    const rebuilt = `"${schema}"."${table}${REBUILT}"`;
    await ddl.raw(`DROP TABLE IF EXISTS ${rebuilt}`);
    await ddl.raw(
      `CREATE TABLE ${rebuilt} (LIKE ${qualified}
         INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)`,
    );
    tables.push({ table, schema, qualified, rebuilt, indexes, comment });
  }
  const [daily, dimensions, resources] = tables.map(t => t.rebuilt);
  await write({ daily, dimensions, resources });
  if (helpers) {
    // The helpers index the new tables side by side, under names of their
    // own until the swap (the old indexes hold the real ones), the largest
    // table's first, then give the planner their statistics. Each statement
    // commits on its own: none waits for another's locks longer than that
    // statement runs.
    const sizes = new Map<string, number>();
    for (const { rebuilt } of tables) {
      const {
        rows: [{ size }],
      } = await tx.raw('SELECT pg_relation_size(?) AS size', [rebuilt]);
      sizes.set(rebuilt, Number(size));
    }
    const largestFirst = [...tables].sort(
      (a, b) => sizes.get(b.rebuilt)! - sizes.get(a.rebuilt)!,
    );
    const statements = [
      ...largestFirst.flatMap(({ rebuilt, indexes }) =>
        indexes.map(({ indexname, indexdef }) => {
          const unique = indexdef.startsWith('CREATE UNIQUE') ? 'UNIQUE ' : '';
          const using = indexdef.slice(indexdef.indexOf(' USING '));
          return `CREATE ${unique}INDEX "${indexname}${REBUILT}" ON ${rebuilt}${using}`;
        }),
      ),
      ...largestFirst.map(({ rebuilt }) => `ANALYZE ${rebuilt}`),
    ];
    await onHelpers(helpers, statements, async statement => {
      await helpers.transaction(async db => {
        await db.raw(`SET LOCAL maintenance_work_mem = '${INDEX_MEM}'`);
        await db.raw(statement);
      });
    });
  } else {
    // Each index is sorted in memory rather than in runs on disk.
    await tx.raw(`SET LOCAL maintenance_work_mem = '${INDEX_MEM}'`);
  }
  for (const {
    table,
    schema,
    qualified,
    rebuilt,
    indexes,
    comment,
  } of tables) {
    await tx.raw(`DROP TABLE ${qualified}`);
    await tx.raw(`ALTER TABLE ${rebuilt} RENAME TO "${table}"`);
    for (const { indexname, indexdef } of indexes) {
      await tx.raw(
        helpers
          ? `ALTER INDEX "${schema}"."${indexname}${REBUILT}" RENAME TO "${indexname}"`
          : indexdef,
      );
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
    if (!helpers) {
      // The planner's statistics of the new table, which has none yet.
      await tx.raw(`ANALYZE ${qualified}`);
    }
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
 * Rows left at zero go. The one column outside the key, the resource a
 * resource row is (`resource_ref`), is the new attribution's wherever the
 * moved keys still reach the row.
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
  // large estate; on SQLite a scan of the keys per rollup row). The keys are
  // kept in the index's order, so that one lookup finds the index pages the
  // one before it read.
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
     HAVING NOT (${unchanged.join(' AND ')})
     ORDER BY ${keys.join(', ')}`,
  );
  if (isPostgres(tx)) {
    await tx.raw(`ANALYZE ${touchedKeys}`);
  }
  // CROSS JOIN: SQLite loops over its left side, the keys, first.
  const sameKey = (k: string) => {
    if (!NULLABLE_KEYS.has(k)) {
      return `r.${k} = k.${k}`;
    }
    return isPostgres(tx)
      ? `r.${k} IS NOT DISTINCT FROM k.${k}`
      : `r.${k} IS k.${k}`;
  };
  const rowsOfKeys = (of: string) => `${touchedKeys} k CROSS JOIN ${of} r
     WHERE ${keys.map(sameKey).join(' AND ')}`;
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
  const targets = {
    daily: await createDeltaTable(tx, 'daily'),
    dimensions: await createDeltaTable(tx, 'dimensions'),
    resources: await createDeltaTable(tx, 'resources'),
  };
  // The keys' lines and the entities they are attributed to, before and
  // after the moves.
  const fanOutKeys = async (delta: { sign: 1 | -1; side: 'old' | 'new' }) => {
    await createLines(
      tx,
      `WHERE f.attribution_key IN (SELECT attribution_key FROM ${KEYS})`,
      [],
    );
    await createFanOutLabels(
      tx,
      `SELECT at.entity_ref FROM multicloud_cost_attribution at
       JOIN ${KEYS} k ON k.attribution_key = at.attribution_key`,
    );
    await fanOut(tx, targets, delta);
    await dropFanOutLabels(tx);
    await tx.raw(`DROP TABLE ${LINES}`);
  };
  await withHashedSums(tx, () => fanOutKeys({ sign: -1, side: 'old' }));
  await replaceMappings();
  await withHashedSums(tx, () => fanOutKeys({ sign: 1, side: 'new' }));
  await withHashedSums(tx, async () => {
    for (const rollup of Object.keys(ROLLUPS) as Rollup[]) {
      await mergeDelta(tx, rollup);
    }
  });
  await tx.raw(`DROP TABLE ${KEYS}`);
}
