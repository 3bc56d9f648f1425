import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  AlertmanagerInstanceStatus,
  MulticloudAlert,
  multicloudAlertReadPermission,
  multicloudAlertUpdatePermission,
} from '@multicloud/plugin-multicloud-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { MulticloudApi, multicloudApiRef } from '../../api';
import { formatTimestamp } from '../../lib/format';
import { LoadErrorPanel } from '../shared/LoadErrorPanel';
import { describeActionError } from '../shared/permissionError';
import { AlertRowAction } from './AlertActions';
import { AlertCounts } from './AlertCounts';
import {
  DismissDialog,
  HistoryDialog,
  SilenceDialog,
  SnoozeUntilDialog,
} from './AlertDialogs';
import {
  AlertFilterValues,
  AlertFilters,
  DEFAULT_ALERT_FILTERS,
  statusesOf,
} from './AlertFilters';
import { AlertsTable } from './AlertsTable';
import { NoAlerts } from './NoAlerts';

const DAY_MS = 86_400_000;

type DialogAction = Extract<
  AlertRowAction,
  'snooze-until' | 'dismiss' | 'silence' | 'history'
>;

const DIALOG_ACTIONS: ReadonlyArray<AlertRowAction> = [
  'snooze-until',
  'dismiss',
  'silence',
  'history',
];

/** What a button does at once, and the words that confirm it. */
function immediateAction(
  action: Exclude<AlertRowAction, DialogAction>,
  alert: MulticloudAlert,
  api: MulticloudApi,
): { run: () => Promise<unknown>; done: string } {
  const snooze = (days: number) =>
    api.snoozeAlert(alert.id, {
      until: new Date(Date.now() + days * DAY_MS).toISOString(),
    });
  switch (action) {
    case 'acknowledge':
      return {
        run: () => api.acknowledgeAlert(alert.id),
        done: `Acknowledged “${alert.title}”`,
      };
    case 'snooze-day':
      return {
        run: () => snooze(1),
        done: `Snoozed “${alert.title}” for a day`,
      };
    case 'snooze-week':
      return {
        run: () => snooze(7),
        done: `Snoozed “${alert.title}” for a week`,
      };
    case 'reopen':
      return {
        run: () => api.reopenAlert(alert.id),
        done: `Reopened “${alert.title}”`,
      };
    case 'expire-silence':
    default:
      return {
        run: () =>
          Promise.all(
            alert.alertmanager!.silencedBy.map(silenceId =>
              api.expireAlertSilence({
                entityRef: alert.entityRef,
                instance: alert.alertmanager!.instance,
                silenceId,
              }),
            ),
          ),
        done: `Expired the silence of “${alert.title}”`,
      };
  }
}

/** One notice for every Alertmanager that could not be read. */
const AlertmanagerNotice = (props: {
  instances: AlertmanagerInstanceStatus[];
}) => {
  const { instances } = props;
  return (
    <WarningPanel
      title={
        instances.length === 1
          ? `Alertmanager ${instances[0].id} could not be reached`
          : `${instances.length} Alertmanager instances could not be reached`
      }
      defaultExpanded
      message={`${
        instances.length === 1 ? 'Its alerts are' : 'Their alerts are'
      } missing from the table below; every other alert is shown.`}
    >
      <ul>
        {instances.map(instance => (
          <li key={instance.id}>
            {instance.id} ({instance.url})
            {instance.error ? `: ${instance.error}` : ''}
          </li>
        ))}
      </ul>
    </WarningPanel>
  );
};

/**
 * The Alerts tab of an entity: budget, anomaly, hygiene, savings and
 * Alertmanager alerts about it and what it owns, contains or depends on,
 * with their lifecycle.
 *
 * @public
 */
