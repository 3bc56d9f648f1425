/**
 * Number formatting of the cost views, in the browser's locale and the
 * currency the cost API answers in.
 */

function currencyFormat(
  currency: string,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      ...options,
    });
  } catch {
    // A code Intl does not know (the cost data comes from billing exports):
    // show the plain number with the code rather than fail the page.
    return new Intl.NumberFormat(undefined, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      ...options,
    });
  }
}

function withUnknownCurrency(
  format: Intl.NumberFormat,
  currency: string,
  text: string,
): string {
  return format.resolvedOptions().style === 'currency'
    ? text
    : `${text} ${currency}`;
}

/** `$1,234.50`; `signed` adds `+` to increases. */
export function formatCurrency(
  amount: number,
  currency: string,
  options: { signed?: boolean } = {},
): string {
  const format = currencyFormat(currency, {
    signDisplay: options.signed ? 'exceptZero' : 'auto',
  });
  return withUnknownCurrency(format, currency, format.format(amount));
}

/** `$1.2K`, for chart axes. */
export function formatCurrencyCompact(
  amount: number,
  currency: string,
): string {
  const format = currencyFormat(currency, {
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  });
  return withUnknownCurrency(format, currency, format.format(amount));
}

/** A ratio as a percentage: `0.052` is `5.2%`; `signed` adds `+` to increases. */
export function formatPercent(
  ratio: number,
  options: { signed?: boolean } = {},
): string {
  return new Intl.NumberFormat(undefined, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: options.signed ? 'exceptZero' : 'auto',
  }).format(ratio);
}

/** `Mar 5`, for chart axes; dates are UTC days. */
export function formatShortDate(date: string): string {
  return new Intl.DateTimeFormat(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** `March 2025` for `2025-03`. */
export function formatMonth(month: string): string {
  return new Intl.DateTimeFormat(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${month}-01T00:00:00Z`));
}

/** `Mar 5, 2025, 14:03` in the browser's time zone, for import times. */
export function formatTimestamp(timestamp: string): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(timestamp));
}
