/**
 * What the importer knows about FOCUS (FinOps Open Cost and Usage
 * Specification) files: the columns it reads, how to tell the version from
 * the columns, and the row checks that reject a file.
 */

/** FOCUS versions the importer reads. */
export type FocusVersion = '1.0' | '1.1' | '1.2';

/** Columns every supported version has and the importer needs. */
export const REQUIRED_COLUMNS = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'BillingCurrency',
  'BillingAccountId',
  'BillingPeriodStart',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ProviderName',
  'ServiceName',
] as const;

/** Columns read when present (FOCUS makes them conditional). */
export const OPTIONAL_COLUMNS = [
  'SubAccountId',
  'RegionId',
  'ServiceCategory',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ConsumedQuantity',
  'ConsumedUnit',
  'Tags',
] as const;

/** Columns that first appeared in FOCUS 1.1. */
const INTRODUCED_IN_1_1 = [
  'CapacityReservationId',
  'CapacityReservationStatus',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountUnit',
  'ServiceSubcategory',
  'SkuMeter',
  'SkuPriceDetails',
];

/** Columns that first appeared in FOCUS 1.2. */
const INTRODUCED_IN_1_2 = [
  'BillingAccountType',
  'SubAccountType',
  'InvoiceId',
  'PricingCurrency',
  'PricingCurrencyContractedUnitPrice',
  'PricingCurrencyEffectiveCost',
  'PricingCurrencyListUnitPrice',
];

/** FOCUS ChargeCategory values (1.0 to 1.2). */
export const CHARGE_CATEGORIES = [
  'Usage',
  'Purchase',
  'Tax',
  'Credit',
  'Adjustment',
];

/**
 * The version a file follows, from its columns; or the reason it is not a
 * FOCUS file this importer reads.
 */
export function detectFocusVersion(
  columns: readonly string[],
): { version: FocusVersion } | { error: string } {
  const present = new Set(columns);
  const missing = REQUIRED_COLUMNS.filter(c => !present.has(c));
  if (missing.length > 0) {
    let hint = '';
    if (present.has('ChargeType')) {
      hint =
        ' The file looks like a FOCUS 1.0-preview export (ChargeType); export FOCUS 1.0 or later.';
    } else if (present.has('ServiceProviderName')) {
      hint =
        ' The file looks like FOCUS 1.3 or later (ServiceProviderName); export FOCUS 1.0, 1.1 or 1.2.';
    }
    return {
      error: `Not a FOCUS 1.0-1.2 file: missing column${
        missing.length > 1 ? 's' : ''
      } ${missing.join(', ')}.${hint}`,
    };
  }
  if (INTRODUCED_IN_1_2.some(c => present.has(c))) {
    return { version: '1.2' };
  }
  if (INTRODUCED_IN_1_1.some(c => present.has(c))) {
    return { version: '1.1' };
  }
  return { version: '1.0' };
}

/** Provider-defined columns (`x_` prefix) that FOCUS lets exports add. */
export function extensionColumns(columns: readonly string[]): string[] {
  return columns.filter(c => c.startsWith('x_'));
}

/** A check that a row must pass, as a DuckDB boolean that is true when it fails. */
export type RowCheck = {
  column: string;
  /** SQL that is true for a bad row. */
  failsWhen: string;
  /** What is wrong; `{value}` is replaced by the cell's value. */
  message: string;
};

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The checks a row must pass to be imported. Cells are VARCHAR for CSV and
 * typed for Parquet; TRY_CAST handles both.
 */
export function rowChecks(): RowCheck[] {
  const checks: RowCheck[] = [];
  const required = (column: string, what: string) =>
    checks.push({
      column,
      failsWhen: `${ident(column)} IS NULL`,
      message: `is empty; FOCUS requires ${what}`,
    });
  for (const column of ['BilledCost', 'EffectiveCost', 'ListCost']) {
    required(column, 'a number');
    checks.push({
      column,
      failsWhen: `${ident(column)} IS NOT NULL AND TRY_CAST(${ident(
        column,
      )} AS DECIMAL(38,12)) IS NULL`,
      message: '"{value}" is not a number',
    });
  }
  for (const column of [
    'BillingPeriodStart',
    'ChargePeriodStart',
    'ChargePeriodEnd',
  ]) {
    required(column, 'a date and time');
    checks.push({
      column,
      failsWhen: `${ident(column)} IS NOT NULL AND TRY_CAST(${ident(
        column,
      )} AS TIMESTAMPTZ) IS NULL`,
      message:
        '"{value}" is not a date and time (expected ISO 8601, e.g. 2024-09-01T00:00:00Z)',
    });
  }
  required('BillingCurrency', 'an ISO 4217 currency code');
  checks.push({
    column: 'BillingCurrency',
    failsWhen: `${ident(
      'BillingCurrency',
    )} IS NOT NULL AND NOT regexp_full_match(CAST(${ident(
      'BillingCurrency',
    )} AS VARCHAR), '[A-Za-z]{3}')`,
    message: '"{value}" is not an ISO 4217 currency code',
  });
  required('BillingAccountId', 'the billing account');
  required('ProviderName', 'the provider');
  required('ChargeCategory', `one of ${CHARGE_CATEGORIES.join(', ')}`);
  checks.push({
    column: 'ChargeCategory',
    failsWhen: `${ident('ChargeCategory')} IS NOT NULL AND ${ident(
      'ChargeCategory',
    )} NOT IN (${CHARGE_CATEGORIES.map(c => `'${c}'`).join(', ')})`,
    message: `"{value}" is not one of ${CHARGE_CATEGORIES.join(', ')}`,
  });
  return checks;
}

/** The check on Tags, given the SQL that yields Tags as JSON text. */
export function tagsCheck(tagsSql: string): RowCheck {
  return {
    column: 'Tags',
    // CASE, not OR: DuckDB would run json_type on invalid JSON and fail.
    failsWhen: `CASE WHEN ${tagsSql} IS NULL THEN false WHEN NOT json_valid(${tagsSql}) THEN true ELSE json_type(${tagsSql}) <> 'OBJECT' END`,
    message: '"{value}" is not a JSON object of tag keys and values',
  };
}
