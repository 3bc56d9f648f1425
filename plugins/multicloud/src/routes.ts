import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';
import { createRouteRef as createNewRouteRef } from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'multicloud' });

/**
 * The catalog's index page, where the Cloud page's inventory counts link to
 * the resources they count. Bound to the catalog's index by default in the
 * new frontend system; optional in the legacy one (bind it in `bindRoutes`,
 * else the counts are shown without links).
 */
export const catalogIndexRouteRef = createExternalRouteRef({
  id: 'catalog-index',
  optional: true,
  defaultTarget: 'catalog.catalogIndex',
});

/** The Cost tab of an entity page, in the new frontend system. */
export const costContentRouteRef = createNewRouteRef();

/** The Topology tab of an entity page, in the new frontend system. */
export const topologyContentRouteRef = createNewRouteRef();

/** The Alerts tab of an entity page, in the new frontend system. */
export const alertsContentRouteRef = createNewRouteRef();
