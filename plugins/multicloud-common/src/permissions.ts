import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read cost data (entity cost, summaries, forecasts, budgets).
 *
 * @public
 */
export const multicloudCostReadPermission = createPermission({
  name: 'multicloud.cost.read',
  attributes: { action: 'read' },
});

/**
 * Import FOCUS cost exports.
 *
 * @public
 */
export const multicloudCostImportPermission = createPermission({
  name: 'multicloud.cost.import',
  attributes: { action: 'create' },
});

/**
 * Set or remove an entity's monthly budget through the API.
 *
 * @public
 */
export const multicloudBudgetUpdatePermission = createPermission({
  name: 'multicloud.budget.update',
  attributes: { action: 'update' },
});

/**
 * Read budget, anomaly, hygiene and Alertmanager alerts.
 *
 * @public
 */
export const multicloudAlertReadPermission = createPermission({
  name: 'multicloud.alert.read',
  attributes: { action: 'read' },
});

/**
 * Acknowledge, snooze or dismiss alerts.
 *
 * @public
 */
export const multicloudAlertUpdatePermission = createPermission({
  name: 'multicloud.alert.update',
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
];
