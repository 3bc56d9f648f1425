import {
  CostFilters,
  CostMetric,
  CostSummaryGroupBy,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';
import { ExchangeRates } from '../services/CostQuery/exchangeRates';
import { isPostgres } from './writeCostStore';

/** The cost column of each metric, in the facts and in every rollup. */
export const METRIC_COLUMNS: Record<CostMetric, string> = {
  billed: 'billed_cost',
  effective: 'effective_cost',
  list: 'list_cost',
};

/** Which breakdown lines to read. */
export type CostLines = {
  /**
   * One entity's lines, or the lines of every entity of a kind (`group`,
   * `system`, `domain`: the organisation by owner, system or domain).
   */
  scope: { entityRef: string } | { entityKind: string };
  groupBy: CostSummaryGroupBy;
  metric: CostMetric;
  /** Only the cost that matches these; read from the facts, which no rollup narrows. */
  filters?: CostFilters;
  /**
   * Converts the cost of other currencies into the display currency (per
   * usage month): the lines then hold the display currency's cost and all
   * the cost a rate converts; the rest is left out.
   */
  exchangeRates?: ExchangeRates;
};

/**
 * Where a breakdown's lines come from: a query with its table, joins and
 * scope, and the (qualified) columns of its day, line key, currency and cost.
 */
export type LineSource = {
  base: () => Knex.QueryBuilder;
  date: string;
  key: string;
  currency: string;
  cost: string;
  /** Per-line attributes, as `MAX(...) AS name` expressions. */
  attributes: Knex.Raw[];
  /** The (qualified) boolean column of tagged cost, where the source has one. */
  tagged?: string;
};

/**
 * The rollup (or, for the organisation's resources, the facts) that holds
 * the lines: per entity and resource, per entity and day for owners,
 * systems and domains, per entity, dimension and value otherwise.
 */
export function lineSource(knex: Knex, lines: CostLines): LineSource {
  const { scope, groupBy } = lines;
  const column = METRIC_COLUMNS[lines.metric];
  if (lines.filters) {
    return filteredLineSource(knex, lines, lines.filters);
  }
  if (groupBy === 'resource') {
    if ('entityRef' in scope && scope.entityRef !== EVERYTHING) {
      return {
        base: () =>
          knex('multicloud_cost_rollup_resources as r').where({
            'r.entity_ref': scope.entityRef,
          }),
        date: 'r.usage_date',
        key: 'r.resource_key',
        currency: 'r.currency',
        cost: `r.${column}`,
        attributes: [
          knex.raw('MAX(r.resource_name) AS label'),
          knex.raw('MAX(r.resource_ref) AS entity_ref'),
          knex.raw('MAX(r.provider) AS provider'),
        ],
      };
    }
    return {
      base: () =>
        knex('multicloud_cost_facts as f').leftJoin(
          'multicloud_cost_attribution as at',
          'at.attribution_key',
          'f.attribution_key',
        ),
      date: 'f.usage_date',
      key: 'f.resource_key',
      currency: 'f.currency',
      cost: `f.${column}`,
      attributes: [
        knex.raw('MAX(f.resource_name) AS label'),
        knex.raw(
          `MAX(CASE WHEN at.via = 'resource' THEN at.entity_ref END) AS entity_ref`,
        ),
        knex.raw('MAX(f.provider) AS provider'),
      ],
    };
  }
  if (groupBy === 'owner' || groupBy === 'system' || groupBy === 'domain') {
    const kind = groupBy === 'owner' ? 'group' : groupBy;
    return {
      base: () =>
        knex('multicloud_cost_rollup_daily as r')
          .leftJoin(
            'multicloud_cost_entities as e',
            'e.entity_ref',
            'r.entity_ref',
          )
          .where({ 'r.entity_kind': kind }),
      date: 'r.usage_date',
      key: 'r.entity_ref',
      currency: 'r.currency',
      cost: `r.${column}`,
      tagged: 'r.tagged',
      attributes: [
        knex.raw('MAX(e.title) AS label'),
        knex.raw('MAX(r.entity_ref) AS entity_ref'),
      ],
    };
  }
  if (!('entityRef' in scope)) {
    throw new Error(`Breakdowns by ${groupBy} are per entity`);
  }
  return {
    base: () =>
      knex('multicloud_cost_rollup_dimensions as r').where({
        'r.entity_ref': scope.entityRef,
        'r.dimension': groupBy,
      }),
    date: 'r.usage_date',
    key: 'r.value',
    currency: 'r.currency',
    cost: `r.${column}`,
    attributes:
      groupBy === 'provider' ? [] : [knex.raw('MAX(r.provider) AS provider')],
  };
}

/** The account a fact belongs to, as the rollups' account dimension has it. */
const ACCOUNT_ID = `CASE WHEN f.sub_account_id <> '' THEN f.sub_account_id ELSE f.billing_account_id END`;

/** The facts' column (or expression) of each filtered dimension. */
const FILTER_COLUMNS = {
  provider: 'f.provider',
  service: 'f.service_name',
  account: ACCOUNT_ID,
  region: 'f.region',
} as const;

/**
 * The facts that match `filters`, each with the entity its cost reaches:
 * one row per fact and ancestor of its attributed entity, restricted to the
 * ancestors `reach` names (one entity, or every entity of a kind). The rows
 * carry the fact's day, currency, costs, dimensions (`account_id` as the
 * rollups have it), resource, attribution path (`via`), the attributed
 * entity (`attributed_ref`) and the ancestor (`ancestor_ref`, `ancestor_kind`).
 */
export function filteredFacts(
  knex: Knex,
  reach: { entityRef: string } | { entityKind: string },
  filters: CostFilters,
): Knex.QueryBuilder {
  const query = knex('multicloud_cost_facts as f')
    .join(
      'multicloud_cost_attribution as at',
      'at.attribution_key',
      'f.attribution_key',
    )
    .join('multicloud_cost_ancestors as an', 'an.entity_ref', 'at.entity_ref')
    .where(
      'entityRef' in reach
        ? { 'an.ancestor_ref': reach.entityRef }
        : { 'an.ancestor_kind': reach.entityKind },
    )
    .select(
      'f.usage_date',
      'f.currency',
      'f.billed_cost',
      'f.effective_cost',
      'f.list_cost',
      'f.provider',
      'f.region',
      'f.service_name',
      knex.raw(`${ACCOUNT_ID} AS account_id`),
      'f.resource_key',
      'f.resource_name',
      'at.via',
      'at.tagged',
      'at.entity_ref as attributed_ref',
      'an.ancestor_ref',
      'an.ancestor_kind',
    );
  for (const [dimension, column] of Object.entries(FILTER_COLUMNS)) {
    const value = filters[dimension as keyof typeof FILTER_COLUMNS];
    if (value !== undefined) {
      query.whereRaw(`${column} = ?`, [value]);
    }
  }
  for (const { key, value } of filters.tags ?? []) {
    // The key holds no " or \ (parseCostFilters), so it is a safe JSON path.
    if (isPostgres(knex)) {
      query.whereRaw('CAST(f.tags AS jsonb) ->> ? = ?', [key, value]);
    } else {
      query.whereRaw('json_extract(f.tags, ?) = ?', [`$."${key}"`, value]);
    }
  }
  return query;
}

/** {@link lineSource} over the facts that match `filters`. */
function filteredLineSource(
  knex: Knex,
  lines: CostLines,
  filters: CostFilters,
): LineSource {
  const { scope, groupBy } = lines;
  const column = `x.${METRIC_COLUMNS[lines.metric]}`;
  const base = (reach: Parameters<typeof filteredFacts>[1]) => () =>
    knex.from(filteredFacts(knex, reach, filters).as('x'));
  const common = { date: 'x.usage_date', currency: 'x.currency', cost: column };
  if (groupBy === 'resource') {
    return {
      ...common,
      base: base('entityRef' in scope ? scope : { entityRef: EVERYTHING }),
      key: 'x.resource_key',
      attributes: [
        knex.raw('MAX(x.resource_name) AS label'),
        knex.raw(
          `MAX(CASE WHEN x.via = 'resource' THEN x.attributed_ref END) AS entity_ref`,
        ),
        knex.raw('MAX(x.provider) AS provider'),
      ],
    };
  }
  if (groupBy === 'owner' || groupBy === 'system' || groupBy === 'domain') {
    const kind = groupBy === 'owner' ? 'group' : groupBy;
    return {
      ...common,
      base: () =>
        base({ entityKind: kind })().leftJoin(
          'multicloud_cost_entities as e',
          'e.entity_ref',
          'x.ancestor_ref',
        ),
      key: 'x.ancestor_ref',
      tagged: 'x.tagged',
      attributes: [
        knex.raw('MAX(e.title) AS label'),
        knex.raw('MAX(x.ancestor_ref) AS entity_ref'),
      ],
    };
  }
  if (!('entityRef' in scope)) {
    throw new Error(`Breakdowns by ${groupBy} are per entity`);
  }
  const key = {
    provider: 'x.provider',
    service: 'x.service_name',
    account: 'x.account_id',
    region: 'x.region',
  }[groupBy];
  return {
    ...common,
    base: base(scope),
    key,
    attributes:
      groupBy === 'provider' ? [] : [knex.raw('MAX(x.provider) AS provider')],
  };
}

/**
 * Each row's rate into the display currency, as SQL: 1 for the display
 * currency, else the rate of the usage month or of the nearest earlier month
 * the config sets one for (as `rateOn` picks it), else NULL. Usage dates are
 * `YYYY-MM-DD` strings, so a month's first day bounds it.
 */
export function rateExpression(
  knex: Knex,
  columns: { currency: string; date: string },
  rates: ExchangeRates,
): Knex.Raw {
  const cases = ['WHEN ?? = ? THEN CAST(? AS DOUBLE PRECISION)'];
  const bindings: Array<string | number> = [columns.currency, rates.display, 1];
  for (const [currency, monthly] of rates.rates) {
    // Latest month first: the first month not after the row's is its rate.
    for (const { month, rate } of monthly) {
      cases.push('WHEN ?? = ? AND ?? >= ? THEN CAST(? AS DOUBLE PRECISION)');
      bindings.push(
        columns.currency,
        currency,
        columns.date,
        `${month}-01`,
        rate,
      );
    }
  }
  return knex.raw(`CASE ${cases.join(' ')} END`, bindings);
}

/**
 * Narrows `query` to the rows that count in `currency` and returns their
 * cost in it: the rows in `currency`; with exchange rates into it, also
 * every row a rate converts, converted.
 */
export function costInCurrency(
  knex: Knex,
  query: Knex.QueryBuilder,
  columns: { currency: string; date: string; cost: string },
  currency: string,
  exchangeRates: ExchangeRates | undefined,
): Knex.Raw {
  if (exchangeRates?.display !== currency) {
    query.where(columns.currency, currency);
    return knex.raw('??', [columns.cost]);
  }
  const rate = rateExpression(knex, columns, exchangeRates);
  query.whereRaw('? IS NOT NULL', [rate]);
  return knex.raw('?? * ?', [columns.cost, rate]);
}
