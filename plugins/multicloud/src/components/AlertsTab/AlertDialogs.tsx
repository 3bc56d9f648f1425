import { ReactNode, useId, useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  AlertEvent,
  MulticloudAlert,
  multicloudAlertUpdatePermission,
} from '@multicloud/plugin-multicloud-common';
import useAsync from 'react-use/esm/useAsync';
import { AlertSilenceMatcher, multicloudApiRef } from '../../api';
import { formatTimestamp } from '../../lib/format';
import { describeActionError } from '../shared/permissionError';

const useStyles = makeStyles(theme => ({
  fields: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
  matchers: {
    margin: theme.spacing(1, 0),
    paddingLeft: theme.spacing(3),
  },
}));

/**
 * A dialog whose confirm button runs an action: it stays open with the
 * error when the action fails, and closes through `onDone` when it worked.
 */
const ActionDialog = (props: {
  /** The alert's entity, which the permission to act on it is asked on. */
  entityRef: string;
  title: string;
  confirmLabel: string;
  canConfirm: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  children: ReactNode;
}) => {
  const {
    entityRef,
    title,
    confirmLabel,
    canConfirm,
    onConfirm,
    onClose,
    onDone,
  } = props;
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onDone();
    } catch (e) {
      setError(
        describeActionError(e, {
          permission: multicloudAlertUpdatePermission,
          resourceRef: entityRef,
        }),
      );
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        {props.children}
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          disabled={busy || !canConfirm}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

type DialogProps = {
  alert: MulticloudAlert;
  onClose: () => void;
  /** Called once the action went through. */
  onDone: () => void;
};

/** Dismisses an alert; a reason is required and kept in its history. */
export const DismissDialog = (props: DialogProps) => {
  const { alert, onClose, onDone } = props;
  const multicloudApi = useApi(multicloudApiRef);
  const [reason, setReason] = useState('');
  return (
    <ActionDialog
      entityRef={alert.entityRef}
      title="Dismiss alert"
      confirmLabel="Dismiss"
      canConfirm={reason.trim() !== ''}
      onConfirm={() =>
        multicloudApi.dismissAlert(alert.id, { reason: reason.trim() })
      }
      onClose={onClose}
      onDone={onDone}
    >
      <DialogContentText>
        “{alert.title}” needs no action. It stays dismissed while the condition
        holds and opens again if the condition ends and comes back.
      </DialogContentText>
      <TextField
        id="multicloud-alert-dismiss-reason"
        label="Reason"
        required
        fullWidth
        multiline
        minRows={2}
        value={reason}
        onChange={event => setReason(event.target.value)}
        helperText="Why it needs no action; kept in the alert's history."
      />
    </ActionDialog>
  );
};

/** `YYYY-MM-DD` of a day in the browser's time zone. */
function localDate(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** Snoozes an alert until the start of a day the user picks. */
export const SnoozeUntilDialog = (props: DialogProps) => {
  const { alert, onClose, onDone } = props;
  const classes = useStyles();
  const multicloudApi = useApi(multicloudApiRef);
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  const [date, setDate] = useState(localDate(tomorrow));
  const [reason, setReason] = useState('');
  // A date input's value is a local calendar day: wake the alert at its start.
  const until = /^\d{4}-\d{2}-\d{2}$/.test(date)
    ? new Date(`${date}T00:00:00`)
    : undefined;
  const valid = until !== undefined && until.getTime() > Date.now();

  return (
    <ActionDialog
      entityRef={alert.entityRef}
      title="Snooze alert"
      confirmLabel="Snooze"
      canConfirm={valid}
      onConfirm={() =>
        multicloudApi.snoozeAlert(alert.id, {
          until: until!.toISOString(),
          reason: reason.trim() || undefined,
        })
      }
      onClose={onClose}
      onDone={onDone}
    >
      <DialogContentText>
        “{alert.title}” is hidden until the start of the day you pick, then
        opens again if the condition still holds.
      </DialogContentText>
      <div className={classes.fields}>
        <TextField
          id="multicloud-alert-snooze-until"
          label="Snooze until"
          type="date"
          required
          value={date}
          onChange={event => setDate(event.target.value)}
          InputLabelProps={{ shrink: true }}
          inputProps={{ min: localDate(tomorrow) }}
          error={date !== '' && !valid}
          helperText={
            date !== '' && !valid ? 'Pick a day after today.' : undefined
          }
        />
        <TextField
          id="multicloud-alert-snooze-reason"
          label="Reason (optional)"
          fullWidth
          value={reason}
          onChange={event => setReason(event.target.value)}
        />
      </div>
    </ActionDialog>
  );
};

const SILENCE_DURATIONS: ReadonlyArray<{ label: string; hours: number }> = [
  { label: '2 hours', hours: 2 },
  { label: '1 day', hours: 24 },
  { label: '1 week', hours: 24 * 7 },
];

/**
 * The matchers of a silence for one Alertmanager alert: every label of the
 * alert, each to equal its value, which includes `alertname` and the labels
 * the entity's matchers select on.
 */
export function silenceMatchers(alert: MulticloudAlert): AlertSilenceMatcher[] {
  return Object.entries(alert.alertmanager?.labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b, 'en-US'))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

/** Creates an Alertmanager silence matching the alert's labels. */
export const SilenceDialog = (props: DialogProps) => {
  const { alert, onClose, onDone } = props;
  const classes = useStyles();
  const multicloudApi = useApi(multicloudApiRef);
  const [hours, setHours] = useState(SILENCE_DURATIONS[0].hours);
  const [comment, setComment] = useState('');
  const matchers = silenceMatchers(alert);
  const instance = alert.alertmanager!.instance;

  return (
    <ActionDialog
      entityRef={alert.entityRef}
      title="Silence alert"
      confirmLabel="Silence"
      canConfirm={comment.trim() !== ''}
      onConfirm={() =>
        multicloudApi.createAlertSilence({
          entityRef: alert.entityRef,
          instance,
          matchers,
          endsAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
          comment: comment.trim(),
        })
      }
      onClose={onClose}
      onDone={onDone}
    >
      <DialogContentText>
        Alertmanager <strong>{instance}</strong> stops notifying about alerts
        with these labels; you are recorded as the silence's creator.
      </DialogContentText>
      <ul className={classes.matchers} aria-label="Silence matchers">
        {matchers.map(matcher => (
          <li key={matcher.name}>
            <code>
              {matcher.name}="{matcher.value}"
            </code>
          </li>
        ))}
      </ul>
      <div className={classes.fields}>
        <TextField
          id="multicloud-alert-silence-duration"
          select
          label="Duration"
          value={hours}
          onChange={event => setHours(Number(event.target.value))}
          SelectProps={{ native: true }}
        >
          {SILENCE_DURATIONS.map(duration => (
            <option key={duration.hours} value={duration.hours}>
              {duration.label}
            </option>
          ))}
        </TextField>
        <TextField
          id="multicloud-alert-silence-comment"
          label="Comment"
          required
          fullWidth
          multiline
          minRows={2}
          value={comment}
          onChange={event => setComment(event.target.value)}
          helperText="Why it is silenced; Alertmanager shows it with the silence."
        />
      </div>
    </ActionDialog>
  );
};

const EVENT_LABELS: Record<AlertEvent['event'], string> = {
  opened: 'Opened',
  reopened: 'Reopened',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  dismissed: 'Dismissed',
  resolved: 'Resolved',
  notified: 'Owner notified',
};

/** Every step of an alert's lifecycle, oldest first. */
export const HistoryDialog = (props: {
  alert: MulticloudAlert;
  onClose: () => void;
}) => {
  const { alert, onClose } = props;
  const titleId = useId();
  const multicloudApi = useApi(multicloudApiRef);
  const history = useAsync(
    () => multicloudApi.getAlertHistory(alert.id),
    [multicloudApi, alert.id],
  );

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>History of “{alert.title}”</DialogTitle>
      <DialogContent>
        {history.loading && <Progress />}
        {history.error && (
          <ResponseErrorPanel
            title="Could not load the history"
            error={history.error}
          />
        )}
        {history.value && (
          <Table size="small" aria-label="Alert history">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>What</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>Why</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {history.value.events.map((event, index) => (
                <TableRow key={index}>
                  <TableCell>{formatTimestamp(event.at)}</TableCell>
                  <TableCell>
                    {EVENT_LABELS[event.event]}
                    {event.snoozedUntil &&
                      ` until ${formatTimestamp(event.snoozedUntil)}`}
                  </TableCell>
                  <TableCell>{event.by ?? 'Evaluation'}</TableCell>
                  <TableCell>{event.reason ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
