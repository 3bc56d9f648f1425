import {
  CostFilters,
  CostImportResult,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';
import { DailyCostRow, insertFacts } from './insertFacts';
import { ExchangeRates } from '../services/CostQuery/exchangeRates';
import {
  CostLines,
  costInCurrency,
  filteredFacts,
  lineSource,
  METRIC_COLUMNS,
} from './lineSource';
import { reattributeRollups, rebuildRollups } from './rebuildRollups';
import { writeCostStore } from './writeCostStore';

export type { CostLines } from './lineSource';
export type { DailyCostRow } from './insertFacts';

/** Whole UTC days, `YYYY-MM-DD`, both ends included. */
export type DayRange = { from: string; to: string };

/** A (provider, billing account, billing period) a file holds. */
export type BillingPartition = {
  provider: string;
  billingAccountId: string;
  billingPeriodStart: string;
};

/**
 * One entity's cost of one day in one currency. Named as the rollup's
 * columns, which the response shaping and the alert rules read alike.
 */
export type DailyCost = { usage_date: string; currency: string; cost: number };

/** A breakdown line's sums over a period and over the period before. */
export type CostLineTotal = {
  key: string;
  currency: string;
  cost: number;
  previousCost: number;
  /** The title or resource name, where the line has one. */
  label: string | null;
  /** The catalog entity the line is, where it is one. */
  entityRef: string | null;
  provider: string | null;
  /** Of `cost`, the tagged part, where the source tells (entity lines). */
  taggedCost?: number;
};

/** A distinct (resource, tags) pair of the facts. */
export type AttributionPair = {
  attributionKey: string;
  resourceKey: string;
  tags: string;
};

/** Which entity a pair's cost belongs to, and how it was found. */
export type PairAttribution = AttributionPair & {
  entityRef: string;
  via: string;
  /** Whether the pair carries a tag cost is attributed by (component, system or owner). */
  tagged: boolean;
};

/** An entity an attributed entity rolls up to (itself and `*` included). */
export type AncestorRow = {
  entityRef: string;
  ancestorRef: string;
  ancestorKind: string;
};

/** A catalog entity that carries cost: its title and annotation budget. */
export type CostEntityRow = {
  entityRef: string;
  kind: string;
  title: string;
  annotationBudget: number | null;
  annotationBudgetCurrency: string | null;
};

/**
 * The cost store inside a transaction that holds its write lock: what an
 * import, an attribution refresh or a rebuild reads cannot change before it
 * writes.
 */
export interface CostFactsWriter {
  /** Deletes the facts of the billing periods; the days they covered, if any. */
  replacePartitions(partitions: BillingPartition[]): Promise<DayRange | null>;
  insertFacts(rows: DailyCostRow[], importId: string): Promise<void>;
  /** Pairs of the facts of these days that have no attribution yet. */
  unattributedPairs(days: DayRange): Promise<AttributionPair[]>;
  /** Every distinct pair the facts hold. */
  factPairs(): Promise<AttributionPair[]>;
  /** Every pair the attribution holds. */
  attributedPairs(): Promise<AttributionPair[]>;
  attributionKeys(): Promise<Set<string>>;
  attribution(): Promise<
    Array<
      Pick<PairAttribution, 'attributionKey' | 'entityRef' | 'via' | 'tagged'>
    >
  >;
  ancestors(): Promise<AncestorRow[]>;
  /** Entities the ancestors table holds the ancestors of. */
  entitiesWithAncestors(): Promise<Set<string>>;
  entities(): Promise<CostEntityRow[]>;
  addAttribution(rows: PairAttribution[]): Promise<void>;
  addAncestors(rows: AncestorRow[]): Promise<void>;
  replaceAttribution(rows: PairAttribution[]): Promise<void>;
  replaceAncestors(rows: AncestorRow[]): Promise<void>;
  replaceEntities(rows: CostEntityRow[]): Promise<void>;
  /** Re-derives the rollups of these days (all when none are given). */
  rebuildRollups(days?: DayRange): Promise<void>;
  /**
   * Moves the cost of these attribution keys in the rollups from the
   * stored attribution and ancestors to the ones `replaceMappings` writes,
   * reading only these keys' facts.
   */
  reattributeRollups(
    keys: readonly string[],
    replaceMappings: () => Promise<void>,
  ): Promise<void>;
  /** EffectiveCost per currency of the facts, or of the organisation rollup. */
  effectiveCostByCurrency(
    of: 'facts' | 'organisation',
  ): Promise<Map<string, number>>;
  countFacts(): Promise<number>;
}

/**
 * The cost store: import records, daily facts with their attribution to
 * catalog entities, and the rollups cost queries read.
 */
export interface CostFactsStore {
  /**
   * Runs `work` in a transaction holding the cost store's write lock, so
   * imports, attribution refreshes and rebuilds never interleave, across
   * backend replicas too. `onWait` is called before waiting for the lock.
   */
  write<T>(
    work: (writer: CostFactsWriter) => Promise<T>,
    options?: { onWait?: () => void },
  ): Promise<T>;

  /** Records an import as running. */
  importStarted(record: {
    id: string;
    source: string;
    fileName: string;
    fileSha256: string;
    createdBy?: string;
  }): Promise<void>;
  importCompleted(
    id: string,
    result: Pick<
      CostImportResult,
      | 'format'
      | 'focusVersion'
      | 'rows'
      | 'dailyRows'
      | 'billingPeriods'
      | 'totals'
    >,
  ): Promise<void>;
  importFailed(
    id: string,
    failure: {
      /** `rejected` when the file is at fault, `failed` when the server is. */
      status: 'rejected' | 'failed';
      format: string | null;
      error: string;
    },
  ): Promise<void>;
  /** Whether a file with this content was imported, or rejected for its content. */
  wasFileImportedOrRejected(sha256: string): Promise<boolean>;
  /** When the last successful import finished, ISO timestamp. */
  lastImportAt(): Promise<string | null>;

  /** The last day the facts hold. */
  lastUsageDate(): Promise<string | null>;
  /**
   * A number that changes whenever what the cost API answers may have:
   * imports, attribution changes, rebuilds, budgets.
   */
  dataVersion(): Promise<string>;
  /** An entity's cost per day and currency. */
  dailyCosts(query: {
    entityRef: string;
    days: DayRange;
    metric: CostLines['metric'];
    filters?: CostFilters;
  }): Promise<DailyCost[]>;
  /**
   * Each line's sum over `period` and over `previous`, per currency; with
   * `lines.exchangeRates`, in the display currency only (converted).
   */
  lineTotals(
    lines: CostLines,
    period: DayRange,
    previous: DayRange,
  ): Promise<CostLineTotal[]>;
  /**
   * Some lines' cost per day in one currency (with `lines.exchangeRates`
   * into it, the cost they convert included, converted).
   */
  lineDailyCosts(
    lines: CostLines,
    keys: string[],
    period: DayRange,
    currency: string,
  ): Promise<Array<{ date: string; key: string; cost: number }>>;
  /** The daily sum of all lines: what they cover of each day, per day (as {@link CostFactsStore.lineDailyCosts}). */
  coveredDailyCosts(
    lines: CostLines,
    period: DayRange,
    currency: string,
  ): Promise<Map<string, number>>;
  /**
   * The sum over the period of each of some entities, in one currency (with
   * `exchangeRates` into it, the cost they convert included, converted).
   */
  entityTotals(query: {
    entityRefs: string[];
    period: DayRange;
    currency: string;
    metric: CostLines['metric'];
    filters?: CostFilters;
    exchangeRates?: ExchangeRates;
  }): Promise<Map<string, number>>;
  /** An entity's sum over the period in one currency, per attribution path (as {@link CostFactsStore.entityTotals}). */
  costByPath(query: {
    entityRef: string;
    period: DayRange;
    currency: string;
    metric: CostLines['metric'];
    filters?: CostFilters;
    exchangeRates?: ExchangeRates;
  }): Promise<Map<string, number>>;
}

/** Rows per INSERT of attribution, ancestors and entities. */
const INSERT_BATCH = 500;

async function insertBatches(
  tx: Knex.Transaction,
  table: string,
  rows: object[],
) {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await tx(table).insert(rows.slice(i, i + INSERT_BATCH));
  }
}

