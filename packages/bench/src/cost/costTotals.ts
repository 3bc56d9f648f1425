/*
 * The cost the plugin's API gives per entity, to compare two states of a
 * store to the cent: the organisation summary grouped by owner and by
 * system (`GET /cost/summary`), and chosen entities' totals
 * (`GET /cost/entity`), over one period.
 */
import {
  CostSummaryResponse,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';

/** Cost by what it is of: `owner <ref>`, `owner total`, `system <ref>`, `system total`, `entity <ref>`. */
export type CostTotals = Record<string, number>;

/** Half a cent: two figures this close are equal to the cent. */
const CENT_TOLERANCE = 0.005;

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(
      `GET ${url} answered ${response.status}: ${text.slice(0, 500)}`,
    );
  }
  return JSON.parse(text) as T;
}

/** The totals of the period `from`..`to` through the API at `baseUrl`. */
export async function readCostTotals(
  baseUrl: string,
  period: { from: string; to: string },
  entityRefs: string[],
): Promise<CostTotals> {
  const totals: CostTotals = {};
  const days = `from=${period.from}&to=${period.to}`;
  for (const groupBy of ['owner', 'system']) {
    const summary = await getJson<CostSummaryResponse>(
      `${baseUrl}/cost/summary?${days}&groupBy=${groupBy}`,
    );
    totals[`${groupBy} total`] = summary.total;
    for (const line of summary.breakdown) {
      totals[`${groupBy} ${line.key}`] = line.cost;
    }
  }
  for (const entityRef of entityRefs) {
    const answer = await getJson<EntityCostResponse>(
      `${baseUrl}/cost/entity?entityRef=${encodeURIComponent(
        entityRef,
      )}&${days}&groupBy=service`,
    );
    totals[`entity ${entityRef}`] = answer.total;
  }
  return totals;
}

export type TotalsDifference = {
  key: string;
  before: number;
  after: number;
};

export type TotalsComparison = {
  /** Figures compared (a figure missing on one side counts as 0 there). */
  compared: number;
  /** Those that differ by a cent or more. */
  differing: TotalsDifference[];
  maxDifference: number;
};

export function compareTotals(
  before: CostTotals,
  after: CostTotals,
): TotalsComparison {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const differing: TotalsDifference[] = [];
  let maxDifference = 0;
  for (const key of keys.sort()) {
    const a = before[key] ?? 0;
    const b = after[key] ?? 0;
    const difference = Math.abs(a - b);
    maxDifference = Math.max(maxDifference, difference);
    if (difference >= CENT_TOLERANCE) {
      differing.push({ key, before: a, after: b });
    }
  }
  return { compared: keys.length, differing, maxDifference };
}
