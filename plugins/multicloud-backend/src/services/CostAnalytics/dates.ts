import { InputError } from '@backstage/errors';

/*
 * Calendar days as `YYYY-MM-DD` strings, always in UTC: cost exports bill by
 * UTC day, so the server's time zone must never shift a day.
 */

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function toEpochDay(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (match) {
    const [, year, month, day] = match;
    const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
    // Date.UTC rolls 2026-02-30 over to March; a round trip rejects it.
    if (fromEpochDay(ms / MS_PER_DAY) === date) {
      return ms / MS_PER_DAY;
    }
  }
  throw new InputError(`'${date}' is not a calendar date (YYYY-MM-DD)`);
}

function fromEpochDay(epochDay: number): string {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Throws an InputError unless `date` is a real calendar date in `YYYY-MM-DD` form. */
export function assertDate(date: string): void {
  toEpochDay(date);
}

/** The day `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Number of days from `from` to `to`: 1 for consecutive days, negative when `to` comes first. */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** First day of the month `date` is in. */
export function startOfMonth(date: string): string {
  assertDate(date);
  return `${date.slice(0, 8)}01`;
}

/** Last day of the month `date` is in. */
export function endOfMonth(date: string): string {
  assertDate(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  // Day 0 of the next month is the last day of this one.
  return fromEpochDay(Date.UTC(year, month, 0) / MS_PER_DAY);
}

/** Every day from `from` to `to`, both included; empty when `to` comes first. */
export function eachDay(from: string, to: string): string[] {
  const first = toEpochDay(from);
  const last = toEpochDay(to);
  const days: string[] = [];
  for (let day = first; day <= last; day++) {
    days.push(fromEpochDay(day));
  }
  return days;
}

/** Day of the week, 0 for Sunday to 6 for Saturday (as `Date.getUTCDay`). */
export function dayOfWeek(date: string): number {
  // Day 0 of the epoch, 1970-01-01, was a Thursday.
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}
