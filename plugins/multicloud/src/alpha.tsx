/**
 * The multicloud frontend plugin for the new frontend system: the Cloud
 * overview page and the Cost, Topology and Alerts entity tabs and cards.
 *
 * @packageDocumentation
 */

import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import CloudIcon from '@material-ui/icons/Cloud';
import { MulticloudClient, multicloudApiRef } from './api';
import { ALERT_ENTITY_KINDS } from './components/AlertsTab/alertEntities';
import { COST_ENTITY_KINDS } from './lib/costEntities';
import { TOPOLOGY_ENTITY_KINDS } from './lib/topologyEntities';
import {
  alertsContentRouteRef,
  catalogIndexRouteRef,
  costContentRouteRef,
  rootRouteRef,
  topologyContentRouteRef,
} from './routes';

const multicloudApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: multicloudApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MulticloudClient(deps),
    }),
});

const cloudOverviewPage = PageBlueprint.make({
  params: {
    path: '/multicloud',
    title: 'Cloud',
    icon: <CloudIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    // The page's header is the app's: the content brings no header of its own.
    loader: () =>
      import('./components/CloudOverviewPage').then(m => (
        <m.CloudOverviewContent />
      )),
  },
});

const entityCostContent = EntityContentBlueprint.make({
  name: 'cost',
  params: {
    path: 'cost',
    title: 'Cost',
    routeRef: costContentRouteRef,
    // Spend is watched like any other signal of a running service.
    group: 'observability',
    filter: { kind: { $in: [...COST_ENTITY_KINDS] } },
    loader: () =>
      import('./components/CostTab').then(m => <m.EntityCostContent />),
  },
});

const entityOverviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    type: 'info',
    filter: { kind: { $in: [...COST_ENTITY_KINDS] } },
    loader: () =>
      import('./components/OverviewCard').then(m => (
        <m.OverviewCardLinkedToTab />
      )),
  },
});

const entityTopologyContent = EntityContentBlueprint.make({
  name: 'topology',
  params: {
    path: 'topology',
    title: 'Topology',
    routeRef: topologyContentRouteRef,
    // What the entity runs on, next to the Kubernetes tab.
    group: 'deployment',
    filter: { kind: { $in: [...TOPOLOGY_ENTITY_KINDS] } },
    loader: () =>
      import('./components/TopologyTab').then(m => <m.EntityTopologyContent />),
  },
});

const entityTopologyCard = EntityCardBlueprint.make({
  name: 'topology',
  params: {
    type: 'info',
    filter: { kind: { $in: [...TOPOLOGY_ENTITY_KINDS] } },
    loader: () =>
      import('./components/TopologyCard').then(m => (
        <m.TopologyCardLinkedToTab />
      )),
  },
});

const entityAlertsContent = EntityContentBlueprint.make({
  name: 'alerts',
  params: {
    path: 'alerts',
    title: 'Alerts',
    routeRef: alertsContentRouteRef,
    // Findings to act on: acknowledge, snooze, dismiss, silence.
    group: 'operation',
    filter: { kind: { $in: [...ALERT_ENTITY_KINDS] } },
    loader: () =>
      import('./components/AlertsTab').then(m => <m.EntityAlertsContent />),
  },
});

const entityAlertsCard = EntityCardBlueprint.make({
  name: 'alerts',
  params: {
    type: 'info',
    filter: { kind: { $in: [...ALERT_ENTITY_KINDS] } },
    loader: () =>
      import('./components/AlertsCard').then(m => <m.AlertsCardLinkedToTab />),
  },
});

/**
 * The multicloud frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'multicloud',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    multicloudApi,
    cloudOverviewPage,
    entityCostContent,
    entityOverviewCard,
    entityTopologyContent,
    entityTopologyCard,
    entityAlertsContent,
    entityAlertsCard,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  externalRoutes: convertLegacyRouteRefs({
    catalogIndex: catalogIndexRouteRef,
  }),
});
