/**
 * Periods of the cost views: whole UTC days, `YYYY-MM-DD`, both ends
 * included, the way the cost API takes them.
 */

/** The choices of the period picker. */
export type PeriodPreset =
  | 'last7'
  | 'last30'
  | 'last90'
  | 'monthToDate'
  | 'custom';

export const PERIOD_PRESETS: ReadonlyArray<{
  value: PeriodPreset;
  label: string;
}> = [
  { value: 'last7', label: 'Last 7 days' },
  { value: 'last30', label: 'Last 30 days' },
  { value: 'last90', label: 'Last 90 days' },
  { value: 'monthToDate', label: 'Month to date' },
  { value: 'custom', label: 'Custom' },
];

/** What the user picked; `from` and `to` only count for `custom`. */
export type PeriodSelection = {
  preset: PeriodPreset;
  from: string;
  to: string;
};

export type Period = { from: string; to: string };

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Today's date in UTC, the calendar the cost data is kept in. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** Number of days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return (
    Math.round(
      (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
        DAY_MS,
    ) + 1
  );
}

/** Days in a month given as `YYYY-MM`. */
export function daysInMonth(month: string): number {
  const [year, monthNumber] = month.split('-').map(Number);
  return new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
}

/**
 * The same days of the month before `today`'s: its first day to the day of
 * the month `today` is, or to its last day when it is shorter (the 31st of
 * March compares with February's 28 days).
 */
export function sameDaysLastMonth(today = todayUtc()): Period {
  const [year, month, day] = today.split('-').map(Number);
  const lastMonth =
    month === 1
      ? `${year - 1}-12`
      : `${year}-${String(month - 1).padStart(2, '0')}`;
  const lastDay = Math.min(day, daysInMonth(lastMonth));
  return {
    from: `${lastMonth}-01`,
    to: `${lastMonth}-${String(lastDay).padStart(2, '0')}`,
  };
}

function isValidDate(date: string): boolean {
  return (
    DATE_PATTERN.test(date) &&
    !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
    new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)
  );
}

/** The selection every cost view starts with: the last 30 days. */
export function defaultPeriodSelection(today = todayUtc()): PeriodSelection {
  return { preset: 'last30', from: addDays(today, -29), to: today };
}

/**
 * The period a selection stands for, ending today for the presets, or why a
 * custom one is not usable.
 */
export function resolvePeriod(
  selection: PeriodSelection,
  today = todayUtc(),
):
  | { period: Period; error?: undefined }
  | { period?: undefined; error: string } {
  switch (selection.preset) {
    case 'last7':
      return { period: { from: addDays(today, -6), to: today } };
    case 'last30':
      return { period: { from: addDays(today, -29), to: today } };
    case 'last90':
      return { period: { from: addDays(today, -89), to: today } };
    case 'monthToDate':
      return { period: { from: `${today.slice(0, 7)}-01`, to: today } };
    default:
      if (!isValidDate(selection.from) || !isValidDate(selection.to)) {
        return { error: 'Enter both dates.' };
      }
      if (selection.from > selection.to) {
        return { error: 'The start date must be on or before the end date.' };
      }
      return { period: { from: selection.from, to: selection.to } };
  }
}
