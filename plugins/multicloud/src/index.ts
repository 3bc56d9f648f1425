/**
 * Cost, Topology and Alerts for catalog entities, and a Cloud overview page.
 * The new frontend system's plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */

export {
  multicloudPlugin,
  CloudOverviewPage,
  EntityCostContent,
} from './plugin';
export { isCostAvailable } from './lib/costEntities';
export * from './api';
