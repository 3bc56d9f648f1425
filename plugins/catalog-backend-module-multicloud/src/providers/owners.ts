import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Resolves owner tags against the catalog's groups as they were loaded. */
export type OwnerResolver = {
  /**
   * The ref of the existing group an owner tag value names
   * (`checkout-team`, `Checkout-Team`, `group:default/checkout-team`), or
   * undefined when no group matches.
   */
  resolve(value: string | undefined): string | undefined;
  /** How many groups the catalog had. */
  groups: number;
  /** How many non-empty tag values so far named no known group. */
  unresolved(): number;
};

/** How many groups the catalog serves now. */
export async function countGroups(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<number> {
  const { totalItems } = await catalog.queryEntities(
    { filter: { kind: 'Group' }, fields: ['metadata.name'], limit: 1 },
    { credentials },
  );
  return totalItems;
}

/** Loads the catalog's groups to resolve owner tags against. */
export async function createOwnerResolver(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<OwnerResolver> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  const groups = new Map<string, string>();
  for (const group of items) {
    const ref = stringifyEntityRef(group);
    groups.set(ref.toLowerCase(), ref);
    // Plain names resolve in the default namespace first.
    const name = group.metadata.name.toLowerCase();
    if (
      !groups.has(name) ||
      (group.metadata.namespace ?? 'default') === 'default'
    ) {
      groups.set(name, ref);
    }
  }
  const lookup = (trimmed: string): string | undefined => {
    if (groups.has(trimmed.toLowerCase())) {
      return groups.get(trimmed.toLowerCase());
    }
    try {
      const ref = parseEntityRef(trimmed, { defaultKind: 'group' });
      return ref.kind.toLowerCase() === 'group'
        ? groups.get(stringifyEntityRef(ref).toLowerCase())
        : undefined;
    } catch {
      return undefined;
    }
  };
  let unresolved = 0;
  return {
    resolve: value => {
      const trimmed = value?.trim();
      if (!trimmed) {
        return undefined;
      }
      const ref = lookup(trimmed);
      if (!ref) {
        unresolved++;
      }
      return ref;
    },
    groups: items.length,
    unresolved: () => unresolved,
  };
}
