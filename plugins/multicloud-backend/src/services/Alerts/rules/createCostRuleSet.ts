import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CostAnomaly } from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { detectAnomalies } from '../../CostAnalytics/anomalies';
import { addDays, endOfMonth, startOfMonth } from '../../CostAnalytics/dates';
import {
  forecastMonth,
  forecastMonthTotal,
} from '../../CostAnalytics/forecast';
import { median } from '../../CostAnalytics/statistics';
import { METRIC_COLUMNS } from '../../../database/lineSource';
import {
  HISTORY_DAYS,
  mainCurrency,
  seriesOf,
} from '../../CostQuery/shapeResponses';
import { AlertFinding, AlertRuleSet } from '../types';
import { CostRulesConfig, readAlertRulesConfig } from './config';
import { chunks, costAsOf, toNumber } from './costData';
import {
  entitiesByRef,
  entityPath,
  formatMoney,
  money,
  ownerRefOf,
  titleOf,
} from './entities';

/** Alerts judge what the Cost tab shows by default: effective cost. */
const COST = METRIC_COLUMNS.effective;
/** Weeks of the anomaly baseline (the cost engine's default). */
const BASELINE_WEEKS = 8;
/** Entities whose daily series are read and judged at once. */
const SERIES_PER_QUERY = 200;
const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.owner',
];

type DailyRow = {
  entity_ref: string;
  usage_date: string;
  currency: string;
  cost: number;
};

type Budget = {
  entityRef: string;
  amount: number;
  currency?: string;
  source: 'api' | 'annotation';
};

/** The largest line of a breakdown: a service or a resource. */
type Contributor = { label: string; cost: number };

/** A finding waiting for its entity's title and owner from the catalog. */
type Draft = {
  entityRef: string;
  build: (entity: Entity) => AlertFinding;
};

/** Link to the entity's Cost tab over a period, broken down by service. */
export function costTabUrl(entityRef: string, from: string, to: string) {
  const query = new URLSearchParams({ from, to, groupBy: 'service' });
  return `${entityPath(entityRef)}/cost?${query}`;
}

const signed = (amount: number, currency: string) =>
  `${amount >= 0 ? '+' : '-'}${formatMoney(Math.abs(amount), currency)}`;

/** Reads daily cost per entity, in one grouped query per chunk of entities. */
async function dailyCost(
  knex: Knex,
  refs: string[],
  from: string,
  to: string,
): Promise<Map<string, DailyRow[]>> {
  const rows: DailyRow[] = await knex('multicloud_cost_rollup_daily')
    .whereIn('entity_ref', refs)
    .whereBetween('usage_date', [from, to])
    .groupBy('entity_ref', 'usage_date', 'currency')
    .select('entity_ref', 'usage_date', 'currency')
    .sum({ cost: COST });
  const byRef = new Map<string, DailyRow[]>();
  for (const row of rows) {
    const list = byRef.get(row.entity_ref) ?? [];
    list.push({ ...row, cost: toNumber(row.cost) });
    byRef.set(row.entity_ref, list);
  }
  return byRef;
}

/** Every budget: set through the API, else from the annotation. */
async function readBudgets(knex: Knex): Promise<Budget[]> {
  const budgets = new Map<string, Budget>();
  const annotated: Array<{
    entity_ref: string;
    annotation_budget: number | string;
    annotation_budget_currency: string | null;
  }> = await knex('multicloud_cost_entities')
    .whereNotNull('annotation_budget')
    .select('entity_ref', 'annotation_budget', 'annotation_budget_currency');
  for (const row of annotated) {
    budgets.set(row.entity_ref, {
      entityRef: row.entity_ref,
      amount: toNumber(row.annotation_budget),
      currency: row.annotation_budget_currency ?? undefined,
      source: 'annotation',
    });
  }
  const stored: Array<{
    entity_ref: string;
    amount: number | string;
    currency: string;
  }> = await knex('multicloud_cost_budgets').select(
    'entity_ref',
    'amount',
    'currency',
  );
  for (const row of stored) {
    budgets.set(row.entity_ref, {
      entityRef: row.entity_ref,
      amount: toNumber(row.amount),
      currency: row.currency,
      source: 'api',
    });
  }
  return [...budgets.values()].filter(b => b.amount > 0);
}

