import { InputError } from '@backstage/errors';
import {
  CostAnomaly,
  CostDailyPoint,
} from '@multicloud/plugin-multicloud-common';
import { toEpochDay } from './dates';
import { median, medianAbsoluteDeviation } from './statistics';
import { AnomalyOptions } from './types';

const DEFAULT_MIN_ABSOLUTE = 10;
const DEFAULT_MIN_PERCENT = 0.2;
const DEFAULT_THRESHOLD = 3.5;
const DEFAULT_WEEKS = 8;
/** A median and a MAD of fewer values are not a baseline. */
const MIN_BASELINE_DAYS = 3;
/** Makes the MAD a consistent estimate of the standard deviation of normal noise. */
const MAD_TO_STANDARD_DEVIATION = 1.4826;
/**
 * Floors of the MAD. A series that never moves has a MAD of 0, which would
 * make any change infinitely surprising: its MAD counts as at least 2% of
 * the baseline, and a cent. 2% lets `minPercent`, not the floor, decide on a
 * quiet series: at the default threshold the floor alone only hides changes
 * under 3.5 * 1.4826 * 2%, about 10%.
 */
const MIN_MAD_SHARE = 0.02;
const MIN_MAD = 0.01;

/**
 * Days whose cost departs from the same weekday of the preceding weeks
 * (median and MAD, so past spikes do not raise the bar), sorted by date.
 * Only days with at least three such weekdays in `daily` are judged.
 */
export function detectAnomalies(
  daily: readonly CostDailyPoint[],
  options: AnomalyOptions = {},
): CostAnomaly[] {
  const {
    minAbsolute = DEFAULT_MIN_ABSOLUTE,
    minPercent = DEFAULT_MIN_PERCENT,
    threshold = DEFAULT_THRESHOLD,
    weeks = DEFAULT_WEEKS,
    from,
  } = options;
  if (!Number.isInteger(weeks) || weeks < MIN_BASELINE_DAYS) {
    throw new InputError(
      `Anomaly baseline needs at least ${MIN_BASELINE_DAYS} weeks, got ${weeks}`,
    );
  }
  // Each date is parsed once; the baseline is looked up by day number.
  const epochDays = daily.map(point => toEpochDay(point.date));
  const costByDay = new Map(
    daily.map((point, i) => [epochDays[i], point.cost]),
  );

  const anomalies: CostAnomaly[] = [];
  for (let i = 0; i < daily.length; i++) {
    const { date, cost } = daily[i];
    if (from !== undefined && date < from) {
      continue;
    }
    const baseline: number[] = [];
    for (let week = 1; week <= weeks; week++) {
      const sameWeekday = costByDay.get(epochDays[i] - 7 * week);
      if (sameWeekday !== undefined) {
        baseline.push(sameWeekday);
      }
    }
    if (baseline.length < MIN_BASELINE_DAYS) {
      continue;
    }
    const expected = median(baseline);
    const mad = Math.max(
      medianAbsoluteDeviation(baseline),
      MIN_MAD_SHARE * Math.abs(expected),
      MIN_MAD,
    );
    const delta = cost - expected;
    const score = delta / (MAD_TO_STANDARD_DEVIATION * mad);
    const deltaPercent = expected === 0 ? null : delta / expected;
    if (
      Math.abs(score) >= threshold &&
      Math.abs(delta) >= minAbsolute &&
      (deltaPercent === null || Math.abs(deltaPercent) >= minPercent)
    ) {
      anomalies.push({
        date,
        cost,
        expected,
        delta,
        deltaPercent,
        score,
        direction: delta > 0 ? 'spike' : 'drop',
      });
    }
  }
  return anomalies.sort((a, b) => a.date.localeCompare(b.date));
}
