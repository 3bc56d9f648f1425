/**
 * Dimensions a cost breakdown of one entity can be grouped by.
 *
 * @public
 */
export type CostGroupBy =
  | 'service'
  | 'provider'
  | 'account'
  | 'region'
  | 'resource';

/**
 * Every {@link CostGroupBy} value, in the order the UI offers them.
 *
 * @public
 */
export const COST_GROUP_BY: readonly CostGroupBy[] = [
  'service',
  'provider',
  'account',
  'region',
  'resource',
];

/**
 * Dimensions of the organisation-wide summary: the entity dimensions plus
 * the catalog's owner groups, systems and domains.
 *
 * @public
 */
export type CostSummaryGroupBy = CostGroupBy | 'owner' | 'system' | 'domain';

/**
 * Every {@link CostSummaryGroupBy} value.
 *
 * @public
 */
export const COST_SUMMARY_GROUP_BY: readonly CostSummaryGroupBy[] = [
  ...COST_GROUP_BY,
  'owner',
  'system',
  'domain',
];

/**
 * Which FOCUS cost column the figures are: `billed` (BilledCost, what the
 * invoice says), `effective` (EffectiveCost, commitments amortized; the
 * default) or `list` (ListCost, before discounts).
 *
 * @public
 */
export type CostMetric = 'billed' | 'effective' | 'list';

/**
 * Cost of one day (`YYYY-MM-DD`, UTC).
 *
 * @public
 */
export type CostDailyPoint = {
  date: string;
  cost: number;
};

/**
 * One line of a breakdown: a service, provider, account, region, resource,
 * group, system or domain.
 *
 * @public
 */
export type CostBreakdownItem = {
  /** The group's value, for example `Amazon EC2`, a resource id or an entity ref. */
  key: string;
  /** What to show: a service name, a resource's title, an entity's title. */
  label: string;
  cost: number;
  /** Share of the period's total, 0..1. */
  share: number;
  /** Cost of the same group in the previous period of equal length. */
  previousCost: number;
  /** The catalog entity behind the line, when there is one. */
  entityRef?: string;
  /** Provider of the line (FOCUS ProviderName), when a single one. */
  provider?: string;
  /**
   * Of `cost`, what carries a tag cost is attributed by (a component, system
   * or owner tag key, whatever its value): the line's tag coverage is
   * `taggedCost / cost`. On lines of teams, systems and domains.
   */
  taggedCost?: number;
};

/**
 * Daily cost of one breakdown line; `values` align with the response's
 * `daily` dates. The key `other` sums every line not shown on its own.
 *
 * @public
 */
export type CostBreakdownSeries = {
  key: string;
  label: string;
  values: number[];
};

/**
 * Forecast of the month the period ends in.
 *
 * @public
 */
export type CostForecast = {
  /** Last day covered by the forecast (`YYYY-MM-DD`), the end of the month. */
  periodEnd: string;
  /** Actual cost of the month so far plus the forecast of its remaining days. */
  monthTotal: number;
  /** Lower and upper bound of the month total's 80% prediction interval. */
  monthLower: number;
  monthUpper: number;
  /** Forecast for each remaining day of the month. */
  daily: Array<{ date: string; cost: number; lower: number; upper: number }>;
  /** Backtest error of the model on this series (mean absolute percentage error, 0..1). */
  mape: number | null;
  /**
   * How often the intervals held the actual cost in a rolling backtest over
   * the series' last eight weeks (each origin forecast to its month end from
   * the history up to it): the share of forecast days inside the day's
   * interval, and of forecasts whose rest-of-month total fell inside the
   * month interval. Null shares: nothing to compare yet. Absent where not
   * measured.
   */
  coverage?: {
    /** The level the intervals are sized for (0.8). */
    level: number;
    day: number | null;
    month: number | null;
  };
};

/**
 * Narrows cost to what matches every given dimension: the provider
 * (`ProviderName`), service (`ServiceName`), account (the sub account, else
 * the billing account), region (`RegionId`) and resource tags (each key must
 * carry exactly that value). Query parameters of the cost API:
 * `provider=`, `service=`, `account=`, `region=`, and `tag=key=value`
 * (repeatable).
 *
 * @public
 */
export type CostFilters = {
  provider?: string;
  service?: string;
  account?: string;
  region?: string;
  tags?: Array<{ key: string; value: string }>;
};

/**
 * Most tag filters one request may carry.
 *
 * @public
 */
export const MAX_COST_TAG_FILTERS = 5;

/**
 * The exchange rate one month's cost in a currency was converted at: the
 * rate the config gives for `month`, or, when it gives none, for the
 * nearest earlier month (`rateMonth`).
 *
 * @public
 */
export type CostExchangeRate = {
  /** The month of usage (`YYYY-MM`) the rate converted. */
  month: string;
  /** Units of the display currency per unit of the converted currency. */
  rate: number;
  /** The month (`YYYY-MM`) the config sets the rate for, when not `month`. */
  rateMonth?: string;
};

/**
 * Cost of a period in one currency, converted into the answer's currency
 * (the display currency of `multicloud.cost.currency`) and included in its
 * figures.
 *
 * @public
 */
export type CostConversion = {
  /** The currency the cost was billed in. */
  currency: string;
  /** The cost in `currency`, as billed. */
  amount: number;
  /** The same cost in the answer's currency. */
  convertedAmount: number;
  /** The rate of each month of the period with cost in `currency`, by month. */
  rates: CostExchangeRate[];
};

