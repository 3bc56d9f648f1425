import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import {
  AncestorRow,
  AttributionPair,
  CostEntityRow,
  CostFactsWriter,
  createCostFactsStore,
  PairAttribution,
} from '../../database/CostFactsStore';
import { MulticloudMetrics } from '../../lib/metrics';
import {
  AttributionTagKeys,
  COST_KINDS,
  CatalogSnapshot,
  ancestorsOf,
  attribute,
  buildCatalogSnapshot,
  carriesAttributionTag,
} from './attributionModel';
import { CostAttributionService, CostRebuildResult } from './types';

const PAGE_SIZE = 1000;

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
 * Above this share of moved pairs a refresh rebuilds every rollup from the
 * facts: moving them one by one would read most facts twice.
 */
const FULL_REBUILD_SHARE = 0.3;

/** An entity's ancestors as one comparable string. */
function ancestorSets(rows: readonly AncestorRow[]): Map<string, string> {
  const byEntity = new Map<string, string[]>();
  for (const row of rows) {
    const list = byEntity.get(row.entityRef) ?? [];
    list.push(`${row.ancestorRef} ${row.ancestorKind}`);
    byEntity.set(row.entityRef, list);
  }
  return new Map(
    [...byEntity].map(([entityRef, list]) => [
      entityRef,
      list.sort().join('\n'),
    ]),
  );
}

/**
 * The attribution keys whose cost lands elsewhere under the new attribution
 * and ancestors than under the stored ones: keys attributed to another
 * entity or by another path, keys that are new or gone, and every key of an
 * entity whose ancestors changed (it moved to another system, its owner
 * changed, its system changed domain).
 */
