import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { CostImportError } from '@multicloud/plugin-multicloud-common';
import {
  FocusVersion,
  RowCheck,
  detectFocusVersion,
  extensionColumns,
  ident,
  rowChecks,
  tagsCheck,
} from './focus';

/**
 * Bytes of CSV each reading thread holds at once. DuckDB's default (32 MiB)
 * takes a quarter of a 256MB memory limit per thread, which the aggregation
 * then lacks; a FOCUS line is a few KiB and may be 2 MiB (max_line_size).
 */
const CSV_BUFFER_BYTES = 8 * 1024 * 1024;

/** Formats the importer reads. */
export type FocusFileFormat = 'csv' | 'csv.gz' | 'parquet';

/** One daily cost fact, as the store writes it. */
export type DailyCostRow = {
  usage_date: string;
  provider: string;
  billing_account_id: string;
  billing_period_start: string;
  sub_account_id: string;
  region: string;
  service_name: string;
  service_category: string;
  resource_id: string;
  resource_key: string;
  resource_name: string | null;
  resource_type: string | null;
  charge_category: string;
  currency: string;
  consumed_unit: string;
  billed_cost: number;
  effective_cost: number;
  list_cost: number;
  consumed_quantity: number | null;
  tags: string;
  extra: string;
  attribution_key: string;
};

/** A (provider, billing account, billing period) the file holds. */
export type BillingPartition = {
  provider: string;
  billingAccountId: string;
  billingPeriodStart: string;
};

/** What a valid file holds, summed to daily grain. */
export type FocusFileContents = {
  version: FocusVersion;
  rows: number;
  dailyRows: number;
  partitions: BillingPartition[];
  dateRange: { from: string; to: string } | null;
  totals: Array<{
    provider: string;
    currency: string;
    billedCost: number;
    effectiveCost: number;
    listCost: number;
  }>;
  /** The daily facts in batches, read from DuckDB as they are consumed. */
  dailyRowBatches(): AsyncIterable<DailyCostRow[]>;
};

/** Group columns of the daily table that row checks can be run on instead of each row. */
const KEY_COLUMNS: Record<string, string | undefined> = {
  BillingCurrency: 'billing_currency',
  BillingAccountId: 'billing_account_id',
  ProviderName: 'provider',
  ChargeCategory: 'charge_category',
};

/** Thrown when a file has bad rows: the first errors, with lines and columns. */
export class FocusFileRejectedError extends InputError {
  constructor(
    message: string,
    readonly errors: CostImportError[],
    readonly badRows: number,
  ) {
    super(message);
  }
}

/** Limits of the DuckDB engine that reads the file. */
export type FocusReaderOptions = {
  /** DuckDB `memory_limit`, e.g. `256MB`; spills to `tempDirectory` beyond it. */
  memoryLimit: string;
  threads: number;
  tempDirectory: string;
  /** How many errors a rejected file reports. */
  maxErrors: number;
};

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The header's column names, read by us so DuckDB need not guess the dialect. */
export async function readCsvHeader(
  path: string,
  format: 'csv' | 'csv.gz',
): Promise<string[]> {
  let text = '';
  const raw = fs.createReadStream(path, { highWaterMark: 64 * 1024 });
  const stream = format === 'csv.gz' ? raw.pipe(zlib.createGunzip()) : raw;
  try {
    for await (const chunk of stream) {
      text += chunk.toString('utf8');
      if (text.includes('\n') || text.length > 1024 * 1024) {
        break;
      }
    }
  } catch (error) {
    throw new InputError(
      `The file could not be read as ${
        format === 'csv.gz' ? 'gzipped CSV' : 'CSV'
      }: ${(error as Error).message}`,
    );
  } finally {
    raw.destroy();
  }
  const line = text
    .split('\n')[0]
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  const names: string[] = [];
  const cell = /\s*(?:"((?:[^"]|"")*)"|([^,]*))\s*(,|$)/g;
  for (const match of line.matchAll(cell)) {
    if (match[0] === '') {
      break;
    }
    names.push((match[1] ?? match[2] ?? '').replace(/""/g, '"').trim());
    if (match[3] === '') {
      break;
    }
  }
  if (names.length === 0 || names.every(n => !n)) {
    throw new InputError('The file has no header line with column names');
  }
  return names;
}

