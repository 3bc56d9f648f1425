import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  CostMetric,
  EntityCostResponse,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multicloudApiRef } from '../../api';
import { hasNoCost } from '../../lib/costResponse';
import { formatCurrency, formatShortDate } from '../../lib/format';
import { daysInMonth, todayUtc } from '../../lib/period';
import {
  BreakdownTable,
  CostChart,
  ForecastCard,
  GROUP_BY_LABELS,
  GroupBySelect,
  LoadErrorPanel,
  MetricSelect,
  CostFilterBar,
  NoCostData,
  NoMatchingCost,
  PeriodPicker,
  TotalCard,
  UnallocatedCard,
  describeAnomaly,
} from '../shared';
import { BudgetCard } from './BudgetCard';
import { useCostTabView } from './costTabQuery';
import { useCostFilters } from '../../lib/costFilters';

const CostReport = (props: {
  entityRef: string;
  response: EntityCostResponse;
  onBudgetChanged: () => void;
}) => {
  const { entityRef, response, onBudgetChanged } = props;
  const { currency, budget, forecast } = response;

  if (hasNoCost(response) && response.filters) {
    return (
      <Grid item xs={12}>
        <NoMatchingCost filters={response.filters} />
      </Grid>
    );
  }
  if (hasNoCost(response)) {
    return (
      <Grid item xs={12}>
        <NoCostData
          scope="entity"
          from={response.from}
          to={response.to}
          lastImportAt={response.lastImportAt}
        />
      </Grid>
    );
  }

  const today = todayUtc();
  const includesToday = response.from <= today && today <= response.to;
  const groupLabel = GROUP_BY_LABELS[response.groupBy];
  const { byResource, byTag } = response.attribution;

  return (
    <>
      <Grid item xs={12} sm={6} lg={3}>
        <TotalCard response={response} />
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <ForecastCard forecast={forecast} currency={currency} />
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        {response.filters ? (
          <InfoCard title="Budget">
            <Typography variant="body2" color="textSecondary">
              The budget is for all of this entity's cost, not a filtered part:
              clear the filters to compare with it.
            </Typography>
          </InfoCard>
        ) : (
          <BudgetCard
            entityRef={entityRef}
            budget={budget}
            unconvertedBudget={response.unconvertedBudget}
            currency={currency}
            onChanged={onBudgetChanged}
          />
        )}
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <UnallocatedCard
          unallocated={response.unallocated}
          currency={currency}
        />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Daily cost"
          subheader={`By ${groupLabel.toLocaleLowerCase('en-US')}${
            includesToday && forecast ? ', with the forecast to month end' : ''
          }`}
        >
          <CostChart
            daily={response.daily}
            series={response.breakdownSeries}
            currency={currency}
            forecast={includesToday ? forecast : null}
            dailyBudget={
              budget ? budget.amount / daysInMonth(budget.month) : undefined
            }
            anomalies={response.anomalies}
          />
          {response.anomalies.length > 0 && (
            <>
              <Typography variant="subtitle2" component="h3">
                Anomalies
              </Typography>
              <ul>
                {response.anomalies.map(anomaly => (
                  <li key={anomaly.date}>
                    <Typography variant="body2">
                      {formatShortDate(anomaly.date)}:{' '}
                      {describeAnomaly(anomaly, currency)}
                    </Typography>
                  </li>
                ))}
              </ul>
            </>
          )}
          <Typography variant="caption" color="textSecondary">
            Attributed by resource id: {formatCurrency(byResource, currency)};
            by tags: {formatCurrency(byTag, currency)}.
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <BreakdownTable
          title={`Cost by ${groupLabel.toLocaleLowerCase('en-US')}`}
          labelTitle={groupLabel}
          items={response.breakdown}
          currency={currency}
          csvName={`cost-${entityRef.replace(/[^a-z0-9-]+/gi, '-')}-by-${
            response.groupBy
          }-${response.from}-${response.to}`}
        />
      </Grid>
    </>
  );
};

/**
 * The Cost tab of an entity: cost over a period with its change, forecast,
 * budget, daily chart and breakdown. Its period and grouping come from the
 * page's query (`?from=&to=&groupBy=`) and go back into it.
 *
 * @public
 */
export const EntityCostContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const multicloudApi = useApi(multicloudApiRef);
  const {
    selection,
    setSelection,
    period,
    error,
    groupBy,
    setGroupBy,
    problems,
  } = useCostTabView();
  const [metric, setMetric] = useState<CostMetric>('effective');
  const [filters, setFilters] = useCostFilters();
  const from = period?.from;
  const to = period?.to;

  const cost = useAsyncRetry(async () => {
    if (!from || !to) {
      return undefined;
    }
    return multicloudApi.getEntityCost({
      entityRef,
      from,
      to,
      groupBy,
      metric,
      filters,
    });
  }, [multicloudApi, entityRef, from, to, groupBy, metric, filters]);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PeriodPicker value={selection} onChange={setSelection} error={error}>
          <GroupBySelect value={groupBy} onChange={setGroupBy} />
          <MetricSelect value={metric} onChange={setMetric} />
        </PeriodPicker>
      </Grid>
      <Grid item xs={12}>
        <CostFilterBar filters={filters} onChange={setFilters} />
      </Grid>
      {problems.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="info"
            title="Some of the link's settings could not be used"
            defaultExpanded
            message={problems.join(' ')}
          />
        </Grid>
      )}
      {cost.loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {cost.error && (
        <Grid item xs={12}>
          <LoadErrorPanel
            title="Could not load the cost"
            notAllowedTitle="You may not see this entity's cost"
            required={{
              permission: multicloudCostReadPermission,
              resourceRef: entityRef,
            }}
            error={cost.error}
          />
        </Grid>
      )}
      {cost.value && !cost.error && (
        <CostReport
          entityRef={entityRef}
          response={cost.value}
          onBudgetChanged={cost.retry}
        />
      )}
    </Grid>
  );
};
