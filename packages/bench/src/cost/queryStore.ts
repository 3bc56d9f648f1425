/*
 * The kept store of the query part: the estate's daily facts imported
 * through `POST /api/multicloud/cost/imports`, one gzipped FOCUS 1.0 file per
 * billing month, into a SQLite file in <tmpdir>/multicloud-bench/ or a
 * PostgreSQL database, kept between runs and keyed by the size and a hash
 * of what it is built from (the estate, the file generator, the plugin's
 * migrations). A build goes under a `building` name, renamed once complete;
 * what the build measured is written next to it as JSON.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { FOCUS_1_0_COLUMNS, csvCell, focusTimestamp } from './focusFile';
import {
  BENCH_DIR,
  DatabaseLocation,
  Engine,
  dropPostgresDatabase,
  postgresDatabaseExists,
  psql,
} from './lib';
import { CostLine, DAYS, Estate } from './queryEstate';

/** Bump when the generated files change, so that kept stores are rebuilt. */
const STORE_FILES_VERSION = 1;
const DAY_MS = 24 * 3600 * 1000;

/** One billing month of the store: the days (0 = the first of the 365) its file holds. */
export type StoreMonth = {
  /** `YYYY-MM` */
  month: string;
  firstDay: number;
  lastDay: number;
};

/** What the build measured and left; written next to the store. */
export type StoreInfo = {
  key: string;
  builtAt: string;
  /** First and last day of the facts. */
  from: string;
  to: string;
  /** FOCUS rows imported (one per line and day). */
  rows: number;
  /** Daily facts the imports stored. */
  factRows: number;
  files: Array<{
    name: string;
    rows: number;
    dailyRows: number;
    bytes: number;
    generateMs: number;
    importMs: number;
  }>;
  generateMs: number;
  /** The imports' HTTP round trips, summed (upload, read, write, attribution of the imported days). */
  importMs: number;
  /** `POST /cost/rebuild` once every file is in: attribution and every rollup from the facts. */
  rebuild: { ms: number; serverMs: number; facts: number; pairs: number };
  analyzeMs: number | null;
  /** The SQLite file, or the PostgreSQL database (pg_database_size). */
  sizeBytes: number;
  entityRef: string;
  counts: Record<string, number>;
  entities: number;
};

/**
 * The store's days, ending on `today`: `from` is day 0 of the 365 (the
 * day factors count from it), `firstDay` the first that holds facts (with
 * fewer facts than 365 days of every line, the last days hold them), and
 * `first` its date.
 */
export function storeDays(
  estate: Estate,
  facts: number,
  today: string,
): { from: string; firstDay: number; first: string } {
  const wantedDays = Math.min(DAYS, Math.ceil(facts / estate.lines.length));
  const start = Date.parse(`${today}T00:00:00Z`) - (DAYS - 1) * DAY_MS;
  const firstDay = DAYS - wantedDays;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    from: date(start),
    firstDay,
    first: date(start + firstDay * DAY_MS),
  };
}

/** The billing months that hold days `firstDay`..364 counted from `from`. */
export function storeMonths(from: string, firstDay: number): StoreMonth[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const months: StoreMonth[] = [];
  for (let day = firstDay; day < DAYS; day++) {
    const month = new Date(start + day * DAY_MS).toISOString().slice(0, 7);
    const last = months[months.length - 1];
    if (last?.month === month) {
      last.lastDay = day;
    } else {
      months.push({ month, firstDay: day, lastDay: day });
    }
  }
  return months;
}

/**
 * The day's cost factor: a weekly-ish wiggle and a slow upward trend, times
 * the line's spike factor on its spike day (cost and quantity move together,
 * so the unit prices of `rowSegments` hold).
 */
function dayFactor(day: number, line: CostLine): number {
  const factor = 0.85 + ((day * 37 + line.id * 101) % 31) / 100 + day / 1500;
  return day === line.spikeDay ? factor * line.spikeFactor! : factor;
}

/**
 * A line's row as text around the cells that change per day: BilledCost,
 * ChargePeriodEnd, ChargePeriodStart, ConsumedQuantity, ContractedCost,
 * EffectiveCost, ListCost, PricingQuantity and Id (in column order).
 */
