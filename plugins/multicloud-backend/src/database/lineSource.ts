import {
  CostMetric,
  CostSummaryGroupBy,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';

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
};

/**
 * The rollup (or, for the organisation's resources, the facts) that holds
 * the lines: per entity and resource, per entity and day for owners,
 * systems and domains, per entity, dimension and value otherwise.
 */
export function lineSource(knex: Knex, lines: CostLines): LineSource {
  const { scope, groupBy } = lines;
  const column = METRIC_COLUMNS[lines.metric];
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
