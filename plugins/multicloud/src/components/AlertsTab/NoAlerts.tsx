import { EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { MULTICLOUD_ANNOTATIONS } from '@multicloud/plugin-multicloud-common';
import { formatTimestamp } from '../../lib/format';

/**
 * Nothing needs attention: says what is evaluated, so that an empty tab is
 * not mistaken for one that looks at nothing.
 */
export const NoAlerts = (props: { evaluatedAt?: string }) => {
  const { evaluatedAt } = props;
  return (
    <EmptyState
      missing="data"
      title="No open alerts"
      description={`Nothing about this entity, or what it owns, contains or depends on, needs attention. ${
        evaluatedAt
          ? `Last evaluated ${formatTimestamp(evaluatedAt)}.`
          : 'The alerts have not been evaluated yet.'
      } Choose All statuses to see acknowledged, snoozed, dismissed and resolved alerts.`}
      action={
        <Box>
          <Typography variant="subtitle1" component="h3">
            What is evaluated
          </Typography>
          <ul>
            <li>
              <Typography variant="body2">
                <strong>Cost</strong>: the month's cost and forecast against the
                monthly budget (the Budget card of the Cost tab or the{' '}
                <code>{MULTICLOUD_ANNOTATIONS.monthlyBudget}</code> annotation),
                and cost anomalies.
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                <strong>Hygiene</strong>: cloud resources without an owner or
                without the required tags, firewalls and security groups open to
                the internet on sensitive ports, databases with a public IP,
                Kubernetes workloads with no available replica.
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                <strong>Savings</strong>: unattached volumes, unassociated
                public IPs, stopped instances still billing for storage,
                resources of a deleted owner and idle NAT gateways, each with
                its monthly cost.
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                <strong>Alertmanager</strong>: firing alerts whose labels match
                the <code>{MULTICLOUD_ANNOTATIONS.alertMatchers}</code>{' '}
                annotation (by default{' '}
                <code>service="&lt;entity name&gt;"</code>
                ).
              </Typography>
            </li>
          </ul>
        </Box>
      }
    />
  );
};
