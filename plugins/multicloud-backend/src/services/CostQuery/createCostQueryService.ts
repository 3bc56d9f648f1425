import {
  CostDailyPoint,
  CostFilters,
  CostSummaryGroupBy,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { createBudgetStore } from '../../database/BudgetStore';
import {
  CostFactsStore,
  CostLines,
  createCostFactsStore,
} from '../../database/CostFactsStore';
import {
  ForecastCoverage,
  createForecastCoverageCache,
} from '../CostAnalytics';
import { EVERYTHING, UNALLOCATED } from '../CostAttribution/attributionModel';
import { convertDailyCosts, ExchangeRates } from './exchangeRates';
import {
  analyseHistory,
  budgetStatus,
  buildLines,
  historyWindow,
  labelForDimension,
  Line,
  PeriodAnalysis,
  previousPeriod,
  shownLines,
  toEntityCostResponse,
  toSummaryResponse,
  unallocatedOf,
  unconvertedBudget,
  uncoveredCost,
  withUncoveredLine,
} from './shapeResponses';
import { CostPeriod, CostQueryService } from './types';

/** The answer with the filters it is narrowed to, when there are any. */
function withFilters<T extends object>(
  response: T,
  filters: CostFilters | undefined,
): T & { filters?: CostFilters } {
  return filters ? { ...response, filters } : response;
}

/**
 * Reads what a period's answer needs: the daily history of `entityRef`
 * (series, forecast, anomalies), each breakdown line's totals, the shown
 * lines' daily values and the organisation's totals. With
 * `lines.exchangeRates`, every figure is in the display currency, with what
 * was converted into it.
 */
async function analyse(
  facts: CostFactsStore,
  entityRef: string,
  period: CostPeriod,
  lines: CostLines,
  coverageOf: (daily: readonly CostDailyPoint[]) => ForecastCoverage,
): Promise<PeriodAnalysis> {
  const { exchangeRates } = lines;
  const [history, lineTotals] = await Promise.all([
    (async () => {
      const dataEnd = await facts.lastUsageDate();
      const window = historyWindow(period, dataEnd);
      const rows = await facts.dailyCosts({
        entityRef,
        days: window.days,
        metric: lines.metric,
        filters: lines.filters,
      });
      // Converted here rather than in SQL: the answer tells what was.
      const conversion = exchangeRates
        ? convertDailyCosts(rows, exchangeRates, period)
        : undefined;
      return {
        ...analyseHistory(
          conversion?.rows ?? rows,
          period,
          window,
          dataEnd !== null,
          coverageOf,
          exchangeRates?.display,
        ),
        ...(conversion ? { converted: conversion.converted } : {}),
      };
    })(),
    facts.lineTotals(lines, period, previousPeriod(period)),
  ]);
  const { currency } = history;
  const built = buildLines(lineTotals, currency, row =>
    labelForDimension(lines.groupBy, row),
  );
  const [totals] = await Promise.all([
    facts.entityTotals({
      entityRefs: [EVERYTHING, UNALLOCATED],
      period,
      currency,
      metric: lines.metric,
      filters: lines.filters,
      exchangeRates,
    }),
    fillDaily(facts, lines, built, period, currency),
  ]);
  return { ...history, lines: built, unallocated: unallocatedOf(totals) };
}

/** Fills in the daily values of the lines the chart shows. */
async function fillDaily(
  facts: CostFactsStore,
  lines: CostLines,
  built: Line[],
  period: CostPeriod,
  currency: string,
) {
  const shown = shownLines(built);
  if (shown.length === 0) {
    return;
  }
  const rows = await facts.lineDailyCosts(
    lines,
    shown.map(l => l.key),
    period,
    currency,
  );
  const byKey = new Map(shown.map(l => [l.key, l]));
  for (const row of rows) {
    byKey.get(row.key)?.daily.set(row.date, row.cost);
  }
}

/** Breakdowns of the organisation by the entities its cost rolls up to. */
function isEntityGrouping(
  groupBy: CostSummaryGroupBy,
): groupBy is 'owner' | 'system' | 'domain' {
  return groupBy === 'owner' || groupBy === 'system' || groupBy === 'domain';
}

/**
 * Creates the {@link CostQueryService}. Every figure comes from the rollups:
 * per entity and day (totals, history, summaries by group, system, domain),
 * per entity, day and dimension value (breakdowns), per entity, day and
 * resource; a year of a large System is a few thousand rows to read whatever
 * the size of the facts. With `exchangeRates` (`multicloud.cost.currency`),
 * every figure is in their display currency, other currencies converted at
 * the rate of their usage month.
 */
export function createCostQueryService(options: {
  knex: Knex;
  lastImportAt: () => Promise<string | null>;
  exchangeRates?: ExchangeRates;
}): CostQueryService {
  const { exchangeRates } = options;
  // Answers cached by a client before a restart with other rates are stale.
  const ratesVersion =
    exchangeRates &&
    createHash('sha256')
      .update(JSON.stringify([exchangeRates.display, [...exchangeRates.rates]]))
      .digest('base64url')
      .slice(0, 12);
  const facts = createCostFactsStore(options.knex);
  const budgets = createBudgetStore(options.knex);
  const coverageOf = createForecastCoverageCache();

  return {
    async entityCost(request) {
      const { entityRef, period, groupBy, metric, annotationBudget, filters } =
        request;
      const analysis = await analyse(
        facts,
        entityRef,
        period,
        { scope: { entityRef }, groupBy, metric, filters, exchangeRates },
        coverageOf,
      );
      const [costByPath, stored, lastImportAt] = await Promise.all([
        facts.costByPath({
          entityRef,
          period,
          currency: analysis.currency,
          metric,
          filters,
          exchangeRates,
        }),
        budgets.getBudget(entityRef),
        options.lastImportAt(),
      ]);
      const budgetOptions = {
        stored,
        annotation: annotationBudget,
        currency: analysis.currency,
        asOf: analysis.asOf,
        exchangeRates,
      };
      // A budget is for all of the entity's cost, not a filtered part.
      const budget = filters
        ? null
        : budgetStatus({
            ...budgetOptions,
            upToAsOf: analysis.upToAsOf,
            forecastTotal: analysis.forecast?.monthTotal ?? null,
          });
      return withFilters(
        toEntityCostResponse({ entityRef, period, groupBy, metric }, analysis, {
          budget,
          unconvertedBudget: filters
            ? undefined
            : unconvertedBudget(budgetOptions),
          costByPath,
          lastImportAt,
        }),
        filters,
      );
    },

    async summary({ period, groupBy, metric, filters }) {
      const byEntity = isEntityGrouping(groupBy);
      const lines: CostLines = {
        scope: byEntity
          ? { entityKind: groupBy === 'owner' ? 'group' : groupBy }
          : { entityRef: EVERYTHING },
        groupBy,
        metric,
        filters,
        exchangeRates,
      };
      const analysis = await analyse(
        facts,
        EVERYTHING,
        period,
        lines,
        coverageOf,
      );
      let shown = analysis.lines;
      // Cost no group (system, domain) carries is shown, never dropped.
      const uncovered = byEntity
        ? uncoveredCost(analysis.lines, analysis.total, analysis.previousTotal)
        : null;
      if (uncovered) {
        shown = withUncoveredLine(
          analysis.lines,
          uncovered,
          groupBy,
          analysis.daily,
          await facts.coveredDailyCosts(lines, period, analysis.currency),
        );
      }
      return withFilters(
        toSummaryResponse(
          { period, groupBy, metric },
          analysis,
          shown,
          await options.lastImportAt(),
        ),
        filters,
      );
    },

    async setBudget({ entityRef, amount, currency, updatedBy }) {
      await budgets.setBudget({ entityRef, amount, currency, updatedBy });
      return { entityRef, amount, currency };
    },

    deleteBudget: entityRef => budgets.deleteBudget(entityRef),

    async dataVersion() {
      const [version, lastImportAt] = await Promise.all([
        facts.dataVersion(),
        options.lastImportAt(),
      ]);
      const base = `${version} ${lastImportAt ?? ''}`;
      return ratesVersion ? `${base} ${ratesVersion}` : base;
    },
  };
}