type PairRow = { attribution_key: string; resource_key: string; tags: string };

const toPair = (row: PairRow): AttributionPair => ({
  attributionKey: row.attribution_key,
  resourceKey: row.resource_key,
  tags: row.tags,
});

const attributionRow = (a: PairAttribution) => ({
  attribution_key: a.attributionKey,
  resource_key: a.resourceKey,
  tags: a.tags,
  entity_ref: a.entityRef,
  via: a.via,
  tagged: a.tagged,
});

const ancestorRow = (a: AncestorRow) => ({
  entity_ref: a.entityRef,
  ancestor_ref: a.ancestorRef,
  ancestor_kind: a.ancestorKind,
});

const entityRow = (e: CostEntityRow) => ({
  entity_ref: e.entityRef,
  kind: e.kind,
  title: e.title,
  annotation_budget: e.annotationBudget,
  annotation_budget_currency: e.annotationBudgetCurrency,
});

function createWriter(tx: Knex.Transaction, knex: Knex): CostFactsWriter {
  // What the cost API answers changes with the rollups and the entities:
  // the transaction counts one change, whatever it rewrites.
  let counted = false;
  const changed = async () => {
    if (!counted) {
      counted = true;
      await countChange(tx);
    }
  };
  // A whole rebuild sums on helper connections, which see only committed
  // facts: not when this transaction has changed them.
  let factsChanged = false;
  return {
    async replacePartitions(partitions) {
      factsChanged = true;
      const inPartitions = (q: Knex.QueryBuilder) =>
        q.where(outer => {
          for (const p of partitions) {
            outer.orWhere({
              provider: p.provider,
              billing_account_id: p.billingAccountId,
              billing_period_start: p.billingPeriodStart,
            });
          }
        });
      const [old] = (await inPartitions(tx('multicloud_cost_facts'))
        .min({ from: 'usage_date' })
        .max({ to: 'usage_date' })) as Array<{
        from: string | null;
        to: string;
      }>;
      await inPartitions(tx('multicloud_cost_facts')).delete();
      return old?.from ? { from: old.from, to: old.to } : null;
    },

    insertFacts: (rows, importId) => {
      factsChanged = true;
      return insertFacts(tx, rows, importId);
    },

    async unattributedPairs(days) {
      const rows: PairRow[] = await tx('multicloud_cost_facts as f')
        .leftJoin(
          'multicloud_cost_attribution as at',
          'at.attribution_key',
          'f.attribution_key',
        )
        .whereNull('at.attribution_key')
        .whereBetween('f.usage_date', [days.from, days.to])
        .distinct('f.attribution_key', 'f.resource_key', 'f.tags');
      return rows.map(toPair);
    },

    async factPairs() {
      const rows: PairRow[] = await tx('multicloud_cost_facts').distinct(
        'attribution_key',
        'resource_key',
        'tags',
      );
      return rows.map(toPair);
    },

    async attributedPairs() {
      const rows: PairRow[] = await tx('multicloud_cost_attribution').select(
        'attribution_key',
        'resource_key',
        'tags',
      );
      return rows.map(toPair);
    },

    async attributionKeys() {
      const rows: Array<{ attribution_key: string }> = await tx(
        'multicloud_cost_attribution',
      ).select('attribution_key');
      return new Set(rows.map(r => r.attribution_key));
    },

    async attribution() {
      const rows: Array<{
        attribution_key: string;
        entity_ref: string;
        via: string;
        tagged: boolean | number;
      }> = await tx('multicloud_cost_attribution').select(
        'attribution_key',
        'entity_ref',
        'via',
        'tagged',
      );
      return rows.map(r => ({
        attributionKey: r.attribution_key,
        entityRef: r.entity_ref,
        via: r.via,
        tagged: Boolean(r.tagged),
      }));
    },

    async ancestors() {
      const rows: Array<{
        entity_ref: string;
        ancestor_ref: string;
        ancestor_kind: string;
      }> = await tx('multicloud_cost_ancestors').select(
        'entity_ref',
        'ancestor_ref',
        'ancestor_kind',
      );
      return rows.map(r => ({
        entityRef: r.entity_ref,
        ancestorRef: r.ancestor_ref,
        ancestorKind: r.ancestor_kind,
      }));
    },

    async entitiesWithAncestors() {
      const rows: Array<{ entity_ref: string }> = await tx(
        'multicloud_cost_ancestors',
      ).distinct('entity_ref');
      return new Set(rows.map(r => r.entity_ref));
    },

    async entities() {
      const rows: Array<{
        entity_ref: string;
        kind: string;
        title: string;
        annotation_budget: number | null;
        annotation_budget_currency: string | null;
      }> = await tx('multicloud_cost_entities').select(
        'entity_ref',
        'kind',
        'title',
        'annotation_budget',
        'annotation_budget_currency',
      );
      return rows.map(r => ({
        entityRef: r.entity_ref,
        kind: r.kind,
        title: r.title,
        annotationBudget: r.annotation_budget,
        annotationBudgetCurrency: r.annotation_budget_currency,
      }));
    },

    addAttribution: rows =>
      insertBatches(
        tx,
        'multicloud_cost_attribution',
        rows.map(attributionRow),
      ),

    addAncestors: rows =>
      insertBatches(tx, 'multicloud_cost_ancestors', rows.map(ancestorRow)),

    async replaceAttribution(rows) {
      await tx('multicloud_cost_attribution').delete();
      await insertBatches(
        tx,
        'multicloud_cost_attribution',
        rows.map(attributionRow),
      );
    },

    async replaceAncestors(rows) {
      await tx('multicloud_cost_ancestors').delete();
      await insertBatches(
        tx,
        'multicloud_cost_ancestors',
        rows.map(ancestorRow),
      );
    },

    async replaceEntities(rows) {
      await changed();
      await tx('multicloud_cost_entities').delete();
      await insertBatches(tx, 'multicloud_cost_entities', rows.map(entityRow));
    },

    async rebuildRollups(days) {
      await changed();
      await rebuildRollups(tx, days, factsChanged ? {} : { helper: knex });
    },

    async reattributeRollups(keys, replaceMappings) {
      await changed();
      await reattributeRollups(tx, keys, replaceMappings);
    },

    async effectiveCostByCurrency(of) {
      const query = tx(
        of === 'facts'
          ? 'multicloud_cost_facts'
          : 'multicloud_cost_rollup_daily',
      )
        .groupBy('currency')
        .select('currency')
        .sum({ cost: 'effective_cost' });
      if (of === 'organisation') {
        query.where({ entity_ref: EVERYTHING });
      }
      const rows = (await query) as Array<{
        currency: string;
        cost: number | string;
      }>;
      return new Map(rows.map(r => [r.currency, Number(r.cost)]));
    },

    async countFacts() {
      const [{ n }] = await tx('multicloud_cost_facts').count({ n: '*' });
      return Number(n);
    },
  };
}

