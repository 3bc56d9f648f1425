import { MulticloudInventoryCount } from '@multicloud/plugin-multicloud-common';

/**
 * The catalog index's query for the Resource entities of a type or an owner:
 * the filters its pickers read from the URL (`filters[kind]`,
 * `filters[type]`, `filters[owners]`), for every user's entities rather than
 * the ones they own. Provider, account and region are annotations, which the
 * catalog index cannot filter on.
 */
export function catalogResourcesQuery(filter: {
  type?: string;
  owner?: string;
}): string {
  const search = new URLSearchParams();
  search.append('filters[kind]', 'resource');
  if (filter.type) {
    search.append('filters[type]', filter.type);
  }
  if (filter.owner) {
    search.append('filters[owners]', filter.owner);
  }
  search.append('filters[user]', 'all');
  return search.toString();
}

/** The `limit` largest counts, and how many values are left out. */
export function topCounts(
  counts: MulticloudInventoryCount[],
  limit: number,
): { shown: MulticloudInventoryCount[]; more: number } {
  const sorted = [...counts].sort(
    (a, b) => b.count - a.count || a.key.localeCompare(b.key),
  );
  return {
    shown: sorted.slice(0, limit),
    more: Math.max(0, sorted.length - limit),
  };
}