/** The largest service and resource of each entity over a period, in its currency. */
async function largestContributors(
  knex: Knex,
  currencies: Map<string, string>,
  from: string,
  to: string,
): Promise<Map<string, { service?: Contributor; resource?: Contributor }>> {
  const out = new Map<
    string,
    { service?: Contributor; resource?: Contributor }
  >();
  const keep = (
    ref: string,
    currency: string,
    kind: 'service' | 'resource',
    contributor: Contributor,
  ) => {
    if (currencies.get(ref) !== currency || !(contributor.cost > 0)) {
      return;
    }
    const entry = out.get(ref) ?? {};
    if (!entry[kind] || entry[kind]!.cost < contributor.cost) {
      entry[kind] = contributor;
    }
    out.set(ref, entry);
  };
  for (const refs of chunks([...currencies.keys()])) {
    const services: Array<{
      entity_ref: string;
      value: string;
      currency: string;
      cost: number | string;
    }> = await knex('multicloud_cost_rollup_dimensions')
      .whereIn('entity_ref', refs)
      .where({ dimension: 'service' })
      .whereBetween('usage_date', [from, to])
      .groupBy('entity_ref', 'value', 'currency')
      .select('entity_ref', 'value', 'currency')
      .sum({ cost: COST });
    for (const row of services) {
      keep(row.entity_ref, row.currency, 'service', {
        label: row.value || '(no service)',
        cost: toNumber(row.cost),
      });
    }
    const resources: Array<{
      entity_ref: string;
      resource_key: string;
      label: string | null;
      currency: string;
      cost: number | string;
    }> = await knex('multicloud_cost_rollup_resources')
      .whereIn('entity_ref', refs)
      .whereBetween('usage_date', [from, to])
      .groupBy('entity_ref', 'resource_key', 'currency')
      .select('entity_ref', 'resource_key', 'currency')
      .max({ label: 'resource_name' })
      .sum({ cost: COST });
    for (const row of resources) {
      keep(row.entity_ref, row.currency, 'resource', {
        label: row.label || row.resource_key || 'shared charges',
        cost: toNumber(row.cost),
      });
    }
  }
  return out;
}

function contributorsText(
  top: { service?: Contributor; resource?: Contributor } | undefined,
  currency: string,
): string {
  const parts: string[] = [];
  if (top?.service) {
    parts.push(
      `the largest service is ${top.service.label} (${formatMoney(
        top.service.cost,
        currency,
      )})`,
    );
  }
  if (top?.resource) {
    parts.push(
      `the largest resource is ${top.resource.label} (${formatMoney(
        top.resource.cost,
        currency,
      )})`,
    );
  }
  return parts.length ? ` This month ${parts.join(' and ')}.` : '';
}

