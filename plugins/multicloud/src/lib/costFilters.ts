/**
 * Cost filters in a page's query, with the names the cost API takes:
 * `?provider=AWS&service=...&account=...&region=...&tag=team=payments`
 * (`tag` repeats), so that a filtered Cost tab or Cloud page is a link to
 * share.
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { CostFilters } from '@multicloud/plugin-multicloud-common';

/** The dimensions a filter can narrow, with their labels. */
export const COST_FILTER_DIMENSIONS = [
  { name: 'provider', label: 'Provider' },
  { name: 'service', label: 'Service' },
  { name: 'account', label: 'Account' },
  { name: 'region', label: 'Region' },
] as const;

export type CostFilterDimension =
  (typeof COST_FILTER_DIMENSIONS)[number]['name'];

/** The filters of a query; undefined when it has none. */
export function readCostFilters(
  query: URLSearchParams,
): CostFilters | undefined {
  const filters: CostFilters = {};
  for (const { name } of COST_FILTER_DIMENSIONS) {
    const value = query.get(name);
    if (value) {
      filters[name] = value;
    }
  }
  for (const tag of query.getAll('tag')) {
    const separator = tag.indexOf('=');
    if (separator > 0) {
      (filters.tags ??= []).push({
        key: tag.slice(0, separator),
        value: tag.slice(separator + 1),
      });
    }
  }
  return Object.keys(filters).length ? filters : undefined;
}

/** The query parameters of `filters`, as the cost API and the page's query take them. */
export function costFilterParams(
  filters: CostFilters | undefined,
): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const { name } of COST_FILTER_DIMENSIONS) {
    const value = filters?.[name];
    if (value) {
      params[name] = value;
    }
  }
  if (filters?.tags?.length) {
    params.tag = filters.tags.map(({ key, value }) => `${key}=${value}`);
  }
  return params;
}

/** `query` with its filters replaced by `filters`, every other parameter kept. */
export function writeCostFilters(
  query: URLSearchParams,
  filters: CostFilters | undefined,
): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const name of [...COST_FILTER_DIMENSIONS.map(d => d.name), 'tag']) {
    next.delete(name);
  }
  for (const [name, value] of Object.entries(costFilterParams(filters))) {
    for (const item of [value].flat()) {
      next.append(name, item);
    }
  }
  return next;
}

/** A filter in words: `Provider: AWS`, `Tag team: payments`. */
export function describeCostFilters(
  filters: CostFilters | undefined,
): string[] {
  const words = COST_FILTER_DIMENSIONS.flatMap(({ name, label }) =>
    filters?.[name] ? [`${label}: ${filters[name]}`] : [],
  );
  for (const { key, value } of filters?.tags ?? []) {
    words.push(`Tag ${key}: ${value}`);
  }
  return words;
}

/** The page's cost filters, read from its query and written back to it. */
export function useCostFilters(): [
  CostFilters | undefined,
  (filters: CostFilters | undefined) => void,
] {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const filters = useMemo(
    () => readCostFilters(new URLSearchParams(search)),
    [search],
  );
  const setFilters = (next: CostFilters | undefined) =>
    setSearchParams(writeCostFilters(new URLSearchParams(search), next), {
      replace: true,
    });
  return [filters, setFilters];
}
