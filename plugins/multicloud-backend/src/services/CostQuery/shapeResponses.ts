import {
  CostAnomaly,
  CostBreakdownItem,
  CostBreakdownSeries,
  CostBudget,
  CostConversion,
  CostDailyPoint,
  CostForecast,
  CostGroupBy,
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';
import { CostLineTotal, DailyCost } from '../../database/CostFactsStore';
import { detectAnomalies } from '../CostAnalytics/anomalies';
import { addDays, daysBetween, eachDay } from '../CostAnalytics/dates';
import { forecastMonth } from '../CostAnalytics/forecast';
import { ForecastCoverage } from '../CostAnalytics/types';
import { EVERYTHING, UNALLOCATED } from '../CostAttribution/attributionModel';
import { ExchangeRates, rateOn } from './exchangeRates';
import { CostPeriod } from './types';

/** Lines a stacked chart shows on their own; the rest is `other`. */
const SERIES_LINES = 6;
const MOVERS = 10;
/** History the forecast and the anomaly baseline look at. */
export const HISTORY_DAYS = 120;

/** A breakdown line; `daily` is filled in for the lines the chart shows. */
export type Line = {
  key: string;
  label: string;
  entityRef?: string;
  provider?: string;
  cost: number;
  previousCost: number;
  /** The tagged part of `cost`, on entity lines. */
  taggedCost?: number;
  daily: Map<string, number>;
};

export const round = (value: number) => Math.round(value * 1e6) / 1e6;

export function previousPeriod(period: CostPeriod): CostPeriod {
  const days = daysBetween(period.from, period.to) + 1;
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

/** The currency with the most cost; figures are in it, the rest are listed apart. */
export function mainCurrency(rows: Array<{ currency: string; cost: number }>) {
  const totals = new Map<string, number>();
  for (const row of rows) {
    totals.set(
      row.currency,
      (totals.get(row.currency) ?? 0) + Math.abs(row.cost),
    );
  }
  const sorted = [...totals].sort((a, b) => b[1] - a[1]);
  return sorted[0]?.[0] ?? 'USD';
}

/** One point per day from `from` to `to` (zero where nothing was billed) of the rows in `currency`. */
export function seriesOf(
  rows: DailyCost[],
  currency: string,
  from: string,
  to: string,
): CostDailyPoint[] {
  const byDay = new Map<string, number>();
  for (const row of rows) {
    if (row.currency === currency) {
      byDay.set(row.usage_date, (byDay.get(row.usage_date) ?? 0) + row.cost);
    }
  }
  return eachDay(from, to).map(date => ({
    date,
    cost: round(byDay.get(date) ?? 0),
  }));
}

/** The period's totals in the currencies other than the main one. */
export function otherCurrencies(
  rows: DailyCost[],
  currency: string,
  period: CostPeriod,
) {
  const totals = new Map<string, number>();
  for (const row of rows) {
    if (
      row.currency !== currency &&
      row.usage_date >= period.from &&
      row.usage_date <= period.to
    ) {
      totals.set(
        row.currency,
        (totals.get(row.currency) ?? 0) + Number(row.cost),
      );
    }
  }
  return [...totals].map(([c, total]) => ({
    currency: c,
    total: round(total),
  }));
}

/**
 * The days of history to read for a period: the period before it (for the
 * change), and {@link HISTORY_DAYS} up to the last day with data or the
 * period's end, whichever is earlier (for the forecast and anomalies).
 */
export function historyWindow(period: CostPeriod, dataEnd: string | null) {
  const previous = previousPeriod(period);
  const asOf = dataEnd && dataEnd < period.to ? dataEnd : period.to;
  return {
    previous,
    asOf,
    days: {
      from: [previous.from, addDays(asOf, -HISTORY_DAYS)].sort()[0],
      to: [period.to, asOf].sort().reverse()[0],
    },
  };
}

/**
 * What the daily history says about a period: its currency
 * (`displayCurrency` when given, else the main one), daily series, total and
 * the previous period's, the forecast to the month's end and the anomalies.
 */
export function analyseHistory(
  rows: DailyCost[],
  period: CostPeriod,
  window: ReturnType<typeof historyWindow>,
  hasData: boolean,
  coverageOf?: (daily: readonly CostDailyPoint[]) => ForecastCoverage,
  displayCurrency?: string,
) {
  const { previous, asOf } = window;
  const currency =
    displayCurrency ??
    mainCurrency(
      rows.filter(
        r => r.usage_date >= period.from && r.usage_date <= period.to,
      ),
    );
  const daily = seriesOf(rows, currency, period.from, period.to);
  const total = daily.reduce((sum, d) => sum + d.cost, 0);
  const previousTotal = seriesOf(
    rows,
    currency,
    previous.from,
    previous.to,
  ).reduce((sum, d) => sum + d.cost, 0);
  const upToAsOf = seriesOf(
    rows,
    currency,
    [addDays(asOf, -HISTORY_DAYS), previous.from].sort()[0],
    asOf,
  );
  const monthForecast =
    hasData && asOf >= period.from ? forecastMonth(upToAsOf, { asOf }) : null;
  let forecast: CostForecast | null = monthForecast;
  if (monthForecast && coverageOf) {
    const { level, day, month } = coverageOf(upToAsOf);
    forecast = { ...monthForecast, coverage: { level, day, month } };
  }
  const anomalies: CostAnomaly[] = detectAnomalies(
    seriesOf(
      rows,
      currency,
      addDays(period.from, -8 * 7),
      [period.to, asOf].sort()[0],
    ),
    { from: period.from },
  ).filter(a => a.date <= period.to);
  return {
    currency,
    daily,
    total,
    previousTotal,
    previous,
    asOf,
    upToAsOf,
    forecast,
    anomalies,
    otherCurrencies: otherCurrencies(rows, currency, period),
  };
}

/** Breakdown lines in the main currency, largest first. */
export function buildLines(
  rows: CostLineTotal[],
  currency: string,
  labelOf: (row: CostLineTotal) => string,
): Line[] {
  return rows
    .filter(row => row.currency === currency)
    .map(row => ({
      key: row.key,
      label: labelOf(row),
      entityRef: row.entityRef ?? undefined,
      provider: row.provider ?? undefined,
      cost: row.cost,
      previousCost: row.previousCost,
      ...(row.taggedCost === undefined ? {} : { taggedCost: row.taggedCost }),
      daily: new Map<string, number>(),
    }))
    .filter(l => Math.abs(l.cost) > 1e-9 || Math.abs(l.previousCost) > 1e-9)
    .sort((a, b) => b.cost - a.cost || b.previousCost - a.previousCost);
}

/** The lines a stacked chart shows on their own (they get daily values). */
export function shownLines(lines: Line[]): Line[] {
  return lines.filter(l => l.cost > 0).slice(0, SERIES_LINES);
}

export function toBreakdown(lines: Line[], total: number): CostBreakdownItem[] {
  return lines.map(l => ({
    key: l.key,
    label: l.label,
    cost: round(l.cost),
    share: total ? l.cost / total : 0,
    previousCost: round(l.previousCost),
    ...(l.entityRef ? { entityRef: l.entityRef } : {}),
    ...(l.provider ? { provider: l.provider } : {}),
    ...(l.taggedCost === undefined ? {} : { taggedCost: round(l.taggedCost) }),
  }));
}

/** The shown lines' daily values, and the rest of each day's total as `other`. */
export function toSeries(
  lines: Line[],
  daily: CostDailyPoint[],
): CostBreakdownSeries[] {
  const shown = shownLines(lines);
  const series = shown.map(l => ({
    key: l.key,
    label: l.label,
    values: daily.map(d => round(l.daily.get(d.date) ?? 0)),
  }));
  if (lines.some(l => !shown.includes(l) && Math.abs(l.cost) > 1e-9)) {
    series.push({
      key: 'other',
      label: 'Other',
      values: daily.map(d =>
        round(
          d.cost -
            shown.reduce((sum, l) => sum + (l.daily.get(d.date) ?? 0), 0),
        ),
      ),
    });
  }
  return series;
}

export function changeOf(
  total: number,
  previousTotal: number,
  previous: CostPeriod,
) {
  return {
    ...previous,
    total: round(previousTotal),
    change: round(total - previousTotal),
    changePercent: previousTotal
      ? (total - previousTotal) / Math.abs(previousTotal)
      : null,
  };
}

export function labelForDimension(
  groupBy: CostSummaryGroupBy,
  row: CostLineTotal,
): string {
  if (groupBy === 'region' && !row.key) {
    return 'No region';
  }
  if (groupBy === 'resource') {
    return row.label || row.key || 'No resource (shared charges)';
  }
  return row.label || row.key || '(none)';
}

/** The organisation's unallocated cost and its share of the total. */
export function unallocatedOf(totals: Map<string, number>) {
  const everything = totals.get(EVERYTHING) ?? 0;
  const unallocated = totals.get(UNALLOCATED) ?? 0;
  return {
    cost: round(unallocated),
    share: everything ? unallocated / everything : 0,
  };
}

/**
 * The cost no line covers (of an organisation broken down by owner, system
 * or domain), when there is any worth showing.
 */
export function uncoveredCost(
  lines: Line[],
  total: number,
  previousTotal: number,
): { cost: number; previousCost: number } | null {
  const covered = lines.reduce((sum, l) => sum + l.cost, 0);
  const previousCovered = lines.reduce((sum, l) => sum + l.previousCost, 0);
  const cost = total - covered;
  const previousCost = previousTotal - previousCovered;
  if (Math.abs(cost) > 0.005 || Math.abs(previousCost) > 0.005) {
    return { cost, previousCost };
  }
  return null;
}

/**
 * The lines with one more for the cost they do not cover (none is dropped),
 * largest first; its daily values are each day's total less what the lines
 * cover of it.
 */
export function withUncoveredLine(
  lines: Line[],
  uncovered: { cost: number; previousCost: number },
  groupBy: CostSummaryGroupBy,
  daily: CostDailyPoint[],
  coveredByDay: Map<string, number>,
): Line[] {
  return [
    ...lines,
    {
      key: UNALLOCATED,
      label: `Unallocated (no ${groupBy})`,
      cost: uncovered.cost,
      previousCost: uncovered.previousCost,
      daily: new Map(
        daily.map(d => [d.date, d.cost - (coveredByDay.get(d.date) ?? 0)]),
      ),
    },
  ].sort((a, b) => b.cost - a.cost);
}

/** The lines whose cost changed the most from the period before. */
export function moversOf(breakdown: CostBreakdownItem[]): CostBreakdownItem[] {
  return [...breakdown]
    .sort(
      (a, b) =>
        Math.abs(b.cost - b.previousCost) - Math.abs(a.cost - a.previousCost),
    )
    .slice(0, MOVERS);
}

type BudgetOptions = {
  stored?: { amount: number; currency: string };
  annotation?: { amount: number; currency?: string };
  currency: string;
  asOf: string;
  /** The display currency's rates: a budget in another currency is converted. */
  exchangeRates?: ExchangeRates;
};

/**
 * The budget of an entity's month (the month `asOf` is in): the one set
 * through the API wins over the annotation's, whose currency defaults to the
 * entity's (the display currency, when there is one). With a display
 * currency, a budget in another one is converted at its month's rate, or is
 * `unconverted` when no rate covers the month.
 */
function monthBudget(options: BudgetOptions):
  | {
      budget: Pick<
        CostBudget,
        'amount' | 'currency' | 'source' | 'convertedFrom'
      >;
    }
  | { unconverted: NonNullable<EntityCostResponse['unconvertedBudget']> }
  | null {
  const { stored, annotation, currency, asOf, exchangeRates } = options;
  let budget: Pick<CostBudget, 'amount' | 'currency' | 'source'> | null = null;
  if (stored) {
    budget = {
      amount: stored.amount,
      currency: stored.currency,
      source: 'api',
    };
  } else if (annotation) {
    budget = {
      amount: annotation.amount,
      currency: annotation.currency ?? currency,
      source: 'annotation',
    };
  }
  if (!budget) {
    return null;
  }
  if (!exchangeRates || budget.currency === exchangeRates.display) {
    return { budget };
  }
  const month = asOf.slice(0, 7);
  const rate = rateOn(exchangeRates, budget.currency, month);
  if (!rate) {
    return { unconverted: { ...budget, month } };
  }
  return {
    budget: {
      amount: round(budget.amount * rate.rate),
      currency: exchangeRates.display,
      source: budget.source,
      convertedFrom: { amount: budget.amount, currency: budget.currency, rate },
    },
  };
}

/**
 * A budget `budgetStatus` leaves out: in another currency than the display
 * currency, with no rate for its month.
 */
export function unconvertedBudget(
  options: BudgetOptions,
): EntityCostResponse['unconvertedBudget'] {
  const chosen = monthBudget(options);
  return chosen && 'unconverted' in chosen ? chosen.unconverted : undefined;
}

/**
 * How an entity's month stands against its budget: the one set through the
 * API wins over the annotation's, whose currency defaults to the entity's.
 * With a display currency, a budget in another one is compared converted at
 * its month's rate, and left out when there is none ({@link unconvertedBudget}).
 */
export function budgetStatus(
  options: BudgetOptions & {
    upToAsOf: CostDailyPoint[];
    forecastTotal: number | null;
  },
): CostBudget | null {
  const { asOf, upToAsOf, forecastTotal } = options;
  const chosen = monthBudget(options);
  if (!chosen || !('budget' in chosen)) {
    return null;
  }
  const { convertedFrom, ...budget } = chosen.budget;
  const month = asOf.slice(0, 7);
  const actual = upToAsOf
    .filter(d => d.date.startsWith(month))
    .reduce((sum, d) => sum + d.cost, 0);
  return {
    ...budget,
    month,
    actual: round(actual),
    forecast: forecastTotal === null ? null : round(forecastTotal),
    actualShare: actual / budget.amount,
    forecastShare:
      forecastTotal === null ? null : forecastTotal / budget.amount,
    ...(convertedFrom ? { convertedFrom } : {}),
  };
}

/** What a period's history and breakdown lines say, before it is shaped into an answer. */
export type PeriodAnalysis = ReturnType<typeof analyseHistory> & {
  lines: Line[];
  /** The organisation's unallocated cost in the period ({@link unallocatedOf}). */
  unallocated: { cost: number; share: number };
  /** With a display currency: the period's cost converted into it. */
  converted?: CostConversion[];
};

/** The answer's `converted` field: present (maybe empty) with a display currency. */
function convertedOf(analysis: PeriodAnalysis) {
  return analysis.converted
    ? {
        converted: analysis.converted.map(c => ({
          ...c,
          amount: round(c.amount),
          convertedAmount: round(c.convertedAmount),
        })),
      }
    : {};
}

/** The answer about one entity. */
export function toEntityCostResponse(
  request: {
    entityRef: string;
    period: CostPeriod;
    groupBy: CostGroupBy;
    metric: CostMetric;
  },
  analysis: PeriodAnalysis,
  extras: {
    budget: CostBudget | null;
    /** A budget left out for want of an exchange rate ({@link unconvertedBudget}). */
    unconvertedBudget?: EntityCostResponse['unconvertedBudget'];
    /** The entity's cost per attribution path (`resource`, `tag`). */
    costByPath: Map<string, number>;
    lastImportAt: string | null;
  },
): EntityCostResponse {
  const { entityRef, period, groupBy, metric } = request;
  const pathCost = (via: string) => round(extras.costByPath.get(via) ?? 0);
  return {
    entityRef,
    from: period.from,
    to: period.to,
    metric,
    groupBy,
    currency: analysis.currency,
    total: round(analysis.total),
    daily: analysis.daily,
    breakdown: toBreakdown(analysis.lines, analysis.total),
    breakdownSeries: toSeries(analysis.lines, analysis.daily),
    previous: changeOf(
      analysis.total,
      analysis.previousTotal,
      analysis.previous,
    ),
    forecast: analysis.forecast,
    budget: extras.budget,
    anomalies: analysis.anomalies,
    attribution: { byResource: pathCost('resource'), byTag: pathCost('tag') },
    unallocated: analysis.unallocated,
    otherCurrencies: analysis.otherCurrencies,
    ...convertedOf(analysis),
    ...(extras.unconvertedBudget
      ? { unconvertedBudget: extras.unconvertedBudget }
      : {}),
    lastImportAt: extras.lastImportAt,
  };
}

/** The answer about the whole organisation, broken down by `lines`. */
export function toSummaryResponse(
  request: {
    period: CostPeriod;
    groupBy: CostSummaryGroupBy;
    metric: CostMetric;
  },
  analysis: PeriodAnalysis,
  lines: Line[],
  lastImportAt: string | null,
): CostSummaryResponse {
  const { period, groupBy, metric } = request;
  const breakdown = toBreakdown(lines, analysis.total);
  return {
    from: period.from,
    to: period.to,
    metric,
    groupBy,
    currency: analysis.currency,
    total: round(analysis.total),
    daily: analysis.daily,
    breakdown,
    breakdownSeries: toSeries(lines, analysis.daily),
    previous: changeOf(
      analysis.total,
      analysis.previousTotal,
      analysis.previous,
    ),
    forecast: analysis.forecast,
    movers: moversOf(breakdown),
    unallocated: analysis.unallocated,
    otherCurrencies: analysis.otherCurrencies,
    ...convertedOf(analysis),
    lastImportAt,
  };
}