function rowSegments(line: CostLine, month: string): string[] {
  const periodStart = Date.parse(`${month}-01T00:00:00Z`);
  const periodEnd = new Date(periodStart);
  periodEnd.setUTCMonth(periodEnd.getUTCMonth() + 1);
  const unitPrice = (line.baseCost / line.quantity).toFixed(11);
  const listUnitPrice = (
    (line.baseCost * line.listFactor) /
    line.quantity
  ).toFixed(11);
  const resource = line.resourceId !== '';
  const cells: Record<string, string | null> = {
    AvailabilityZone: 'NULL',
    BilledCost: null,
    BillingAccountId: csvCell(line.billingAccountId),
    BillingAccountName: csvCell(line.billingAccountName),
    BillingCurrency: csvCell('USD'),
    BillingPeriodEnd: csvCell(focusTimestamp(periodEnd.getTime())),
    BillingPeriodStart: csvCell(focusTimestamp(periodStart)),
    ChargeCategory: csvCell('Usage'),
    ChargeClass: 'NULL',
    ChargeDescription: csvCell(`${line.serviceName} ${line.consumedUnit}`),
    ChargeFrequency: csvCell('Usage-Based'),
    ChargePeriodEnd: null,
    ChargePeriodStart: null,
    CommitmentDiscountCategory: 'NULL',
    CommitmentDiscountId: 'NULL',
    CommitmentDiscountName: 'NULL',
    CommitmentDiscountStatus: 'NULL',
    CommitmentDiscountType: 'NULL',
    ConsumedQuantity: null,
    ConsumedUnit: csvCell(line.consumedUnit),
    ContractedCost: null,
    ContractedUnitPrice: csvCell(unitPrice),
    EffectiveCost: null,
    InvoiceIssuerName: csvCell(line.invoiceIssuer),
    ListCost: null,
    ListUnitPrice: csvCell(listUnitPrice),
    PricingCategory: csvCell(line.discount < 1 ? 'Committed' : 'Standard'),
    PricingQuantity: null,
    PricingUnit: csvCell(line.consumedUnit),
    ProviderName: csvCell(line.provider),
    PublisherName: csvCell(line.publisher),
    RegionId: csvCell(line.region || null),
    RegionName: csvCell(line.regionName || null),
    ResourceId: csvCell(resource ? line.resourceId : null),
    ResourceName: csvCell(line.resourceName),
    ResourceType: csvCell(line.resourceType),
    ServiceCategory: csvCell(line.serviceCategory),
    Id: null,
    ServiceName: csvCell(line.serviceName),
    SkuId: csvCell(`SKU${String(line.id).padStart(8, '0')}`),
    SkuPriceId: csvCell(`SKU${String(line.id).padStart(8, '0')}.PRICE`),
    SubAccountId: csvCell(line.subAccountId),
    SubAccountName: csvCell(line.subAccountName),
    Tags: csvCell(line.tags),
  };
  const segments: string[] = [];
  let text = '';
  FOCUS_1_0_COLUMNS.forEach((column, i) => {
    const cell = cells[column];
    if (cell === null) {
      segments.push(text);
      text = '';
    } else {
      text += cell;
    }
    text += i < FOCUS_1_0_COLUMNS.length - 1 ? ',' : '\n';
  });
  segments.push(text);
  return segments;
}

/**
 * Writes the month's file, gzipped: one daily row per line and day, the
 * same costs the bench's store had when it was written straight into the
 * database (EffectiveCost = BilledCost = base cost x discount x the day's
 * factor, ListCost = base cost x list factor x the day's factor).
 */
export async function writeStoreFile(
  file: string,
  estate: Estate,
  from: string,
  month: StoreMonth,
): Promise<{ rows: number; bytes: number }> {
  const start = Date.parse(`${from}T00:00:00Z`);
  const segments = estate.lines.map(line => rowSegments(line, month.month));
  const gzip = zlib.createGzip({ level: 1 });
  const out = fs.createWriteStream(file);
  const written = once(out, 'finish');
  gzip.pipe(out);
  gzip.write(`${FOCUS_1_0_COLUMNS.map(c => csvCell(c)).join(',')}\n`);
  let rows = 0;
  for (let day = month.firstDay; day <= month.lastDay; day++) {
    const dayStart = `"${focusTimestamp(start + day * DAY_MS)}"`;
    const dayEnd = `"${focusTimestamp(start + (day + 1) * DAY_MS)}"`;
    const chunk: string[] = [];
    for (const line of estate.lines) {
      const factor = dayFactor(day, line);
      const effective = (line.baseCost * line.discount * factor).toFixed(11);
      const list = (line.baseCost * line.listFactor * factor).toFixed(11);
      const quantity = (line.quantity * factor).toFixed(11);
      const s = segments[line.id];
      chunk.push(
        `${s[0]}${effective}${s[1]}${dayEnd}${s[2]}${dayStart}${s[3]}${quantity}${s[4]}${effective}${s[5]}${effective}${s[6]}${list}${s[7]}${quantity}${s[8]}"${day}-${line.id}"${s[9]}`,
      );
    }
    rows += chunk.length;
    if (!gzip.write(chunk.join(''))) {
      await once(gzip, 'drain');
    }
  }
  gzip.end();
  await written;
  return { rows, bytes: (await fs.promises.stat(file)).size };
}