/** Counts one change of what the cost API answers (see {@link CostFactsStore.dataVersion}). */
export async function countChange(knex: Knex) {
  await knex('multicloud_cost_state').where({ id: 1 }).increment('version', 1);
}

/**
 * An entity's cost by day, currency and path: its daily rollup, or with
 * filters, the facts that match them.
 */
function dailyCostSource(
  knex: Knex,
  entityRef: string,
  filters: CostFilters | undefined,
): Knex.QueryBuilder {
  return filters
    ? knex.from(filteredFacts(knex, { entityRef }, filters).as('x'))
    : knex('multicloud_cost_rollup_daily').where({ entity_ref: entityRef });
}

/**
 * Creates the {@link CostFactsStore} over the plugin's database. Reads
 * answer from the rollups (a year of a large System is a few thousand rows
 * whatever the size of the facts); the organisation's resources, which no
 * rollup keeps, are read from the facts.
 */
export function createCostFactsStore(knex: Knex): CostFactsStore {
  /** The lines' rows of the period, and their cost in `currency` (converted where rates say). */
  const daysInCurrency = (
    lines: CostLines,
    period: DayRange,
    currency: string,
  ) => {
    const source = lineSource(knex, lines);
    const query = source
      .base()
      .whereBetween(source.date, [period.from, period.to]);
    const cost = costInCurrency(
      knex,
      query,
      source,
      currency,
      lines.exchangeRates,
    );
    return { source, query, cost };
  };

  return {
    write: (work, options) =>
      writeCostStore(knex, tx => work(createWriter(tx, knex)), options),

    async importStarted(record) {
      await knex('multicloud_cost_imports').insert({
        id: record.id,
        source: record.source,
        file_name: record.fileName,
        file_sha256: record.fileSha256,
        format: null,
        status: 'running',
        created_by: record.createdBy ?? null,
        started_at: new Date(),
      });
    },

    async importCompleted(id, result) {
      await knex('multicloud_cost_imports')
        .where({ id })
        .update({
          status: 'completed',
          format: result.format,
          focus_version: result.focusVersion,
          rows: result.rows,
          daily_rows: result.dailyRows,
          billing_periods: JSON.stringify(result.billingPeriods),
          totals: JSON.stringify(result.totals),
          completed_at: new Date(),
        });
    },

    async importFailed(id, failure) {
      await knex('multicloud_cost_imports')
        .where({ id })
        .update({
          status: failure.status,
          format: failure.format,
          error: failure.error.slice(0, 4000),
          completed_at: new Date(),
        });
    },

    async wasFileImportedOrRejected(sha256) {
      const seen = await knex('multicloud_cost_imports')
        .where({ file_sha256: sha256 })
        .whereIn('status', ['completed', 'rejected'])
        .first();
      return !!seen;
    },

    async lastImportAt() {
      const row = await knex('multicloud_cost_imports')
        .where({ status: 'completed' })
        .max({ at: 'completed_at' })
        .first();
      if (!row?.at) {
        return null;
      }
      return new Date(row.at).toISOString();
    },

    async dataVersion() {
      const row = await knex('multicloud_cost_state')
        .where({ id: 1 })
        .first('version');
      return String(row?.version ?? 0);
    },

    async lastUsageDate() {
      const row = await knex('multicloud_cost_facts')
        .max({ last: 'usage_date' })
        .first();
      return row?.last ?? null;
    },

    async dailyCosts({ entityRef, days, metric, filters }) {
      const rows: Array<{
        usage_date: string;
        currency: string;
        cost: number | string;
      }> = await dailyCostSource(knex, entityRef, filters)
        .whereBetween('usage_date', [days.from, days.to])
        .groupBy('usage_date', 'currency')
        .select('usage_date', 'currency')
        .sum({ cost: METRIC_COLUMNS[metric] });
      return rows.map(r => ({ ...r, cost: Number(r.cost) }));
    },

    async lineTotals(lines, period, previous) {
      const source = lineSource(knex, lines);
      const rates = lines.exchangeRates;
      const query = source
        .base()
        .whereBetween(source.date, [previous.from, period.to]);
      // Converted, the lines are of the display currency only.
      const cost = rates
        ? costInCurrency(knex, query, source, rates.display, rates)
        : knex.raw('??', [source.cost]);
      const rows: Array<{
        k: string;
        currency: string;
        cost: number | string;
        previous_cost: number | string;
        tagged_cost?: number | string;
        label?: string | null;
        entity_ref?: string | null;
        provider?: string | null;
      }> = await query
        .groupBy(rates ? [source.key] : [source.key, source.currency])
        .select(
          rates
            ? { k: source.key }
            : { k: source.key, currency: source.currency },
        )
        .select(
          knex.raw('SUM(CASE WHEN ?? >= ? THEN ? ELSE 0 END) AS cost', [
            source.date,
            period.from,
            cost,
          ]),
          knex.raw('SUM(CASE WHEN ?? < ? THEN ? ELSE 0 END) AS previous_cost', [
            source.date,
            period.from,
            cost,
          ]),
          ...(source.tagged
            ? [
                knex.raw(
                  'SUM(CASE WHEN ?? >= ? AND ?? THEN ? ELSE 0 END) AS tagged_cost',
                  [source.date, period.from, source.tagged, cost],
                ),
              ]
            : []),
          ...source.attributes,
        );
      return rows.map(r => ({
        key: r.k,
        currency: rates?.display ?? r.currency,
        cost: Number(r.cost),
        previousCost: Number(r.previous_cost),
        label: r.label ?? null,
        entityRef: r.entity_ref ?? null,
        provider: r.provider ?? null,
        ...(source.tagged ? { taggedCost: Number(r.tagged_cost) } : {}),
      }));
    },

    async lineDailyCosts(lines, keys, period, currency) {
      const { source, query, cost } = daysInCurrency(lines, period, currency);
      query.whereIn(source.key, keys);
      const rows: Array<{ usage_date: string; k: string; cost: number }> =
        await query
          .groupBy(source.date, source.key)
          .select({ usage_date: source.date, k: source.key })
          .select(knex.raw('SUM(?) AS cost', [cost]));
      return rows.map(r => ({
        date: r.usage_date,
        key: r.k,
        cost: Number(r.cost),
      }));
    },

    async coveredDailyCosts(lines, period, currency) {
      const { source, query, cost } = daysInCurrency(lines, period, currency);
      const rows: Array<{ usage_date: string; cost: number }> = await query
        .groupBy(source.date)
        .select({ usage_date: source.date })
        .select(knex.raw('SUM(?) AS cost', [cost]));
      return new Map(rows.map(r => [r.usage_date, Number(r.cost)]));
    },

    async entityTotals(query) {
      const { entityRefs, period, currency, metric, filters } = query;
      const columns = {
        currency: 'currency',
        date: 'usage_date',
        cost: METRIC_COLUMNS[metric],
      };
      if (filters) {
        const totals = new Map<string, number>();
        for (const entityRef of entityRefs) {
          const facts = knex
            .from(filteredFacts(knex, { entityRef }, filters).as('x'))
            .whereBetween('usage_date', [period.from, period.to]);
          const cost = costInCurrency(
            knex,
            facts,
            columns,
            currency,
            query.exchangeRates,
          );
          const [row] = await facts.select(knex.raw('SUM(?) AS cost', [cost]));
          if (row?.cost !== null && row?.cost !== undefined) {
            totals.set(entityRef, Number(row.cost));
          }
        }
        return totals;
      }
      const rollup = knex('multicloud_cost_rollup_daily')
        .whereIn('entity_ref', entityRefs)
        .whereBetween('usage_date', [period.from, period.to]);
      const cost = costInCurrency(
        knex,
        rollup,
        columns,
        currency,
        query.exchangeRates,
      );
      const rows: Array<{ entity_ref: string; cost: number }> = await rollup
        .groupBy('entity_ref')
        .select('entity_ref')
        .select(knex.raw('SUM(?) AS cost', [cost]));
      return new Map(rows.map(r => [r.entity_ref, Number(r.cost)]));
    },

    async costByPath(query) {
      const { entityRef, period, currency, metric, filters } = query;
      const source = dailyCostSource(knex, entityRef, filters).whereBetween(
        'usage_date',
        [period.from, period.to],
      );
      const cost = costInCurrency(
        knex,
        source,
        {
          currency: 'currency',
          date: 'usage_date',
          cost: METRIC_COLUMNS[metric],
        },
        currency,
        query.exchangeRates,
      );
      const rows: Array<{ via: string; cost: number }> = await source
        .groupBy('via')
        .select('via')
        .select(knex.raw('SUM(?) AS cost', [cost]));
      return new Map(rows.map(r => [r.via, Number(r.cost)]));
    },
  };
}
