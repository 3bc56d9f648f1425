/** Options of {@link forecastMonth}. */
export type ForecastOptions = {
  /**
   * Last day with actual cost (`YYYY-MM-DD`). The forecast covers the rest of
   * its month; points of `daily` after it are ignored.
   */
  asOf: string;
  /** Coverage of the prediction intervals, strictly between 0 and 1. Defaults to 0.8. */
  level?: number;
};

/** Options of {@link backtestMape}. */
export type BacktestOptions = {
  /** Days forecast from each origin, never past the origin's month end. Defaults to 7. */
  horizonDays?: number;
  /** How many of the series' last days serve as origins. Defaults to 56 (eight weeks). */
  originDays?: number;
};

/** Options of {@link detectAnomalies}. */
export type AnomalyOptions = {
  /** Smallest |cost - expected| worth reporting, in the series' currency. Defaults to 10. */
  minAbsolute?: number;
  /** Smallest |cost - expected| / expected worth reporting. Defaults to 0.2. */
  minPercent?: number;
  /** Smallest |robust z-score| worth reporting. Defaults to 3.5. */
  threshold?: number;
  /** How many preceding weeks make a day's baseline, at least 3. Defaults to 8. */
  weeks?: number;
  /**
   * Judge only days from this one (`YYYY-MM-DD`); earlier days still make
   * the baseline. Defaults to every day of the series.
   */
  from?: string;
};

/** Options of {@link forecastCoverage}. */
export type CoverageOptions = {
  /** Coverage the intervals are sized for, strictly between 0 and 1. Defaults to 0.8. */
  level?: number;
  /** How many of the series' last days serve as forecast origins. Defaults to 56 (eight weeks). */
  originDays?: number;
};

/** What {@link forecastCoverage} measured. */
export type ForecastCoverage = {
  /** The level the intervals were sized for. */
  level: number;
  /** Share of backtest forecast days whose actual cost fell inside the day's interval. */
  day: number | null;
  /** How many forecast days were compared. */
  days: number;
  /** Share of backtest forecasts whose actual rest-of-month total fell inside the month interval. */
  month: number | null;
  /** How many forecasts were compared. */
  months: number;
};
