import { useRouteRef } from '@backstage/frontend-plugin-api';
import { topologyContentRouteRef } from '../../routes';
import { EntityTopologyCard } from './EntityTopologyCard';

/**
 * The card in the new frontend system, linking to wherever the app mounts
 * the Topology tab (its path can be changed in app-config).
 */
export const TopologyCardLinkedToTab = () => {
  const tabRoute = useRouteRef(topologyContentRouteRef);
  return <EntityTopologyCard tabLink={tabRoute?.()} />;
};
