import { InfoCard } from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import {
  CostForecast,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';
import { formatCurrency, formatMonth, formatPercent } from '../../lib/format';
import { daysBetween } from '../../lib/period';
import { ChangeIndicator } from './ChangeIndicator';
import { ConvertedCostNote } from './ConvertedCostNote';

/**
 * The period's total, its change against the previous period of equal
 * length, and what other currencies it includes converted or leaves out.
 */
export const TotalCard = (props: {
  response: Pick<
    EntityCostResponse,
    | 'from'
    | 'to'
    | 'total'
    | 'currency'
    | 'previous'
    | 'otherCurrencies'
    | 'converted'
  >;
}) => {
  const { from, to, total, currency, previous, otherCurrencies, converted } =
    props.response;
  const days = daysBetween(from, to);
  return (
    <InfoCard title="Total" subheader={`${from} to ${to}`}>
      <Typography variant="h4" component="p">
        {formatCurrency(total, currency)}
      </Typography>
      <ChangeIndicator
        change={previous.change}
        changePercent={previous.changePercent}
        currency={currency}
        suffix={`vs previous ${days} ${days === 1 ? 'day' : 'days'}`}
      />
      <Typography variant="body2" color="textSecondary">
        Previous period ({previous.from} to {previous.to}):{' '}
        {formatCurrency(previous.total, currency)}
      </Typography>
      <ConvertedCostNote converted={converted} currency={currency} />
      {otherCurrencies.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          {converted
            ? `Not included, no exchange rate to ${currency} in config: `
            : 'Not included, billed in other currencies: '}
          {otherCurrencies
            .map(other => formatCurrency(other.total, other.currency))
            .join(', ')}
        </Typography>
      )}
    </InfoCard>
  );
};

/** The month's expected total with its 80% prediction interval. */
export const ForecastCard = (props: {
  forecast: CostForecast | null;
  currency: string;
}) => {
  const { forecast, currency } = props;
  if (!forecast) {
    return (
      <InfoCard title="Forecast">
        <Typography variant="body2" color="textSecondary">
          Not enough cost history for a forecast yet.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard
      title="Forecast"
      subheader={`${formatMonth(forecast.periodEnd.slice(0, 7))} total`}
    >
      <Typography variant="h4" component="p">
        {formatCurrency(forecast.monthTotal, currency)}
      </Typography>
      <Typography variant="body2">
        80% interval: {formatCurrency(forecast.monthLower, currency)} to{' '}
        {formatCurrency(forecast.monthUpper, currency)}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {forecast.mape === null
          ? 'Model error not measured yet (too little history)'
          : `Model error (MAPE): ${formatPercent(forecast.mape)}`}
      </Typography>
      {forecast.coverage && forecast.coverage.month !== null && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          title={
            'Rolling backtest over the last eight weeks: from each day, the ' +
            'forecast made with the history up to it, compared with what ' +
            'came after it'
          }
        >
          {`Backtest: the ${formatPercent(
            forecast.coverage.level,
          )} interval held ${formatPercent(
            forecast.coverage.month,
          )} of month totals${
            forecast.coverage.day === null
              ? ''
              : ` and ${formatPercent(forecast.coverage.day)} of days`
          }`}
        </Typography>
      )}
    </InfoCard>
  );
};

const UNALLOCATED_EXPLANATION =
  'Cost in this period, across the whole organisation, that could not be ' +
  'attributed to any catalog entity: no Resource entity has its resource id ' +
  '(annotation multicloud.io/resource-id) and the resource carries no ' +
  'component, system or owner tag. It is not part of the figures above.';

/** The organisation-wide share of cost that no entity owns. */
export const UnallocatedCard = (props: {
  unallocated: { cost: number; share: number };
  currency: string;
}) => {
  const { unallocated, currency } = props;
  return (
    <InfoCard
      title="Unallocated"
      subheader="Across the organisation"
      action={
        <Tooltip title={UNALLOCATED_EXPLANATION}>
          <IconButton size="small" aria-label="What is unallocated cost?">
            <InfoOutlinedIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      }
    >
      <Typography variant="h4" component="p">
        {formatPercent(unallocated.share)}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {formatCurrency(unallocated.cost, currency)} not attributed to any
        entity
      </Typography>
    </InfoCard>
  );
};
