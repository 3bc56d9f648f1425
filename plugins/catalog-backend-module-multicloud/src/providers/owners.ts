import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Loads the catalog's groups and returns a function that turns an owner tag
 * value (`checkout-team`, `Checkout-Team`, `group:default/checkout-team`)
 * into the ref of an existing group, or undefined when no group matches.
 */
export async function createOwnerResolver(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<(value: string | undefined) => string | undefined> {
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
  return value => {
    const trimmed = value?.trim();
    if (!trimmed) {
      return undefined;
    }
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
}