export const EntityAlertsContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const multicloudApi = useApi(multicloudApiRef);
  const alertApi = useApi(alertApiRef);
  // Each row asks about its own alert's entity; this answer, about the
  // page's entity, says whether to explain why its alerts offer no changes.
  const permission = usePermission({
    permission: multicloudAlertUpdatePermission,
    resourceRef: entityRef,
  });
  const mayNotUpdate =
    !permission.loading && !permission.allowed && !permission.error;
  const [filters, setFilters] = useState<AlertFilterValues>(
    DEFAULT_ALERT_FILTERS,
  );
  const [busyId, setBusyId] = useState<string>();
  const [dialog, setDialog] = useState<{
    action: DialogAction;
    alert: MulticloudAlert;
  }>();

  const alerts = useAsyncRetry(
    () =>
      multicloudApi.getAlerts({
        entityRef,
        status: statusesOf(filters.status),
        source: filters.source ? [filters.source] : [],
        severity: filters.severity ? [filters.severity] : [],
      }),
    [multicloudApi, entityRef, filters],
  );
  const response = alerts.value;

  const onAction = async (action: AlertRowAction, alert: MulticloudAlert) => {
    if (DIALOG_ACTIONS.includes(action)) {
      setDialog({ action: action as DialogAction, alert });
      return;
    }
    const { run, done } = immediateAction(
      action as Exclude<AlertRowAction, DialogAction>,
      alert,
      multicloudApi,
    );
    setBusyId(alert.id);
    try {
      await run();
      alertApi.post({
        message: done,
        severity: 'success',
        display: 'transient',
      });
      alerts.retry();
    } catch (e) {
      alertApi.post({
        message: describeActionError(e, {
          permission: multicloudAlertUpdatePermission,
          resourceRef: alert.entityRef,
        }),
        severity: 'error',
      });
    } finally {
      setBusyId(undefined);
    }
  };

  const closeDialog = () => setDialog(undefined);
  const dialogDone = () => {
    setDialog(undefined);
    alerts.retry();
  };

  const unreachable =
    response?.alertmanager.filter(instance => !instance.reachable) ?? [];
  const filtered =
    filters.source !== undefined ||
    filters.severity !== undefined ||
    filters.status !== DEFAULT_ALERT_FILTERS.status;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <AlertFilters value={filters} onChange={setFilters} />
      </Grid>
      {alerts.loading && !response && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {alerts.error && (
        <Grid item xs={12}>
          <LoadErrorPanel
            title="Could not load the alerts"
            notAllowedTitle="You may not see this entity's alerts"
            required={{
              permission: multicloudAlertReadPermission,
              resourceRef: entityRef,
            }}
            error={alerts.error}
          />
        </Grid>
      )}
      {response && !alerts.error && (
        <>
          <Grid item xs={12}>
            <InfoCard
              title="Needs attention"
              subheader={
                response.evaluatedAt
                  ? `Open and acknowledged alerts; evaluated ${formatTimestamp(
                      response.evaluatedAt,
                    )}`
                  : 'Open and acknowledged alerts; not evaluated yet'
              }
            >
              <AlertCounts
                counts={response.counts}
                monthlySavings={response.monthlySavings}
              />
            </InfoCard>
          </Grid>
          {unreachable.length > 0 && (
            <Grid item xs={12}>
              <AlertmanagerNotice instances={unreachable} />
            </Grid>
          )}
          {mayNotUpdate && response.alerts.length > 0 && (
            <Grid item xs={12}>
              <Typography variant="body2" color="textSecondary">
                You can see the alerts of {entityRef} but not act on them: that
                takes the permission{' '}
                <code>{multicloudAlertUpdatePermission.name}</code>; ask the
                entity's owners or your Backstage admins.
              </Typography>
            </Grid>
          )}
          <Grid item xs={12}>
            {response.alerts.length === 0 && !filtered ? (
              <NoAlerts evaluatedAt={response.evaluatedAt} />
            ) : (
              <AlertsTable
                alerts={response.alerts}
                entityRef={entityRef}
                busyId={busyId}
                refreshing={alerts.loading}
                onAction={onAction}
              />
            )}
          </Grid>
        </>
      )}
      {dialog?.action === 'dismiss' && (
        <DismissDialog
          alert={dialog.alert}
          onClose={closeDialog}
          onDone={dialogDone}
        />
      )}
      {dialog?.action === 'snooze-until' && (
        <SnoozeUntilDialog
          alert={dialog.alert}
          onClose={closeDialog}
          onDone={dialogDone}
        />
      )}
      {dialog?.action === 'silence' && (
        <SilenceDialog
          alert={dialog.alert}
          onClose={closeDialog}
          onDone={dialogDone}
        />
      )}
      {dialog?.action === 'history' && (
        <HistoryDialog alert={dialog.alert} onClose={closeDialog} />
      )}
    </Grid>
  );
};
