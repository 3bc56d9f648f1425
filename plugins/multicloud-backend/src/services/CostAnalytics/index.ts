export { detectAnomalies } from './anomalies';
export {
  addDays,
  assertDate,
  dayOfWeek,
  daysBetween,
  eachDay,
  endOfMonth,
  startOfMonth,
} from './dates';
export {
  backtestMape,
  createForecastCoverageCache,
  forecastCoverage,
  forecastMonth,
} from './forecast';
export type {
  AnomalyOptions,
  BacktestOptions,
  CoverageOptions,
  ForecastCoverage,
  ForecastOptions,
} from './types';
