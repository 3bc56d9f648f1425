import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import nodePath from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { CostImportError } from '@multicloud/plugin-multicloud-common';
import { BillingPartition, DailyCostRow } from '../../database/CostFactsStore';
import {
  FocusVersion,
  RowCheck,
  detectFocusVersion,
  extensionColumns,
  ident,
  rowChecks,
  tagsCheck,
} from './focus';
import { CostImportLimitError, FocusFileRejectedError } from './types';

/**
 * Bytes of CSV each reading thread holds at once. DuckDB's default (32 MiB)
 * takes a quarter of a 256MB memory limit per thread, which the aggregation
 * then lacks; a FOCUS line is a few KiB and may be 2 MiB (max_line_size).
 */
const CSV_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * DuckDB memory one thread of the daily grouping needs once its groups
 * outgrow memory and spill: DuckDB's hash aggregate then splits each
 * thread's groups into up to 256 partitions, each with a pinned 256 KiB
 * block of rows and one of strings while it writes them out, besides the
 * thread's CSV buffers. One thread needed 125-145 MiB for a month of
 * 850,000 daily rows (DuckDB 1.5.5); two threads under a 256MB limit ran
 * out of memory when both spilled at once (at random: when their spills
 * overlapped).
 */
const GROUPING_BYTES_PER_THREAD = 160 * 1024 * 1024;

/** Formats the importer reads. */
export type FocusFileFormat = 'csv' | 'csv.gz' | 'parquet';

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

/** `1073741824 bytes (1 GiB)`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) {
      break;
    }
    value /= 1024;
    unit = next;
  }
  return unit
    ? `${bytes} bytes (${Number(value.toFixed(1))} ${unit})`
    : `${bytes} bytes`;
}

/** Limits of reading one file, and of the DuckDB engine that reads it. */
export type FocusReaderOptions = {
  /** DuckDB `memory_limit`, e.g. `256MB`; spills to `tempDirectory` beyond it. */
  memoryLimit: string;
  threads: number;
  /** DuckDB's spill files and decompressed CSV go here. */
  tempDirectory: string;
  /** How many errors a rejected file reports. */
  maxErrors: number;
  /** Most bytes of CSV a file may hold once decompressed (Parquet: of its uncompressed pages). */
  maxDecompressedBytes: number;
  /** Most rows a file may hold. */
  maxRows: number;
};

function tooLarge(options: FocusReaderOptions): CostImportLimitError {
  return new CostImportLimitError(
    `The file holds more than ${formatBytes(
      options.maxDecompressedBytes,
    )} once decompressed, the limit multicloud.cost.imports.maxDecompressedBytes sets; raise it to import this file. Nothing was written.`,
    'multicloud.cost.imports.maxDecompressedBytes',
    413,
  );
}

function tooManyRows(options: FocusReaderOptions): CostImportLimitError {
  return new CostImportLimitError(
    `The file holds more than ${options.maxRows} rows, the limit multicloud.cost.imports.maxRows sets; raise it or split the export. Nothing was written.`,
    'multicloud.cost.imports.maxRows',
    400,
  );
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The longest header line read. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Counts a CSV file's records as its bytes stream by (a line break inside a
 * quoted cell does not end a record; blank lines are not records) and keeps
 * its first line, the header.
 */
class CsvScanner {
  bytes = 0;
  records = 0;
  private quoted = false;
  private inRecord = false;
  private headerChunks: Buffer[] = [];
  private headerBytes = 0;
  private headerDone = false;

  push(chunk: Buffer) {
    this.bytes += chunk.length;
    if (!this.headerDone) {
      const end = chunk.indexOf(0x0a);
      const part = chunk.subarray(0, end === -1 ? chunk.length : end);
      this.headerChunks.push(part);
      this.headerBytes += part.length;
      this.headerDone = end !== -1 || this.headerBytes >= MAX_HEADER_BYTES;
    }
    let { quoted, inRecord, records } = this;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x22) {
        quoted = !quoted;
        inRecord = true;
      } else if (quoted) {
        continue;
      } else if (byte === 0x0a) {
        if (inRecord) {
          records++;
        }
        inRecord = false;
      } else if (byte !== 0x0d) {
        inRecord = true;
      }
    }
    Object.assign(this, { quoted, inRecord, records });
  }

  /** Data rows: records after the header. */
  get rows(): number {
    return Math.max(0, this.records + (this.inRecord ? 1 : 0) - 1);
  }

  get header(): string {
    return Buffer.concat(this.headerChunks)
      .subarray(0, MAX_HEADER_BYTES)
      .toString('utf8');
  }
}