async function budgetDrafts(
  knex: Knex,
  rules: CostRulesConfig,
  asOf: string,
): Promise<Draft[]> {
  const budgets = await readBudgets(knex);
  const monthStart = startOfMonth(asOf);
  const monthEnd = endOfMonth(asOf);
  const month = asOf.slice(0, 7);
  const historyFrom = addDays(asOf, -HISTORY_DAYS);
  type Judged = {
    budget: Budget;
    currency: string;
    actual: number;
    rule:
      | 'budget-exceeded'
      | 'forecast-over-budget'
      | 'forecast-may-exceed-budget';
    forecast?: { total: number; lower: number; upper: number };
  };
  const judged: Judged[] = [];
  for (const part of chunks(budgets, SERIES_PER_QUERY)) {
    const daily = await dailyCost(
      knex,
      part.map(b => b.entityRef),
      historyFrom,
      asOf,
    );
    for (const budget of part) {
      const rows = daily.get(budget.entityRef) ?? [];
      const currency =
        budget.currency ??
        mainCurrency(rows.filter(r => r.usage_date >= monthStart));
      const series = seriesOf(rows, currency, historyFrom, asOf);
      const actual = series
        .filter(d => d.date >= monthStart)
        .reduce((sum, d) => sum + d.cost, 0);
      if (actual > budget.amount) {
        if (rules.budgetExceeded.enabled) {
          judged.push({ budget, currency, actual, rule: 'budget-exceeded' });
        }
        // Spent already: a forecast of it adds nothing.
        continue;
      }
      if (
        !rules.forecastOverBudget.enabled &&
        !rules.forecastMayExceedBudget.enabled
      ) {
        continue;
      }
      // The interval's low end is never above the point forecast: when the
      // point is within the budget, the backtest that sizes the interval
      // (a hundred model fits) would change nothing.
      const total = rows.length ? forecastMonthTotal(series, { asOf }) : null;
      if (total === null || total <= budget.amount) {
        continue;
      }
      const forecast = forecastMonth(series, {
        asOf,
        level: rules.forecastLevel,
      });
      if (!forecast) {
        continue;
      }
      const figures = {
        total: forecast.monthTotal,
        lower: forecast.monthLower,
        upper: forecast.monthUpper,
      };
      if (forecast.monthLower > budget.amount) {
        if (rules.forecastOverBudget.enabled) {
          judged.push({
            budget,
            currency,
            actual,
            rule: 'forecast-over-budget',
            forecast: figures,
          });
        }
      } else if (
        forecast.monthTotal > budget.amount &&
        rules.forecastMayExceedBudget.enabled
      ) {
        judged.push({
          budget,
          currency,
          actual,
          rule: 'forecast-may-exceed-budget',
          forecast: figures,
        });
      }
    }
  }

  const contributors = await largestContributors(
    knex,
    new Map(judged.map(j => [j.budget.entityRef, j.currency])),
    monthStart,
    asOf,
  );
  const level = Math.round(rules.forecastLevel * 100);
  return judged.map(({ budget, currency, actual, rule, forecast }) => {
    const fmt = (amount: number) => formatMoney(amount, currency);
    const top = contributors.get(budget.entityRef);
    const where =
      budget.source === 'api'
        ? 'the budget on the Cost tab'
        : 'the multicloud.io/monthly-budget annotation';
    const settings = {
      'budget-exceeded': rules.budgetExceeded,
      'forecast-over-budget': rules.forecastOverBudget,
      'forecast-may-exceed-budget': rules.forecastMayExceedBudget,
    }[rule];
    return {
      entityRef: budget.entityRef,
      build: entity => {
        const title = titleOf(entity);
        const common = {
          source: 'cost' as const,
          rule,
          entityRef: budget.entityRef,
          entityTitle: title,
          ownerRef: ownerRefOf(entity),
          subject: month,
          severity: settings.severity,
          ...(top?.service ? { driver: top.service.label } : {}),
          links: [
            {
              title: 'Cost tab, this month by service',
              url: costTabUrl(budget.entityRef, monthStart, monthEnd),
            },
          ],
        };
        if (rule === 'budget-exceeded') {
          return {
            ...common,
            title: `Over budget: ${fmt(actual)} of ${fmt(
              budget.amount,
            )} in ${month}`,
            description: `${title} has cost ${fmt(
              actual,
            )} from ${monthStart} to ${asOf}, ${fmt(
              actual - budget.amount,
            )} over its monthly budget of ${fmt(
              budget.amount,
            )}.${contributorsText(
              top,
              currency,
            )} Find what grew on the Cost tab and cut it back, or raise ${where} if the spend is expected.`,
            amount: money(actual - budget.amount, currency),
          };
        }
        const range = `${fmt(forecast!.lower)} to ${fmt(forecast!.upper)}`;
        return {
          ...common,
          title: `Forecast over budget: ${fmt(forecast!.total)} of ${fmt(
            budget.amount,
          )} in ${month}`,
          description: `${title} has cost ${fmt(
            actual,
          )} from ${monthStart} to ${asOf} and is forecast to reach ${fmt(
            forecast!.total,
          )} by ${monthEnd} (${level}% interval ${range}), over its monthly budget of ${fmt(
            budget.amount,
          )}${
            rule === 'forecast-over-budget'
              ? ': even the low end of the interval is over it'
              : ', though the low end of the interval is within it'
          }.${contributorsText(
            top,
            currency,
          )} Slow the spend down before the month ends, or raise ${where} if it is expected.`,
          amount: money(forecast!.total - budget.amount, currency),
        };
      },
    };
  });
}

type Judgement = {
  ref: string;
  currency: string;
  anomaly: CostAnomaly;
};

/** How much each line moved on an anomaly day against its own same-weekday median. */
function movers(
  rows: Array<{ date: string; key: string; label: string; cost: number }>,
  day: string,
  from: string,
): Array<{ label: string; delta: number }> {
  const baselineDays: string[] = [];
  for (let week = 1; week <= BASELINE_WEEKS; week++) {
    const date = addDays(day, -7 * week);
    if (date >= from) {
      baselineDays.push(date);
    }
  }
  const byKey = new Map<
    string,
    { label: string; costs: Map<string, number> }
  >();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { label: row.label, costs: new Map() };
    entry.costs.set(row.date, (entry.costs.get(row.date) ?? 0) + row.cost);
    byKey.set(row.key, entry);
  }
  return [...byKey.values()].map(({ label, costs }) => ({
    label,
    delta:
      (costs.get(day) ?? 0) -
      (baselineDays.length
        ? median(baselineDays.map(d => costs.get(d) ?? 0))
        : 0),
  }));
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) {
      group.push(row);
    } else {
      groups.set(key, [row]);
    }
  }
  return groups;
}

