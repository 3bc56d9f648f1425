import { createRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef as createNewRouteRef } from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'multicloud' });

/** The Cost tab of an entity page, in the new frontend system. */
export const costContentRouteRef = createNewRouteRef();

/** The Topology tab of an entity page, in the new frontend system. */
export const topologyContentRouteRef = createNewRouteRef();

/** The Alerts tab of an entity page, in the new frontend system. */
export const alertsContentRouteRef = createNewRouteRef();
