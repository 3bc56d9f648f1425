import { TopologyCost } from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { CostPeriod } from '../CostQuery/types';

/** Refs per statement: SQLite builds allow as few as 999 bound variables. */
const REFS_PER_QUERY = 500;

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The sum of costs in the currency with the most cost (a graph rarely
 * mixes currencies; when it does, the others are left out rather than added
 * up as if they were the same).
 */
export function sumCosts(
  costs: Iterable<{ currency: string; amount: number }>,
): TopologyCost | undefined {
  const totals = new Map<string, number>();
  for (const { currency, amount } of costs) {
    totals.set(currency, (totals.get(currency) ?? 0) + amount);
  }
  const [main] = [...totals].sort(
    (a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]),
  );
  return main ? { amount: round(main[1]), currency: main[0] } : undefined;
}

/**
 * Each entity's effective cost over `period` from the daily rollups (which
 * already hold every entity's rolled-up cost: a Component's includes its
 * resources'), for all refs in one statement per chunk of refs. Entities
 * without cost in the period are absent.
 */
export async function readCosts(
  knex: Knex,
  refs: string[],
  period: CostPeriod,
): Promise<Map<string, TopologyCost>> {
  const chunks: string[][] = [];
  for (let i = 0; i < refs.length; i += REFS_PER_QUERY) {
    chunks.push(refs.slice(i, i + REFS_PER_QUERY));
  }
  const results = await Promise.all(
    chunks.map(
      chunk =>
        knex('multicloud_cost_rollup_daily')
          .whereIn('entity_ref', chunk)
          .whereBetween('usage_date', [period.from, period.to])
          .groupBy('entity_ref', 'currency')
          .select('entity_ref', 'currency')
          .sum({ cost: 'effective_cost' }) as Promise<
          Array<{ entity_ref: string; currency: string; cost: number | string }>
        >,
    ),
  );
  const byRef = new Map<string, Array<{ currency: string; amount: number }>>();
  for (const row of results.flat()) {
    const list = byRef.get(row.entity_ref) ?? [];
    list.push({ currency: row.currency, amount: Number(row.cost) });
    byRef.set(row.entity_ref, list);
  }
  const costs = new Map<string, TopologyCost>();
  for (const [ref, list] of byRef) {
    const cost = sumCosts(list);
    if (cost) {
      costs.set(ref, cost);
    }
  }
  return costs;
}
