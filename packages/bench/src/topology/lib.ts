/* Shared pieces of the topology benchmark: engines, databases, dates, printing. */

export {
  BENCH_DIR,
  ENGINES,
  UsageError,
  dropPostgresDatabase,
  psql,
} from '../shared/postgres';
export type { Engine } from '../shared/postgres';
export {
  int,
  loadAverage,
  mib,
  ms,
  percentile,
  seconds,
  sleep,
  table,
} from '../shared/print';

// ---------------------------------------------------------------------------
// Dates

const DAY_MS = 24 * 60 * 60 * 1000;

/** The day (`YYYY-MM-DD`, UTC) `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}
