import { InputError } from '@backstage/errors';
import {
  CostDailyPoint,
  CostForecast,
} from '@multicloud/plugin-multicloud-common';
import {
  addDays,
  assertDate,
  daysBetween,
  eachDay,
  endOfMonth,
  startOfMonth,
} from './dates';
import { fitNonNegativeLine, mean, median, theilSenSlope } from './statistics';
import {
  BacktestOptions,
  CoverageOptions,
  ForecastCoverage,
  ForecastOptions,
} from './types';

/*
 * Month-end forecast of a daily cost series.
 *
 * Model: cost(day) = (level + slope * days ahead) * weekday factor.
 * - Weekday factors: per weekday, the median ratio of its cost to its week's
 *   mean over the last eight weeks, so a one-off spike or a monthly fee
 *   barely moves them.
 * - Slope: Theil–Sen over the weekly medians of the deseasonalised cost of
 *   the last thirteen weeks (a quarter: fewer weeks give a slope noisy enough
 *   to dominate the error of a month-long forecast).
 * - Level: median of the last two weeks, deseasonalised and detrended.
 * With less than two weeks of history it is the flat mean.
 *
 * Intervals come from a rolling-origin backtest on the same series, each
 * origin forecasting to its month end as the real forecast does.
 */

const DEFAULT_LEVEL = 0.8;
const DEFAULT_HORIZON_DAYS = 7;
const DEFAULT_ORIGIN_DAYS = 56;
/** Two weeks are the least that tells a weekday from noise. */
const MIN_SEASONAL_DAYS = 14;
const MAX_SEASONAL_WEEKS = 8;
/** Fewer weekly points give a slope that is mostly noise. */
const MIN_TREND_WEEKS = 3;
const MAX_TREND_WEEKS = 13;
/**
 * Two weeks: a month-start price or usage step shows in the level within
 * days, and one spike day is still one of fourteen.
 */
const LEVEL_WEEKS = 2;
/** Below four weeks the backtest has too few origins to mean anything. */
const MIN_MAPE_DAYS = 28;
/**
 * Backtest origins need the history the seasonal model needs, so the
 * backtest measures the model that forecasts every series long enough to
 * have a MAPE.
 */
const MIN_TRAINING_DAYS = MIN_SEASONAL_DAYS;
/**
 * The intervals' backtest reaches further back than the MAPE's: eight weeks
 * hold only two month-long forecasts, too few to size a month's uncertainty.
 */
const INTERVAL_ORIGIN_DAYS = 112;
const MAX_MONTH_DAYS = 31;
/** Fewer backtest forecasts than a week of origins cannot size an interval. */
const MIN_INTERVAL_WINDOWS = 7;

/** Expected cost `step` days after the last day of the history (0 and below: days of the history). */
type DailyModel = (step: number) => number;

/** Position in the week relative to the last day of the history, 0..6. */
function phase(step: number): number {
  return ((step % 7) + 7) % 7;
}

/** Indexes of the last whole weeks (at most `count`) of a history of `length` days, oldest first. */
function lastWeeks(length: number, count: number): number[][] {
  const weeks: number[][] = [];
  for (let week = Math.min(Math.floor(length / 7), count); week >= 1; week--) {
    const start = length - 7 * week;
    weeks.push([0, 1, 2, 3, 4, 5, 6].map(day => start + day));
  }
  return weeks;
}

