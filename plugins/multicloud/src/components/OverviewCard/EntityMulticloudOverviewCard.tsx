import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ALERT_SEVERITIES,
  AlertsResponse,
  CostBudget,
  EntityCostResponse,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import useAsync from 'react-use/esm/useAsync';
import { MulticloudApi, multicloudApiRef } from '../../api';
import { hasNoCost } from '../../lib/costResponse';
import {
  formatCurrency,
  formatMonth,
  formatPercent,
  formatShortDate,
  formatTimestamp,
} from '../../lib/format';
import { sameDaysLastMonth, todayUtc } from '../../lib/period';
import { SEVERITY_LABELS, SeverityIcon } from '../AlertsTab/alertLabels';
import { EntityOverviewCard, useEntityTabLink } from '../EntityOverviewCard';
import { ChangeIndicator } from '../shared/ChangeIndicator';
import { ConvertedCostNote } from '../shared/ConvertedCostNote';

/** The Cost tab's view of the card's figures: the month so far by service. */
const COST_TAB_QUERY = 'period=monthToDate&groupBy=service';

const useStyles = makeStyles(theme => ({
  over: { color: theme.palette.error.main },
  heading: { color: theme.palette.warning.dark },
  alerts: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  severity: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

type MonthCost = {
  thisMonth: EntityCostResponse;
  lastMonth: EntityCostResponse;
};

/** The month so far and the same days of the month before, by service. */
async function loadMonthCost(
  api: MulticloudApi,
  entityRef: string,
  today: string,
): Promise<MonthCost> {
  const lastMonthDays = sameDaysLastMonth(today);
  const [thisMonth, lastMonth] = await Promise.all([
    api.getEntityCost({
      entityRef,
      from: `${today.slice(0, 7)}-01`,
      to: today,
      groupBy: 'service',
      metric: 'effective',
    }),
    api.getEntityCost({
      entityRef,
      ...lastMonthDays,
      groupBy: 'service',
      metric: 'effective',
    }),
  ]);
  return { thisMonth, lastMonth };
}

const BudgetStatus = (props: { budget: CostBudget }) => {
  const { budget } = props;
  const classes = useStyles();
  const amount = formatCurrency(budget.amount, budget.currency);
  const forecast =
    budget.forecastShare === null
      ? ''
      : `, forecast ${formatPercent(budget.forecastShare)}`;
  if (budget.actualShare > 1) {
    return (
      <Typography variant="body2" className={classes.over}>
        Over budget: {formatPercent(budget.actualShare)} of {amount} spent
        {forecast}
      </Typography>
    );
  }
  if (budget.forecastShare !== null && budget.forecastShare > 1) {
    return (
      <Typography variant="body2" className={classes.heading}>
        Heading over budget: {formatPercent(budget.actualShare)} of {amount}{' '}
        spent{forecast}
      </Typography>
    );
  }
  return (
    <Typography variant="body2">
      Within budget: {formatPercent(budget.actualShare)} of {amount} spent
      {forecast}
    </Typography>
  );
};

const MonthCostSummary = (props: { cost: MonthCost }) => {
  const { thisMonth, lastMonth } = props.cost;
  const { currency, forecast, budget } = thisMonth;

  if (hasNoCost(thisMonth)) {
    return (
      <>
        <Typography variant="body2" paragraph>
          No cost is attributed to this entity this month. The Cost tab says how
          cost gets here.
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {thisMonth.lastImportAt
            ? `Cost data was last imported ${formatTimestamp(
                thisMonth.lastImportAt,
              )}.`
            : 'No cost data has been imported yet.'}
        </Typography>
      </>
    );
  }

  const change = thisMonth.total - lastMonth.total;
  const topDriver = thisMonth.breakdown[0];
  return (
    <>
      <Typography variant="h4" component="p">
        {formatCurrency(thisMonth.total, currency)}
      </Typography>
      {lastMonth.currency === currency && (
        <ChangeIndicator
          change={change}
          changePercent={
            lastMonth.total === 0 ? null : change / lastMonth.total
          }
          currency={currency}
          suffix={`vs ${formatShortDate(lastMonth.from)} to ${formatShortDate(
            lastMonth.to,
          )}`}
        />
      )}
      <Box mt={1}>
        <Typography variant="body2">
          {forecast
            ? `Forecast for ${formatMonth(
                forecast.periodEnd.slice(0, 7),
              )}: ${formatCurrency(forecast.monthTotal, currency)}`
            : 'No forecast yet: too little cost history.'}
        </Typography>
        {budget && <BudgetStatus budget={budget} />}
        {topDriver && (
          <Typography variant="body2">
            Top cost driver: {topDriver.label},{' '}
            {formatCurrency(topDriver.cost, currency)} (
            {formatPercent(topDriver.share)})
          </Typography>
        )}
        <ConvertedCostNote
          converted={thisMonth.converted}
          currency={currency}
        />
        {thisMonth.otherCurrencies.length > 0 && (
          <Typography variant="body2" color="textSecondary">
            {thisMonth.converted
              ? `Not included, no exchange rate to ${currency} in config: `
              : 'Not included, billed in other currencies: '}
            {thisMonth.otherCurrencies
              .map(other => formatCurrency(other.total, other.currency))
              .join(', ')}
          </Typography>
        )}
      </Box>
    </>
  );
};

/** The entity's open alerts by severity, with a link to the Alerts tab. */
const OpenAlertsLine = (props: { alerts: AlertsResponse; link: string }) => {
  const { alerts, link } = props;
  const classes = useStyles();
  const severities = ALERT_SEVERITIES.filter(
    severity => alerts.counts[severity] > 0,
  );
  return (
    <Box className={classes.alerts}>
      <Typography variant="body2" component="span">
        {severities.length === 0 ? 'No open alerts.' : 'Open alerts:'}
      </Typography>
      {severities.map(severity => (
        <Typography
          key={severity}
          variant="body2"
          component="span"
          className={classes.severity}
        >
          <SeverityIcon severity={severity} />
          {alerts.counts[severity]}{' '}
          {SEVERITY_LABELS[severity].toLocaleLowerCase('en-US')}
        </Typography>
      ))}
      <Link to={link}>View alerts</Link>
    </Box>
  );
};

/**
 * A small card for an entity's Overview: its cost this month so far and the
 * change against the same days of last month, the month's forecast, how it
 * stands against its budget when it has one and its top cost driver, with a
 * link to the Cost tab; and a line with its open alerts by severity, linking
 * to the Alerts tab. Needs an `EntityProvider` around it.
 *
 * @public
 */
export const EntityMulticloudOverviewCard = (props: {
  /** Where the Cost tab is; the entity page's `cost` path by default. */
  costTabLink?: string;
  /** Where the Alerts tab is; the entity page's `alerts` path by default. */
  alertsTabLink?: string;
}) => {
  const costLink = useEntityTabLink('cost', props.costTabLink);
  const alertsLink = useEntityTabLink('alerts', props.alertsTabLink);
  const today = todayUtc();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const multicloudApi = useApi(multicloudApiRef);
  // Asked at the same time as the cost. Only the counts are read: they cover
  // every open and acknowledged alert whatever the filters, which keep the
  // answer small. Without an answer there is no line: the card is about cost,
  // and the Alerts tab says what went wrong.
  const alerts = useAsync(
    () =>
      multicloudApi.getAlerts({
        entityRef,
        status: ['open'],
        severity: ['critical'],
      }),
    [multicloudApi, entityRef],
  );
  return (
    <EntityOverviewCard
      title="Cloud cost"
      subheader={`${formatMonth(today.slice(0, 7))} so far`}
      link={`${costLink}?${COST_TAB_QUERY}`}
      linkTitle="View cost"
      load={(api, ref) => loadMonthCost(api, ref, today)}
      errorTitle="Could not load the cost"
      notAllowed={{
        permission: multicloudCostReadPermission,
        title: "You may not see this entity's cost",
      }}
      footer={
        alerts.value && (
          <OpenAlertsLine alerts={alerts.value} link={alertsLink} />
        )
      }
    >
      {cost => <MonthCostSummary cost={cost} />}
    </EntityOverviewCard>
  );
};
