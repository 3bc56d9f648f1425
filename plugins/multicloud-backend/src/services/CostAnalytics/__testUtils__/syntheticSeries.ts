import { CostDailyPoint } from '@multicloud/plugin-multicloud-common';
import { dayOfWeek, daysBetween, eachDay } from '../dates';

/** Business days cost the most, weekends about half (Sunday first). */
export const OFFICE_WEEK = [0.55, 1.1, 1.15, 1.15, 1.1, 1.05, 0.6];

/** Deterministic uniform numbers in [0, 1) (mulberry32), so tests never flake. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
function normalSource(seed: number): () => number {
  const uniform = randomSource(seed);
  return () =>
    Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A daily cost series: (level + trend * days since `from`) * weekday factor,
 * times normal noise of relative standard deviation `noise`, never below 0.
 * `randomWalk` adds a level that drifts by that standard deviation (absolute)
 * each day. `expected` is the noise-free cost of any day.
 */
export function syntheticSeries(options: {
  from: string;
  to: string;
  level: number;
  trendPerDay?: number;
  weekdayFactors?: number[];
  noise?: number;
  randomWalk?: number;
  seed?: number;
}): { daily: CostDailyPoint[]; expected: (date: string) => number } {
  const {
    from,
    level,
    trendPerDay = 0,
    weekdayFactors = OFFICE_WEEK,
    noise = 0,
    randomWalk = 0,
    seed = 1,
  } = options;
  const expected = (date: string) =>
    (level + trendPerDay * daysBetween(from, date)) *
    weekdayFactors[dayOfWeek(date)];
  const normal = normalSource(seed);
  let drift = 0;
  const daily = eachDay(from, options.to).map(date => {
    drift += randomWalk * normal();
    const cost = (expected(date) + drift) * (1 + noise * normal());
    return { date, cost: Math.max(0, cost) };
  });
  return { daily, expected };
}

/** Sum of the costs of the points from `from` to `to`, inclusive. */
export function sumBetween(
  daily: readonly CostDailyPoint[],
  from: string,
  to: string,
): number {
  return daily
    .filter(point => point.date >= from && point.date <= to)
    .reduce((sum, point) => sum + point.cost, 0);
}