/** Fits the model described above to one cost per day, oldest first. */
function fitModel(history: readonly number[]): DailyModel {
  if (history.length < MIN_SEASONAL_DAYS) {
    const flat = Math.max(0, mean(history));
    return () => flat;
  }
  const n = history.length;
  const stepOf = (index: number) => index - (n - 1);

  const ratios: number[][] = [[], [], [], [], [], [], []];
  for (const week of lastWeeks(n, MAX_SEASONAL_WEEKS)) {
    const weekMean = mean(week.map(index => history[index]));
    if (weekMean > 0) {
      for (const index of week) {
        ratios[phase(stepOf(index))].push(history[index] / weekMean);
      }
    }
  }
  const rawFactors = ratios.map(values => (values.length ? median(values) : 1));
  const factorMean = mean(rawFactors);
  const factors = rawFactors.map(factor =>
    factorMean > 0 ? factor / factorMean : 1,
  );

  // A weekday that never costs anything says nothing about the level.
  const deseasonalised = (indexes: number[]) =>
    indexes.flatMap(index => {
      const factor = factors[phase(stepOf(index))];
      return factor > 0 ? [{ index, value: history[index] / factor }] : [];
    });

  const trendWeeks = lastWeeks(n, MAX_TREND_WEEKS);
  const slope =
    trendWeeks.length >= MIN_TREND_WEEKS
      ? theilSenSlope(
          trendWeeks.flatMap(week => {
            const values = deseasonalised(week).map(({ value }) => value);
            return values.length
              ? [{ x: stepOf(week[3]), y: median(values) }]
              : [];
          }),
        )
      : 0;

  // Whole weeks, so that no weekday weighs more than another.
  const level = median(
    deseasonalised(lastWeeks(n, LEVEL_WEEKS).flat()).map(
      ({ index, value }) => value - slope * stepOf(index),
    ),
  );

  return step => Math.max(0, (level + slope * step) * factors[phase(step)]);
}

type BacktestError = { actual: number; forecast: number };

/** The errors of one backtest forecast, indexed by days ahead - 1. */
type BacktestWindow = { origin: number; errors: BacktestError[] };

/**
 * The model fitted on the history up to each origin (index of its last day),
 * fitted once per origin however many backtests ask for it: the model of an
 * origin depends on the days up to it alone.
 */
type ModelsByOrigin = (origin: number) => DailyModel;

function modelsByOrigin(values: readonly number[]): ModelsByOrigin {
  const models = new Map<number, DailyModel>();
  return origin => {
    let model = models.get(origin);
    if (!model) {
      model = fitModel(values.slice(0, origin + 1));
      models.set(origin, model);
    }
    return model;
  };
}

/**
 * Forecasts made from every origin (index of the last day of history) in the
 * last `originDays` days: the model fitted on the days up to the origin
 * forecasts the following `horizonDays` days, never past the origin's month
 * end, as the month forecast never does.
 */
function backtest(
  values: readonly number[],
  start: string,
  options: Required<BacktestOptions>,
  fitAt: ModelsByOrigin = modelsByOrigin(values),
): BacktestWindow[] {
  const windows: BacktestWindow[] = [];
  const firstOrigin = Math.max(
    MIN_TRAINING_DAYS - 1,
    values.length - 1 - options.originDays,
  );
  for (let origin = firstOrigin; origin < values.length - 1; origin++) {
    const originDate = addDays(start, origin);
    const days = Math.min(
      options.horizonDays,
      daysBetween(originDate, endOfMonth(originDate)),
      values.length - 1 - origin,
    );
    if (days > 0) {
      const model = fitAt(origin);
      const errors: BacktestError[] = [];
      for (let step = 1; step <= days; step++) {
        errors.push({ actual: values[origin + step], forecast: model(step) });
      }
      windows.push({ origin, errors });
    }
  }
  return windows;
}

function mapeOf(windows: BacktestWindow[]): number | null {
  const percentages = windows
    .flatMap(window => window.errors)
    .filter(({ actual }) => actual > 0)
    .map(({ actual, forecast }) => Math.abs(actual - forecast) / actual);
  return percentages.length ? mean(percentages) : null;
}

/** How far off forecasts are, by horizon, for days and for sums of days. */
type ErrorModel = {
  /** Standard deviation of the error of the day `step` days ahead. */
  daySpread(step: number): number;
  /** Standard deviation of the error of the sum of the next `days` days. */
  sumSpread(days: number): number;
  /** How many spreads either side of the forecast the interval reaches. */
  dayReach: number;
  sumReach: number;
};

