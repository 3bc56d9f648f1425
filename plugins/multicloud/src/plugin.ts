import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { MulticloudClient, multicloudApiRef } from './api';
import { catalogIndexRouteRef, rootRouteRef } from './routes';

/**
 * The multicloud frontend plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const multicloudPlugin = createPlugin({
  id: 'multicloud',
  apis: [
    createApiFactory({
      api: multicloudApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MulticloudClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { catalogIndex: catalogIndexRouteRef },
});

/**
 * The Cloud overview page, for the legacy frontend system.
 *
 * @public
 */
export const CloudOverviewPage = multicloudPlugin.provide(
  createRoutableExtension({
    name: 'CloudOverviewPage',
    component: () =>
      import('./components/CloudOverviewPage').then(m => m.CloudOverviewPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Cost tab of an entity, for the legacy frontend system. Needs an
 * `EntityProvider` around it, as `EntityLayout.Route` gives; show it for the
 * entities {@link isCostAvailable} accepts.
 *
 * @public
 */
export const EntityCostContent = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityCostContent',
    component: {
      lazy: () => import('./components/CostTab').then(m => m.EntityCostContent),
    },
  }),
);

/**
 * A small card for an entity's Overview, for the legacy frontend system: the
 * month's cost so far, its change against the same days of last month, the
 * forecast, the budget status and the top cost driver, and the open alerts by
 * severity. It links to the entity page's `cost` and `alerts` paths, or to
 * `costTabLink` and `alertsTabLink`; show it for the entities
 * {@link isCostAvailable} accepts.
 *
 * @public
 */
export const EntityMulticloudOverviewCard = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityMulticloudOverviewCard',
    component: {
      lazy: () =>
        import('./components/OverviewCard').then(
          m => m.EntityMulticloudOverviewCard,
        ),
    },
  }),
);

/**
 * The Topology tab of an entity, for the legacy frontend system. Needs an
 * `EntityProvider` around it; show it for the entities
 * {@link isTopologyAvailable} accepts.
 *
 * @public
 */
export const EntityTopologyContent = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityTopologyContent',
    component: {
      lazy: () =>
        import('./components/TopologyTab').then(m => m.EntityTopologyContent),
    },
  }),
);

/**
 * A small Topology card for an entity's Overview, for the legacy frontend
 * system. It links to the entity page's `topology` path, or to `tabLink`.
 *
 * @public
 */
export const EntityTopologyCard = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityTopologyCard',
    component: {
      lazy: () =>
        import('./components/TopologyCard').then(m => m.EntityTopologyCard),
    },
  }),
);

/**
 * The Alerts tab of an entity, for the legacy frontend system. Needs an
 * `EntityProvider` around it; show it for the entities
 * {@link isAlertsAvailable} accepts.
 *
 * @public
 */
export const EntityAlertsContent = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityAlertsContent',
    component: {
      lazy: () =>
        import('./components/AlertsTab').then(m => m.EntityAlertsContent),
    },
  }),
);

/**
 * A small Alerts card for an entity's Overview, for the legacy frontend
 * system: counts by severity and monthly savings. It links to the entity
 * page's `alerts` path, or to `tabLink`.
 *
 * @public
 */
export const EntityAlertsCard = multicloudPlugin.provide(
  createComponentExtension({
    name: 'EntityAlertsCard',
    component: {
      lazy: () =>
        import('./components/AlertsCard').then(m => m.EntityAlertsCard),
    },
  }),
);