/**
 * The header's column names, read by us so DuckDB need not guess the
 * dialect, and checked so that every name can be a DuckDB column.
 */
function parseCsvHeader(text: string): string[] {
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
  const firstSeen = new Map<string, number>();
  names.forEach((name, i) => {
    const column = i + 1;
    if (name.includes('\u0000')) {
      throw new InputError(
        `The header line holds a NUL byte (column ${column}): the file is not CSV text in UTF-8. Export the FOCUS file as UTF-8 CSV (a UTF-16 file has a NUL in every other byte).`,
      );
    }
    if (!name) {
      throw new InputError(
        `Column ${column} of the header has no name; every FOCUS column needs one.`,
      );
    }
    // DuckDB, like SQL, does not tell column names apart by case.
    const key = name.toLocaleLowerCase('en-US');
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        `The header names column "${name}" twice (columns ${earlier} and ${column}); each column may appear once.`,
      );
    }
    firstSeen.set(key, column);
  });
  return names;
}

/** A readable CSV file: decompressed if it was gzipped, its header read. */
type MeasuredCsv = { path: string; header: string[] };

/**
 * Streams a CSV or gzipped CSV once, decompressing a gzipped one into
 * `directory`, and stops as soon as it exceeds the size or row limit: a
 * small gzip bomb never reaches DuckDB, nor fills the disk.
 */
async function measureCsv(
  path: string,
  format: 'csv' | 'csv.gz',
  directory: string,
  options: FocusReaderOptions,
  signal?: AbortSignal,
): Promise<MeasuredCsv> {
  if (
    format === 'csv' &&
    (await fs.promises.stat(path)).size > options.maxDecompressedBytes
  ) {
    throw tooLarge(options);
  }
  const scanner = new CsvScanner();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      scanner.push(chunk);
      if (scanner.bytes > options.maxDecompressedBytes) {
        callback(tooLarge(options));
      } else if (scanner.rows > options.maxRows) {
        callback(tooManyRows(options));
      } else {
        callback(null, chunk);
      }
    },
  });
  const csvPath =
    format === 'csv.gz' ? nodePath.join(directory, 'decompressed.csv') : path;
  const sink =
    format === 'csv.gz'
      ? fs.createWriteStream(csvPath, { mode: 0o600 })
      : new Writable({ write: (_chunk, _encoding, done) => done() });
  const source = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    if (format === 'csv.gz') {
      await pipeline(source, zlib.createGunzip(), counter, sink, { signal });
    } else {
      await pipeline(source, counter, sink, { signal });
    }
  } catch (error) {
    if (signal?.aborted) {
      throw signal.reason;
    }
    if (error instanceof InputError) {
      throw error;
    }
    const { code, message } = error as { code?: string; message?: string };
    if (format === 'csv.gz' && code?.startsWith('Z_')) {
      throw new InputError(
        `The file could not be read as gzipped CSV: the gzip data is ${
          code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt'
        } (${message}). Nothing was written.`,
      );
    }
    throw error;
  }
  if (scanner.rows > options.maxRows) {
    throw tooManyRows(options);
  }
  return { path: csvPath, header: parseCsvHeader(scanner.header) };
}

