import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import {
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import useAsync from 'react-use/esm/useAsync';
import { multicloudApiRef } from '../../api';
import { useCostFilters } from '../../lib/costFilters';
import { todayUtc } from '../../lib/period';
import {
  BreakdownBarChart,
  BreakdownTable,
  CostChart,
  ForecastCard,
  LoadErrorPanel,
  MetricSelect,
  CostFilterBar,
  NoCostData,
  NoMatchingCost,
  PeriodPicker,
  TotalCard,
  UnallocatedCard,
  usePeriodSelection,
} from '../shared';

/** The dimensions the overview breaks the organisation's cost down by. */
const DIMENSIONS: ReadonlyArray<{
  groupBy: CostSummaryGroupBy;
  tab: string;
  noun: string;
  column: string;
}> = [
  { groupBy: 'owner', tab: 'Groups', noun: 'group', column: 'Group' },
  { groupBy: 'system', tab: 'Systems', noun: 'system', column: 'System' },
  {
    groupBy: 'provider',
    tab: 'Providers',
    noun: 'provider',
    column: 'Provider',
  },
];

const CostSummaries = (props: { summaries: CostSummaryResponse[] }) => {
  const { summaries } = props;
  const [tab, setTab] = useState(0);
  // Totals, forecast and unallocated cost do not depend on the grouping.
  const headline = summaries[0];
  const byProvider =
    summaries[DIMENSIONS.findIndex(d => d.groupBy === 'provider')];
  const { currency } = headline;
  const today = todayUtc();
  const includesToday = headline.from <= today && today <= headline.to;
  const dimension = DIMENSIONS[tab];
  const selected = summaries[tab];
  const empty =
    headline.total === 0 &&
    headline.breakdown.length === 0 &&
    headline.otherCurrencies.length === 0;

  return (
    <>
      <Grid item xs={12} md={4}>
        <TotalCard response={headline} />
      </Grid>
      <Grid item xs={12} md={4}>
        <ForecastCard forecast={headline.forecast} currency={currency} />
      </Grid>
      <Grid item xs={12} md={4}>
        <UnallocatedCard
          unallocated={headline.unallocated}
          currency={currency}
        />
      </Grid>
      {empty && headline.filters && (
        <Grid item xs={12}>
          <NoMatchingCost filters={headline.filters} />
        </Grid>
      )}
      {empty && !headline.filters && (
        <Grid item xs={12}>
          <NoCostData
            scope="organisation"
            from={headline.from}
            to={headline.to}
            lastImportAt={headline.lastImportAt}
          />
        </Grid>
      )}
      {!empty && (
        <>
          <Grid item xs={12}>
            <InfoCard title="Daily cost" subheader="By provider">
              <CostChart
                daily={byProvider.daily}
                series={byProvider.breakdownSeries}
                currency={currency}
                forecast={includesToday ? byProvider.forecast : null}
              />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Cost by" noPadding>
              <Tabs
                value={tab}
                onChange={(_event, value: number) => setTab(value)}
                indicatorColor="primary"
                textColor="primary"
                aria-label="Cost breakdown"
              >
                {DIMENSIONS.map((d, index) => (
                  <Tab
                    key={d.groupBy}
                    label={d.tab}
                    id={`multicloud-cost-tab-${d.groupBy}`}
                    aria-controls={`multicloud-cost-panel-${d.groupBy}`}
                    value={index}
                  />
                ))}
              </Tabs>
              <div
                role="tabpanel"
                id={`multicloud-cost-panel-${dimension.groupBy}`}
                aria-labelledby={`multicloud-cost-tab-${dimension.groupBy}`}
              >
                <BreakdownBarChart
                  dimension={dimension.noun}
                  items={selected.breakdown}
                  currency={currency}
                />
                <BreakdownTable
                  title={`Cost by ${dimension.noun}`}
                  labelTitle={dimension.column}
                  items={selected.breakdown}
                  currency={currency}
                  csvName={`cost-by-${selected.groupBy}-${selected.from}-${selected.to}`}
                />
              </div>
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <BreakdownTable
              title={`Top movers by ${dimension.noun}`}
              labelTitle={dimension.column}
              items={selected.movers}
              currency={currency}
              keepOrder
              csvName={`top-movers-by-${selected.groupBy}-${selected.from}-${selected.to}`}
            />
          </Grid>
        </>
      )}
    </>
  );
};

/**
 * The organisation's cost over a period: totals, forecast, unallocated
 * share, breakdowns by group, system and provider, and the top movers.
 */
export const CostOverview = () => {
  const multicloudApi = useApi(multicloudApiRef);
  const { selection, setSelection, period, error } = usePeriodSelection();
  const [metric, setMetric] = useState<CostMetric>('effective');
  const [filters, setFilters] = useCostFilters();
  const from = period?.from;
  const to = period?.to;

  const summaries = useAsync(async () => {
    if (!from || !to) {
      return undefined;
    }
    return Promise.all(
      DIMENSIONS.map(({ groupBy }) =>
        multicloudApi.getCostSummary({ from, to, groupBy, metric, filters }),
      ),
    );
  }, [multicloudApi, from, to, metric, filters]);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PeriodPicker value={selection} onChange={setSelection} error={error}>
          <MetricSelect value={metric} onChange={setMetric} />
        </PeriodPicker>
      </Grid>
      <Grid item xs={12}>
        <CostFilterBar filters={filters} onChange={setFilters} />
      </Grid>
      {summaries.loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {summaries.error && (
        <Grid item xs={12}>
          <LoadErrorPanel
            title="Could not load the cost summary"
            notAllowedTitle="You may not see the cost summary"
            required={{ permission: multicloudCostReadPermission }}
            error={summaries.error}
          />
        </Grid>
      )}
      {summaries.value && !summaries.error && (
        <CostSummaries summaries={summaries.value} />
      )}
    </Grid>
  );
};
