import { useRouteRef } from '@backstage/frontend-plugin-api';
import { alertsContentRouteRef } from '../../routes';
import { EntityAlertsCard } from './EntityAlertsCard';

/**
 * The card in the new frontend system, linking to wherever the app mounts
 * the Alerts tab (its path can be changed in app-config).
 */
export const AlertsCardLinkedToTab = () => {
  const tabRoute = useRouteRef(alertsContentRouteRef);
  return <EntityAlertsCard tabLink={tabRoute?.()} />;
};
