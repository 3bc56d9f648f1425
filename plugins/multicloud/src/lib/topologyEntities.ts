import { Entity } from '@backstage/catalog-model';

/**
 * Entity kinds whose infrastructure the topology draws: what they depend on
 * (`dependsOn`), consist of (`hasPart`) or, for a Group, own (`ownerOf`).
 */
export const TOPOLOGY_ENTITY_KINDS = [
  'Component',
  'System',
  'Domain',
  'Group',
  'Resource',
] as const;

/**
 * Whether the Topology tab and card apply to an entity: Components, Systems,
 * Domains, Groups and Resources.
 *
 * @public
 */
export function isTopologyAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return TOPOLOGY_ENTITY_KINDS.some(
    topologyKind => topologyKind.toLocaleLowerCase('en-US') === kind,
  );
}