function fileRelation(
  path: string,
  format: FocusFileFormat,
  header: string[],
  ordered = false,
) {
  if (format === 'parquet') {
    return `read_parquet(${sqlString(path)}, file_row_number = true)`;
  }
  // Every cell as text, columns from the header we read: bad values are
  // reported with their line instead of DuckDB guessing types or dialect.
  const columns = header
    .map(name => `${sqlString(name)}: 'VARCHAR'`)
    .join(', ');
  return `read_csv(${sqlString(
    path,
  )}, auto_detect = false, header = true, columns = {${columns}}, delim = ',', quote = '"', escape = '"', nullstr = ['NULL', ''], buffer_size = ${CSV_BUFFER_BYTES}, compression = ${
    format === 'csv.gz' ? "'gzip'" : "'none'"
  }, parallel = ${ordered ? 'false' : 'true'})`;
}

/**
 * DuckDB's memory limit while the daily rows are streamed out and written:
 * the buffers of the read are released (DuckDB keeps them cached up to the
 * limit otherwise), so they do not add to what the writes need. A daily
 * table larger than this spills to the temp directory.
 */
const STREAMING_MEMORY_LIMIT = '64MB';

async function releaseReadBuffers(connection: DuckDBConnection) {
  try {
    await connection.run(`SET memory_limit = '${STREAMING_MEMORY_LIMIT}'`);
  } catch {
    // It could not evict enough: keep the larger limit, nothing is lost.
  }
}

/**
 * Reads a FOCUS file with DuckDB: detects the version, checks every row and
 * sums rows to daily grain in DuckDB's own memory (bounded, spilling to
 * disk), so the Node process stays flat whatever the file's size. Calls
 * `use` with the contents, then releases the engine.
 */