export function movedKeys(
  attribution: ReadonlyArray<
    Pick<PairAttribution, 'attributionKey' | 'entityRef' | 'via' | 'tagged'>
  >,
  ancestors: readonly AncestorRow[],
  storedAttribution: ReadonlyArray<
    Pick<PairAttribution, 'attributionKey' | 'entityRef' | 'via' | 'tagged'>
  >,
  storedAncestors: readonly AncestorRow[],
): string[] {
  const before = ancestorSets(storedAncestors);
  const after = ancestorSets(ancestors);
  const changedEntities = new Set(
    [...new Set([...before.keys(), ...after.keys()])].filter(
      entityRef => before.get(entityRef) !== after.get(entityRef),
    ),
  );
  const stored = new Map(storedAttribution.map(a => [a.attributionKey, a]));
  const moved = new Set<string>();
  for (const pair of attribution) {
    const old = stored.get(pair.attributionKey);
    if (
      !old ||
      old.entityRef !== pair.entityRef ||
      old.via !== pair.via ||
      old.tagged !== pair.tagged ||
      changedEntities.has(pair.entityRef) ||
      changedEntities.has(old.entityRef)
    ) {
      moved.add(pair.attributionKey);
    }
    stored.delete(pair.attributionKey);
  }
  for (const gone of stored.keys()) {
    moved.add(gone);
  }
  return [...moved];
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
  /** Share of moved pairs above which a refresh rebuilds every rollup. Defaults to 0.3. */
  fullRebuildShare?: number;
  metrics?: Pick<MulticloudMetrics, 'timeRebuild'>;
}): CostAttributionService {
  const { catalog, auth, logger, tagKeys } = options;
  const timeRebuild: MulticloudMetrics['timeRebuild'] = (scope, work) =>
    options.metrics ? options.metrics.timeRebuild(scope, work) : work();
  const fullRebuildShare = options.fullRebuildShare ?? FULL_REBUILD_SHARE;
  const store = createCostFactsStore(options.knex);

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

  /** Ancestor rows for every entity the attribution rows name. */
  function ancestorRows(
    entityRefs: Iterable<string>,
    snapshot: CatalogSnapshot,
  ): AncestorRow[] {
    const rows: AncestorRow[] = [];
    for (const ref of new Set(entityRefs)) {
      for (const ancestor of ancestorsOf(ref, snapshot)) {
        rows.push({
          entityRef: ref,
          ancestorRef: ancestor.ref,
          ancestorKind: ancestor.kind,
        });
      }
    }
    return rows;
  }

  function entityRows(snapshot: CatalogSnapshot): CostEntityRow[] {
    return [...snapshot.entities.values()]
      .filter(e => e.kind !== 'resource' || e.budget)
      .map(e => ({
        entityRef: e.ref,
        kind: e.kind,
        title: e.title,
        annotationBudget: e.budget?.amount ?? null,
        annotationBudgetCurrency: e.budget?.currency ?? null,
      }));
  }

  /** (resource, tags) pairs, each attributed against the snapshot. */
  function attributeAll(
    pairs: AttributionPair[],
    snapshot: CatalogSnapshot,
  ): PairAttribution[] {
    return pairs.map(p => {
      const { entityRef, via } = attribute(
        p.resourceKey,
        p.tags,
        snapshot,
        tagKeys,
      );
      return {
        ...p,
        entityRef,
        via,
        tagged: carriesAttributionTag(p.tags, tagKeys),
      };
    });
  }

  async function applyImport(
    writer: CostFactsWriter,
    days: { from: string; to: string },
    snapshot: CatalogSnapshot,
  ) {
    const rows = attributeAll(await writer.unattributedPairs(days), snapshot);
    await writer.addAttribution(rows);
    const known = await writer.entitiesWithAncestors();
    await writer.addAncestors(
      ancestorRows(
        rows.map(r => r.entityRef).filter(ref => !known.has(ref)),
        snapshot,
      ),
    );
    await writer.replaceEntities(entityRows(snapshot));
    await timeRebuild('days', () => writer.rebuildRollups(days));
  }

  const onWait = (what: string) => () =>
    logger.info(
      `Cost ${what}: waiting for an import or attribution refresh to finish writing the cost store`,
    );

  async function replaceAttribution(
    writer: CostFactsWriter,
    attribution: PairAttribution[],
    snapshot: CatalogSnapshot,
  ) {
    await writer.replaceAttribution(attribution);
    await writer.replaceAncestors(
      ancestorRows(
        attribution.map(a => a.entityRef),
        snapshot,
      ),
    );
    await writer.replaceEntities(entityRows(snapshot));
    await timeRebuild('full', () => writer.rebuildRollups());
  }

  function logRebuilt(
    started: number,
    attribution: PairAttribution[],
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
    return store.write(
      async writer => {
        const attribution = attributeAll(
          await writer.attributedPairs(),
          snapshot,
        );
        const ancestors = ancestorRows(
          attribution.map(a => a.entityRef),
          snapshot,
        );
        const entities = entityRows(snapshot);
        const storedAncestors = await writer.ancestors();
        const storedEntities = await writer.entities();
        const storedAttribution = await writer.attribution();
        const attributionUnchanged =
          fingerprint([
            attribution.map(a => [
              a.attributionKey,
              a.entityRef,
              a.via,
              a.tagged,
            ]),
            ancestors.map(a => [a.entityRef, a.ancestorRef, a.ancestorKind]),
          ]) ===
          fingerprint([
            storedAttribution.map(a => [
              a.attributionKey,
              a.entityRef,
              a.via,
              a.tagged,
            ]),
            storedAncestors.map(a => [
              a.entityRef,
              a.ancestorRef,
              a.ancestorKind,
            ]),
          ]);
        const entityCells = (e: CostEntityRow) => [
          e.entityRef,
          e.kind,
          e.title,
          e.annotationBudget,
          e.annotationBudgetCurrency,
        ];
        const entitiesUnchanged =
          fingerprint([entities.map(entityCells)]) ===
          fingerprint([storedEntities.map(entityCells)]);
        if (attributionUnchanged && entitiesUnchanged) {
          return { changed: false };
        }
        if (attributionUnchanged) {
          // Titles or budget annotations only: the rollups stay as they are.
          await writer.replaceEntities(entities);
          return { changed: true };
        }
        const moved = movedKeys(
          attribution,
          ancestors,
          storedAttribution,
          storedAncestors,
        );
        if (moved.length > attribution.length * fullRebuildShare) {
          await replaceAttribution(writer, attribution, snapshot);
          logRebuilt(started, attribution, snapshot);
          return { changed: true };
        }
        await timeRebuild('reattribution', () =>
          writer.reattributeRollups(moved, async () => {
            await writer.replaceAttribution(attribution);
            await writer.replaceAncestors(ancestors);
          }),
        );
        await writer.replaceEntities(entities);
        logger.info(
          `Cost attribution updated in ${Date.now() - started} ms: ${
            moved.length
          } of ${attribution.length} resource/tag pairs moved`,
        );
        return { changed: true };
      },
      { onWait: onWait('attribution refresh') },
    );
  }

  async function rebuild(): Promise<CostRebuildResult> {
    const snapshot = await loadSnapshot();
    const started = Date.now();
    return store.write(
      async writer => {
        const before = await writer.effectiveCostByCurrency('organisation');
        const pairs = await writer.factPairs();
        const known = await writer.attributionKeys();
        const attribution = attributeAll(pairs, snapshot);
        await replaceAttribution(writer, attribution, snapshot);
        const facts = await writer.effectiveCostByCurrency('facts');
        const after = await writer.effectiveCostByCurrency('organisation');
        const factCount = await writer.countFacts();
        logRebuilt(started, attribution, snapshot);
        return {
          facts: factCount,
          pairs: attribution.length,
          unattributedPairs: pairs.filter(p => !known.has(p.attributionKey))
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
