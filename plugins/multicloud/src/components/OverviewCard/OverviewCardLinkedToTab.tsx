import { useRouteRef } from '@backstage/frontend-plugin-api';
import { alertsContentRouteRef, costContentRouteRef } from '../../routes';
import { EntityMulticloudOverviewCard } from './EntityMulticloudOverviewCard';

/**
 * The card in the new frontend system, linking to wherever the app mounts
 * the Cost and Alerts tabs (their paths can be changed in app-config).
 */
export const OverviewCardLinkedToTab = () => {
  const costRoute = useRouteRef(costContentRouteRef);
  const alertsRoute = useRouteRef(alertsContentRouteRef);
  return (
    <EntityMulticloudOverviewCard
      costTabLink={costRoute?.()}
      alertsTabLink={alertsRoute?.()}
    />
  );
};
