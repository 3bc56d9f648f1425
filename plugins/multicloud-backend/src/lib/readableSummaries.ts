import {
  ALERT_SEVERITIES,
  AlertSeverity,
  AlertsSummaryResponse,
  CostSummaryResponse,
} from '@multicloud/plugin-multicloud-common';
import { sumByCurrency } from '../services/Alerts/amounts';
/** Key of the summary line that sums the entities the caller may not read. */
export const HIDDEN_LINE_KEY = 'not-visible';

/**
 * The cost summary with every line of an entity the caller may not read
 * summed into one line, "Teams you may not see": the totals stay those of
 * the whole organisation (an aggregate that names no one), but whose cost it
 * is, is told only to those who may read it. Movers of hidden lines are left
 * out.
 */
export function hideUnreadableLines(
  summary: CostSummaryResponse,
  allowed: ReadonlySet<string>,
): CostSummaryResponse {
  const hidden = (item: { entityRef?: string }) =>
    item.entityRef !== undefined && !allowed.has(item.entityRef);
  const hiddenItems = summary.breakdown.filter(hidden);
  if (hiddenItems.length === 0) {
    return summary;
  }
  const hiddenKeys = new Set(hiddenItems.map(item => item.key));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const breakdown = [
    ...summary.breakdown.filter(item => !hidden(item)),
    {
      key: HIDDEN_LINE_KEY,
      label: 'Teams you may not see',
      cost: sum(hiddenItems.map(item => item.cost)),
      share: sum(hiddenItems.map(item => item.share)),
      previousCost: sum(hiddenItems.map(item => item.previousCost)),
    },
  ];
  const hiddenSeries = summary.breakdownSeries.filter(series =>
    hiddenKeys.has(series.key),
  );
  const breakdownSeries = hiddenSeries.length
    ? [
        ...summary.breakdownSeries.filter(
          series => !hiddenKeys.has(series.key),
        ),
        {
          key: HIDDEN_LINE_KEY,
          label: 'Teams you may not see',
          values: summary.daily.map((_, day) =>
            sum(hiddenSeries.map(series => series.values[day] ?? 0)),
          ),
        },
      ]
    : summary.breakdownSeries;
  return {
    ...summary,
    breakdown,
    breakdownSeries,
    movers: summary.movers.filter(item => !hidden(item)),
  };
}

/**
 * The alerts summary of the teams whose alerts the caller may read, with
 * the counts and savings of those teams only.
 */
export function summaryOfTeams(
  summary: AlertsSummaryResponse,
  allowed: ReadonlySet<string>,
): AlertsSummaryResponse {
  const teams = summary.teams.filter(team => allowed.has(team.ownerRef));
  if (teams.length === summary.teams.length) {
    return summary;
  }
  const counts: Record<AlertSeverity, number> = {
    critical: 0,
    warning: 0,
    info: 0,
  };
  for (const team of teams) {
    for (const severity of ALERT_SEVERITIES) {
      counts[severity] += team.counts[severity];
    }
  }
  return {
    ...summary,
    teams,
    counts,
    monthlySavings: sumByCurrency(teams.flatMap(team => team.monthlySavings)),
  };
}