export async function readFocusFile<T>(
  path: string,
  format: FocusFileFormat,
  options: FocusReaderOptions,
  use: (contents: FocusFileContents) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads),
    memory_limit: options.memoryLimit,
    temp_directory: options.tempDirectory,
    // Everything it needs (csv, parquet, json, icu) is built in.
    autoinstall_known_extensions: 'false',
    // The daily table needs no row order; keeping it costs memory.
    preserve_insertion_order: 'false',
    // Hand freed memory back to the system after each task instead of
    // keeping up to 128MB cached, while the facts are being written.
  });
  const connection = await instance.connect();
  try {
    // Charge periods become UTC days whatever the zone the file writes.
    await connection.run(`SET TimeZone = 'UTC'`);
    return await use(await analyse(connection, path, format, options));
  } catch (error) {
    throw translateDuckDbError(error, options);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function analyse(
  connection: DuckDBConnection,
  path: string,
  format: FocusFileFormat,
  options: FocusReaderOptions,
): Promise<FocusFileContents> {
  const header = format === 'parquet' ? [] : await readCsvHeader(path, format);
  const source = fileRelation(path, format, header);
  const described = await connection.runAndReadAll(
    `DESCRIBE SELECT * FROM ${source}`,
  );
  const columnTypes = new Map(
    described
      .getRowObjectsJS()
      .map(r => [String(r.column_name), String(r.column_type)]),
  );
  columnTypes.delete('file_row_number');
  const columns = [...columnTypes.keys()];
  const detected = detectFocusVersion(columns);
  if ('error' in detected) {
    throw new InputError(detected.error);
  }

  const has = (column: string) => columnTypes.has(column);
  const orNull = (column: string) => (has(column) ? ident(column) : 'NULL');
  // Parquet exports may hold Tags as a MAP or STRUCT rather than JSON text.
  const tagsType = columnTypes.get('Tags') ?? '';
  let tagsSql = 'NULL';
  if (has('Tags')) {
    tagsSql = /^(MAP|STRUCT)/.test(tagsType)
      ? `CAST(to_json(${ident('Tags')}) AS VARCHAR)`
      : `CAST(${ident('Tags')} AS VARCHAR)`;
  }
  const checks = [...rowChecks(), ...(has('Tags') ? [tagsCheck(tagsSql)] : [])];
  if (has('ConsumedQuantity')) {
    checks.push({
      column: 'ConsumedQuantity',
      failsWhen: `${ident('ConsumedQuantity')} IS NOT NULL AND TRY_CAST(${ident(
        'ConsumedQuantity',
      )} AS DOUBLE) IS NULL`,
      message: '"{value}" is not a number',
    });
  }

  const extra = extensionColumns(columns);
  const extraSql =
    extra.length === 0
      ? `'{}'`
      : `CAST(json_object(${extra
          .map(c => `${sqlString(c)}, ${ident(c)}`)
          .join(', ')}) AS VARCHAR)`;
  // TRY_CAST: bad rows must not stop the pass. A group whose casts yield
  // fewer values than it has rows holds a bad (or missing) one. Amounts are
  // summed as doubles with compensated (Kahan) summation: exact to far below
  // a cent, and several times cheaper than 128-bit decimals.
  const amount = (column: string) => `TRY_CAST(${ident(column)} AS DOUBLE)`;
  const instant = (column: string) =>
    `TRY_CAST(${ident(column)} AS TIMESTAMPTZ)`;
  const day = (column: string) => `CAST(${instant(column)} AS DATE)`;
  const quantity = `TRY_CAST(${orNull('ConsumedQuantity')} AS DOUBLE)`;
  const missingOrBad = [
    ...['BilledCost', 'EffectiveCost', 'ListCost'].map(
      c => `count(*) - count(${amount(c)})`,
    ),
    `count(*) - count(${instant('ChargePeriodEnd')})`,
    `count(${orNull('ConsumedQuantity')}) - count(${quantity})`,
  ].join(' + ');

  // One pass over the file: hourly (or finer) rows summed per day and per
  // every attribute we keep. Only what varies per row is computed per row;
  // keys are normalized and checked on the (far fewer) groups afterwards.
  await connection.run(`
    CREATE TEMP TABLE grouped AS
    SELECT
      ${day('ChargePeriodStart')} AS usage_date,
      CAST(${ident('ProviderName')} AS VARCHAR) AS provider,
      CAST(${ident('BillingAccountId')} AS VARCHAR) AS billing_account_id,
      ${day('BillingPeriodStart')} AS billing_period_start,
      COALESCE(CAST(${orNull(
        'SubAccountId',
      )} AS VARCHAR), '') AS sub_account_id,
      COALESCE(CAST(${orNull('RegionId')} AS VARCHAR), '') AS region,
      COALESCE(CAST(${ident('ServiceName')} AS VARCHAR), '') AS service_name,
      COALESCE(CAST(${orNull(
        'ServiceCategory',
      )} AS VARCHAR), '') AS service_category,
      COALESCE(CAST(${orNull('ResourceId')} AS VARCHAR), '') AS resource_id,
      CAST(${ident('ChargeCategory')} AS VARCHAR) AS charge_category,
      CAST(${ident('BillingCurrency')} AS VARCHAR) AS billing_currency,
      COALESCE(CAST(${orNull('ConsumedUnit')} AS VARCHAR), '') AS consumed_unit,
      ${tagsSql} AS tags,
      ${extraSql} AS extra,
      max(CAST(${orNull('ResourceName')} AS VARCHAR)) AS resource_name,
      max(CAST(${orNull('ResourceType')} AS VARCHAR)) AS resource_type,
      fsum(${amount('BilledCost')}) AS billed_cost,
      fsum(${amount('EffectiveCost')}) AS effective_cost,
      fsum(${amount('ListCost')}) AS list_cost,
      sum(${quantity}) AS consumed_quantity,
      count(*) AS source_rows,
      ${missingOrBad} AS missing_or_bad
    FROM ${source}
    GROUP BY ALL
  `);
  const keyChecks = rowChecks()
    .filter(c => KEY_COLUMNS[c.column])
    .map(
      c =>
        `(${c.failsWhen.split(ident(c.column)).join(KEY_COLUMNS[c.column])})`,
    );
  if (has('Tags')) {
    keyChecks.push(`(${tagsCheck('tags').failsWhen})`);
  }
  const { suspect } = (
    await connection.runAndReadAll(
      `SELECT CAST(COALESCE(sum(source_rows), 0) AS DOUBLE) AS suspect FROM grouped
       WHERE missing_or_bad > 0 OR usage_date IS NULL OR billing_period_start IS NULL
         OR ${keyChecks.join(' OR ')}`,
    )
  ).getRowObjectsJS()[0];
  if (Number(suspect) > 0) {
    await rejectBadRows(connection, path, format, header, {
      checks,
      maxErrors: options.maxErrors,
    });
  }

  const resourceKey = `lower(trim(resource_id))`;
  const tagsOrEmpty = `COALESCE(tags, '{}')`;
  await connection.run(`
    CREATE TEMP TABLE daily AS
    SELECT strftime(usage_date, '%Y-%m-%d') AS usage_date, provider,
      billing_account_id,
      strftime(billing_period_start, '%Y-%m-%d') AS billing_period_start,
      sub_account_id, region, service_name, service_category, resource_id,
      ${resourceKey} AS resource_key, charge_category,
      upper(billing_currency) AS currency, consumed_unit,
      ${tagsOrEmpty} AS tags, extra,
      md5(${resourceKey} || chr(10) || ${tagsOrEmpty}) AS attribution_key,
      resource_name, resource_type, billed_cost, effective_cost, list_cost,
      consumed_quantity, source_rows
    FROM grouped
  `);
  await connection.run(`DROP TABLE grouped`);
  await releaseReadBuffers(connection);

  const summary = (
    await connection.runAndReadAll(
      `SELECT CAST(COALESCE(sum(source_rows), 0) AS DOUBLE) AS rows, CAST(count(*) AS DOUBLE) AS daily_rows, min(usage_date) AS first, max(usage_date) AS last FROM daily`,
    )
  ).getRowObjectsJS()[0];
  const partitions = (
    await connection.runAndReadAll(
      `SELECT DISTINCT provider, billing_account_id, billing_period_start FROM daily ORDER BY 1, 2, 3`,
    )
  )
    .getRowObjectsJS()
    .map(r => ({
      provider: String(r.provider),
      billingAccountId: String(r.billing_account_id),
      billingPeriodStart: String(r.billing_period_start),
    }));
  const totals = (
    await connection.runAndReadAll(
      `SELECT provider, currency, fsum(billed_cost) AS billed, fsum(effective_cost) AS effective, fsum(list_cost) AS list FROM daily GROUP BY 1, 2 ORDER BY 1, 2`,
    )
  )
    .getRowObjectsJS()
    .map(r => ({
      provider: String(r.provider),
      currency: String(r.currency),
      billedCost: Number(r.billed),
      effectiveCost: Number(r.effective),
      listCost: Number(r.list),
    }));

  return {
    version: detected.version,
    rows: Number(summary.rows),
    dailyRows: Number(summary.daily_rows),
    partitions,
    dateRange: summary.first
      ? { from: String(summary.first), to: String(summary.last) }
      : null,
    totals,
    async *dailyRowBatches() {
      const result = await connection.stream(`
        SELECT usage_date, provider, billing_account_id, billing_period_start,
          sub_account_id, region, service_name, service_category, resource_id,
          resource_key, resource_name, resource_type, charge_category, currency,
          consumed_unit, CAST(billed_cost AS DOUBLE) AS billed_cost,
          CAST(effective_cost AS DOUBLE) AS effective_cost,
          CAST(list_cost AS DOUBLE) AS list_cost, consumed_quantity, tags,
          extra, attribution_key
        FROM daily`);
      for await (const batch of result.yieldRowObjectJs()) {
        yield batch as unknown as DailyCostRow[];
      }
    },
  };
}

/**
 * Reads a file with bad rows again, to count them exactly and to name the
 * first ones' lines and columns, in file order.
 */
async function rejectBadRows(
  connection: DuckDBConnection,
  path: string,
  format: FocusFileFormat,
  header: string[],
  options: { checks: RowCheck[]; maxErrors: number },
): Promise<never> {
  const { checks, maxErrors } = options;
  const anyFails = checks.map(c => `(${c.failsWhen})`).join(' OR ');
  const counted = await connection.runAndReadAll(
    `SELECT CAST(count(*) AS DOUBLE) AS bad FROM ${fileRelation(
      path,
      format,
      header,
    )} WHERE ${anyFails}`,
  );
  const badRows = Number(counted.getRowObjectsJS()[0].bad);
  // CSV line = row number + 1 (the header), read in file order.
  const rowNumber =
    format === 'parquet' ? 'file_row_number + 1' : 'row_number() OVER () + 1';
  const flags = checks
    .map(
      (c, i) =>
        `(${c.failsWhen}) AS f${i}, CAST(${ident(
          c.column,
        )} AS VARCHAR) AS v${i}`,
    )
    .join(', ');
  const failing = await connection.runAndReadAll(`
    SELECT * FROM (
      SELECT ${rowNumber} AS line, ${flags}
      FROM ${fileRelation(path, format, header, true)}
    ) WHERE ${checks.map((_, i) => `f${i}`).join(' OR ')}
    ORDER BY line
    LIMIT ${maxErrors}`);
  const errors: CostImportError[] = [];
  for (const row of failing.getRowObjectsJS()) {
    checks.forEach((check, i) => {
      if (row[`f${i}`] === true && errors.length < maxErrors) {
        errors.push({
          line: Number(row.line),
          column: check.column,
          message: `${check.column} ${check.message.replace(
            '{value}',
            truncate(String(row[`v${i}`] ?? '')),
          )}`,
        });
      }
    });
  }
  const where = format === 'parquet' ? 'row' : 'line';
  throw new FocusFileRejectedError(
    `The file was not imported: ${badRows} row${
      badRows === 1 ? '' : 's'
    } failed validation. First: ${where} ${errors[0]?.line}, ${
      errors[0]?.message
    }. Nothing was written; fix the rows and upload the file again.`,
    errors,
    badRows,
  );
}

function truncate(value: string) {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** DuckDB's own parse errors (bad CSV structure, not Parquet) become 400s. */
function translateDuckDbError(
  error: unknown,
  options: FocusReaderOptions,
): unknown {
  // DuckDB's errors come from the addon's realm: check the shape, not the class.
  const message = (error as { message?: unknown })?.message;
  if (error instanceof InputError || typeof message !== 'string') {
    return error;
  }
  const csv = /CSV Error on Line: (\d+)/.exec(message);
  if (csv) {
    const firstLine =
      message.split('\n').find(l => l.trim() && !/^CSV Error/.test(l)) ?? '';
    const fileError = new FocusFileRejectedError(
      `The file was not imported: line ${
        csv[1]
      } is not valid CSV (${firstLine.trim()}). Nothing was written.`,
      [{ line: Number(csv[1]), column: null, message: firstLine.trim() }],
      1,
    );
    return fileError;
  }
  if (/^Out of Memory Error/.test(message)) {
    // Not the file's fault: the server's limit is too small for its days.
    return new Error(
      `Reading the file needed more than multicloud.cost.imports.memoryLimit (${
        options.memoryLimit
      }) and the temp directory could not take the rest; raise memoryLimit or free space in ${
        options.tempDirectory
      }. Nothing was written. (${message.split('\n')[0]})`,
    );
  }
  if (
    /Invalid Input Error|No magic bytes|not a parquet file|Parquet|gzip|decompress|Could not read/i.test(
      message,
    )
  ) {
    return new InputError(
      `The file could not be read as FOCUS CSV, gzipped CSV or Parquet: ${
        message.split('\n')[0]
      }`,
    );
  }
  return error;
}