function fileRelation(
  path: string,
  format: 'csv' | 'parquet',
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
  )}, auto_detect = false, header = true, columns = {${columns}}, delim = ',', quote = '"', escape = '"', nullstr = ['NULL', ''], buffer_size = ${CSV_BUFFER_BYTES}, compression = 'none', parallel = ${
    ordered ? 'false' : 'true'
  })`;
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

const BYTE_UNITS: Record<string, number> = {
  bytes: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
};

/**
 * Threads for a daily grouping that spills: as many as the memory limit
 * holds (see {@link GROUPING_BYTES_PER_THREAD}), at least one, at most
 * `threads`. The limit is read back from DuckDB, which accepts more
 * spellings of it than we would parse, and prints it as `244.1 MiB`.
 */
async function spillingGroupingThreads(
  connection: DuckDBConnection,
  threads: number,
): Promise<number> {
  const [{ setting }] = (
    await connection.runAndReadAll(
      `SELECT current_setting('memory_limit') AS setting`,
    )
  ).getRowObjectsJS();
  const match = /^([\d.]+)\s*([A-Za-z]+)$/.exec(String(setting).trim());
  const unit = match ? BYTE_UNITS[match[2]] : undefined;
  if (!match || !unit) {
    return 1;
  }
  const bytes = Number(match[1]) * unit;
  return Math.max(
    1,
    Math.min(threads, Math.floor(bytes / GROUPING_BYTES_PER_THREAD)),
  );
}

/** What DuckDB reads: a plain CSV file with its header, or a Parquet file. */
type FocusSource = {
  path: string;
  format: 'csv' | 'parquet';
  header: string[];
};

/**
 * Checks a Parquet file's footer against the limits before any of its rows
 * is read: a few kilobytes of Parquet can encode billions of rows.
 */
async function checkParquet(
  connection: DuckDBConnection,
  path: string,
  options: FocusReaderOptions,
) {
  const [{ rows }] = (
    await connection.runAndReadAll(
      `SELECT CAST(COALESCE(sum(num_rows), 0) AS DOUBLE) AS rows FROM parquet_file_metadata(${sqlString(
        path,
      )})`,
    )
  ).getRowObjectsJS();
  if (Number(rows) > options.maxRows) {
    throw tooManyRows(options);
  }
  const [{ bytes }] = (
    await connection.runAndReadAll(
      `SELECT CAST(COALESCE(sum(total_uncompressed_size), 0) AS DOUBLE) AS bytes FROM parquet_metadata(${sqlString(
        path,
      )})`,
    )
  ).getRowObjectsJS();
  if (Number(bytes) > options.maxDecompressedBytes) {
    throw tooLarge(options);
  }
}

/**
 * Reads a FOCUS file with DuckDB: detects the version, checks every row and
 * sums rows to daily grain in DuckDB's own memory (bounded, spilling to
 * disk), so the Node process stays flat whatever the file's size. Calls
 * `use` with the contents, then releases the engine. A gzipped file is
 * decompressed into `tempDirectory` first, within the size limit. Aborting
 * `signal` interrupts DuckDB and rejects with the signal's reason.
 */
export async function readFocusFile<T>(
  path: string,
  format: FocusFileFormat,
  options: FocusReaderOptions,
  use: (contents: FocusFileContents) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const directory = await fs.promises.mkdtemp(
    nodePath.join(options.tempDirectory, 'multicloud-read-'),
  );
  try {
    const csv =
      format === 'parquet'
        ? undefined
        : await measureCsv(path, format, directory, options, signal);
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads),
      memory_limit: options.memoryLimit,
      temp_directory: options.tempDirectory,
      // Everything it needs (csv, parquet, json, icu) is built in.
      autoinstall_known_extensions: 'false',
      // The daily table needs no row order; keeping it costs memory.
      preserve_insertion_order: 'false',
    });
    const connection = await instance.connect();
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt);
    const translate = (error: unknown) =>
      translateDuckDbError(error, options, {
        signal,
        paths: [csv?.path ?? path, path, directory, options.tempDirectory],
      });
    try {
      let contents: FocusFileContents;
      try {
        signal?.throwIfAborted();
        // Charge periods become UTC days whatever the zone the file writes.
        await connection.run(`SET TimeZone = 'UTC'`);
        if (!csv) {
          await checkParquet(connection, path, options);
        }
        contents = await analyse(
          connection,
          csv
            ? { path: csv.path, format: 'csv', header: csv.header }
            : { path, format: 'parquet', header: [] },
          options,
          translate,
        );
      } catch (error) {
        throw translate(error);
      }
      return await use(contents);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await fs.promises.rm(directory, { recursive: true, force: true });
  }
}

/** DuckDB types a Parquet column may have for what FOCUS puts in it. */
const PARQUET_TYPES: Array<{
  columns: string[];
  allowed: RegExp;
  what: string;
}> = [
  {
    columns: ['BilledCost', 'EffectiveCost', 'ListCost', 'ConsumedQuantity'],
    allowed:
      /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(.*\)|VARCHAR)$/,
    what: 'a number',
  },
  {
    columns: ['BillingPeriodStart', 'ChargePeriodStart', 'ChargePeriodEnd'],
    allowed: /^(TIMESTAMP.*|DATE|VARCHAR)$/,
    what: 'a date and time',
  },
];

async function analyse(
  connection: DuckDBConnection,
  file: FocusSource,
  options: FocusReaderOptions,
  translate: (error: unknown) => unknown,
): Promise<FocusFileContents> {
  const source = fileRelation(file.path, file.format, file.header);
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
  for (const { columns: typed, allowed, what } of PARQUET_TYPES) {
    for (const column of typed) {
      const type = columnTypes.get(column);
      if (type && !allowed.test(type)) {
        throw new InputError(
          `Column ${column} holds ${type} values; FOCUS needs ${what} there. Nothing was written.`,
        );
      }
    }
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
  const grouping = `
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
  `;
  try {
    await connection.run(grouping);
  } catch (error) {
    // Files whose groups fit in memory (hourly exports summed to days) are
    // grouped on every thread. One whose groups spill may need more memory
    // on them than the limit gives: it is grouped again (the failed
    // statement created nothing) on as many threads as the limit holds.
    if (!isOutOfMemory(error)) {
      throw error;
    }
    const threads = await spillingGroupingThreads(connection, options.threads);
    if (threads >= options.threads) {
      throw error;
    }
    await connection.run(`SET threads = ${threads}`);
    await connection.run(grouping);
    await connection.run(`SET threads = ${options.threads}`);
  }
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
    await rejectBadRows(connection, file, {
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
      try {
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
      } catch (error) {
        throw translate(error);
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
  { path, format, header }: FocusSource,
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

function truncate(value: string, max = 80) {
  return value.length > max ? `${value.slice(0, max - 3)}...` : value;
}

function isOutOfMemory(error: unknown): boolean {
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && /^Out of Memory Error/.test(message);
}

/** DuckDB's error classes that mean the server, not the file, failed. */
const SERVER_SIDE = /^(INTERNAL Error|FATAL Error|Fatal Error)/;
/** I/O failures of the server's disk (spilling, decompressed copies). */
const DISK_FAILURE =
  /No space left|Disk quota|Permission denied|Too many open files|Could not (write|create|open) .*(tmp|temp)/i;

/**
 * DuckDB's errors become messages a person can act on. Reading failures
 * caused by the file become 400s, without SQL or server paths; the server's
 * own failures (memory, disk) name the setting or resource to fix.
 */
function translateDuckDbError(
  error: unknown,
  options: FocusReaderOptions,
  context: { signal?: AbortSignal; paths: string[] },
): unknown {
  if (context.signal?.aborted) {
    return context.signal.reason;
  }
  // DuckDB's errors come from the addon's realm: check the shape, not the class.
  const message = (error as { message?: unknown })?.message;
  if (error instanceof InputError || typeof message !== 'string') {
    return error;
  }
  // The server's paths are cut; only the first line is shown (the rest quotes SQL).
  const redact = (text: string) =>
    context.paths.reduce(
      (t, path) => t.split(path).join('<file>'),
      text.trim(),
    );
  const detail = redact(message.split('\n')[0]);
  if (isOutOfMemory(error)) {
    // The file is too large for the server's limits, as with the size
    // limits: a 413 that names the settings (not the server's paths).
    return new CostImportLimitError(
      `Reading the file needed more than multicloud.cost.imports.memoryLimit (${options.memoryLimit}) of memory besides what it could spill to the temp directory (multicloud.cost.imports.tempDirectory); raise memoryLimit, or make room in the temp directory, and import the file again. Nothing was written. (${detail})`,
      'multicloud.cost.imports.memoryLimit',
      413,
    );
  }
  if (SERVER_SIDE.test(message) || DISK_FAILURE.test(message)) {
    return new Error(
      `Reading the file failed on the server, not because of its contents; check multicloud.cost.imports.tempDirectory (${options.tempDirectory}) and the backend's resources. Nothing was written. (${detail})`,
    );
  }
  const csv = /CSV Error on Line: (\d+)/.exec(message);
  if (csv) {
    const line = Number(csv[1]);
    const lines = message.split('\n').map(redact);
    const reason =
      lines.find(l =>
        /^Expected Number of Columns|^Invalid unicode|^Value with unterminated quote/i.test(
          l,
        ),
      ) ??
      lines.find(l => l && !/^(Invalid Input Error: )?CSV Error/.test(l)) ??
      '';
    const shown = truncate(reason, 200);
    return new FocusFileRejectedError(
      `The file was not imported: line ${line} is not valid CSV (${shown}). Nothing was written.`,
      [{ line, column: null, message: shown }],
      1,
    );
  }
  // Anything else DuckDB could not read or bind is the file's content: a
  // corrupt or non-Parquet file, values of a type no column can take.
  const readable =
    /^(Invalid Input Error|Conversion Error|IO Error|Invalid Error)/.test(
      detail,
    );
  return new InputError(
    `The file could not be read as FOCUS CSV, gzipped CSV or Parquet${
      readable
        ? `: ${truncate(detail, 200)}`
        : ': its columns or values cannot be read'
    }. Nothing was written.`,
  );
}
