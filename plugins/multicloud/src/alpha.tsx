import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
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
    loader: () =>
      import('./components/CloudOverviewPage').then(m => (
        <m.CloudOverviewPage />
      )),
  },
});

const entityCostContent = EntityContentBlueprint.make({
  name: 'cost',
  params: {
    path: 'cost',
    title: 'Cost',
    filter: { kind: { $in: [...COST_ENTITY_KINDS] } },
    loader: () =>
      import('./components/CostTab').then(m => <m.EntityCostContent />),
  },
});

const entityTopologyContent = EntityContentBlueprint.make({
  name: 'topology',
  params: {
    path: 'topology',
    title: 'Topology',
    routeRef: topologyContentRouteRef,
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
    entityTopologyContent,
    entityTopologyCard,
    entityAlertsContent,
    entityAlertsCard,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
