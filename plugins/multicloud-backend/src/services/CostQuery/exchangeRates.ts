import {
  CostConversion,
  CostExchangeRate,
} from '@multicloud/plugin-multicloud-common';
import { DailyCost } from '../../database/CostFactsStore';
import { CostPeriod } from './types';

/**
 * The display currency of the cost answers and the monthly rates that
 * convert other currencies into it (`multicloud.cost.currency`).
 */
export type ExchangeRates = {
  /** ISO 4217 code every figure is in. */
  display: string;
  /**
   * Per ISO 4217 code, units of `display` per unit of it, by month
   * (`YYYY-MM`), latest month first.
   */
  rates: ReadonlyMap<string, ReadonlyArray<{ month: string; rate: number }>>;
};

/**
 * The rate that converts `currency`'s cost of `month` (`YYYY-MM`) into the
 * display currency: the month's own, else the nearest earlier month's. Null
 * when the config sets none that early: the cost stays unconverted rather
 * than converted at a rate nobody gave. The SQL of `rateExpression`
 * (lineSource.ts) picks the same rate.
 */
export function rateOn(
  rates: ExchangeRates,
  currency: string,
  month: string,
): CostExchangeRate | null {
  const set = rates.rates.get(currency)?.find(r => r.month <= month);
  if (!set) {
    return null;
  }
  return set.month === month
    ? { month, rate: set.rate }
    : { month, rate: set.rate, rateMonth: set.month };
}

/**
 * Daily costs with every cost a rate converts in the display currency (the
 * rest as billed), and what was converted in `period`, by currency.
 */
export function convertDailyCosts(
  rows: readonly DailyCost[],
  rates: ExchangeRates,
  period: CostPeriod,
): { rows: DailyCost[]; converted: CostConversion[] } {
  const converted = new Map<
    string,
    CostConversion & { byMonth: Map<string, CostExchangeRate> }
  >();
  const result = rows.map(row => {
    if (row.currency === rates.display) {
      return row;
    }
    const month = row.usage_date.slice(0, 7);
    const rate = rateOn(rates, row.currency, month);
    if (!rate) {
      return row;
    }
    const cost = row.cost * rate.rate;
    if (row.usage_date >= period.from && row.usage_date <= period.to) {
      let entry = converted.get(row.currency);
      if (!entry) {
        entry = {
          currency: row.currency,
          amount: 0,
          convertedAmount: 0,
          rates: [],
          byMonth: new Map(),
        };
        converted.set(row.currency, entry);
      }
      entry.amount += row.cost;
      entry.convertedAmount += cost;
      entry.byMonth.set(month, rate);
    }
    return { usage_date: row.usage_date, currency: rates.display, cost };
  });
  return {
    rows: result,
    converted: [...converted.values()]
      .sort((a, b) => a.currency.localeCompare(b.currency))
      .map(({ byMonth, ...entry }) => ({
        ...entry,
        rates: [...byMonth.values()].sort((a, b) =>
          a.month.localeCompare(b.month),
        ),
      })),
  };
}
