import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ALERT_SEVERITIES,
  AlertAmount,
  AlertSeverity,
} from '@multicloud/plugin-multicloud-common';
import {
  SEVERITY_LABELS,
  SeverityIcon,
  formatAmounts,
  hasSavings,
} from './alertLabels';

const useStyles = makeStyles(theme => ({
  counts: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(3),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  count: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
  },
  label: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

/**
 * Open and acknowledged alerts by severity, each a number over its icon and
 * word, and what the open savings recommendations would save a month.
 */
export const AlertCounts = (props: {
  counts: Record<AlertSeverity, number>;
  monthlySavings: AlertAmount[];
}) => {
  const { counts, monthlySavings } = props;
  const classes = useStyles();
  return (
    <ul className={classes.counts} aria-label="Open alerts by severity">
      {ALERT_SEVERITIES.map(severity => (
        <li
          key={severity}
          className={classes.count}
          aria-label={`${SEVERITY_LABELS[severity]}: ${counts[severity]}`}
        >
          <Typography variant="h4" component="span">
            {counts[severity]}
          </Typography>
          <Typography
            variant="body2"
            component="span"
            className={classes.label}
          >
            <SeverityIcon severity={severity} />
            {SEVERITY_LABELS[severity]}
          </Typography>
        </li>
      ))}
      {hasSavings(monthlySavings) && (
        <li
          className={classes.count}
          aria-label={`You could save ${formatAmounts(monthlySavings)}/month`}
        >
          <Typography variant="h4" component="span">
            {formatAmounts(monthlySavings)}/month
          </Typography>
          <Typography variant="body2" component="span">
            Possible savings
          </Typography>
        </li>
      )}
    </ul>
  );
};
