import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import { formatCurrency, formatPercent } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  // More spend is the bad direction.
  increase: { color: theme.palette.error.main },
  decrease: { color: theme.palette.success.main },
}));

/** The text of a change: `+$12.00 (+5%)`, `new` when there was nothing before. */
export function describeChange(
  change: number,
  changePercent: number | null,
  currency: string,
): string {
  const amount = formatCurrency(change, currency, { signed: true });
  if (change === 0) {
    return `${amount} (no change)`;
  }
  return changePercent === null
    ? `${amount} (new)`
    : `${amount} (${formatPercent(changePercent, { signed: true })})`;
}

/** A cost change with an arrow, coloured by direction. */
export const ChangeIndicator = (props: {
  change: number;
  changePercent: number | null;
  currency: string;
  /** Text after the figures, for example `vs previous 30 days`. */
  suffix?: string;
}) => {
  const { change, changePercent, currency, suffix } = props;
  const classes = useStyles();
  let direction = '';
  if (change > 0) {
    direction = classes.increase;
  } else if (change < 0) {
    direction = classes.decrease;
  }
  const text = describeChange(change, changePercent, currency);
  return (
    <Box className={`${classes.root} ${direction}`}>
      {change > 0 && <ArrowUpwardIcon fontSize="inherit" aria-hidden />}
      {change < 0 && <ArrowDownwardIcon fontSize="inherit" aria-hidden />}
      <Typography variant="body2" component="span" color="inherit">
        {suffix ? `${text} ${suffix}` : text}
      </Typography>
    </Box>
  );
};
