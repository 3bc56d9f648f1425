import {
  CostBreakdownItem,
  CostBreakdownSeries,
  CostBudget,
  CostDailyPoint,
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { detectAnomalies } from '../CostAnalytics/anomalies';
import { addDays, daysBetween, eachDay } from '../CostAnalytics/dates';
import { forecastMonth } from '../CostAnalytics/forecast';
import { EVERYTHING, UNALLOCATED } from '../CostAttribution/attributionModel';
import { CostPeriod, CostQueryService } from './types';

export const METRIC_COLUMNS: Record<CostMetric, string> = {
  billed: 'billed_cost',
  effective: 'effective_cost',
  list: 'list_cost',
};

/** Lines a stacked chart shows on their own; the rest is `other`. */
const SERIES_LINES = 6;
const MOVERS = 10;
/** History the forecast and the anomaly baseline look at. */
export const HISTORY_DAYS = 120;

/** One breakdown line's sums for the period and the period before. */
type LineTotalRow = {
  k: string;
  currency: string;
  cost: number | string;
  previous_cost: number | string;
  label?: string | null;
  entity_ref?: string | null;
  provider?: string | null;
};

/**
 * Where a breakdown's lines come from: a query with its table, joins and
 * scope, and the (qualified) columns of its day, line key, currency and cost.
 */
type LineSource = {
  base: () => Knex.QueryBuilder;
  date: string;
  key: string;
  currency: string;
  cost: string;
  /** Per-line attributes, as `MAX(...) AS name` expressions. */
  attributes: Knex.Raw[];
};

type Line = {
  key: string;
  label: string;
  entityRef?: string;
  provider?: string;
  cost: number;
  previousCost: number;
  daily: Map<string, number>;
};

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function previousPeriod(period: CostPeriod): CostPeriod {
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
  rows: Array<{ usage_date: string; currency: string; cost: number }>,
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

function otherCurrencies(
  rows: Array<{ usage_date: string; currency: string; cost: number }>,
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

/** Breakdown lines in the main currency, largest first. */
function buildLines(
  rows: LineTotalRow[],
  currency: string,
  labelOf: (row: LineTotalRow) => string,
): Line[] {
  return rows
    .filter(row => row.currency === currency)
    .map(row => ({
      key: row.k,
      label: labelOf(row),
      entityRef: row.entity_ref ?? undefined,
      provider: row.provider ?? undefined,
      cost: Number(row.cost),
      previousCost: Number(row.previous_cost),
      daily: new Map<string, number>(),
    }))
    .filter(l => Math.abs(l.cost) > 1e-9 || Math.abs(l.previousCost) > 1e-9)
    .sort((a, b) => b.cost - a.cost || b.previousCost - a.previousCost);
}

/** The lines a stacked chart shows on their own (they get daily values). */
function shownLines(lines: Line[]): Line[] {
  return lines.filter(l => l.cost > 0).slice(0, SERIES_LINES);
}

function toBreakdown(lines: Line[], total: number): CostBreakdownItem[] {
  return lines.map(l => ({
    key: l.key,
    label: l.label,
    cost: round(l.cost),
    share: total ? l.cost / total : 0,
    previousCost: round(l.previousCost),
    ...(l.entityRef ? { entityRef: l.entityRef } : {}),
    ...(l.provider ? { provider: l.provider } : {}),
  }));
}

/** The shown lines' daily values, and the rest of each day's total as `other`. */
function toSeries(
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

function changeOf(total: number, previousTotal: number, previous: CostPeriod) {
  return {
    ...previous,
    total: round(previousTotal),
    change: round(total - previousTotal),
    changePercent: previousTotal
      ? (total - previousTotal) / Math.abs(previousTotal)
      : null,
  };
}

function labelForDimension(
  groupBy: CostSummaryGroupBy,
  row: LineTotalRow,
): string {
  if (groupBy === 'region' && !row.k) {
    return 'No region';
  }
  if (groupBy === 'resource') {
    return row.label || row.k || 'No resource (shared charges)';
  }
  return row.label || row.k || '(none)';
}

/**
 * Creates the {@link CostQueryService}. Every figure comes from the rollups:
 * per entity and day (totals, history, summaries by group, system, domain),
 * per entity, day and dimension value (breakdowns), per entity, day and
 * resource; a year of a large System is a few thousand rows to read whatever
 * the size of the facts.
 */
export function createCostQueryService(options: {
  knex: Knex;
  lastImportAt: () => Promise<string | null>;
}): CostQueryService {
  const { knex } = options;

  async function dataEnd(): Promise<string | null> {
    const row = await knex('multicloud_cost_facts')
      .max({ last: 'usage_date' })
      .first();
    return row?.last ?? null;
  }

  async function dailyTotals(
    entityRef: string,
    from: string,
    to: string,
    column: string,
  ) {
    const rows: Array<{ usage_date: string; currency: string; cost: number }> =
      await knex('multicloud_cost_rollup_daily')
        .where({ entity_ref: entityRef })
        .whereBetween('usage_date', [from, to])
        .groupBy('usage_date', 'currency')
        .select('usage_date', 'currency')
        .sum({ cost: column });
    return rows.map(r => ({ ...r, cost: Number(r.cost) }));
  }

  function lineSource(
    scope: { entityRef: string } | { entityKind: string },
    groupBy: CostSummaryGroupBy,
    column: string,
  ): LineSource {
    if (groupBy === 'resource') {
      if ('entityRef' in scope && scope.entityRef !== EVERYTHING) {
        return {
          base: () =>
            knex('multicloud_cost_rollup_resources as r').where({
              'r.entity_ref': scope.entityRef,
            }),
          date: 'r.usage_date',
          key: 'r.resource_key',
          currency: 'r.currency',
          cost: `r.${column}`,
          attributes: [
            knex.raw('MAX(r.resource_name) AS label'),
            knex.raw('MAX(r.resource_ref) AS entity_ref'),
            knex.raw('MAX(r.provider) AS provider'),
          ],
        };
      }
      return {
        base: () =>
          knex('multicloud_cost_facts as f').leftJoin(
            'multicloud_cost_attribution as at',
            'at.attribution_key',
            'f.attribution_key',
          ),
        date: 'f.usage_date',
        key: 'f.resource_key',
        currency: 'f.currency',
        cost: `f.${column}`,
        attributes: [
          knex.raw('MAX(f.resource_name) AS label'),
          knex.raw(
            `MAX(CASE WHEN at.via = 'resource' THEN at.entity_ref END) AS entity_ref`,
          ),
          knex.raw('MAX(f.provider) AS provider'),
        ],
      };
    }
    if (groupBy === 'owner' || groupBy === 'system' || groupBy === 'domain') {
      const kind = groupBy === 'owner' ? 'group' : groupBy;
      return {
        base: () =>
          knex('multicloud_cost_rollup_daily as r')
            .leftJoin(
              'multicloud_cost_entities as e',
              'e.entity_ref',
              'r.entity_ref',
            )
            .where({ 'r.entity_kind': kind }),
        date: 'r.usage_date',
        key: 'r.entity_ref',
        currency: 'r.currency',
        cost: `r.${column}`,
        attributes: [
          knex.raw('MAX(e.title) AS label'),
          knex.raw('MAX(r.entity_ref) AS entity_ref'),
        ],
      };
    }
    if (!('entityRef' in scope)) {
      throw new Error(`Breakdowns by ${groupBy} are per entity`);
    }
    return {
      base: () =>
        knex('multicloud_cost_rollup_dimensions as r').where({
          'r.entity_ref': scope.entityRef,
          'r.dimension': groupBy,
        }),
      date: 'r.usage_date',
      key: 'r.value',
      currency: 'r.currency',
      cost: `r.${column}`,
      attributes:
        groupBy === 'provider' ? [] : [knex.raw('MAX(r.provider) AS provider')],
    };
  }

  /** Each line's sum over the period and over the period before, per currency. */
  async function lineTotals(
    source: LineSource,
    period: CostPeriod,
    previous: CostPeriod,
  ): Promise<LineTotalRow[]> {
    return source
      .base()
      .whereBetween(source.date, [previous.from, period.to])
      .groupBy(source.key, source.currency)
      .select({ k: source.key, currency: source.currency })
      .select(
        knex.raw('SUM(CASE WHEN ?? >= ? THEN ?? ELSE 0 END) AS cost', [
          source.date,
          period.from,
          source.cost,
        ]),
        knex.raw('SUM(CASE WHEN ?? < ? THEN ?? ELSE 0 END) AS previous_cost', [
          source.date,
          period.from,
          source.cost,
        ]),
        ...source.attributes,
      );
  }

  /** Fills in the daily values of the lines the chart shows. */
  async function fillDaily(
    source: LineSource,
    lines: Line[],
    period: CostPeriod,
    currency: string,
  ) {
    const shown = shownLines(lines);
    if (shown.length === 0) {
      return;
    }
    const rows: Array<{ usage_date: string; k: string; cost: number }> =
      await source
        .base()
        .whereBetween(source.date, [period.from, period.to])
        .where(source.currency, currency)
        .whereIn(
          source.key,
          shown.map(l => l.key),
        )
        .groupBy(source.date, source.key)
        .select({ usage_date: source.date, k: source.key })
        .sum({ cost: source.cost });
    const byKey = new Map(shown.map(l => [l.key, l]));
    for (const row of rows) {
      byKey.get(row.k)?.daily.set(row.usage_date, Number(row.cost));
    }
  }

  /** The daily sum of all lines (what the lines cover of each day's total). */
  async function coveredDaily(
    source: LineSource,
    period: CostPeriod,
    currency: string,
  ): Promise<Map<string, number>> {
    const rows: Array<{ usage_date: string; cost: number }> = await source
      .base()
      .whereBetween(source.date, [period.from, period.to])
      .where(source.currency, currency)
      .groupBy(source.date)
      .select({ usage_date: source.date })
      .sum({ cost: source.cost });
    return new Map(rows.map(r => [r.usage_date, Number(r.cost)]));
  }

  async function periodTotals(
    period: CostPeriod,
    column: string,
    currency: string,
  ) {
    const rows: Array<{ entity_ref: string; cost: number }> = await knex(
      'multicloud_cost_rollup_daily',
    )
      .whereIn('entity_ref', [EVERYTHING, UNALLOCATED])
      .where({ currency })
      .whereBetween('usage_date', [period.from, period.to])
      .groupBy('entity_ref')
      .select('entity_ref')
      .sum({ cost: column });
    const of = (ref: string) =>
      Number(rows.find(r => r.entity_ref === ref)?.cost ?? 0);
    return { everything: of(EVERYTHING), unallocated: of(UNALLOCATED) };
  }

  /** Daily series, forecast and anomalies from one history read. */
  async function history(
    entityRef: string,
    period: CostPeriod,
    column: string,
  ) {
    const previous = previousPeriod(period);
    const end = await dataEnd();
    const asOf = end && end < period.to ? end : period.to;
    const historyFrom = [previous.from, addDays(asOf, -HISTORY_DAYS)].sort()[0];
    const historyTo = [period.to, asOf].sort().reverse()[0];
    const rows = await dailyTotals(entityRef, historyFrom, historyTo, column);
    return { previous, asOf, rows, hasData: end !== null };
  }

  async function analyse(
    entityRef: string,
    period: CostPeriod,
    groupBy: CostSummaryGroupBy,
    metric: CostMetric,
    breakdownScope: { entityRef: string } | { entityKind: string },
  ) {
    const column = METRIC_COLUMNS[metric];
    const source = lineSource(breakdownScope, groupBy, column);
    const [{ previous, asOf, rows: historyRows, hasData }, totalsRows] =
      await Promise.all([
        history(entityRef, period, column),
        lineTotals(source, period, previousPeriod(period)),
      ]);
    const currency = mainCurrency(
      historyRows.filter(
        r => r.usage_date >= period.from && r.usage_date <= period.to,
      ),
    );
    const daily = seriesOf(historyRows, currency, period.from, period.to);
    const total = daily.reduce((sum, d) => sum + d.cost, 0);
    const previousTotal = seriesOf(
      historyRows,
      currency,
      previous.from,
      previous.to,
    ).reduce((sum, d) => sum + d.cost, 0);
    const lines = buildLines(totalsRows, currency, row =>
      labelForDimension(groupBy, row),
    );
    const [totals] = await Promise.all([
      periodTotals(period, column, currency),
      fillDaily(source, lines, period, currency),
    ]);
    const upToAsOf = seriesOf(
      historyRows,
      currency,
      [addDays(asOf, -HISTORY_DAYS), previous.from].sort()[0],
      asOf,
    );
    const forecast =
      hasData && asOf >= period.from ? forecastMonth(upToAsOf, { asOf }) : null;
    const anomalies = detectAnomalies(
      seriesOf(
        historyRows,
        currency,
        addDays(period.from, -8 * 7),
        [period.to, asOf].sort()[0],
      ),
      { from: period.from },
    ).filter(a => a.date <= period.to);
    return {
      source,
      currency,
      daily,
      total,
      previousTotal,
      previous,
      lines,
      forecast,
      anomalies,
      totals,
      asOf,
      upToAsOf,
      otherCurrencies: otherCurrencies(historyRows, currency, period),
    };
  }

  async function budgetOf(
    entityRef: string,
    annotationBudget: { amount: number; currency?: string } | undefined,
    currency: string,
    asOf: string,
    upToAsOf: CostDailyPoint[],
    forecastTotal: number | null,
  ): Promise<CostBudget | null> {
    const stored = await knex('multicloud_cost_budgets')
      .where({ entity_ref: entityRef })
      .first();
    let budget: Pick<CostBudget, 'amount' | 'currency' | 'source'> | null =
      null;
    if (stored) {
      budget = {
        amount: Number(stored.amount),
        currency: String(stored.currency),
        source: 'api',
      };
    } else if (annotationBudget) {
      budget = {
        amount: annotationBudget.amount,
        currency: annotationBudget.currency ?? currency,
        source: 'annotation',
      };
    }
    if (!budget) {
      return null;
    }
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
    };
  }

  return {
    async entityCost({ entityRef, period, groupBy, metric, annotationBudget }) {
      const result = await analyse(entityRef, period, groupBy, metric, {
        entityRef,
      });
      const [via, budget, lastImportAt] = await Promise.all([
        knex('multicloud_cost_rollup_daily')
          .where({ entity_ref: entityRef, currency: result.currency })
          .whereBetween('usage_date', [period.from, period.to])
          .groupBy('via')
          .select('via')
          .sum({ cost: METRIC_COLUMNS[metric] }) as Promise<
          Array<{ via: string; cost: number }>
        >,
        budgetOf(
          entityRef,
          annotationBudget,
          result.currency,
          result.asOf,
          result.upToAsOf,
          result.forecast?.monthTotal ?? null,
        ),
        options.lastImportAt(),
      ]);
      const viaCost = (name: string) =>
        round(Number(via.find(v => v.via === name)?.cost ?? 0));
      return {
        entityRef,
        from: period.from,
        to: period.to,
        metric,
        groupBy,
        currency: result.currency,
        total: round(result.total),
        daily: result.daily,
        breakdown: toBreakdown(result.lines, result.total),
        breakdownSeries: toSeries(result.lines, result.daily),
        previous: changeOf(result.total, result.previousTotal, result.previous),
        forecast: result.forecast,
        budget,
        anomalies: result.anomalies,
        attribution: { byResource: viaCost('resource'), byTag: viaCost('tag') },
        unallocated: {
          cost: round(result.totals.unallocated),
          share: result.totals.everything
            ? result.totals.unallocated / result.totals.everything
            : 0,
        },
        otherCurrencies: result.otherCurrencies,
        lastImportAt,
      };
    },

    async summary({ period, groupBy, metric }): Promise<CostSummaryResponse> {
      const scope =
        groupBy === 'owner' || groupBy === 'system' || groupBy === 'domain'
          ? { entityKind: groupBy === 'owner' ? 'group' : groupBy }
          : { entityRef: EVERYTHING };
      const result = await analyse(EVERYTHING, period, groupBy, metric, scope);
      const lines = [...result.lines];
      if ('entityKind' in scope) {
        // Cost no group (system, domain) carries is shown, never dropped.
        const covered = lines.reduce((sum, l) => sum + l.cost, 0);
        const previousCovered = lines.reduce(
          (sum, l) => sum + l.previousCost,
          0,
        );
        const rest = result.total - covered;
        const previousRest = result.previousTotal - previousCovered;
        if (Math.abs(rest) > 0.005 || Math.abs(previousRest) > 0.005) {
          const coveredByDay = await coveredDaily(
            result.source,
            period,
            result.currency,
          );
          const daily = new Map(
            result.daily.map(d => [
              d.date,
              d.cost - (coveredByDay.get(d.date) ?? 0),
            ]),
          );
          lines.push({
            key: UNALLOCATED,
            label: `Unallocated (no ${groupBy})`,
            cost: rest,
            previousCost: previousRest,
            daily,
          });
          lines.sort((a, b) => b.cost - a.cost);
        }
      }
      const breakdown = toBreakdown(lines, result.total);
      return {
        from: period.from,
        to: period.to,
        metric,
        groupBy,
        currency: result.currency,
        total: round(result.total),
        daily: result.daily,
        breakdown,
        breakdownSeries: toSeries(lines, result.daily),
        previous: changeOf(result.total, result.previousTotal, result.previous),
        forecast: result.forecast,
        movers: [...breakdown]
          .sort(
            (a, b) =>
              Math.abs(b.cost - b.previousCost) -
              Math.abs(a.cost - a.previousCost),
          )
          .slice(0, MOVERS),
        unallocated: {
          cost: round(result.totals.unallocated),
          share: result.totals.everything
            ? result.totals.unallocated / result.totals.everything
            : 0,
        },
        otherCurrencies: result.otherCurrencies,
        lastImportAt: await options.lastImportAt(),
      };
    },

    async setBudget({ entityRef, amount, currency, updatedBy }) {
      await knex('multicloud_cost_budgets')
        .insert({
          entity_ref: entityRef,
          amount,
          currency,
          updated_by: updatedBy ?? null,
          updated_at: new Date(),
        })
        .onConflict('entity_ref')
        .merge();
      return { entityRef, amount, currency };
    },

    async deleteBudget(entityRef) {
      return (
        (await knex('multicloud_cost_budgets')
          .where({ entity_ref: entityRef })
          .delete()) > 0
      );
    },
  };
}
