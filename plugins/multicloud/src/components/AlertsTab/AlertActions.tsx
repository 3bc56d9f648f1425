import { MouseEvent, ReactElement, useId, useState } from 'react';
import { usePermission } from '@backstage/plugin-permission-react';
import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import CloseIcon from '@material-ui/icons/Close';
import HistoryIcon from '@material-ui/icons/History';
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import NotificationsOffIcon from '@material-ui/icons/NotificationsOff';
import ReplayIcon from '@material-ui/icons/Replay';
import SnoozeIcon from '@material-ui/icons/Snooze';
import {
  MulticloudAlert,
  multicloudAlertUpdatePermission,
} from '@multicloud/plugin-multicloud-common';

/** What a row's buttons ask the tab to do. */
export type AlertRowAction =
  | 'acknowledge'
  | 'snooze-day'
  | 'snooze-week'
  | 'snooze-until'
  | 'dismiss'
  | 'reopen'
  | 'silence'
  | 'expire-silence'
  | 'history';

const useStyles = makeStyles({
  actions: { display: 'flex', flexWrap: 'nowrap' },
});

const ActionButton = (props: {
  label: string;
  icon: ReactElement;
  disabled: boolean;
  onClick: (event: MouseEvent<HTMLButtonElement>) => void;
  'aria-haspopup'?: boolean;
  'aria-controls'?: string;
}) => {
  const { label, icon, disabled, onClick } = props;
  const button = (
    <IconButton
      size="small"
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
      aria-haspopup={props['aria-haspopup']}
      aria-controls={props['aria-controls']}
    >
      {icon}
    </IconButton>
  );
  // A disabled button fires no events for the tooltip: leave it bare.
  return disabled ? button : <Tooltip title={label}>{button}</Tooltip>;
};

/** The lifecycle actions an alert's status allows. */
function lifecycleActions(alert: MulticloudAlert): AlertRowAction[] {
  switch (alert.status) {
    case 'open':
      return ['acknowledge', 'snooze-day', 'dismiss'];
    case 'acknowledged':
      return ['snooze-day', 'dismiss', 'reopen'];
    case 'snoozed':
      return ['dismiss', 'reopen'];
    case 'dismissed':
      return ['reopen'];
    default:
      return [];
  }
}

/**
 * The buttons of one alert: acknowledge, snooze (a menu: 1 day, 1 week,
 * until a date), dismiss, reopen and history for computed alerts; silence
 * or expire the silence for Alertmanager alerts. The changes are offered
 * only to who may make them (`multicloud.alert.update` on the alert's
 * entity); until that is known, and without it, only History is.
 */
export const AlertActions = (props: {
  alert: MulticloudAlert;
  busy: boolean;
  onAction: (action: AlertRowAction, alert: MulticloudAlert) => void;
}) => {
  const { alert, busy, onAction } = props;
  const { allowed: canUpdate } = usePermission({
    permission: multicloudAlertUpdatePermission,
    resourceRef: alert.entityRef,
  });
  const classes = useStyles();
  const menuId = useId();
  const [snoozeAnchor, setSnoozeAnchor] = useState<HTMLElement | null>(null);
  const act = (action: AlertRowAction) => {
    setSnoozeAnchor(null);
    onAction(action, alert);
  };

  if (alert.alertmanager) {
    if (!canUpdate) {
      return null;
    }
    return alert.alertmanager.silencedBy.length > 0 ? (
      <ActionButton
        label="Expire silence"
        icon={<NotificationsActiveIcon fontSize="small" />}
        disabled={busy}
        onClick={() => act('expire-silence')}
      />
    ) : (
      <ActionButton
        label="Silence"
        icon={<NotificationsOffIcon fontSize="small" />}
        disabled={busy}
        onClick={() => act('silence')}
      />
    );
  }

  const allowed = canUpdate ? lifecycleActions(alert) : [];
  return (
    <div className={classes.actions}>
      {allowed.includes('acknowledge') && (
        <ActionButton
          label="Acknowledge"
          icon={<CheckIcon fontSize="small" />}
          disabled={busy}
          onClick={() => act('acknowledge')}
        />
      )}
      {allowed.includes('snooze-day') && (
        <>
          <ActionButton
            label="Snooze"
            icon={<SnoozeIcon fontSize="small" />}
            disabled={busy}
            aria-haspopup
            aria-controls={menuId}
            onClick={event => setSnoozeAnchor(event.currentTarget)}
          />
          <Menu
            id={menuId}
            anchorEl={snoozeAnchor}
            open={Boolean(snoozeAnchor)}
            onClose={() => setSnoozeAnchor(null)}
          >
            <MenuItem onClick={() => act('snooze-day')}>For 1 day</MenuItem>
            <MenuItem onClick={() => act('snooze-week')}>For 1 week</MenuItem>
            <MenuItem onClick={() => act('snooze-until')}>
              Until a date…
            </MenuItem>
          </Menu>
        </>
      )}
      {allowed.includes('dismiss') && (
        <ActionButton
          label="Dismiss"
          icon={<CloseIcon fontSize="small" />}
          disabled={busy}
          onClick={() => act('dismiss')}
        />
      )}
      {allowed.includes('reopen') && (
        <ActionButton
          label="Reopen"
          icon={<ReplayIcon fontSize="small" />}
          disabled={busy}
          onClick={() => act('reopen')}
        />
      )}
      <ActionButton
        label="History"
        icon={<HistoryIcon fontSize="small" />}
        disabled={false}
        onClick={() => act('history')}
      />
    </div>
  );
};
