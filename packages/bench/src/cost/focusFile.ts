/*
 * A deterministic FOCUS 1.0 CSV of N rows with the 44 columns and value
 * shapes of the FinOps Foundation's sample (focus-1.0-sample.csv.gz, which
 * the plugin's tests import): quoted strings, `NULL` literals,
 * `YYYY-MM-DD HH:MM:SS` timestamps without a zone, hourly charge periods
 * (daily for Azure), decimals with 11 and 15 places, Tags as JSON, ARNs /
 * Azure Resource Manager ids / GCP resource names / OCIDs, four providers,
 * one billing month (September 2024). Rows are not in time order, as in the
 * sample. Cached in <tmpdir>/multicloud-bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import {
  APPLICATIONS,
  BUSINESS_UNITS,
  EstateResource,
  Provider,
  PROVIDERS,
  Unit,
  hexOf,
  makeResource,
  pickProvider,
  tagsJson,
} from './estate';
import { BENCH_DIR, gaussian, pick, random } from './lib';

/** Bump when the generated content changes, so cached files are rebuilt. */
const GENERATOR_VERSION = 1;

/** The 44 columns of the sample, in its order. */
export const FOCUS_1_0_COLUMNS = [
  'AvailabilityZone',
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'CommitmentDiscountCategory',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountStatus',
  'CommitmentDiscountType',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'ListUnitPrice',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'Id',
  'ServiceName',
  'SkuId',
  'SkuPriceId',
  'SubAccountId',
  'SubAccountName',
  'Tags',
];

const MONTH_START = Date.UTC(2024, 8, 1);
const HOURS = 30 * 24;

/** A cell as the sample writes it: quoted (quotes doubled), or `NULL`. */
export const csvCell = (value: string | null) =>
  value === null ? 'NULL' : `"${value.replace(/"/g, '""')}"`;

/** `YYYY-MM-DD HH:MM:SS` (UTC, no zone), as the sample writes times. */
export function focusTimestamp(ms: number) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A usage line: one resource's one meter, the constant parts of its rows. */
type Line = {
  daily: boolean;
  unit: Unit;
  sign: number;
  discount: number;
  /** Row text between the variable cells. */
  segments: string[];
};

function lineFor(
  next: () => number,
  provider: Provider,
  resource: EstateResource | null,
  unit: Unit,
  options: {
    chargeCategory: string;
    serviceName: string;
    serviceCategory: string;
    account: { id: string; name: string };
    region: { id: string; name: string } | null;
  },
): Line {
  const committed = resource !== null && next() < 0.04;
  const discount = committed ? 0.72 : 1;
  const price = unit.price;
  const sku = hexOf(next, 16).toUpperCase();
  const az =
    resource && next() < 0.11
      ? csvCell(`${options.region?.id ?? ''}a`)
      : 'NULL';
  const commitment = committed
    ? `"Spend",${csvCell(
        `arn:aws:savingsplans::${options.account.id}:savingsplan/${hexOf(
          next,
          8,
        )}-${hexOf(next, 4)}-${hexOf(next, 4)}-${hexOf(next, 4)}-${hexOf(
          next,
          12,
        )}`,
      )},NULL,"Used","Savings Plan"`
    : 'NULL,NULL,NULL,NULL,NULL';
  const description = `$${price} per ${unit.unit} - ${unit.description}`;
  return {
    daily: provider.daily,
    unit,
    sign: options.chargeCategory === 'Credit' ? -1 : 1,
    discount,
    segments: [
      `${az},`,
      `,${csvCell(provider.billingAccountId)},${csvCell(
        provider.billingAccountName,
      )},"USD","2024-10-01 00:00:00","2024-09-01 00:00:00",${csvCell(
        options.chargeCategory,
      )},NULL,${csvCell(description)},${csvCell(
        options.chargeCategory === 'Usage' ? 'Usage-Based' : 'One-Time',
      )},`,
      `,${commitment},`,
      `,${csvCell(unit.unit)},`,
      `,${(price * discount).toFixed(11)},`,
      `,${csvCell(provider.invoiceIssuer)},`,
      `,${csvCell(String(price))},${csvCell(
        committed ? 'Committed' : 'Standard',
      )},`,
      `,${csvCell(unit.unit)},${csvCell(provider.name)},${csvCell(
        provider.publisher,
      )},${csvCell(options.region?.id ?? null)},${csvCell(
        options.region?.name ?? null,
      )},${csvCell(resource?.id ?? null)},${csvCell(
        resource && provider.names ? resource.name : null,
      )},${csvCell(resource ? resource.service.resourceType : null)},${csvCell(
        options.serviceCategory,
      )},`,
      `,${csvCell(options.serviceName)},${csvCell(sku)},${csvCell(
        `${sku}.${hexOf(next, 10).toUpperCase()}`,
      )},${csvCell(options.account.id)},${csvCell(
        options.account.name,
      )},${csvCell(resource?.tags ?? null)}\n`,
    ],
  };
}

