import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ErrorIcon from '@material-ui/icons/Error';
import InfoIcon from '@material-ui/icons/Info';
import WarningIcon from '@material-ui/icons/Warning';
import {
  AlertAmount,
  AlertSeverity,
  AlertSource,
  AlertStatus,
} from '@multicloud/plugin-multicloud-common';
import { formatCurrency } from '../../lib/format';

export const SEVERITY_LABELS: Record<AlertSeverity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

export const SOURCE_LABELS: Record<AlertSource, string> = {
  cost: 'Cost',
  hygiene: 'Hygiene',
  savings: 'Savings',
  alertmanager: 'Alertmanager',
};

export const STATUS_LABELS: Record<AlertStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  dismissed: 'Dismissed',
  resolved: 'Resolved',
};

/** Most urgent first, for sorting. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = {
  critical: 0,
  warning: 1,
  info: 2,
};

const useSeverityStyles = makeStyles(theme => ({
  label: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  critical: { color: theme.palette.error.main },
  warning: { color: theme.palette.warning.main },
  info: { color: theme.palette.info.main },
}));

const SEVERITY_ICONS = {
  critical: ErrorIcon,
  warning: WarningIcon,
  info: InfoIcon,
};

/** The severity's icon in its theme colour, then its word. */
export const SeverityIcon = (props: {
  severity: AlertSeverity;
  fontSize?: 'small' | 'inherit' | 'default' | 'large';
}) => {
  const classes = useSeverityStyles();
  const Icon = SEVERITY_ICONS[props.severity];
  return (
    <Icon
      className={classes[props.severity]}
      fontSize={props.fontSize ?? 'small'}
      aria-hidden
    />
  );
};

/** The severity's icon and word. */
export const SeverityLabel = (props: { severity: AlertSeverity }) => {
  const classes = useSeverityStyles();
  return (
    <Typography variant="body2" component="span" className={classes.label}>
      <SeverityIcon severity={props.severity} />
      {SEVERITY_LABELS[props.severity]}
    </Typography>
  );
};

/** `$412.50`, or `$412.50 + €30.00` for amounts in several currencies. */
export function formatAmounts(amounts: AlertAmount[]): string {
  return amounts
    .map(({ amount, currency }) => formatCurrency(amount, currency))
    .join(' + ');
}

/** Whether any amount is above zero. */
export function hasSavings(amounts: AlertAmount[]): boolean {
  return amounts.some(({ amount }) => amount > 0);
}

const RELATIVE_UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** `3 days ago`, `in 2 hours`, `now`, in the browser's locale. */
export function formatRelativeTime(time: string, now = Date.now()): string {
  const seconds = (Date.parse(time) - now) / 1000;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return format.format(0, 'second');
}