/** The service and the resource that moved most in the anomaly's direction. */
async function anomalyDrivers(
  knex: Knex,
  judgements: Judgement[],
  from: string,
): Promise<Map<Judgement, { service?: Contributor; resource?: Contributor }>> {
  const out = new Map<
    Judgement,
    { service?: Contributor; resource?: Contributor }
  >();
  for (const part of chunks(judgements, SERIES_PER_QUERY)) {
    const refs = [...new Set(part.map(j => j.ref))];
    const dates = new Set<string>();
    for (const { anomaly } of part) {
      dates.add(anomaly.date);
      for (let week = 1; week <= BASELINE_WEEKS; week++) {
        dates.add(addDays(anomaly.date, -7 * week));
      }
    }
    const services: Array<{
      entity_ref: string;
      usage_date: string;
      value: string;
      currency: string;
      cost: number | string;
    }> = await knex('multicloud_cost_rollup_dimensions')
      .whereIn('entity_ref', refs)
      .where({ dimension: 'service' })
      .whereIn('usage_date', [...dates])
      .groupBy('entity_ref', 'usage_date', 'value', 'currency')
      .select('entity_ref', 'usage_date', 'value', 'currency')
      .sum({ cost: COST });
    const resources: Array<{
      entity_ref: string;
      usage_date: string;
      resource_key: string;
      label: string | null;
      currency: string;
      cost: number | string;
    }> = await knex('multicloud_cost_rollup_resources')
      .whereIn('entity_ref', refs)
      .whereIn('usage_date', [...dates])
      .groupBy('entity_ref', 'usage_date', 'resource_key', 'currency')
      .select('entity_ref', 'usage_date', 'resource_key', 'currency')
      .max({ label: 'resource_name' })
      .sum({ cost: COST });
    const servicesOf = groupBy(services, r => `${r.entity_ref}\0${r.currency}`);
    const resourcesOf = groupBy(
      resources,
      r => `${r.entity_ref}\0${r.currency}`,
    );
    for (const judgement of part) {
      const { ref, currency, anomaly } = judgement;
      const key = `${ref}\0${currency}`;
      const pick = (
        lines: Array<{
          date: string;
          key: string;
          label: string;
          cost: number;
        }>,
      ): Contributor | undefined => {
        const sign = anomaly.direction === 'spike' ? 1 : -1;
        const best = movers(lines, anomaly.date, from)
          .filter(m => sign * m.delta > 0)
          .sort((a, b) => sign * (b.delta - a.delta))[0];
        return best ? { label: best.label, cost: best.delta } : undefined;
      };
      out.set(judgement, {
        service: pick(
          (servicesOf.get(key) ?? []).map(r => ({
            date: r.usage_date,
            key: r.value,
            label: r.value || '(no service)',
            cost: toNumber(r.cost),
          })),
        ),
        resource: pick(
          (resourcesOf.get(key) ?? []).map(r => ({
            date: r.usage_date,
            key: r.resource_key,
            label: r.label || r.resource_key || 'shared charges',
            cost: toNumber(r.cost),
          })),
        ),
      });
    }
  }
  return out;
}

