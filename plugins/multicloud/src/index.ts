/**
 * Cost, Topology and Alerts for catalog entities, and a Cloud overview page.
 * The new frontend system's plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */

export {
  multicloudPlugin,
  CloudOverviewPage,
  EntityAlertsCard,
  EntityAlertsContent,
  EntityCostContent,
  EntityMulticloudOverviewCard,
  EntityTopologyCard,
  EntityTopologyContent,
} from './plugin';
export { isAlertsAvailable } from './components/AlertsTab/alertEntities';
export { isCostAvailable } from './lib/costEntities';
export { isTopologyAvailable } from './lib/topologyEntities';
export { MERMAID_SETTINGS as topologyMermaidConfig } from './components/TopologyTab/renderMermaid';
export { groupedLayoutLoader as topologyGroupedLayoutLoader } from './components/TopologyTab/groupedLayout';
export * from './api';