/** The usage lines of the estate: about one per 190 rows. */
function buildLines(rows: number): { lines: Line[]; weights: Float64Array } {
  const next = random(20240901);
  const lines: Line[] = [];
  const weights: number[] = [];
  const resources = Math.max(20, Math.round(rows / 330));
  for (let i = 0; i < resources; i++) {
    const provider = pickProvider(next);
    const tags =
      next() < 0.29
        ? null
        : tagsJson([
            ['application', pick(next, APPLICATIONS)],
            ['environment', pick(next, ['prod', 'dev', 'staging'])],
            ['business_unit', pick(next, BUSINESS_UNITS)],
            ...(next() < 0.2
              ? [['owner', `team-${pick(next, BUSINESS_UNITS).toLowerCase()}`]]
              : []),
          ] as Array<[string, string]>);
    const resource = makeResource(next, i, provider, tags);
    for (const unit of resource.service.units) {
      lines.push(
        lineFor(next, provider, resource, unit, {
          chargeCategory: 'Usage',
          serviceName: resource.service.name,
          serviceCategory: resource.service.category,
          account: resource.account,
          region: { id: resource.region, name: resource.regionName },
        }),
      );
      weights.push(Math.exp(gaussian(next)));
    }
  }
  // Charges without a resource: support and tax per account, some credits.
  for (const provider of PROVIDERS) {
    for (const account of provider.accounts) {
      for (const [category, service, unit] of [
        ['Usage', 'Support', { unit: 'Dollar', price: 1, quantity: 0.4 }],
        ['Tax', 'Tax', { unit: 'Dollar', price: 1, quantity: 0.08 }],
        ['Credit', 'Credits', { unit: 'Dollar', price: 1, quantity: 0.05 }],
      ] as const) {
        lines.push(
          lineFor(
            next,
            provider,
            null,
            { ...unit, description: `${service} charges` },
            {
              chargeCategory: category,
              serviceName: `${provider.name} ${service}`,
              serviceCategory: 'Other',
              account,
              region: null,
            },
          ),
        );
        weights.push(0.3);
      }
    }
  }
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    cumulative[i] = sum;
  });
  for (let i = 0; i < cumulative.length; i++) {
    cumulative[i] /= sum;
  }
  return { lines, weights: cumulative };
}

function pickLine(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

async function writeFocusFile(file: string, rows: number) {
  const { lines, weights } = buildLines(rows);
  const next = random(1);
  const hourText = Array.from({ length: HOURS + 1 }, (_, h) =>
    focusTimestamp(MONTH_START + h * 3600_000),
  );
  const out = fs.createWriteStream(file, { highWaterMark: 1024 * 1024 });
  out.write(`${FOCUS_1_0_COLUMNS.map(c => csvCell(c)).join(',')}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const line = lines[pickLine(weights, next())];
    let start: number;
    let end: number;
    let scale: number;
    if (line.daily) {
      start = Math.floor(next() * 30) * 24;
      end = start + 24;
      scale = 24;
    } else {
      start = Math.floor(next() * HOURS);
      end = start + 1;
      scale = 1;
    }
    const quantity = line.unit.quantity * (0.2 + 1.6 * next()) * scale;
    const list = quantity * line.unit.price * line.sign;
    const billed = list * line.discount;
    const s = line.segments;
    chunk.push(
      `${s[0]}${billed.toFixed(11)}${s[1]}"${hourText[end]}","${
        hourText[start]
      }"${s[2]}${quantity.toFixed(15)}${s[3]}${billed.toFixed(11)}${
        s[4]
      }${billed.toFixed(11)}${s[5]}${list.toFixed(11)}${s[6]}${quantity.toFixed(
        11,
      )}${s[7]}${5_000_000 + i}${s[8]}`,
    );
    if (chunk.length === 2000) {
      if (!out.write(chunk.join(''))) {
        await once(out, 'drain');
      }
      chunk = [];
    }
  }
  out.write(chunk.join(''));
  out.end();
  await once(out, 'finish');
}

/** The cached file for N rows, generated when missing. */
export async function ensureFocusFile(rows: number): Promise<{
  file: string;
  bytes: number;
  generatedMs: number | null;
}> {
  await fs.promises.mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(
    BENCH_DIR,
    `focus-1.0-${rows}-rows.v${GENERATOR_VERSION}.csv`,
  );
  let generatedMs: number | null = null;
  if (!fs.existsSync(file)) {
    const started = performance.now();
    const partial = `${file}.${process.pid}.partial`;
    try {
      await writeFocusFile(partial, rows);
      await fs.promises.rename(partial, file);
    } finally {
      await fs.promises.rm(partial, { force: true });
    }
    generatedMs = performance.now() - started;
  }
  const { size } = await fs.promises.stat(file);
  return { file, bytes: size, generatedMs };
}
