import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import {
  AttributionTagKeys,
  COST_KINDS,
  CatalogSnapshot,
  EVERYTHING,
  ancestorsOf,
  attribute,
  buildCatalogSnapshot,
} from './attributionModel';
import { CostAttributionService, CostRebuildResult } from './types';
import { writeCostStore } from './writeCostStore';

const PAGE_SIZE = 1000;
/** The account a cost belongs to: the sub account (AWS member account, Azure subscription, GCP project), else the billing account. */
const ACCOUNT_ID = `CASE WHEN f.sub_account_id <> '' THEN f.sub_account_id ELSE f.billing_account_id END`;
const INSERT_BATCH = 500;
/** Scratch table of a rollup rebuild, private to its connection. */
const LINES = 'multicloud_cost_rebuild_lines';
/** Breakdown dimensions and their column in the rebuild's lines. */
const DIMENSION_COLUMNS = {
  service: 'service_name',
  provider: 'provider',
  account: 'account_id',
  region: 'region',
} as const;

type AttributionRow = {
  attribution_key: string;
  resource_key: string;
  tags: string;
  entity_ref: string;
  via: string;
};

/** Order-independent digest of table contents (rows as arrays of cells). */
function fingerprint(tables: unknown[][][]): string {
  const hash = createHash('sha256');
  for (const rows of tables) {
    const lines = rows.map(row => JSON.stringify(row)).sort();
    hash.update(`${lines.length}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

/**
 * Creates the {@link CostAttributionService}: attribution rows are kept per
 * distinct (resource, tags) pair, so re-attributing never scans the facts;
 * rollups are rebuilt in SQL inside the database.
 */
export function createCostAttributionService(options: {
  knex: Knex;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  tagKeys: AttributionTagKeys;
}): CostAttributionService {
  const { knex, catalog, auth, logger, tagKeys } = options;

  async function loadSnapshot(): Promise<CatalogSnapshot> {
    const credentials = await auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE }
          : {
              filter: { kind: COST_KINDS },
              fields: [
                'kind',
                'metadata.name',
                'metadata.namespace',
                'metadata.title',
                'metadata.annotations',
                'relations',
              ],
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      entities.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return buildCatalogSnapshot(entities);
  }

  async function insertBatches(
    tx: Knex.Transaction,
    table: string,
    rows: object[],
  ) {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await tx(table).insert(rows.slice(i, i + INSERT_BATCH));
    }
  }

  /** Ancestor rows for every entity the attribution rows name. */
  function ancestorRows(
    entityRefs: Iterable<string>,
    snapshot: CatalogSnapshot,
  ) {
    const rows: Array<{
      entity_ref: string;
      ancestor_ref: string;
      ancestor_kind: string;
    }> = [];
    for (const ref of new Set(entityRefs)) {
      for (const ancestor of ancestorsOf(ref, snapshot)) {
        rows.push({
          entity_ref: ref,
          ancestor_ref: ancestor.ref,
          ancestor_kind: ancestor.kind,
        });
      }
    }
    return rows;
  }

  function entityRows(snapshot: CatalogSnapshot) {
    return [...snapshot.entities.values()]
      .filter(e => e.kind !== 'resource' || e.budget)
      .map(e => ({
        entity_ref: e.ref,
        kind: e.kind,
        title: e.title,
        annotation_budget: e.budget?.amount ?? null,
        annotation_budget_currency: e.budget?.currency ?? null,
      }));
  }

  /**
   * Rebuilds the rollups of some days (all when none are given) from the
   * facts. The facts are first summed per attribution key, day and line
   * (a few rows per resource and day), and only those sums are fanned out to
   * every ancestor of the entity each key belongs to: the fan-out multiplies
   * thousands of rows a day instead of every fact.
   */
  async function rebuildRollups(
    tx: Knex.Transaction,
    days?: { from: string; to: string },
  ) {
    const inDays = (q: Knex.QueryBuilder, column: string) =>
      days ? q.whereBetween(column, [days.from, days.to]) : q;
    for (const table of [
      'multicloud_cost_rollup_daily',
      'multicloud_cost_rollup_dimensions',
      'multicloud_cost_rollup_resources',
    ]) {
      await inDays(tx(table), 'usage_date').delete();
    }
    const range = days ? 'WHERE f.usage_date BETWEEN ? AND ?' : '';
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
       ${range}
       GROUP BY f.attribution_key, f.usage_date, f.provider, ${ACCOUNT_ID},
         f.region, f.service_name, f.currency, f.resource_key`,
      days ? [days.from, days.to] : [],
    );
    const fannedOut = `FROM ${LINES} l
       JOIN multicloud_cost_attribution at ON at.attribution_key = l.attribution_key
       JOIN multicloud_cost_ancestors an ON an.entity_ref = at.entity_ref`;
    const costs = `SUM(l.billed_cost), SUM(l.effective_cost), SUM(l.list_cost)`;
    await tx.raw(
      `INSERT INTO multicloud_cost_rollup_daily (entity_ref, entity_kind,
         usage_date, currency, via, billed_cost, effective_cost, list_cost)
       SELECT an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency,
         at.via, ${costs}
       ${fannedOut}
       GROUP BY an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency, at.via`,
    );
    for (const [dimension, column] of Object.entries(DIMENSION_COLUMNS)) {
      await tx.raw(
        `INSERT INTO multicloud_cost_rollup_dimensions (entity_ref, dimension,
           usage_date, value, provider, currency, billed_cost, effective_cost,
           list_cost)
         SELECT an.ancestor_ref, ?, l.usage_date, l.${column},
           MAX(l.provider), l.currency, ${costs}
         ${fannedOut}
         GROUP BY an.ancestor_ref, l.usage_date, l.${column}, l.currency`,
        [dimension],
      );
    }
    await tx.raw(
      `INSERT INTO multicloud_cost_rollup_resources (entity_ref, usage_date,
         resource_key, resource_name, resource_ref, provider, currency,
         billed_cost, effective_cost, list_cost)
       SELECT an.ancestor_ref, l.usage_date, l.resource_key,
         MAX(l.resource_name),
         MAX(CASE WHEN at.via = 'resource' THEN at.entity_ref END), l.provider,
         l.currency, ${costs}
       ${fannedOut}
       WHERE an.ancestor_ref <> ?
       GROUP BY an.ancestor_ref, l.usage_date, l.resource_key, l.provider, l.currency`,
      [EVERYTHING],
    );
    await tx.raw(`DROP TABLE ${LINES}`);
  }

  async function applyImport(
    tx: Knex.Transaction,
    days: { from: string; to: string },
    snapshot: CatalogSnapshot,
  ) {
    const unseen: Array<{
      attribution_key: string;
      resource_key: string;
      tags: string;
    }> = await tx('multicloud_cost_facts as f')
      .leftJoin(
        'multicloud_cost_attribution as at',
        'at.attribution_key',
        'f.attribution_key',
      )
      .whereNull('at.attribution_key')
      .whereBetween('f.usage_date', [days.from, days.to])
      .distinct('f.attribution_key', 'f.resource_key', 'f.tags');
    const rows: AttributionRow[] = unseen.map(u => {
      const { entityRef, via } = attribute(
        u.resource_key,
        u.tags,
        snapshot,
        tagKeys,
      );
      return { ...u, entity_ref: entityRef, via };
    });
    await insertBatches(tx, 'multicloud_cost_attribution', rows);
    const known = new Set(
      (await tx('multicloud_cost_ancestors').distinct('entity_ref')).map(
        (r: { entity_ref: string }) => r.entity_ref,
      ),
    );
    await insertBatches(
      tx,
      'multicloud_cost_ancestors',
      ancestorRows(
        rows.map(r => r.entity_ref).filter(ref => !known.has(ref)),
        snapshot,
      ),
    );
    await tx('multicloud_cost_entities').delete();
    await insertBatches(tx, 'multicloud_cost_entities', entityRows(snapshot));
    await rebuildRollups(tx, days);
  }

  const onWait = (what: string) => () =>
    logger.info(
      `Cost ${what}: waiting for an import or attribution refresh to finish writing the cost store`,
    );

  /** Every (resource, tags) pair the attribution holds, attributed anew. */
  function attributeAll(
    pairs: Array<{
      attribution_key: string;
      resource_key: string;
      tags: string;
    }>,
    snapshot: CatalogSnapshot,
  ): AttributionRow[] {
    return pairs.map(p => {
      const { entityRef, via } = attribute(
        p.resource_key,
        p.tags,
        snapshot,
        tagKeys,
      );
      return { ...p, entity_ref: entityRef, via };
    });
  }

  async function replaceAttribution(
    tx: Knex.Transaction,
    attribution: AttributionRow[],
    snapshot: CatalogSnapshot,
  ) {
    await tx('multicloud_cost_attribution').delete();
    await insertBatches(tx, 'multicloud_cost_attribution', attribution);
    await tx('multicloud_cost_ancestors').delete();
    await insertBatches(
      tx,
      'multicloud_cost_ancestors',
      ancestorRows(
        attribution.map(a => a.entity_ref),
        snapshot,
      ),
    );
    await tx('multicloud_cost_entities').delete();
    await insertBatches(tx, 'multicloud_cost_entities', entityRows(snapshot));
    await rebuildRollups(tx);
  }

  function logRebuilt(
    started: number,
    attribution: AttributionRow[],
    snapshot: CatalogSnapshot,
  ) {
    const byVia = new Map<string, number>();
    for (const a of attribution) {
      byVia.set(a.via, (byVia.get(a.via) ?? 0) + 1);
    }
    logger.info(
      `Cost attribution rebuilt in ${Date.now() - started} ms: ${
        attribution.length
      } resource/tag pairs (${byVia.get('resource') ?? 0} by resource id, ${
        byVia.get('tag') ?? 0
      } by tag, ${byVia.get('none') ?? 0} unallocated) over ${
        snapshot.entities.size
      } catalog entities`,
    );
  }

  async function refresh(): Promise<{ changed: boolean }> {
    const snapshot = await loadSnapshot();
    const started = Date.now();
    // The pairs and the stored state are read under the lock: an import
    // that commits between reading them and writing would otherwise lose its
    // new pairs, and its cost with them, to this rewrite.
    return writeCostStore(
      knex,
      async tx => {
        const pairs = await tx('multicloud_cost_attribution').select(
          'attribution_key',
          'resource_key',
          'tags',
        );
        const attribution = attributeAll(pairs, snapshot);
        const ancestors = ancestorRows(
          attribution.map(a => a.entity_ref),
          snapshot,
        );
        const entities = entityRows(snapshot);
        const storedAncestors = await tx('multicloud_cost_ancestors').select(
          'entity_ref',
          'ancestor_ref',
          'ancestor_kind',
        );
        const storedEntities = await tx('multicloud_cost_entities').select(
          'entity_ref',
          'kind',
          'title',
          'annotation_budget',
          'annotation_budget_currency',
        );
        const storedAttribution = await tx(
          'multicloud_cost_attribution',
        ).select('attribution_key', 'entity_ref', 'via');
        const attributionUnchanged =
          fingerprint([
            attribution.map(a => [a.attribution_key, a.entity_ref, a.via]),
            ancestors.map(a => [a.entity_ref, a.ancestor_ref, a.ancestor_kind]),
          ]) ===
          fingerprint([
            storedAttribution.map(a => [
              a.attribution_key,
              a.entity_ref,
              a.via,
            ]),
            storedAncestors.map(a => [
              a.entity_ref,
              a.ancestor_ref,
              a.ancestor_kind,
            ]),
          ]);
        const entitiesUnchanged =
          fingerprint([entities.map(e => Object.values(e))]) ===
          fingerprint([storedEntities.map(e => Object.values(e))]);
        if (attributionUnchanged && entitiesUnchanged) {
          return { changed: false };
        }
        if (attributionUnchanged) {
          // Titles or budget annotations only: the rollups stay as they are.
          await tx('multicloud_cost_entities').delete();
          await insertBatches(tx, 'multicloud_cost_entities', entities);
          return { changed: true };
        }
        await replaceAttribution(tx, attribution, snapshot);
        logRebuilt(started, attribution, snapshot);
        return { changed: true };
      },
      { onWait: onWait('attribution refresh') },
    );
  }

  /** EffectiveCost per currency of the facts, or of the organisation rollup. */
  async function totalsByCurrency(
    tx: Knex.Transaction,
    table: 'multicloud_cost_facts' | 'multicloud_cost_rollup_daily',
  ): Promise<Map<string, number>> {
    const query = tx(table)
      .groupBy('currency')
      .select('currency')
      .sum({ cost: 'effective_cost' });
    if (table === 'multicloud_cost_rollup_daily') {
      query.where({ entity_ref: EVERYTHING });
    }
    const rows = (await query) as Array<{
      currency: string;
      cost: number | string;
    }>;
    return new Map(rows.map(r => [r.currency, Number(r.cost)]));
  }

  async function rebuild(): Promise<CostRebuildResult> {
    const snapshot = await loadSnapshot();
    const started = Date.now();
    return writeCostStore(
      knex,
      async tx => {
        const before = await totalsByCurrency(
          tx,
          'multicloud_cost_rollup_daily',
        );
        const pairs: Array<{
          attribution_key: string;
          resource_key: string;
          tags: string;
        }> = await tx('multicloud_cost_facts').distinct(
          'attribution_key',
          'resource_key',
          'tags',
        );
        const known = new Set(
          (
            await tx('multicloud_cost_attribution').select('attribution_key')
          ).map((r: { attribution_key: string }) => r.attribution_key),
        );
        const attribution = attributeAll(pairs, snapshot);
        await replaceAttribution(tx, attribution, snapshot);
        const facts = await totalsByCurrency(tx, 'multicloud_cost_facts');
        const after = await totalsByCurrency(
          tx,
          'multicloud_cost_rollup_daily',
        );
        const [{ n }] = await tx('multicloud_cost_facts').count({ n: '*' });
        logRebuilt(started, attribution, snapshot);
        return {
          facts: Number(n),
          pairs: attribution.length,
          unattributedPairs: pairs.filter(p => !known.has(p.attribution_key))
            .length,
          totals: [...new Set([...facts.keys(), ...before.keys()])]
            .sort()
            .map(currency => ({
              currency,
              facts: facts.get(currency) ?? 0,
              rollupBefore: before.get(currency) ?? 0,
              rollupAfter: after.get(currency) ?? 0,
            })),
          durationMs: Date.now() - started,
        };
      },
      { onWait: onWait('rollup rebuild') },
    );
  }

  return { loadSnapshot, applyImport, refresh, rebuild };
}