/**
 * How many spreads either side of the forecast the interval reaches: the
 * ceil((n + 1) * level)-th smallest of the n absolute standardised errors
 * (symmetric, so that it always holds its forecast and both tails of a short
 * backtest count). This is the split-conformal quantile: a new forecast's
 * error is one more of n + 1, and this order statistic holds at least
 * `level` of them, where the plain sample quantile holds about
 * (2 * level - 1) / n too few, the undercoverage of a short backtest. With
 * too few errors for that rank, the largest is the best estimate there is.
 */
function reachOf(standardised: number[], level: number): number {
  if (standardised.length === 0) {
    return 0;
  }
  const sorted = standardised
    .map(value => Math.abs(value))
    .sort((a, b) => a - b);
  // The tolerance keeps a product like 0.8 * 35 = 28.000000000000004 at 28.
  const rank = Math.ceil((sorted.length + 1) * level - 1e-9);
  return sorted[Math.min(sorted.length, rank) - 1];
}

function standardise(value: number, spread: number): number[] {
  return spread > 0 ? [value / spread] : [];
}

/** How a window's errors spread: per day ahead, and for running sums. */
type Spreads = {
  daySpread(step: number): number;
  sumSpread(days: number): number;
};

/**
 * Error spreads fitted on backtest windows that run, like the month
 * forecast, to their origin's month end.
 *
 * A day's error variance grows with the horizon as the level drifts:
 * v(step) = a + b * step. Where the errors ask for a < 0, the line goes
 * through step 0, the last actual day, which no forecast gets wrong: through
 * the first forecast day instead, it would leave that day no spread and an
 * interval of zero width, which a cost almost never falls in.
 *
 * The error of a sum of L days is the sum of its days' errors: its variance
 * is their variances plus every pair's covariance, and a level or weekday
 * factor that is off is off alike on many days, so pairs covary, by c on
 * average: var(L) = v(1) + ... + v(L) + L * (L - 1) * c, with c fitted on
 * every window's running sums. Built on the day variances, a one-day sum is
 * as uncertain as its day; a free fit of the sums' variance can leave it none
 * (it does on many of the demo's series), and the month interval a day
 * before the month end zero wide. Every coefficient is kept >= 0.
 */
function spreadsOf(windows: readonly BacktestWindow[]): Spreads {
  const dayPoints: Array<{ x: number; y: number }> = [];
  for (const window of windows) {
    window.errors.forEach(({ actual, forecast }, index) => {
      dayPoints.push({ x: index + 1, y: (actual - forecast) ** 2 });
    });
  }
  const dayVariance = fitNonNegativeLine(dayPoints);
  /** v(1) + ... + v(days). */
  const summedDayVariance = (days: number) =>
    days * dayVariance.intercept + (dayVariance.slope * days * (days + 1)) / 2;

  // c by least squares over every running sum of L days:
  // (sum^2 - v(1) - ... - v(L)) / L = c * (L - 1).
  let crossProducts = 0;
  let squares = 0;
  for (const { errors } of windows) {
    let sum = 0;
    for (let index = 0; index < errors.length; index++) {
      sum += errors[index].actual - errors[index].forecast;
      const days = index + 1;
      crossProducts += index * ((sum ** 2 - summedDayVariance(days)) / days);
      squares += index ** 2;
    }
  }
  const covariance = squares > 0 ? Math.max(0, crossProducts / squares) : 0;
  return {
    daySpread: step =>
      Math.sqrt(dayVariance.intercept + dayVariance.slope * step),
    sumSpread: days =>
      Math.sqrt(summedDayVariance(days) + days * (days - 1) * covariance),
  };
}

/** A window's errors measured in `spreads`: per day, and for its running sums. */
function standardisedErrors(
  window: BacktestWindow,
  spreads: Spreads,
): { days: number[]; sums: number[] } {
  const days: number[] = [];
  const sums: number[] = [];
  let sum = 0;
  window.errors.forEach(({ actual, forecast }, index) => {
    const error = actual - forecast;
    sum += error;
    days.push(...standardise(error, spreads.daySpread(index + 1)));
    sums.push(...standardise(sum, spreads.sumSpread(index + 1)));
  });
  return { days, sums };
}

