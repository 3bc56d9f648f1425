import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  COST_GROUP_BY,
  COST_SUMMARY_GROUP_BY,
  CostFilters,
  CostGroupBy,
  CostMetric,
  CostSummaryGroupBy,
  MAX_COST_TAG_FILTERS,
} from '@multicloud/plugin-multicloud-common';
import {
  addDays,
  assertDate,
  daysBetween,
} from '../services/CostAnalytics/dates';
import { CostPeriod } from '../services/CostQuery/types';

/** Longest period a cost query covers. */
export const MAX_PERIOD_DAYS = 732;
const DEFAULT_PERIOD_DAYS = 30;
/** Every {@link CostMetric} value. */
export const METRICS: [CostMetric, ...CostMetric[]] = [
  'billed',
  'effective',
  'list',
];

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${name} must be given once`);
  }
  return value;
}

function date(query: Query, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new InputError(
      `${name} must be a date like 2026-11-01, got "${value}"`,
    );
  }
  try {
    assertDate(value);
  } catch {
    throw new InputError(`${name} "${value}" is not a real calendar date`);
  }
  return value;
}

/** `from` and `to` (inclusive days); by default the 30 days up to today (UTC). */
export function parsePeriod(query: Query, today: string): CostPeriod {
  const to = date(query, 'to') ?? today;
  const from = date(query, 'from') ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) {
    throw new InputError(`from (${from}) is after to (${to})`);
  }
  const days = daysBetween(from, to) + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new InputError(
      `The period has ${days} days; at most ${MAX_PERIOD_DAYS} can be queried at once`,
    );
  }
  return { from, to };
}

function oneOf<T extends string>(
  query: Query,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = single(query, name);
  if (value === undefined) {
    return fallback;
  }
  if (!allowed.includes(value as T)) {
    throw new InputError(
      `${name} must be one of ${allowed.join(', ')}; got "${value}"`,
    );
  }
  return value as T;
}

export const parseGroupBy = (query: Query): CostGroupBy =>
  oneOf(query, 'groupBy', COST_GROUP_BY, 'service');

export const parseSummaryGroupBy = (query: Query): CostSummaryGroupBy =>
  oneOf(query, 'groupBy', COST_SUMMARY_GROUP_BY, 'provider');

export const parseMetric = (query: Query): CostMetric =>
  oneOf(query, 'metric', METRICS, 'effective');

/** A full entity ref (`kind:namespace/name`, namespace optional), lower-cased. */
export function parseEntityRefParam(
  value: unknown,
  name = 'entityRef',
): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(
      `${name} is required, for example component:default/checkout-api`,
    );
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), { defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      `${name} "${value}" is not an entity ref like component:default/checkout-api`,
    );
  }
}

/** Longest value of a dimension filter (the facts' columns hold 255). */
const MAX_FILTER_VALUE = 255;
const FILTER_DIMENSIONS = ['provider', 'service', 'account', 'region'] as const;

/**
 * The cost filters of a query (see {@link CostFilters}); undefined when it
 * has none. `tag` is `key=value` and may repeat; a key holds no `"` or `\`
 * (it names a JSON member in SQL).
 */
export function parseCostFilters(query: Query): CostFilters | undefined {
  const filters: CostFilters = {};
  for (const dimension of FILTER_DIMENSIONS) {
    const value = single(query, dimension);
    if (value !== undefined) {
      if (value.length > MAX_FILTER_VALUE) {
        throw new InputError(
          `${dimension} must be at most ${MAX_FILTER_VALUE} characters`,
        );
      }
      filters[dimension] = value;
    }
  }
  const rawTags = query.tag ?? [];
  const tags = (Array.isArray(rawTags) ? rawTags : [rawTags]).filter(
    tag => tag !== '',
  );
  if (tags.length > MAX_COST_TAG_FILTERS) {
    throw new InputError(
      `At most ${MAX_COST_TAG_FILTERS} tag filters, got ${tags.length}`,
    );
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') {
      throw new InputError('tag must be key=value, like tag=team=payments');
    }
    const separator = tag.indexOf('=');
    const key = separator > 0 ? tag.slice(0, separator) : '';
    const value = separator > 0 ? tag.slice(separator + 1) : '';
    if (!key || !value) {
      throw new InputError(
        `tag must be key=value, like tag=team=payments, got "${tag.slice(
          0,
          80,
        )}"`,
      );
    }
    if (/["\\]/.test(key) || key.length > 128) {
      throw new InputError(
        `Tag key "${key.slice(
          0,
          80,
        )}" cannot be filtered on: at most 128 characters, no " or \\`,
      );
    }
    if (value.length > MAX_FILTER_VALUE) {
      throw new InputError(
        `The value of tag ${key} must be at most ${MAX_FILTER_VALUE} characters`,
      );
    }
    if (seen.has(key)) {
      throw new InputError(`tag ${key} is given twice`);
    }
    seen.add(key);
    (filters.tags ??= []).push({ key, value });
  }
  return Object.keys(filters).length ? filters : undefined;
}
