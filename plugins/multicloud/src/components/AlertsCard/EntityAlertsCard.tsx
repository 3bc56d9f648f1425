import Typography from '@material-ui/core/Typography';
import {
  ALERT_SEVERITIES,
  AlertsResponse,
  multicloudAlertReadPermission,
} from '@multicloud/plugin-multicloud-common';
import { formatTimestamp } from '../../lib/format';
import { AlertCounts } from '../AlertsTab/AlertCounts';
import { hasSavings } from '../AlertsTab/alertLabels';
import { EntityOverviewCard, useEntityTabLink } from '../EntityOverviewCard';

/** How many open critical alerts the card names. */
const CRITICAL_SHOWN = 3;

const AlertsSummary = (props: { response: AlertsResponse }) => {
  const { response } = props;
  const unreachable = response.alertmanager.filter(
    instance => !instance.reachable,
  );
  const critical = [...response.alerts].sort(
    (a, b) => Date.parse(b.since) - Date.parse(a.since),
  );
  const nothing =
    ALERT_SEVERITIES.every(severity => response.counts[severity] === 0) &&
    !hasSavings(response.monthlySavings);
  return (
    <>
      {nothing ? (
        <Typography variant="body2" paragraph>
          Nothing needs attention.
        </Typography>
      ) : (
        <AlertCounts
          counts={response.counts}
          monthlySavings={response.monthlySavings}
        />
      )}
      {critical.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h3">
            Open critical alerts
          </Typography>
          <ul aria-label="Open critical alerts">
            {critical.slice(0, CRITICAL_SHOWN).map(alert => (
              <li key={alert.id}>
                <Typography variant="body2">{alert.title}</Typography>
              </li>
            ))}
          </ul>
          {critical.length > CRITICAL_SHOWN && (
            <Typography variant="body2" paragraph>
              and {critical.length - CRITICAL_SHOWN} more.
            </Typography>
          )}
        </>
      )}
      {unreachable.length > 0 && (
        <Typography variant="body2" color="error">
          Alertmanager {unreachable.map(instance => instance.id).join(', ')}{' '}
          could not be reached: its alerts are not counted.
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        {response.evaluatedAt
          ? `Evaluated ${formatTimestamp(response.evaluatedAt)}.`
          : 'Not evaluated yet.'}
      </Typography>
    </>
  );
};

/**
 * A small card for an entity's Overview: its open and acknowledged alerts
 * by severity, what its savings recommendations would save a month and its
 * newest open critical alerts, with a link to the Alerts tab. Needs an `EntityProvider` around it.
 *
 * @public
 */
export const EntityAlertsCard = (props: {
  /** Where the Alerts tab is; the entity page's `alerts` path by default. */
  tabLink?: string;
}) => {
  const link = useEntityTabLink('alerts', props.tabLink);
  return (
    <EntityOverviewCard
      title="Alerts"
      subheader="Open and acknowledged"
      link={link}
      linkTitle="View alerts"
      // The counts cover open and acknowledged alerts whatever the filters;
      // the list needs only the open critical ones.
      load={(api, entityRef) =>
        api.getAlerts({ entityRef, status: ['open'], severity: ['critical'] })
      }
      errorTitle="Could not load the alerts"
      notAllowed={{
        permission: multicloudAlertReadPermission,
        title: "You may not see this entity's alerts",
      }}
    >
      {response => <AlertsSummary response={response} />}
    </EntityOverviewCard>
  );
};