/**
 * A monthly budget and how the month is going against it.
 *
 * @public
 */
export type CostBudget = {
  /** In `currency`: the answer's, when the budget was converted into it. */
  amount: number;
  currency: string;
  /** `annotation` (`multicloud.io/monthly-budget`) or `api` (set through `PUT /cost/budgets`). */
  source: 'annotation' | 'api';
  /** The month the figures are for (`YYYY-MM`): the month the period ends in. */
  month: string;
  actual: number;
  forecast: number | null;
  /** actual / amount and forecast / amount. */
  actualShare: number;
  forecastShare: number | null;
  /**
   * The budget as set, when it is in another currency than the answer's
   * display currency and was converted at the rate of its month.
   */
  convertedFrom?: {
    amount: number;
    currency: string;
    rate: CostExchangeRate;
  };
};

/**
 * A day whose cost departs from its day-of-week baseline.
 *
 * @public
 */
export type CostAnomaly = {
  date: string;
  cost: number;
  /** Expected cost: the median of the same weekday in the preceding weeks. */
  expected: number;
  /** cost - expected. */
  delta: number;
  /** delta / expected (null when expected is 0). */
  deltaPercent: number | null;
  /** Robust z-score: delta / (1.4826 * MAD). */
  score: number;
  direction: 'spike' | 'drop';
};

/**
 * Answer of `GET /api/multicloud/cost/entity`.
 *
 * @public
 */
export type EntityCostResponse = {
  entityRef: string;
  /** Inclusive dates, `YYYY-MM-DD`. */
  from: string;
  to: string;
  metric: CostMetric;
  /** The filters the figures are narrowed to; absent when none. */
  filters?: CostFilters;
  groupBy: CostGroupBy;
  /**
   * The currency of every figure: the display currency when one is
   * configured, else the currency with the most cost in the period.
   */
  currency: string;
  total: number;
  /** One point per day from `from` to `to`, zero where nothing was billed. */
  daily: CostDailyPoint[];
  /** Lines of the breakdown, largest first. */
  breakdown: CostBreakdownItem[];
  /** Daily cost of the largest breakdown lines (plus `other`), for a stacked chart. */
  breakdownSeries: CostBreakdownSeries[];
  /** The same number of days right before `from`. */
  previous: {
    from: string;
    to: string;
    total: number;
    change: number;
    /** change / previous total, null when the previous total is 0. */
    changePercent: number | null;
  };
  forecast: CostForecast | null;
  budget: CostBudget | null;
  anomalies: CostAnomaly[];
  /** How this entity's cost was found: by resource id or by tags. */
  attribution: { byResource: number; byTag: number };
  /** Cost nobody could be attributed to, across the organisation, in the period. */
  unallocated: { cost: number; share: number };
  /**
   * Costs in other currencies than `currency`, not included in the figures.
   * With a display currency: only what no exchange rate converts.
   */
  otherCurrencies: Array<{ currency: string; total: number }>;
  /**
   * With a display currency configured (`multicloud.cost.currency.display`,
   * then `currency`): the period's cost in other currencies that was
   * converted into it, included in every figure. Absent without one.
   */
  converted?: CostConversion[];
  /**
   * With a display currency: a budget that `budget` leaves out because no
   * exchange rate converts its currency for its month.
   */
  unconvertedBudget?: Pick<CostBudget, 'amount' | 'currency' | 'source'> & {
    month: string;
  };
  /** When cost data was last imported (ISO timestamp), null when never. */
  lastImportAt: string | null;
};

/**
 * Answer of `GET /api/multicloud/cost/summary`.
 *
 * @public
 */
export type CostSummaryResponse = {
  from: string;
  to: string;
  metric: CostMetric;
  /** The filters the figures are narrowed to; absent when none. */
  filters?: CostFilters;
  groupBy: CostSummaryGroupBy;
  currency: string;
  total: number;
  daily: CostDailyPoint[];
  breakdown: CostBreakdownItem[];
  breakdownSeries: CostBreakdownSeries[];
  previous: EntityCostResponse['previous'];
  forecast: CostForecast | null;
  /** Breakdown lines with the largest absolute change against the previous period. */
  movers: CostBreakdownItem[];
  unallocated: { cost: number; share: number };
  otherCurrencies: Array<{ currency: string; total: number }>;
  /** As in {@link EntityCostResponse}: the cost converted into `currency`. */
  converted?: CostConversion[];
  lastImportAt: string | null;
};

/**
 * Answer of `POST /api/multicloud/cost/imports`.
 *
 * @public
 */
export type CostImportResult = {
  id: string;
  /** `1.0`, `1.1` or `1.2`, from the file's columns. */
  focusVersion: string;
  format: 'csv' | 'csv.gz' | 'parquet';
  /** Rows read from the file. */
  rows: number;
  /** Daily cost facts stored after summing hourly rows. */
  dailyRows: number;
  /** Billing periods replaced, per provider and billing account. */
  billingPeriods: Array<{
    provider: string;
    billingAccountId: string;
    billingPeriodStart: string;
  }>;
  totals: Array<{
    provider: string;
    currency: string;
    billedCost: number;
    effectiveCost: number;
    listCost: number;
  }>;
};

/**
 * One error of a rejected import.
 *
 * @public
 */
export type CostImportError = {
  /** Line in the file (1 = header) for CSV; row number (1-based) for Parquet. */
  line: number | null;
  column: string | null;
  message: string;
};