/** The key of a store: what it is built from. */
export function storeKey(estate: Estate, facts: number): string {
  const hash = createHash('sha256');
  hash.update(`files v${STORE_FILES_VERSION}\nfacts ${facts}\n`);
  // The plugin's schema, as its package ships it: another migration,
  // another store.
  const migrations = resolvePackagePath(
    '@multicloud/plugin-multicloud-backend',
    'migrations',
  );
  hash.update(fs.readdirSync(migrations).sort().join('\n'));
  hash.update(JSON.stringify(estate.lines));
  for (const entity of estate.entities) {
    hash.update(JSON.stringify(entity));
  }
  return hash.digest('hex').slice(0, 12);
}

/** How the kept stores of a bench and size are named (their key follows). */
export type StorePrefixes = { sqlite: string; postgres: string };

export type StoreLocations = {
  kept: DatabaseLocation;
  building: DatabaseLocation;
  /** Where the build's record goes. */
  infoFile: string;
  /** Names of the stores of this size, whatever their key. */
  prefix: string;
};

/**
 * The kept store's name for this size and key, and the one it is built
 * under; `prefixes` names another bench's stores (default: bench:cost's,
 * `cost-store-f<N>-` and `mc_bench_cost_f<N>_`).
 */
export function storeLocations(
  engine: Engine,
  options: {
    facts: number;
    key: string;
    postgres: string;
    prefixes?: StorePrefixes;
  },
): StoreLocations {
  const prefixes = options.prefixes ?? {
    sqlite: `cost-store-f${options.facts}-`,
    postgres: `mc_bench_cost_f${options.facts}_`,
  };
  const prefix = engine === 'sqlite' ? prefixes.sqlite : prefixes.postgres;
  const infoFile = path.join(BENCH_DIR, `${prefix}${options.key}.json`);
  if (engine === 'sqlite') {
    const file = path.join(BENCH_DIR, `${prefix}${options.key}.sqlite`);
    return {
      prefix,
      infoFile,
      kept: { engine, sqliteFile: file },
      building: { engine, sqliteFile: `${file}.building` },
    };
  }
  const database = `${prefix}${options.key}`;
  return {
    prefix,
    infoFile,
    kept: { engine, serverUrl: options.postgres, database },
    building: {
      engine,
      serverUrl: options.postgres,
      database: `${database}_building`,
    },
  };
}

/** The build's record of a complete kept store, if there is one. */
export async function keptStoreInfo(
  locations: StoreLocations,
): Promise<StoreInfo | undefined> {
  const { kept, infoFile } = locations;
  if (!fs.existsSync(infoFile)) {
    return undefined;
  }
  const exists =
    kept.engine === 'sqlite'
      ? fs.existsSync(kept.sqliteFile!)
      : await postgresDatabaseExists(kept.serverUrl!, kept.database!);
  return exists
    ? (JSON.parse(fs.readFileSync(infoFile, 'utf8')) as StoreInfo)
    : undefined;
}

/**
 * Removes the kept stores of the same size (other estates or migrations,
 * and unfinished builds): each is gigabytes, and only the current one is
 * read again.
 */
export async function removeStores(
  engine: Engine,
  prefix: string,
  postgres: string,
  log: (line: string) => void,
): Promise<void> {
  if (fs.existsSync(BENCH_DIR)) {
    for (const name of fs.readdirSync(BENCH_DIR)) {
      if (
        name.startsWith(prefix) &&
        (engine === 'sqlite' || name.endsWith('.json'))
      ) {
        fs.rmSync(path.join(BENCH_DIR, name), { force: true });
        log(`removed ${name}`);
      }
    }
  }
  if (engine === 'postgres') {
    const names = (
      await psql(
        postgres,
        'postgres',
        `SELECT datname FROM pg_database WHERE datname LIKE '${prefix.replace(
          /_/g,
          '\\_',
        )}%'`,
      )
    )
      .split('\n')
      .filter(Boolean);
    for (const name of names) {
      await dropPostgresDatabase(postgres, name);
      log(`dropped the kept database ${name}`);
    }
  }
}
