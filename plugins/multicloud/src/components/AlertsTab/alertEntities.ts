import { Entity } from '@backstage/catalog-model';

/**
 * Entity kinds alerts are raised on or rolled up to: what a team owns, a
 * system contains or a component depends on brings its alerts along.
 */
export const ALERT_ENTITY_KINDS = [
  'Component',
  'System',
  'Domain',
  'Group',
  'Resource',
] as const;

/**
 * Whether the Alerts tab and card apply to an entity: Components, Systems,
 * Domains, Groups and Resources.
 *
 * @public
 */
export function isAlertsAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return ALERT_ENTITY_KINDS.some(
    alertKind => alertKind.toLocaleLowerCase('en-US') === kind,
  );
}
