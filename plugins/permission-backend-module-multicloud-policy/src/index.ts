/**
 * Permission policy for a Backstage with the multicloud plugins: admin
 * groups, owner-scoped budgets, alerts and (optionally) cost, admin-only cost
 * imports, template dry runs and privileged templates, configured under
 * `permission.multicloudPolicy`.
 *
 * @packageDocumentation
 */

export { permissionModuleMulticloudPolicy as default } from './module';
export { MulticloudPermissionPolicy } from './MulticloudPermissionPolicy';
export type { MulticloudPermissionPolicyOptions } from './MulticloudPermissionPolicy';