/**
 * The error model of the backtest windows: their spreads, and the level's
 * quantile of their errors measured in those spreads (how many spreads
 * either side of the forecast the interval reaches).
 */
function errorModelFromBacktest(
  windows: readonly BacktestWindow[],
  level: number,
): ErrorModel {
  const spreads = spreadsOf(windows);
  const dayScores: number[] = [];
  const sumScores: number[] = [];
  for (const window of windows) {
    const scores = standardisedErrors(window, spreads);
    dayScores.push(...scores.days);
    sumScores.push(...scores.sums);
  }
  return {
    ...spreads,
    dayReach: reachOf(dayScores, level),
    sumReach: reachOf(sumScores, level),
  };
}

/**
 * Without a week of backtest forecasts, the model's fit to the last weeks
 * stands in for them. A level estimated from m days errs with about 1/m of
 * the daily variance, and errs alike on every forecast day.
 */
function errorModelFromResiduals(
  values: readonly number[],
  model: DailyModel,
  level: number,
): ErrorModel {
  const residuals = values
    .slice(-7 * LEVEL_WEEKS)
    .map((cost, index, recent) => cost - model(index - (recent.length - 1)));
  const count = residuals.length;
  const variance = mean(residuals.map(residual => residual ** 2));
  const daySpread = Math.sqrt(variance * (1 + 1 / count));
  const reach = reachOf(
    residuals.flatMap(residual => standardise(residual, daySpread)),
    level,
  );
  return {
    daySpread: () => daySpread,
    sumSpread: days => Math.sqrt(variance * (days + days ** 2 / count)),
    dayReach: reach,
    sumReach: reach,
  };
}

/** The model fitted to a series, and how far off its forecasts have been. */
type FittedForecast = {
  model: DailyModel;
  uncertainty: ErrorModel;
  /** The backtest forecasts the uncertainty was measured on. */
  windows: BacktestWindow[];
};

/** Fits the model to `values` (from `start`) and sizes its intervals at `level`. */
function fitForecast(
  values: readonly number[],
  start: string,
  level: number,
  fitAt: ModelsByOrigin = modelsByOrigin(values),
): FittedForecast {
  const model = fitAt(values.length - 1);
  const windows = backtest(
    values,
    start,
    { horizonDays: MAX_MONTH_DAYS, originDays: INTERVAL_ORIGIN_DAYS },
    fitAt,
  );
  const uncertainty =
    windows.length >= MIN_INTERVAL_WINDOWS
      ? errorModelFromBacktest(windows, level)
      : errorModelFromResiduals(values, model, level);
  return { model, uncertainty, windows };
}

/**
 * The days from the first day with cost to `asOf` (from the first point when
 * none has cost), zero where `daily` has no point, as the cost API reports
 * days nothing was billed on. Days before the first cost are not history:
 * the cost API pads its window with them before an export's first day, and a
 * jump from nothing to the usual cost there would make every backtest
 * forecast look far off (on the demo: an 80% interval of +-30% of the month
 * instead of +-0.4%). Undefined without points up to `asOf`.
 */
function toDenseSeries(
  daily: readonly CostDailyPoint[],
  asOf: string,
): { start: string; values: number[] } | undefined {
  const history = daily.filter(point => point.date <= asOf);
  if (history.length === 0) {
    return undefined;
  }
  const withCost = history.filter(point => point.cost !== 0);
  const start = (withCost.length ? withCost : history).reduce(
    (first, point) => (point.date < first ? point.date : first),
    (withCost.length ? withCost : history)[0].date,
  );
  const values = new Array<number>(daysBetween(start, asOf) + 1).fill(0);
  for (const point of history) {
    if (point.date >= start) {
      values[daysBetween(start, point.date)] += point.cost;
    }
  }
  return { start, values };
}

