import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The catalog's resource type (`RESOURCE_TYPE_CATALOG_ENTITY` of
 * `@backstage/plugin-catalog-common/alpha`): the multicloud permissions that
 * act on one entity are resource permissions of this type, so that a policy
 * can decide them with the catalog's conditional rules (`IS_ENTITY_OWNER`,
 * `HAS_ANNOTATION`, `IS_ENTITY_KIND`...), and the plugin asks with the
 * entity's ref.
 *
 * @public
 */
export const MULTICLOUD_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Read an entity's cost (its Cost tab, forecast and budget, its nodes' cost
 * in Topology, its line in the Cloud page's summaries). A resource
 * permission: asked with the entity's ref.
 *
 * @public
 */
export const multicloudCostReadPermission = createPermission({
  name: 'multicloud.cost.read',
  attributes: { action: 'read' },
  resourceType: MULTICLOUD_ENTITY_RESOURCE_TYPE,
});

/**
 * Import FOCUS cost exports (which replace the periods they cover for every
 * team) and rebuild the attribution. A basic permission.
 *
 * @public
 */
export const multicloudCostImportPermission = createPermission({
  name: 'multicloud.cost.import',
  attributes: { action: 'create' },
});

/**
 * Set or remove an entity's monthly budget through the API. A resource
 * permission: asked with the entity's ref.
 *
 * @public
 */
export const multicloudBudgetUpdatePermission = createPermission({
  name: 'multicloud.budget.update',
  attributes: { action: 'update' },
  resourceType: MULTICLOUD_ENTITY_RESOURCE_TYPE,
});

/**
 * Read an entity's budget, anomaly, hygiene and Alertmanager alerts and its
 * silences. A resource permission: asked with the entity's ref.
 *
 * @public
 */
export const multicloudAlertReadPermission = createPermission({
  name: 'multicloud.alert.read',
  attributes: { action: 'read' },
  resourceType: MULTICLOUD_ENTITY_RESOURCE_TYPE,
});

/**
 * Acknowledge, snooze, dismiss or reopen an entity's alerts, and create or
 * expire its Alertmanager silences. A resource permission: asked with the
 * entity's ref.
 *
 * @public
 */
export const multicloudAlertUpdatePermission = createPermission({
  name: 'multicloud.alert.update',
  attributes: { action: 'update' },
  resourceType: MULTICLOUD_ENTITY_RESOURCE_TYPE,
});

/**
 * See the configured cloud sources and cost folders with their last runs
 * (the Cloud page's Sources section, `GET /sources`). A basic permission.
 *
 * @public
 */
export const multicloudSourceReadPermission = createPermission({
  name: 'multicloud.source.read',
  attributes: { action: 'read' },
});

/**
 * Run a cloud source or cost folder now ("Refresh now"), outside its
 * schedule. A basic permission; admins only in the default policy.
 *
 * @public
 */
export const multicloudSourceRefreshPermission = createPermission({
  name: 'multicloud.source.refresh',
  attributes: { action: 'update' },
});

/**
 * Every permission of the multicloud plugin, for registration with the
 * permissions registry and for policy authors.
 *
 * @public
 */
export const multicloudPermissions = [
  multicloudCostReadPermission,
  multicloudCostImportPermission,
  multicloudBudgetUpdatePermission,
  multicloudAlertReadPermission,
  multicloudAlertUpdatePermission,
  multicloudSourceReadPermission,
  multicloudSourceRefreshPermission,
];
