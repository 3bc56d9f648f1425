import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import {
  CostConversion,
  CostExchangeRate,
} from '@multicloud/plugin-multicloud-common';
import { formatCurrency, formatMonth } from '../../lib/format';

/** `1 EUR = 1.08 USD in October 2026 (September 2026's rate)`. */
export function describeRate(
  rate: CostExchangeRate,
  from: string,
  to: string,
): string {
  const source = rate.rateMonth
    ? ` (rate of ${formatMonth(rate.rateMonth)})`
    : '';
  return `1 ${from} = ${rate.rate} ${to} in ${formatMonth(
    rate.month,
  )}${source}`;
}

/**
 * Says that the figures include cost converted from other currencies, with
 * the rates in a tooltip; nothing when none was.
 */
export const ConvertedCostNote = (props: {
  converted?: CostConversion[];
  /** The answer's currency, which the cost was converted into. */
  currency: string;
}) => {
  const { converted, currency } = props;
  if (!converted || converted.length === 0) {
    return null;
  }
  const amounts = converted.map(c => formatCurrency(c.amount, c.currency));
  const listed =
    amounts.length === 1
      ? amounts[0]
      : `${amounts.slice(0, -1).join(', ')} and ${amounts[amounts.length - 1]}`;
  const rates = (
    <>
      {converted.map(c => (
        <Typography key={c.currency} variant="body2" component="span">
          <Box component="span" display="block" mb={0.5}>
            {formatCurrency(c.amount, c.currency)} ={' '}
            {formatCurrency(c.convertedAmount, currency)}:
            {c.rates.map(rate => (
              <Box component="span" display="block" key={rate.month}>
                {describeRate(rate, c.currency, currency)}
              </Box>
            ))}
          </Box>
        </Typography>
      ))}
    </>
  );
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      Includes {listed} converted to {currency} at monthly rates from config
      <Tooltip title={rates}>
        <IconButton size="small" aria-label="Exchange rates used">
          <InfoOutlinedIcon fontSize="inherit" />
        </IconButton>
      </Tooltip>
    </Typography>
  );
};
