import { Entity } from '@backstage/catalog-model';

/** Entity kinds that cost is attributed to and rolled up to. */
export const COST_ENTITY_KINDS = [
  'Component',
  'System',
  'Domain',
  'Group',
  'Resource',
] as const;

/**
 * Whether the Cost tab applies to an entity: Components, Systems, Domains,
 * Groups and Resources carry cost.
 *
 * @public
 */
export function isCostAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return COST_ENTITY_KINDS.some(
    costKind => costKind.toLocaleLowerCase('en-US') === kind,
  );
}
