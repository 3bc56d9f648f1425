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
export { backtestMape, forecastMonth } from './forecast';
export type { AnomalyOptions, BacktestOptions, ForecastOptions } from './types';