function withBacktestDefaults(
  options: BacktestOptions,
): Required<BacktestOptions> {
  return {
    horizonDays: options.horizonDays ?? DEFAULT_HORIZON_DAYS,
    originDays: options.originDays ?? DEFAULT_ORIGIN_DAYS,
  };
}

/**
 * Mean absolute percentage error (0..1) of the forecast model on `daily`
 * (one point per day; missing days count as zero), measured by a
 * rolling-origin backtest over its last weeks; days without cost are left
 * out. Null with less than four weeks of history.
 */
export function backtestMape(
  daily: readonly CostDailyPoint[],
  options: BacktestOptions = {},
): number | null {
  if (daily.length === 0) {
    return null;
  }
  const asOf = daily.reduce(
    (last, point) => (point.date > last ? point.date : last),
    daily[0].date,
  );
  const series = toDenseSeries(daily, asOf);
  if (!series || series.values.length < MIN_MAPE_DAYS) {
    return null;
  }
  return mapeOf(
    backtest(series.values, series.start, withBacktestDefaults(options)),
  );
}

/**
 * Forecast of the rest of `asOf`'s month from the daily cost up to `asOf`
 * (one point per day; missing days count as zero). Null without any history.
 */
export function forecastMonth(
  daily: readonly CostDailyPoint[],
  options: ForecastOptions,
): CostForecast | null {
  const { asOf, level = DEFAULT_LEVEL } = options;
  assertDate(asOf);
  if (!(level > 0 && level < 1)) {
    throw new InputError(
      `Forecast level must be between 0 and 1, got ${level}`,
    );
  }
  const series = toDenseSeries(daily, asOf);
  if (!series) {
    return null;
  }
  const { start, values } = series;
  const { model, uncertainty, windows } = fitForecast(values, start, level);
  // The first week of the recent windows is exactly backtestMape's backtest.
  const mapeWindows = windows
    .filter(({ origin }) => origin >= values.length - 1 - DEFAULT_ORIGIN_DAYS)
    .map(window => ({
      ...window,
      errors: window.errors.slice(0, DEFAULT_HORIZON_DAYS),
    }));

  const periodEnd = endOfMonth(asOf);
  const forecastDaily = eachDay(addDays(asOf, 1), periodEnd).map(
    (date, index) => {
      const step = index + 1;
      const cost = model(step);
      const reach = uncertainty.daySpread(step) * uncertainty.dayReach;
      return {
        date,
        cost,
        lower: Math.max(0, cost - reach),
        upper: cost + reach,
      };
    },
  );

  const monthStartIndex = Math.max(0, daysBetween(start, startOfMonth(asOf)));
  const actual = values
    .slice(monthStartIndex)
    .reduce((sum, cost) => sum + cost, 0);
  const remaining = forecastDaily.reduce((sum, day) => sum + day.cost, 0);
  const reach =
    uncertainty.sumSpread(forecastDaily.length) * uncertainty.sumReach;
  return {
    periodEnd,
    monthTotal: actual + remaining,
    monthLower: actual + Math.max(0, remaining - reach),
    monthUpper: actual + remaining + reach,
    daily: forecastDaily,
    mape: values.length >= MIN_MAPE_DAYS ? mapeOf(mapeWindows) : null,
  };
}

/**
 * The month total {@link forecastMonth} forecasts (its `monthTotal`), without
 * the backtest that sizes its interval: one model fit instead of a hundred,
 * for callers that need the interval only when the total crosses a line.
 * Null without any history.
 */
export function forecastMonthTotal(
  daily: readonly CostDailyPoint[],
  options: Pick<ForecastOptions, 'asOf'>,
): number | null {
  const { asOf } = options;
  assertDate(asOf);
  const series = toDenseSeries(daily, asOf);
  if (!series) {
    return null;
  }
  const { start, values } = series;
  const model = fitModel(values);
  const days = daysBetween(asOf, endOfMonth(asOf));
  let remaining = 0;
  for (let step = 1; step <= days; step++) {
    remaining += model(step);
  }
  const monthStartIndex = Math.max(0, daysBetween(start, startOfMonth(asOf)));
  const actual = values
    .slice(monthStartIndex)
    .reduce((sum, cost) => sum + cost, 0);
  return actual + remaining;
}