async function anomalyDrafts(
  knex: Knex,
  rules: CostRulesConfig,
  asOf: string,
): Promise<Draft[]> {
  const { kinds, lookbackDays, minAbsolute, minPercent, threshold } =
    rules.anomalies;
  const lookbackFrom = addDays(asOf, -(lookbackDays - 1));
  const from = addDays(lookbackFrom, -7 * BASELINE_WEEKS);
  const refs: string[] = (
    await knex('multicloud_cost_rollup_daily')
      .whereIn('entity_kind', kinds)
      .whereBetween('usage_date', [from, asOf])
      .distinct('entity_ref')
  ).map((r: { entity_ref: string }) => r.entity_ref);
  const floor = minAbsolute ?? 10;

  const judgements: Judgement[] = [];
  for (const part of chunks(refs, SERIES_PER_QUERY)) {
    const daily = await dailyCost(knex, part, from, asOf);
    for (const [ref, rows] of daily) {
      const currency = mainCurrency(rows);
      const series = seriesOf(rows, currency, from, asOf);
      const costs = series.map(d => d.cost);
      // No day can depart from another by the smallest reportable amount.
      if (Math.max(...costs) - Math.min(...costs) < floor) {
        continue;
      }
      for (const anomaly of detectAnomalies(series, {
        minAbsolute,
        minPercent,
        threshold,
        from: lookbackFrom,
      })) {
        const enabled =
          anomaly.direction === 'spike'
            ? rules.costAnomaly.enabled
            : rules.costDrop.enabled;
        if (enabled) {
          judgements.push({ ref, currency, anomaly });
        }
      }
    }
  }

  const drivers = await anomalyDrivers(knex, judgements, from);
  return judgements.map(judgement => {
    const { ref, currency, anomaly } = judgement;
    const fmt = (amount: number) => formatMoney(amount, currency);
    const top = drivers.get(judgement);
    const spike = anomaly.direction === 'spike';
    const percent =
      anomaly.deltaPercent === null
        ? ''
        : ` (${Math.round(Math.abs(anomaly.deltaPercent) * 100)}% ${
            spike ? 'above' : 'below'
          })`;
    const causes: string[] = [];
    if (top?.service) {
      causes.push(
        `${top.service.label} (${signed(top.service.cost, currency)})`,
      );
    }
    if (top?.resource) {
      causes.push(
        `resource ${top.resource.label} (${signed(
          top.resource.cost,
          currency,
        )})`,
      );
    }
    return {
      entityRef: ref,
      build: entity => {
        const title = titleOf(entity);
        return {
          source: 'cost',
          rule: spike ? 'cost-anomaly' : 'cost-drop',
          entityRef: ref,
          entityTitle: title,
          ownerRef: ownerRefOf(entity),
          subject: anomaly.date,
          severity: spike
            ? rules.costAnomaly.severity
            : rules.costDrop.severity,
          title: `Cost ${spike ? 'spike' : 'drop'} on ${anomaly.date}: ${fmt(
            anomaly.cost,
          )} against a usual ${fmt(anomaly.expected)}`,
          description: `${title} cost ${fmt(anomaly.cost)} on ${
            anomaly.date
          }, ${fmt(Math.abs(anomaly.delta))} ${
            spike ? 'more' : 'less'
          } than the ${fmt(
            anomaly.expected,
          )} of the same weekday in the previous weeks${percent}.${
            causes.length ? ` Most of the change: ${causes.join(' and ')}.` : ''
          } ${
            spike
              ? 'Check whether it was intended (a release, a migration, more traffic); if not, find and stop what drives it.'
              : 'Check that the service still runs and that its resources still carry their tags, or confirm that the saving was intended.'
          }`,
          ...(spike ? { amount: money(anomaly.delta, currency) } : {}),
          ...(top?.service ? { driver: top.service.label } : {}),
          links: [
            {
              title: 'Cost tab, the four weeks to that day by service',
              url: costTabUrl(ref, addDays(anomaly.date, -27), anomaly.date),
            },
          ],
        };
      },
    };
  });
}

/**
 * Creates the cost rules: `budget-exceeded` (month-to-date cost over the
 * monthly budget), `forecast-over-budget` (even the low end of the month
 * forecast's interval is over it), `forecast-may-exceed-budget` (only the
 * point forecast is), `cost-anomaly` and `cost-drop` (days the cost engine
 * finds anomalous among the entity kinds configured, Components and
 * Systems by default). Figures are effective cost up to the last day with
 * cost data, as on the Cost tab; only entities that still exist in the
 * catalog are reported.
 */
export function createCostRuleSet(options: {
  catalog: CatalogService;
  auth: AuthService;
  config: Config;
  logger: LoggerService;
}): AlertRuleSet {
  const { catalog, auth, logger } = options;
  const rules = readAlertRulesConfig(options.config).cost;
  const budgetRules =
    rules.budgetExceeded.enabled ||
    rules.forecastOverBudget.enabled ||
    rules.forecastMayExceedBudget.enabled;
  const anomalyRules = rules.costAnomaly.enabled || rules.costDrop.enabled;

  return {
    source: 'cost',
    async evaluate({ now, knex }) {
      const asOf = await costAsOf(knex, now);
      if (!asOf) {
        return [];
      }
      const drafts = [
        ...(budgetRules ? await budgetDrafts(knex, rules, asOf) : []),
        ...(anomalyRules ? await anomalyDrafts(knex, rules, asOf) : []),
      ];
      const entities = await entitiesByRef(
        catalog,
        auth,
        [...new Set(drafts.map(d => d.entityRef))],
        ENTITY_FIELDS,
      );
      const gone = drafts.filter(d => !entities.has(d.entityRef));
      if (gone.length > 0) {
        logger.debug(
          `Cost rules skipped ${gone.length} finding(s) of entities no longer in the catalog, for example ${gone[0].entityRef}`,
        );
      }
      return drafts
        .filter(d => entities.has(d.entityRef))
        .map(d => d.build(entities.get(d.entityRef)!));
    },
  };
}
