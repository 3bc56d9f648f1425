import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The FinOps Foundation's anonymized FOCUS 1.0 sample (AWS, Microsoft, Oracle), gzipped. */
export const SHARED_SAMPLE = resolvePackagePath(
  '@multicloud/plugin-multicloud-backend',
  'src/__fixtures__/focus-1.0-sample.csv.gz',
);

const BASE_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'EffectiveCost',
  'ListCost',
  'ProviderName',
  'RegionId',
  'ResourceId',
  'ResourceName',
  'ServiceCategory',
  'ServiceName',
  'SubAccountId',
  'Tags',
];
const COLUMNS_1_1 = ['ServiceSubcategory', 'SkuMeter'];
const COLUMNS_1_2 = ['InvoiceId', 'BillingAccountType', 'PricingCurrency'];

export type FocusRow = Record<string, string | number | null>;

/** A usage row with sensible defaults; override any column. */
export function focusRow(overrides: FocusRow = {}): FocusRow {
  return {
    BilledCost: 1,
    BillingAccountId: '111122223333',
    BillingCurrency: 'USD',
    BillingPeriodEnd: '2026-11-01T00:00:00Z',
    BillingPeriodStart: '2026-10-01T00:00:00Z',
    ChargeCategory: 'Usage',
    ChargePeriodEnd: '2026-10-05T01:00:00Z',
    ChargePeriodStart: '2026-10-05T00:00:00Z',
    ConsumedQuantity: 1,
    ConsumedUnit: 'Hours',
    EffectiveCost: 1,
    ListCost: 1.25,
    ProviderName: 'AWS',
    RegionId: 'eu-west-1',
    ResourceId: 'i-0abc',
    ResourceName: 'checkout-web-1',
    ServiceCategory: 'Compute',
    ServiceName: 'Amazon Elastic Compute Cloud',
    SubAccountId: '111122223333',
    Tags: null,
    ...overrides,
  };
}

function csvCell(value: string | number | null): string {
  if (value === null) {
    return 'NULL';
  }
  return typeof value === 'number'
    ? String(value)
    : `"${value.replace(/"/g, '""')}"`;
}

/** FOCUS CSV text of the given version's columns (plus any `x_` columns in the rows). */
export function focusCsv(
  rows: FocusRow[],
  version: '1.0' | '1.1' | '1.2' = '1.0',
): string {
  const extra = [...new Set(rows.flatMap(r => Object.keys(r)))].filter(k =>
    k.startsWith('x_'),
  );
  const columns = [
    ...BASE_COLUMNS,
    ...(version !== '1.0' ? COLUMNS_1_1 : []),
    ...(version === '1.2' ? COLUMNS_1_2 : []),
    ...extra,
  ];
  const lines = [columns.map(c => `"${c}"`).join(',')];
  for (const row of rows) {
    lines.push(columns.map(c => csvCell(row[c] ?? null)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function writeFile(
  directory: string,
  name: string,
  content: string | Buffer,
) {
  const file = path.join(directory, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Dates a file's last modification a day back: a finished export, not one being written. */
export function settle(file: string): string {
  const aDayAgo = new Date(Date.now() - 24 * 3600_000);
  fs.utimesSync(file, aDayAgo, aDayAgo);
  return file;
}

export function gzip(content: string): Buffer {
  return zlib.gzipSync(Buffer.from(content));
}

/**
 * Writes CSV text as a Parquet file with real types (DOUBLE costs, TIMESTAMP
 * periods); `columns` replaces a column by a DuckDB expression over the CSV's.
 */
export async function writeParquet(
  csvFile: string,
  parquetFile: string,
  columns: Record<string, string> = {},
) {
  const typed: Record<string, string> = {
    BilledCost: 'CAST(BilledCost AS DOUBLE)',
    EffectiveCost: 'CAST(EffectiveCost AS DOUBLE)',
    ListCost: 'CAST(ListCost AS DOUBLE)',
    ChargePeriodStart:
      'CAST(CAST(ChargePeriodStart AS TIMESTAMPTZ) AS TIMESTAMP)',
    ...columns,
  };
  const replace = Object.entries(typed)
    .map(([column, sql]) => `${sql} AS ${column}`)
    .join(', ');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT * REPLACE (${replace})
        FROM read_csv('${csvFile}', header = true, all_varchar = true, nullstr = 'NULL'))
       TO '${parquetFile}' (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, NULL literal) independently of DuckDB. */
export function parseCsv(text: string): Array<Record<string, string | null>> {
  const records: string[][] = [];
  let cell = '';
  let record: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',' || ch === '\n') {
      record.push(!wasQuoted && cell === 'NULL' ? '\u0000' : cell);
      cell = '';
      wasQuoted = false;
      if (ch === '\n') {
        records.push(record);
        record = [];
      }
    } else if (ch !== '\r') {
      cell += ch;
    }
  }
  if (cell || record.length) {
    record.push(cell);
    records.push(record);
  }
  const [header, ...rows] = records;
  return rows.map(r =>
    Object.fromEntries(
      header.map((h, i) => [h, r[i] === '\u0000' ? null : r[i]]),
    ),
  );
}