/**
 * How often the forecast's intervals held the actual cost, measured the way
 * they are used: from every origin (last day of history) in the series' last
 * `originDays` days, the forecast is made on the history up to the origin
 * alone, and compared with what came after it up to its month end (or the
 * series' end, whichever is first):
 * - `day`: share of the forecast days whose actual cost fell inside the
 *   day's interval;
 * - `month`: share of the forecasts whose actual rest-of-month total fell
 *   inside the month interval (for a forecast whose month the series has not
 *   finished yet, the interval of the days the series has).
 * Null shares where there was nothing to compare.
 */
export function forecastCoverage(
  daily: readonly CostDailyPoint[],
  options: CoverageOptions = {},
): ForecastCoverage {
  const { level = DEFAULT_LEVEL, originDays = DEFAULT_ORIGIN_DAYS } = options;
  const empty: ForecastCoverage = {
    level,
    day: null,
    days: 0,
    month: null,
    months: 0,
  };
  if (daily.length === 0) {
    return empty;
  }
  const asOf = daily.reduce(
    (last, point) => (point.date > last ? point.date : last),
    daily[0].date,
  );
  const series = toDenseSeries(daily, asOf);
  if (!series) {
    return empty;
  }
  const { start, values } = series;
  // Every origin's forecast backtests the origins before it: one fit each.
  const fitAt = modelsByOrigin(values);
  let dayHits = 0;
  let days = 0;
  let monthHits = 0;
  let months = 0;
  const firstOrigin = Math.max(
    MIN_TRAINING_DAYS - 1,
    values.length - 1 - originDays,
  );
  for (let origin = firstOrigin; origin < values.length - 1; origin++) {
    const originDate = addDays(start, origin);
    const horizon = Math.min(
      daysBetween(originDate, endOfMonth(originDate)),
      values.length - 1 - origin,
    );
    if (horizon > 0) {
      const { model, uncertainty } = fitForecast(
        values.slice(0, origin + 1),
        start,
        level,
        fitAt,
      );
      let actualSum = 0;
      let forecastSum = 0;
      for (let step = 1; step <= horizon; step++) {
        const actual = values[origin + step];
        const forecast = model(step);
        const reach = uncertainty.daySpread(step) * uncertainty.dayReach;
        days++;
        if (
          actual >= Math.max(0, forecast - reach) &&
          actual <= forecast + reach
        ) {
          dayHits++;
        }
        actualSum += actual;
        forecastSum += forecast;
      }
      const reach = uncertainty.sumSpread(horizon) * uncertainty.sumReach;
      months++;
      if (
        actualSum >= Math.max(0, forecastSum - reach) &&
        actualSum <= forecastSum + reach
      ) {
        monthHits++;
      }
    }
  }
  return {
    level,
    day: days ? dayHits / days : null,
    days,
    month: months ? monthHits / months : null,
    months,
  };
}

/**
 * {@link forecastCoverage} with the last `maxEntries` answers kept: a series
 * the cost API analyses again (the same entity, no new import since) is not
 * backtested again.
 */
export function createForecastCoverageCache(
  maxEntries = 1000,
): (daily: readonly CostDailyPoint[]) => ForecastCoverage {
  const answers = new Map<string, ForecastCoverage>();
  return daily => {
    const key = daily.map(point => `${point.date}=${point.cost}`).join(',');
    const known = answers.get(key);
    if (known) {
      // Most recently used last, so that the oldest goes first.
      answers.delete(key);
      answers.set(key, known);
      return known;
    }
    const answer = forecastCoverage(daily);
    answers.set(key, answer);
    if (answers.size > maxEntries) {
      answers.delete(answers.keys().next().value!);
    }
    return answer;
  };
}
