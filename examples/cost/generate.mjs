#!/usr/bin/env node
/*
 * Generates the bundled demo cost export: a FOCUS 1.0 CSV, gzipped, that bills
 * the demo inventory in ../inventory (plus a few Oracle resources that are not
 * in it, so some cost stays unallocated).
 *
 * Run it from the repository root, with nothing to install:
 *
 *     node examples/cost/generate.mjs
 *
 * It reads the inventory JSON files directly (the CLI output under
 * examples/inventory/{aws,azure,gcp}), writes examples/cost/focus-demo.csv.gz,
 * prints totals per provider, per month and per charge category, and refreshes
 * the totals block in examples/cost/README.md.
 *
 * With `--last-day=YYYY-MM-DD` (or `--last-day=yesterday`, in UTC) and
 * `--out=FILE` it writes the same kind of export ending on that day instead:
 * three full months and that month to date, the spike 10 and 9 days before
 * the last day, the credit on the 15th of the month before. `make start` and
 * the end-to-end test use this, so the demo always has "this month" and
 * "last 30 days" to show; the committed file and README.md stay unchanged.
 *
 * Every value comes from seeded hashing (FNV-1a + mulberry32, keyed by a label
 * such as "<resource id>|<day>") and a fixed date range, and the gzip header
 * carries a fixed mtime and OS byte, so two runs give byte-identical files.
 * Kubernetes objects are not billed by any cloud export and are left out.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const INVENTORY = join(HERE, '..', 'inventory');
const SEED = 20261122;

/** `--name=value` arguments. */
const ARGS = Object.fromEntries(
  process.argv.slice(2).map(arg => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) {
      console.error(
        `Unknown argument '${arg}'; usage: generate.mjs [--last-day=YYYY-MM-DD|yesterday] [--out=FILE]`,
      );
      process.exit(2);
    }
    return [match[1], match[2]];
  }),
);
/** The committed export: fixed dates, so the file never changes. */
const COMMITTED = ARGS['last-day'] === undefined && ARGS.out === undefined;
const OUT = ARGS.out ? resolve(ARGS.out) : join(HERE, 'focus-demo.csv.gz');

/** `day` shifted by `days` (UTC calendar days), or by `months` months to the 1st. */
function shiftDay(day, { days = 0, months = 0 }) {
  const d = new Date(`${day}T00:00:00Z`);
  if (months) {
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
  }
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function lastDayArgument(value) {
  if (value === undefined) return '2026-11-22';
  if (value === 'yesterday') {
    return shiftDay(new Date().toISOString().slice(0, 10), { days: -1 });
  }
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`))
  ) {
    console.error(
      `--last-day must be YYYY-MM-DD or 'yesterday', not '${value}'`,
    );
    process.exit(2);
  }
  return value;
}

/** First and last billed day, both inclusive: three full months and the last day's month to date. */
const LAST_DAY = lastDayArgument(ARGS['last-day']);
const FIRST_DAY = shiftDay(LAST_DAY, { months: -3 });

/** The one injected anomaly: a runaway job in the payments system. */
const SPIKE = {
  component: 'fraud-detector',
  /** Day -> the component's daily cost as a multiple of what it would have been. */
  days: {
    [shiftDay(LAST_DAY, { days: -10 })]: 4.1,
    [shiftDay(LAST_DAY, { days: -9 })]: 3.9,
  },
};

/** Growth of usage over 90 days, per kind of meter (the total lands near 5%). */
const GROWTH_90 = { elastic: 0.1, usage: 0.14, storage: 0.1 };

// ---------------------------------------------------------------------------
// The FOCUS columns, in the order and spelling of the FOCUS 1.0 sample export
// (str: quoted, num: bare; null is written as the bare literal NULL)
// ---------------------------------------------------------------------------

const COLUMNS = [
  ['AvailabilityZone', 'str'],
  ['BilledCost', 'num'],
  ['BillingAccountId', 'str'],
  ['BillingAccountName', 'str'],
  ['BillingCurrency', 'str'],
  ['BillingPeriodEnd', 'str'],
  ['BillingPeriodStart', 'str'],
  ['ChargeCategory', 'str'],
  ['ChargeClass', 'str'],
  ['ChargeDescription', 'str'],
  ['ChargeFrequency', 'str'],
  ['ChargePeriodEnd', 'str'],
  ['ChargePeriodStart', 'str'],
  ['CommitmentDiscountCategory', 'str'],
  ['CommitmentDiscountId', 'str'],
  ['CommitmentDiscountName', 'str'],
  ['CommitmentDiscountStatus', 'str'],
  ['CommitmentDiscountType', 'str'],
  ['ConsumedQuantity', 'num'],
  ['ConsumedUnit', 'str'],
  ['ContractedCost', 'num'],
  ['ContractedUnitPrice', 'num'],
  ['EffectiveCost', 'num'],
  ['InvoiceIssuerName', 'str'],
  ['ListCost', 'num'],
  ['ListUnitPrice', 'str'],
  ['PricingCategory', 'str'],
  ['PricingQuantity', 'num'],
  ['PricingUnit', 'str'],
  ['ProviderName', 'str'],
  ['PublisherName', 'str'],
  ['RegionId', 'str'],
  ['RegionName', 'str'],
  ['ResourceId', 'str'],
  ['ResourceName', 'str'],
  ['ResourceType', 'str'],
  ['ServiceCategory', 'str'],
  ['Id', 'num'],
  ['ServiceName', 'str'],
  ['SkuId', 'str'],
  ['SkuPriceId', 'str'],
  ['SubAccountId', 'str'],
  ['SubAccountName', 'str'],
  ['Tags', 'str'],
];

// ---------------------------------------------------------------------------
// Deterministic randomness: one value per label, so adding a resource or a
// day never reshuffles the others
// ---------------------------------------------------------------------------

function mulberry32(a) {
  return function next() {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashLabel(label) {
  let h = 0x811c9dc5;
  for (const ch of label) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const stream = label => mulberry32((SEED ^ hashLabel(label)) >>> 0);
/** A number in [0, 1) that depends only on the label. */
const rand = label => stream(label)();
/** A number in [min, max] that depends only on the label. */
const between = (label, min, max) => min + (max - min) * rand(label);
/** Multiplicative noise around 1, within +-spread. */
const noise = (label, spread) => 1 + spread * (2 * rand(label) - 1);

function chars(label, n, alphabet) {
  const next = stream(label);
  let s = '';
  for (let i = 0; i < n; i++)
    s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function uuid(label) {
  const h = chars(label, 32, HEX).split('');
  h[12] = '4';
  h[16] = '89ab'[hashLabel(label) % 4];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(
    16,
    20,
  )}-${s.slice(20)}`;
}

// ---------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------

const DAY_MS = 86400000;
const toDay = ms => new Date(ms).toISOString().slice(0, 10);
const dayMs = day => Date.parse(`${day}T00:00:00Z`);
const addDays = (day, n) => toDay(dayMs(day) + n * DAY_MS);
const stamp = day => `${day} 00:00:00`;
const monthOf = day => day.slice(0, 7);
const monthStart = day => `${monthOf(day)}-01`;
function nextMonthStart(day) {
  const d = new Date(dayMs(monthStart(day)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return toDay(d.getTime());
}
const daysInMonth = day =>
  Math.round((dayMs(nextMonthStart(day)) - dayMs(monthStart(day))) / DAY_MS);

const DAYS = [];
for (let d = FIRST_DAY; d <= LAST_DAY; d = addDays(d, 1)) DAYS.push(d);

/** What every meter needs to know about a day. */
function dayContext(day, index) {
  const dow = new Date(dayMs(day)).getUTCDay();
  const t = index / 90;
  return {
    day,
    index,
    weekend: dow === 0 || dow === 6,
    dim: daysInMonth(day),
    growth: kind => 1 + GROWTH_90[kind] * t,
  };
}

/** Hours an autoscaled or scheduled node runs: most of a weekday, about half a weekend day. */
function elasticHours(ctx, label) {
  const base = ctx.weekend ? 0.41 : 0.85;
  const hours =
    24 * base * ctx.growth('elastic') * noise(`${label}|${ctx.day}|h`, 0.04);
  return Math.min(24, Math.round(hours * 4) / 4);
}
/** Traffic-driven quantities: lower at the weekend, growing. */
const usageFactor = (ctx, label) =>
  (ctx.weekend ? 0.68 : 1) *
  ctx.growth('usage') *
  noise(`${label}|${ctx.day}|u`, 0.08);
/** Stored data: grows slowly, barely moves day to day. */
const storageFactor = (ctx, label) =>
  ctx.growth('storage') * noise(`${label}|${ctx.day}|s`, 0.005);

// ---------------------------------------------------------------------------
// Providers and billing accounts
// ---------------------------------------------------------------------------

const PROVIDERS = {
  aws: {
    ProviderName: 'AWS',
    PublisherName: 'Amazon Web Services, Inc.',
    InvoiceIssuerName: 'Amazon Web Services, Inc.',
    BillingAccountId: '999988887777',
    BillingAccountName: 'contoso-payer',
    /** Negotiated discount (EDP, EA...) off the list price. */
    discount: 0.05,
  },
  azure: {
    ProviderName: 'Microsoft',
    PublisherName: 'Microsoft',
    InvoiceIssuerName: 'Microsoft',
    BillingAccountId: '/providers/Microsoft.Billing/billingAccounts/7340112',
    BillingAccountName: 'Contoso Ltd',
    discount: 0.04,
  },
  gcp: {
    ProviderName: 'Google Cloud',
    PublisherName: 'Google Cloud',
    InvoiceIssuerName: 'Google Cloud',
    BillingAccountId: '01A2B3-C4D5E6-F7A8B9',
    BillingAccountName: 'Contoso billing',
    discount: 0.03,
  },
  oracle: {
    ProviderName: 'Oracle',
    PublisherName: 'Oracle',
    InvoiceIssuerName: 'Oracle',
    BillingAccountId: '41877265',
    BillingAccountName: 'contoso-oci',
    discount: 0,
  },
};
const PROVIDER_ORDER = ['aws', 'azure', 'gcp', 'oracle'];

const REGION_NAMES = {
  'eu-west-1': 'EU (Ireland)',
  'us-east-1': 'US East (N. Virginia)',
  westeurope: 'West Europe',
  'europe-west1': 'Belgium',
  EU: 'EU (multi-region)',
  global: 'Global',
  'eu-frankfurt-1': 'Germany Central (Frankfurt)',
};
/** Region as Azure meter names spell it. */
const AZURE_METER_REGION = { westeurope: 'EU West' };

/** A SKU id that looks like each provider's and is stable per meter. */
const awsSku = label => chars(`sku|${label}`, 16, UPPER_ALNUM);
const azureSku = label => String(1000000 + (hashLabel(`sku|${label}`) % 9e6));
const gcpSku = label =>
  chars(`sku|${label}`, 12, '0123456789ABCDEF').replace(
    /(.{4})(.{4})(.{4})/,
    '$1-$2-$3',
  );
const oracleSku = label => `B${90000 + (hashLabel(`sku|${label}`) % 9999)}`;

/** Prices with 4 significant decimals are shown as the price lists show them. */
const priceText = p => String(Number(p.toPrecision(6)));

// ---------------------------------------------------------------------------
// Reading the inventory
// ---------------------------------------------------------------------------

const readJson = path => JSON.parse(readFileSync(path, 'utf8'));
const dirs = path =>
  readdirSync(path, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)
    .sort();
const awsTags = list =>
  Object.fromEntries((list ?? []).map(t => [t.Key, t.Value ?? '']));
const dayOf = timestamp =>
  timestamp ? new Date(timestamp).toISOString().slice(0, 10) : undefined;

/** The environment most resources of an account, subscription or project are tagged with. */
function majorityEnv(tagSets) {
  const votes = {};
  for (const t of tagSets) {
    if (t?.environment) votes[t.environment] = (votes[t.environment] ?? 0) + 1;
  }
  const sorted = Object.entries(votes).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  return sorted[0]?.[0];
}

/**
 * A billable resource: who it is (the ResourceId rules the catalog uses for
 * multicloud.io/resource-id), where it is billed, its tags, and its meters.
 * A meter returns one charge per day, or none.
 */
const resources = [];
function addResource(r) {
  resources.push({ created: undefined, az: null, name: null, ...r });
}

// AWS ----------------------------------------------------------------------

const AWS_ON_DEMAND = {
  'eu-west-1': {
    't3.micro': 0.0114,
    't3.small': 0.0228,
    't3.medium': 0.0456,
    't3.large': 0.0912,
    't3.xlarge': 0.1824,
    'm6i.large': 0.107,
    'm6i.xlarge': 0.214,
    'c6i.large': 0.096,
    'c6i.xlarge': 0.192,
    'r6i.large': 0.141,
    'r6i.xlarge': 0.282,
  },
  'us-east-1': {
    't3.micro': 0.0104,
    't3.small': 0.0208,
    't3.medium': 0.0416,
    't3.large': 0.0832,
    't3.xlarge': 0.1664,
    'm6i.large': 0.096,
    'm6i.xlarge': 0.192,
    'c6i.large': 0.085,
    'c6i.xlarge': 0.17,
    'r6i.large': 0.126,
    'r6i.xlarge': 0.252,
  },
};
const AWS_EBS = {
  'eu-west-1': { gp3: 0.088, gp2: 0.11, io1: 0.138, st1: 0.05, sc1: 0.0168 },
  'us-east-1': { gp3: 0.08, gp2: 0.1, io1: 0.125, st1: 0.045, sc1: 0.015 },
};
const AWS_NAT = { 'eu-west-1': 0.048, 'us-east-1': 0.045 };
const AWS_EBS_NAMES = {
  gp3: 'General Purpose (gp3) provisioned storage',
  gp2: 'General Purpose SSD (gp2) provisioned storage',
  io1: 'Provisioned IOPS SSD (io1) provisioned storage',
  st1: 'Throughput Optimized HDD (st1) provisioned storage',
  sc1: 'Cold HDD (sc1) provisioned storage',
};
/** A 1-year no-upfront Compute Savings Plan rate, as a share of on demand. */
const SAVINGS_PLAN_RATE = 0.72;

const awsPrice = (table, region, key) =>
  (table[region] ?? table['eu-west-1'])[key] ?? table['eu-west-1'][key];

function awsAccount(account) {
  const regions = dirs(join(INVENTORY, 'aws', account));
  const files = regions.map(region => {
    const dir = join(INVENTORY, 'aws', account, region);
    return {
      region,
      instances: readJson(
        join(dir, 'describe-instances.json'),
      ).Reservations.flatMap(r =>
        r.Instances.map(i => ({ ...i, OwnerId: r.OwnerId })),
      ),
      volumes: readJson(join(dir, 'describe-volumes.json')).Volumes,
      nats: readJson(join(dir, 'describe-nat-gateways.json')).NatGateways,
      addresses: readJson(join(dir, 'describe-addresses.json')).Addresses,
    };
  });
  const env =
    majorityEnv(files.flatMap(f => f.instances.map(i => awsTags(i.Tags)))) ??
    account;
  return { account, env, name: `contoso-${env}`, files };
}

function loadAws() {
  const accounts = dirs(join(INVENTORY, 'aws')).map(awsAccount);
  for (const acct of accounts) {
    for (const f of acct.files) {
      const { region } = f;
      const base = {
        provider: 'aws',
        subAccountId: acct.account,
        subAccountName: acct.name,
        regionId: region,
        env: acct.env,
      };
      const arn = (type, id) =>
        `arn:aws:ec2:${region}:${acct.account}:${type}/${id}`;

      // Instances: the first of each component per region runs 24/7 (and, in
      // prod, sits under the Savings Plan); the others scale in at night and
      // at weekends. Stopped instances cost nothing; their volumes still do.
      const groups = {};
      for (const i of f.instances) {
        if (i.State?.Name !== 'running') continue;
        const tags = awsTags(i.Tags);
        const key = tags.component ?? tags.Name ?? i.InstanceId;
        (groups[key] ??= []).push(i);
      }
      for (const members of Object.values(groups)) {
        members.sort((a, b) =>
          (awsTags(a.Tags).Name ?? a.InstanceId).localeCompare(
            awsTags(b.Tags).Name ?? b.InstanceId,
          ),
        );
        members.forEach((i, n) => {
          const tags = awsTags(i.Tags);
          const type = i.InstanceType;
          const price = awsPrice(AWS_ON_DEMAND, region, type);
          if (price === undefined) {
            throw new Error(`no price for AWS instance type ${type}`);
          }
          const baseline = n === 0;
          const covered =
            baseline && acct.env === 'prod' && !type.startsWith('t');
          addResource({
            ...base,
            kind: 'instance',
            resourceId: i.InstanceId,
            resourceType: 'instance',
            az: i.Placement?.AvailabilityZone ?? null,
            tags,
            env: tags.environment ?? acct.env,
            created: dayOf(i.LaunchTime),
            compute: true,
            meters: [
              ctx => ({
                service: 'Amazon Elastic Compute Cloud',
                category: 'Compute',
                description: `$${priceText(
                  price,
                )} per On Demand Linux ${type} Instance Hour`,
                sku: awsSku(`BoxUsage:${type}|${region}`),
                unit: 'Hours',
                quantity: baseline ? 24 : elasticHours(ctx, `${i.InstanceId}`),
                listUnitPrice: price,
                savingsPlan: covered
                  ? { rate: price * SAVINGS_PLAN_RATE }
                  : undefined,
              }),
            ],
          });
        });
      }

      for (const v of f.volumes) {
        const type = v.VolumeType;
        const price = awsPrice(AWS_EBS, region, type);
        const tags = awsTags(v.Tags);
        addResource({
          ...base,
          kind: 'volume',
          resourceId: v.VolumeId,
          resourceType: 'volume',
          az: v.AvailabilityZone ?? null,
          tags,
          env: tags.environment ?? acct.env,
          created: dayOf(v.CreateTime),
          meters: [
            ctx => ({
              service: 'Amazon Elastic Compute Cloud',
              category: 'Storage',
              description: `$${priceText(price)} per GB-month of ${
                AWS_EBS_NAMES[type] ?? `${type} provisioned storage`
              } - ${REGION_NAMES[region] ?? region}`,
              sku: awsSku(`EBS:VolumeUsage.${type}|${region}`),
              unit: 'GB-Months',
              quantity: v.Size / ctx.dim,
              listUnitPrice: price,
            }),
          ],
        });
      }

      // A NAT gateway processes the traffic of the instances running in its
      // VPC; one in a VPC where nothing runs (a region prepared and never
      // used) bills its hours and processes nothing.
      const busyVpcs = new Set(
        f.instances.filter(i => i.State?.Name === 'running').map(i => i.VpcId),
      );
      for (const nat of f.nats) {
        if (nat.State && nat.State !== 'available') continue;
        const tags = awsTags(nat.Tags);
        const hourly = AWS_NAT[region] ?? AWS_NAT['eu-west-1'];
        const gbPerDay = between(`${nat.NatGatewayId}|gb`, 20, 45);
        const hours = () => ({
          service: 'Amazon Elastic Compute Cloud',
          category: 'Networking',
          description: `$${priceText(hourly)} per NAT Gateway Hour`,
          sku: awsSku(`NatGateway-Hours|${region}`),
          unit: 'Hours',
          quantity: 24,
          listUnitPrice: hourly,
        });
        addResource({
          ...base,
          kind: 'natgateway',
          resourceId: arn('natgateway', nat.NatGatewayId),
          resourceType: 'natgateway',
          tags,
          env: tags.environment ?? acct.env,
          created: dayOf(nat.CreateTime),
          meters: busyVpcs.has(nat.VpcId)
            ? [
                hours,
                ctx => ({
                  service: 'Amazon Elastic Compute Cloud',
                  category: 'Networking',
                  description: `$${priceText(
                    hourly,
                  )} per GB Data Processed by NAT Gateways`,
                  sku: awsSku(`NatGateway-Bytes|${region}`),
                  unit: 'GB',
                  quantity: gbPerDay * usageFactor(ctx, nat.NatGatewayId),
                  listUnitPrice: hourly,
                }),
              ]
            : [hours],
        });
      }

      for (const a of f.addresses) {
        const tags = awsTags(a.Tags);
        const inUse = Boolean(a.AssociationId);
        addResource({
          ...base,
          kind: 'elastic-ip',
          resourceId: arn('elastic-ip', a.AllocationId),
          resourceType: 'elastic-ip',
          regionId: a.NetworkBorderGroup ?? region,
          tags,
          env: tags.environment ?? acct.env,
          meters: [
            () => ({
              service: 'Amazon Virtual Private Cloud',
              category: 'Networking',
              description: `$0.005 per ${
                inUse ? 'In-use' : 'Idle'
              } public IPv4 address per hour`,
              sku: awsSku(
                `PublicIPv4:${inUse ? 'InUse' : 'Idle'}Address|${region}`,
              ),
              unit: 'Hours',
              quantity: 24,
              listUnitPrice: 0.005,
            }),
          ],
        });
      }
    }
  }
  loadAwsServices(accounts);
  return accounts;
}

/** On-demand prices of the other services, per region. */
const AWS_RDS = {
  'eu-west-1': {
    'db.r6g.large': 0.26,
    'db.m6g.large': 0.19,
    'db.t4g.medium': 0.072,
    'db.t4g.small': 0.036,
    storage: 0.127,
  },
  'us-east-1': {
    'db.r6g.large': 0.225,
    'db.m6g.large': 0.168,
    'db.t4g.medium': 0.065,
    'db.t4g.small': 0.032,
    storage: 0.115,
  },
};
const AWS_ALB = { 'eu-west-1': 0.0252, 'us-east-1': 0.0225 };
/** Stored data per bucket, by the part of its name after the environment. */
const S3_GB = {
  'checkout-assets': 120,
  'event-archive': 5200,
  'observability-logs': 2400,
  'terraform-state': 1,
  'cur-exports': 350,
  scratch: 900,
};
/** Invocations a day and average duration (ms) per function. */
const LAMBDA_LOAD = {
  'payments-webhook': [400_000, 180],
  'fraud-scoring': [1_200_000, 420],
  'image-resizer': [150_000, 900],
  'legacy-cron': [1_440, 2_500],
};
/** Requests a day of tables, queues and topics. */
const REQUESTS = {
  'cart-sessions': 9_000_000,
  'order-events': 4_000_000,
  'payment-notifications': 600_000,
};

/**
 * The resources of the other services: the AWS Config export of the
 * inventory (databases, buckets, functions, the EKS cluster, load
 * balancers) and its Tagging API exports (tables, queues, topics). Subnet
 * groups and target groups cost nothing by themselves.
 */
function loadAwsServices(accounts) {
  const byAccount = new Map(accounts.map(a => [a.account, a]));
  const configFile = join(
    INVENTORY,
    'aws',
    'select-aggregate-resource-config.json',
  );
  let items = [];
  try {
    items = readJson(configFile).Results.map(result => JSON.parse(result));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const tagged = [];
  for (const acct of accounts) {
    for (const f of acct.files) {
      try {
        tagged.push(
          ...readJson(
            join(
              INVENTORY,
              'aws',
              acct.account,
              f.region,
              'get-resources.json',
            ),
          ).ResourceTagMappingList.map(m => ({ ...m, acct, region: f.region })),
        );
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    }
  }
  const baseOf = (acct, region) => ({
    provider: 'aws',
    subAccountId: acct.account,
    subAccountName: acct.name,
    regionId: region,
    env: acct.env,
  });
  const withoutEnv = name =>
    name
      .replace(/^contoso-(prod|staging)-/, '')
      .replace(/-(prod|staging)(-use1)?$/, '');

  for (const item of items) {
    const acct = byAccount.get(item.accountId);
    if (!acct) continue;
    const region = item.awsRegion;
    const tags = Object.fromEntries(
      (item.tags ?? []).map(t => [t.key, t.value]),
    );
    const c = item.configuration ?? {};
    const resource = {
      ...baseOf(acct, region),
      tags,
      env: tags.environment ?? acct.env,
      created: dayOf(item.resourceCreationTime),
      resourceId: item.arn,
    };
    const label = item.arn;
    switch (item.resourceType) {
      case 'AWS::RDS::DBInstance': {
        const prices = AWS_RDS[region] ?? AWS_RDS['eu-west-1'];
        const hourly = prices[c.dBInstanceClass];
        const nodes = c.multiAZ ? 2 : 1;
        addResource({
          ...resource,
          kind: 'rds-instance',
          resourceType: 'db',
          az: c.availabilityZone ?? null,
          meters: [
            () => ({
              service: 'Amazon Relational Database Service',
              category: 'Databases',
              description: `$${priceText(hourly * nodes)} per RDS ${
                c.dBInstanceClass
              } ${
                c.multiAZ ? 'Multi-AZ' : 'Single-AZ'
              } instance hour (or partial hour) running PostgreSQL`,
              sku: awsSku(
                `InstanceUsage:${c.dBInstanceClass}|${region}|${nodes}`,
              ),
              unit: 'Hours',
              quantity: 24 * nodes,
              listUnitPrice: hourly,
            }),
            ctx => ({
              service: 'Amazon Relational Database Service',
              category: 'Storage',
              description: `$${priceText(
                prices.storage,
              )} per GB-month of provisioned gp3 storage`,
              sku: awsSku(`RDS:GP3-Storage|${region}`),
              unit: 'GB-Months',
              quantity: (c.allocatedStorage * nodes) / ctx.dim,
              listUnitPrice: prices.storage,
            }),
          ],
        });
        break;
      }
      case 'AWS::S3::Bucket': {
        const gb = S3_GB[withoutEnv(item.resourceName)] ?? 10;
        addResource({
          ...resource,
          kind: 's3-bucket',
          // S3 bills a bucket under its name, not its ARN.
          resourceId: item.resourceName,
          resourceType: 'bucket',
          meters: [
            ctx => ({
              service: 'Amazon Simple Storage Service',
              category: 'Storage',
              description:
                '$0.023 per GB - first 50 TB / month of storage used',
              sku: awsSku(`TimedStorage-ByteHrs|${region}`),
              unit: 'GB-Months',
              quantity: (gb * storageFactor(ctx, label)) / ctx.dim,
              listUnitPrice: 0.023,
            }),
            ctx => ({
              service: 'Amazon Simple Storage Service',
              category: 'Storage',
              description: '$0.005 per 1,000 PUT, COPY, POST, or LIST requests',
              sku: awsSku(`Requests-Tier1|${region}`),
              unit: 'Requests',
              quantity: Math.round(gb * 40 * usageFactor(ctx, label)),
              listUnitPrice: 0.000005,
            }),
          ],
        });
        break;
      }
      case 'AWS::Lambda::Function': {
        const [invocations, ms] = LAMBDA_LOAD[
          withoutEnv(item.resourceName)
        ] ?? [10_000, 200];
        const gbSeconds = ((c.memorySize ?? 256) / 1024) * (ms / 1000);
        addResource({
          ...resource,
          kind: 'lambda-function',
          resourceType: 'function',
          usageScales: true,
          meters: [
            ctx => ({
              service: 'AWS Lambda',
              category: 'Compute',
              description: `AWS Lambda - Total Compute - ${
                REGION_NAMES[region] ?? region
              }`,
              sku: awsSku(`Lambda-GB-Second|${region}`),
              unit: 'Lambda-GB-Second',
              quantity: invocations * gbSeconds * usageFactor(ctx, label),
              listUnitPrice: 0.0000166667,
            }),
            ctx => ({
              service: 'AWS Lambda',
              category: 'Compute',
              description: 'AWS Lambda - Total Requests',
              sku: awsSku(`Request|${region}`),
              unit: 'Requests',
              quantity: Math.round(
                invocations * usageFactor(ctx, `${label}|r`),
              ),
              listUnitPrice: 0.0000002,
            }),
          ],
        });
        break;
      }
      case 'AWS::EKS::Cluster':
        addResource({
          ...resource,
          kind: 'eks-cluster',
          resourceType: 'cluster',
          meters: [
            () => ({
              service: 'Amazon Elastic Container Service for Kubernetes',
              category: 'Compute',
              description: `Amazon EKS cluster usage in ${
                REGION_NAMES[region] ?? region
              }`,
              sku: awsSku(`AmazonEKS-Hours:perCluster|${region}`),
              unit: 'Hours',
              quantity: 24,
              listUnitPrice: 0.1,
            }),
          ],
        });
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const hourly = AWS_ALB[region] ?? AWS_ALB['eu-west-1'];
        const lcu = between(`${label}|lcu`, 2, 6);
        addResource({
          ...resource,
          kind: 'load-balancer',
          resourceType: 'loadbalancer',
          meters: [
            () => ({
              service: 'Elastic Load Balancing',
              category: 'Networking',
              description: `$${priceText(
                hourly,
              )} per Application LoadBalancer-hour (or partial hour)`,
              sku: awsSku(`LoadBalancerUsage|${region}`),
              unit: 'Hours',
              quantity: 24,
              listUnitPrice: hourly,
            }),
            ctx => ({
              service: 'Elastic Load Balancing',
              category: 'Networking',
              description:
                '$0.008 per used Application load balancer capacity unit-hour (or partial hour)',
              sku: awsSku(`LCUUsage|${region}`),
              unit: 'LCU-Hrs',
              quantity: 24 * lcu * usageFactor(ctx, label),
              listUnitPrice: 0.008,
            }),
          ],
        });
        break;
      }
      default:
        break;
    }
  }

  for (const m of tagged) {
    const [, , service, region, , resource] = m.ResourceARN.split(':');
    const name = resource.replace(/^table\//, '');
    const tags = awsTags(m.Tags);
    const requests = REQUESTS[withoutEnv(name)] ?? 100_000;
    const [serviceName, category, description, price] = {
      dynamodb: [
        'Amazon DynamoDB',
        'Databases',
        '$1.25 per million write request units',
        0.00000125,
      ],
      sqs: [
        'Amazon Simple Queue Service',
        'Integration',
        '$0.40 per million Amazon SQS standard requests',
        0.0000004,
      ],
      sns: [
        'Amazon Simple Notification Service',
        'Integration',
        '$0.50 per 1 million Amazon SNS requests',
        0.0000005,
      ],
    }[service];
    addResource({
      ...baseOf(m.acct, region),
      kind: service,
      resourceId: m.ResourceARN,
      resourceType:
        service === 'dynamodb'
          ? 'table'
          : service === 'sqs'
          ? 'queue'
          : 'topic',
      tags,
      env: tags.environment ?? m.acct.env,
      usageScales: true,
      meters: [
        ctx => ({
          service: serviceName,
          category,
          description,
          sku: awsSku(`${service}:Requests|${region}`),
          unit: 'Requests',
          quantity: Math.round(requests * usageFactor(ctx, m.ResourceARN)),
          listUnitPrice: price,
        }),
      ],
    });
  }
}

// Azure --------------------------------------------------------------------

/** Azure VM sizes are not in `az resource list`; these are what the demo runs. */
function azureVmSize(tags, name) {
  const prod = (tags?.environment ?? '') === 'prod' || /-prod-/.test(name);
  switch (tags?.component) {
    case 'fraud-detector':
      return prod ? 'F8s v2' : 'F4s v2';
    case 'event-pipeline':
      return prod ? 'E4s v5' : 'E2s v5';
    default:
      return prod ? 'D4s v5' : 'D2s v5';
  }
}
const AZURE_VM = {
  'D2s v5': [0.115, 'Dsv5 Series'],
  'D4s v5': [0.23, 'Dsv5 Series'],
  'D8s v5': [0.46, 'Dsv5 Series'],
  'E2s v5': [0.148, 'Esv5 Series'],
  'E4s v5': [0.296, 'Esv5 Series'],
  'F4s v2': [0.203, 'FSv2 Series'],
  'F8s v2': [0.406, 'FSv2 Series'],
};
/** Managed disk tier by name: OS disks P10, data disks P20, orphans bigger. */
function azureDiskTier(res) {
  const sku = res.sku?.name ?? 'Premium_LRS';
  const name = res.name.toLowerCase();
  if (sku.startsWith('StandardSSD')) return ['E20', 'Standard SSD', 9.6 * 2];
  if (/osdisk/.test(name)) return ['P10', 'Premium SSD', 20.28];
  if (!res.managedBy) return ['P30', 'Premium SSD', 135.17];
  return ['P20', 'Premium SSD', 38.99];
}
const AZURE_SQL = {
  Basic: ['Basic', 0.1613],
  5: ['Basic', 0.1613],
  10: ['S0', 0.4839],
  20: ['S1', 0.9677],
  50: ['S2', 2.4194],
};
const AZURE_APP_PLAN = {
  B2: ['Basic Plan', 0.052],
  P1v3: ['Premium v3 Plan', 0.185],
  P2v3: ['Premium v3 Plan', 0.37],
  P3v3: ['Premium v3 Plan', 0.74],
};
const AZURE_STORAGE = {
  Standard_LRS: ['Hot LRS Data Stored', 0.0196],
  Standard_ZRS: ['Hot ZRS Data Stored', 0.0245],
  Standard_GRS: ['Hot GRS Data Stored', 0.0392],
  Standard_RAGRS: ['Hot RA-GRS Data Stored', 0.049],
};

function loadAzure() {
  const subs = [];
  for (const sub of dirs(join(INVENTORY, 'azure'))) {
    const list = readJson(join(INVENTORY, 'azure', sub, 'resources.json'));
    const env = majorityEnv(list.map(r => r.tags)) ?? sub;
    const name = `contoso-${env}`;
    subs.push({ sub, env, name });
    const groups = {};
    for (const r of list) {
      if (r.type === 'Microsoft.Compute/virtualMachines') {
        const key = r.tags?.component ?? r.name;
        (groups[key] ??= []).push(r.name);
      }
    }
    for (const g of Object.values(groups)) g.sort();

    for (const r of list) {
      const region = r.location;
      const meterRegion = AZURE_METER_REGION[region] ?? region;
      const tags = r.tags && Object.keys(r.tags).length ? r.tags : null;
      const label = r.id.toLowerCase();
      const common = {
        provider: 'azure',
        resourceId: label,
        name: r.name,
        subAccountId: `/subscriptions/${sub}`,
        subAccountName: name,
        regionId: region,
        tags,
        env: tags?.environment ?? env,
        created: dayOf(r.createdTime),
      };
      const meter = (fields, quantity) => ({
        sku: azureSku(`${fields.description}|${region}`),
        ...fields,
        quantity,
      });
      switch (r.type) {
        case 'Microsoft.Compute/virtualMachines': {
          const size = azureVmSize(r.tags, r.name);
          const [price, series] = AZURE_VM[size];
          const group = groups[r.tags?.component ?? r.name];
          const baseline = group.indexOf(r.name) === 0;
          addResource({
            ...common,
            kind: 'vm',
            resourceType: 'Virtual machine',
            compute: true,
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Virtual Machines',
                    category: 'Compute',
                    description: `Virtual Machines ${series} - ${size} - ${meterRegion}`,
                    unit: 'Hours',
                    listUnitPrice: price,
                  },
                  baseline ? 24 : elasticHours(ctx, label),
                ),
            ],
          });
          break;
        }
        case 'Microsoft.Compute/virtualMachineScaleSets': {
          const size = (r.sku?.name ?? 'Standard_D4s_v5')
            .replace(/^Standard_/, '')
            .replace(/_/g, ' ');
          const [price, series] = AZURE_VM[size] ?? AZURE_VM['D4s v5'];
          const capacity = r.sku?.capacity ?? 3;
          const elastic = r.tags?.['aks-managed-poolName'] !== 'system';
          addResource({
            ...common,
            kind: 'vmss',
            resourceType: 'Virtual machine scale set',
            compute: true,
            meters: [
              ctx => {
                let nodeHours = capacity * 24;
                if (elastic && capacity > 1) {
                  // One node always on, the rest follow the autoscaler.
                  nodeHours = 24;
                  for (let n = 1; n < capacity; n++)
                    nodeHours += elasticHours(ctx, `${label}|${n}`);
                }
                return meter(
                  {
                    service: 'Virtual Machine Scale Sets',
                    category: 'Compute',
                    description: `Virtual Machines ${series} - ${size} - ${meterRegion}`,
                    unit: 'Hours',
                    listUnitPrice: price,
                  },
                  nodeHours,
                );
              },
            ],
          });
          break;
        }
        case 'Microsoft.Compute/disks': {
          const [tier, family, monthly] = azureDiskTier(r);
          const redundancy = (r.sku?.name ?? 'Premium_LRS').split('_')[1];
          addResource({
            ...common,
            kind: 'disk',
            resourceType: 'Disk',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Managed Disks',
                    category: 'Storage',
                    description: `${family} Managed Disks - ${tier} ${redundancy} - ${meterRegion}`,
                    unit: 'Units/Month',
                    listUnitPrice: monthly,
                  },
                  1 / ctx.dim,
                ),
            ],
          });
          break;
        }
        case 'Microsoft.ContainerService/managedClusters':
          addResource({
            ...common,
            kind: 'aks',
            resourceType: 'Kubernetes service',
            meters: [
              () =>
                meter(
                  {
                    service: 'Azure Kubernetes Service',
                    category: 'Compute',
                    description: `Standard Uptime SLA - ${meterRegion}`,
                    unit: 'Hours',
                    listUnitPrice: 0.1,
                  },
                  24,
                ),
            ],
          });
          break;
        case 'Microsoft.KeyVault/vaults': {
          const ops = between(`${label}|ops`, 8, 60);
          addResource({
            ...common,
            kind: 'keyvault',
            resourceType: 'Key vault',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Key Vault',
                    category: 'Security',
                    description: 'Key Vault - Standard Operations',
                    unit: '10K Operations',
                    listUnitPrice: 0.03,
                  },
                  ops * usageFactor(ctx, label),
                ),
            ],
          });
          break;
        }
        case 'Microsoft.Network/loadBalancers':
          addResource({
            ...common,
            kind: 'lb',
            resourceType: 'Load balancer',
            meters: [
              () =>
                meter(
                  {
                    service: 'Load Balancer',
                    category: 'Networking',
                    description: `Standard Included LB Rules and Outbound Rules - ${meterRegion}`,
                    unit: 'Hours',
                    listUnitPrice: 0.025,
                  },
                  24,
                ),
            ],
          });
          break;
        case 'Microsoft.Network/publicIPAddresses': {
          const basic = r.sku?.name === 'Basic';
          addResource({
            ...common,
            kind: 'pip',
            resourceType: 'Public IP address',
            meters: [
              () =>
                meter(
                  {
                    service: 'Virtual Network',
                    category: 'Networking',
                    description: `IP Addresses - ${
                      basic ? 'Basic' : 'Standard'
                    } IPv4 Static Public IP`,
                    unit: 'Hours',
                    listUnitPrice: basic ? 0.0036 : 0.005,
                  },
                  24,
                ),
            ],
          });
          break;
        }
        case 'Microsoft.OperationalInsights/workspaces': {
          const gb = between(`${label}|gb`, 6, 9);
          addResource({
            ...common,
            kind: 'loganalytics',
            resourceType: 'Log Analytics workspace',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Log Analytics',
                    category: 'Management and Governance',
                    description: `Log Analytics - Analytics Logs Data Ingestion - ${meterRegion}`,
                    unit: 'GB',
                    listUnitPrice: 2.76,
                  },
                  gb * usageFactor(ctx, label),
                ),
            ],
          });
          break;
        }
        case 'Microsoft.Sql/servers/databases': {
          if (r.kind?.includes('system')) break; // master is free
          const [tier, price] = AZURE_SQL[r.sku?.capacity] ??
            AZURE_SQL[r.sku?.name] ?? ['S0', 0.4839];
          const edition = r.sku?.name ?? 'Standard';
          addResource({
            ...common,
            kind: 'sqldb',
            resourceType: 'SQL database',
            meters: [
              () =>
                meter(
                  {
                    service: 'SQL Database',
                    category: 'Databases',
                    description: `SQL Database Single ${edition} - ${tier} DTUs - ${meterRegion}`,
                    unit: 'Days',
                    listUnitPrice: price,
                  },
                  1,
                ),
            ],
          });
          break;
        }
        case 'Microsoft.Storage/storageAccounts': {
          const [meterName, price] =
            AZURE_STORAGE[r.sku?.name] ?? AZURE_STORAGE.Standard_LRS;
          const big = /datalake|archive/.test(r.name);
          const gb = big
            ? between(`${label}|gb`, 30000, 45000)
            : between(`${label}|gb`, 400, 3000);
          addResource({
            ...common,
            kind: 'storage',
            resourceType: 'Storage account',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Storage Accounts',
                    category: 'Storage',
                    description: `${meterName} - ${meterRegion}`,
                    unit: 'GB/Month',
                    listUnitPrice: price,
                  },
                  (gb * storageFactor(ctx, label)) / ctx.dim,
                ),
            ],
          });
          break;
        }
        case 'Microsoft.Web/serverFarms': {
          const size = r.sku?.name ?? 'P1v3';
          const [plan, price] = AZURE_APP_PLAN[size] ?? AZURE_APP_PLAN.P1v3;
          const capacity = r.sku?.capacity ?? 1;
          addResource({
            ...common,
            kind: 'appplan',
            resourceType: 'App Service plan',
            compute: true,
            meters: [
              ctx => {
                let hours = 24;
                for (let n = 1; n < capacity; n++)
                  hours += elasticHours(ctx, `${label}|${n}`);
                return meter(
                  {
                    service: 'Azure App Service',
                    category: 'Web',
                    description: `${plan} - ${size.replace(
                      /v(\d)$/,
                      ' v$1',
                    )} - ${meterRegion}`,
                    unit: 'Hours',
                    listUnitPrice: price,
                  },
                  hours,
                );
              },
            ],
          });
          break;
        }
        default:
          // VNets, NSGs, NICs, network watchers, identities, SQL servers and
          // web sites (billed through their plan) cost nothing by themselves.
          break;
      }
    }
  }
  return subs;
}

// GCP ----------------------------------------------------------------------

const GCP_MACHINE = {
  'n2-standard-4': ['N2', 0.2137],
  'n2-standard-8': ['N2', 0.4274],
  'n2-highmem-8': ['N2', 0.5765],
  'e2-standard-4': ['E2', 0.1474],
  'e2-standard-8': ['E2', 0.2948],
  'e2-highmem-4': ['E2', 0.1988],
};
const GCP_DISK = {
  'pd-balanced': ['Balanced PD Capacity', 0.11],
  'pd-ssd': ['SSD backed PD Capacity', 0.187],
  'pd-standard': ['Storage PD Capacity', 0.044],
};
const GCP_SQL_TIER = {
  'db-g1-small': ['Small instance', 0.0265],
  'db-custom-4-16384': ['4 vCPU + 16GB RAM', 0.2772],
};
const lastPart = url => (url ?? '').split('/').pop();

function loadGcp() {
  const projects = [];
  for (const project of dirs(join(INVENTORY, 'gcp'))) {
    const assets = readJson(join(INVENTORY, 'gcp', project, 'assets.json'));
    const env = majorityEnv(assets.map(a => a.labels)) ?? project;
    projects.push({ project, env });
    const groups = {};
    for (const a of assets) {
      if (
        a.assetType === 'compute.googleapis.com/Instance' &&
        a.state === 'RUNNING'
      ) {
        const key =
          a.labels?.['goog-k8s-cluster-name'] ??
          a.labels?.component ??
          a.displayName;
        (groups[key] ??= []).push(a.name);
      }
    }
    for (const g of Object.values(groups)) g.sort();

    for (const a of assets) {
      const labels = a.labels && Object.keys(a.labels).length ? a.labels : null;
      const zonal = /^[a-z]+-[a-z]+\d+-[a-z]$/.test(a.location ?? '');
      const regionId = zonal ? a.location.replace(/-[a-z]$/, '') : a.location;
      const regionLabel = REGION_NAMES[regionId] ?? regionId;
      const common = {
        provider: 'gcp',
        resourceId: a.name,
        name: a.displayName ?? lastPart(a.name),
        subAccountId: project,
        subAccountName: project,
        regionId,
        az: zonal ? a.location : null,
        tags: labels,
        env: labels?.environment ?? env,
        created: dayOf(a.createTime),
      };
      const meter = (fields, quantity) => ({
        sku: gcpSku(`${fields.service}|${fields.description}`),
        ...fields,
        quantity,
      });
      const attrs = a.additionalAttributes ?? {};
      switch (a.assetType) {
        case 'compute.googleapis.com/Instance': {
          if (a.state !== 'RUNNING') break; // TERMINATED: only its disks bill
          const type = lastPart(attrs.machineType);
          const [family, price] =
            GCP_MACHINE[type] ?? GCP_MACHINE['n2-standard-4'];
          const group =
            groups[
              a.labels?.['goog-k8s-cluster-name'] ??
                a.labels?.component ??
                a.displayName
            ];
          const baseline = group.indexOf(a.name) === 0;
          addResource({
            ...common,
            kind: 'gce',
            resourceType: 'VM instance',
            compute: true,
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Compute Engine',
                    category: 'Compute',
                    description: `${family} Instance (${type}) running in ${regionLabel}`,
                    unit: 'Hours',
                    listUnitPrice: price,
                  },
                  baseline ? 24 : elasticHours(ctx, a.name),
                ),
            ],
          });
          break;
        }
        case 'compute.googleapis.com/Disk': {
          const type = lastPart(attrs.type) || 'pd-balanced';
          const [meterName, price] = GCP_DISK[type] ?? GCP_DISK['pd-balanced'];
          const size = Number(attrs.sizeGb ?? 10);
          addResource({
            ...common,
            kind: 'pd',
            resourceType: 'Persistent disk',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Compute Engine',
                    category: 'Storage',
                    description: `${meterName} in ${regionLabel}`,
                    unit: 'GiB-Months',
                    listUnitPrice: price,
                  },
                  size / ctx.dim,
                ),
            ],
          });
          break;
        }
        case 'compute.googleapis.com/Address': {
          const reserved = a.state === 'RESERVED';
          addResource({
            ...common,
            kind: 'address',
            resourceType: 'Static IP address',
            meters: [
              () =>
                meter(
                  {
                    service: 'Compute Engine',
                    category: 'Networking',
                    description: reserved
                      ? `Static Ip Charge in ${regionLabel}`
                      : `External IP Charge on a Standard VM in ${regionLabel}`,
                    unit: 'Hours',
                    listUnitPrice: reserved ? 0.01 : 0.005,
                  },
                  24,
                ),
            ],
          });
          break;
        }
        case 'container.googleapis.com/Cluster': {
          const regional = !zonal;
          addResource({
            ...common,
            kind: 'gke',
            resourceType: 'Kubernetes cluster',
            meters: [
              () =>
                meter(
                  {
                    service: 'Kubernetes Engine',
                    category: 'Compute',
                    description: regional
                      ? 'Regional Kubernetes Clusters'
                      : 'Zonal Kubernetes Clusters',
                    unit: 'Hours',
                    listUnitPrice: 0.1,
                  },
                  24,
                ),
            ],
          });
          break;
        }
        case 'sqladmin.googleapis.com/Instance': {
          const tier = attrs.tier ?? 'db-g1-small';
          const [shape, price] =
            GCP_SQL_TIER[tier] ?? GCP_SQL_TIER['db-g1-small'];
          const engine = (attrs.databaseVersion ?? 'POSTGRES').startsWith(
            'MYSQL',
          )
            ? 'MySQL'
            : 'PostgreSQL';
          addResource({
            ...common,
            kind: 'cloudsql',
            resourceType: 'Cloud SQL instance',
            meters: [
              () =>
                meter(
                  {
                    service: 'Cloud SQL',
                    category: 'Databases',
                    description: `Cloud SQL for ${engine}: Zonal - ${shape} in ${regionLabel}`,
                    unit: 'Hours',
                    listUnitPrice: price,
                  },
                  24,
                ),
            ],
          });
          break;
        }
        case 'storage.googleapis.com/Bucket': {
          const multi = regionId === 'EU' || regionId === 'US';
          const name = lastPart(a.name);
          const gb = /raw-events|curated/.test(name)
            ? between(`${a.name}|gb`, 8000, 20000)
            : /tf-state/.test(name)
            ? between(`${a.name}|gb`, 0.05, 0.5)
            : between(`${a.name}|gb`, 150, 2500);
          addResource({
            ...common,
            kind: 'bucket',
            resourceType: 'Bucket',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Cloud Storage',
                    category: 'Storage',
                    description: multi
                      ? `Standard Storage Europe Multi-region`
                      : `Standard Storage ${regionLabel}`,
                    unit: 'GiB-Months',
                    listUnitPrice: multi ? 0.026 : 0.02,
                  },
                  (gb * storageFactor(ctx, a.name)) / ctx.dim,
                ),
            ],
          });
          break;
        }
        case 'bigquery.googleapis.com/Table': {
          const gb = between(`${a.name}|gb`, 150, 6000);
          addResource({
            ...common,
            kind: 'bqtable',
            resourceType: 'BigQuery table',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'BigQuery',
                    category: 'Analytics',
                    description: 'Active Logical Storage',
                    unit: 'GiB-Months',
                    listUnitPrice: 0.02,
                  },
                  (gb * storageFactor(ctx, a.name)) / ctx.dim,
                ),
            ],
          });
          break;
        }
        case 'bigquery.googleapis.com/Dataset': {
          const tib = between(`${a.name}|tib`, 0.15, 1.1);
          addResource({
            ...common,
            kind: 'bqdataset',
            resourceType: 'BigQuery dataset',
            meters: [
              ctx =>
                meter(
                  {
                    service: 'BigQuery',
                    category: 'Analytics',
                    description: 'Analysis',
                    unit: 'TiB',
                    listUnitPrice: 6.25,
                  },
                  tib * usageFactor(ctx, a.name),
                ),
            ],
          });
          break;
        }
        case 'pubsub.googleapis.com/Topic':
        case 'pubsub.googleapis.com/Subscription': {
          const name = lastPart(a.name);
          const tib = /clickstream/.test(name)
            ? between(`${a.name}|tib`, 0.08, 0.12)
            : /dead-letter/.test(name)
            ? between(`${a.name}|tib`, 0.0002, 0.001)
            : between(`${a.name}|tib`, 0.01, 0.04);
          const topic = a.assetType.endsWith('/Topic');
          addResource({
            ...common,
            kind: 'pubsub',
            resourceType: topic ? 'Pub/Sub topic' : 'Pub/Sub subscription',
            usageScales: true,
            meters: [
              ctx =>
                meter(
                  {
                    service: 'Cloud Pub/Sub',
                    category: 'Integration',
                    description: 'Message Delivery Basic',
                    unit: 'TiB',
                    listUnitPrice: 40,
                  },
                  tib * usageFactor(ctx, a.name),
                ),
            ],
          });
          break;
        }
        default:
          // Projects, networks, subnetworks, firewall rules and node pools
          // (their nodes bill as VM instances) cost nothing by themselves.
          break;
      }
    }
  }
  return projects;
}

// Oracle: not in the inventory at all, so its cost stays unallocated -------

const OCI_TENANCY = `ocid1.tenancy.oc1..aaaaaaaa${chars(
  'oci|tenancy',
  52,
  LOWER_ALNUM,
)}`;
const OCI_REGION = 'eu-frankfurt-1';
// prettier-ignore
const OCI_RESOURCES = [
  // [ocid type, name, OCI service, resource type, meter, unit, price, quantity per day, profile, AD]
  ['instance', 'erp-app-01', 'COMPUTE', 'instance', 'Standard - E4 - OCPU', 'OCPU Hours', 0.025, 4 * 24, 'fixed', 1],
  ['instance', 'erp-app-02', 'COMPUTE', 'instance', 'Standard - E4 - OCPU', 'OCPU Hours', 0.025, 4 * 24, 'fixed', 2],
  ['instance', 'erp-batch-01', 'COMPUTE', 'instance', 'Standard - E4 - OCPU', 'OCPU Hours', 0.025, 8, 'elastic', 1],
  ['bootvolume', 'erp-app-01 (Boot Volume)', 'BLOCK_STORAGE', 'bootvolume', 'Block Volume - Storage', 'GB Months', 0.0255, 100, 'gbmonth', 1],
  ['volume', 'erp-data-01', 'BLOCK_STORAGE', 'volume', 'Block Volume - Storage', 'GB Months', 0.0255, 2048, 'gbmonth', 1],
  ['autonomousdatabase', 'erp-atp', 'DATABASE', 'autonomousdatabase', 'Oracle Autonomous Transaction Processing - ECPU', 'ECPU Hours', 0.336, 2 * 24, 'fixed', null],
  ['loadbalancer', 'erp-lb', 'NETWORK', 'loadbalancer', 'Load Balancer Base', 'Hours', 0.0113, 24, 'fixed', null],
  ['bucket', 'erp-backups', 'OBJECT_STORAGE', 'bucket', 'Object Storage - Storage', 'GB Months', 0.0255, 3072, 'storage', null],
];

function loadOracle() {
  const ad = chars(
    'oci|ad',
    4,
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  );
  for (const [
    ocidType,
    name,
    service,
    resourceType,
    description,
    unit,
    price,
    qty,
    profile,
    adNumber,
  ] of OCI_RESOURCES) {
    const resourceId = `ocid1.${ocidType}.oc1.${OCI_REGION}.${chars(
      `oci|${name}`,
      60,
      LOWER_ALNUM,
    )}`;
    // Freeform and defined tags as OCI exports them: none names a catalog team.
    const tags = {
      'Oracle-Tags.CreatedBy': 'default/erp-admin@example.com',
      'Oracle-Tags.CreatedOn': `2024-0${1 + (hashLabel(name) % 9)}-1${
        hashLabel(name) % 10
      }T09:12:44.301Z`,
      project: 'erp-legacy',
      environment: 'prod',
    };
    if (hashLabel(`owner|${name}`) % 2 === 0) tags.owner = 'finance-it';
    addResource({
      provider: 'oracle',
      kind: `oci-${ocidType}`,
      resourceId,
      name,
      resourceType,
      subAccountId: OCI_TENANCY,
      subAccountName: 'contoso-erp',
      regionId: OCI_REGION,
      az: adNumber ? `${ad}:${OCI_REGION.toUpperCase()}-AD-${adNumber}` : null,
      tags,
      env: 'prod',
      compute: service === 'COMPUTE',
      meters: [
        ctx => ({
          service,
          category: {
            COMPUTE: 'Compute',
            BLOCK_STORAGE: 'Storage',
            DATABASE: 'Databases',
            NETWORK: 'Networking',
            OBJECT_STORAGE: 'Storage',
          }[service],
          description,
          sku: oracleSku(description),
          unit,
          listUnitPrice: price,
          quantity:
            profile === 'elastic'
              ? qty * elasticHours(ctx, resourceId)
              : profile === 'gbmonth'
              ? qty / ctx.dim
              : profile === 'storage'
              ? (qty * storageFactor(ctx, resourceId)) / ctx.dim
              : qty,
        }),
      ],
    });
  }
}

// ---------------------------------------------------------------------------
// Charges
// ---------------------------------------------------------------------------

const round = (x, digits = 10) => {
  const f = 10 ** digits;
  const v = Math.round(x * f) / f;
  return Object.is(v, -0) ? 0 : v;
};

/** The provider- and account-level fields of a row. */
function accountFields(provider, subAccountId, subAccountName) {
  const p = PROVIDERS[provider];
  return {
    ProviderName: p.ProviderName,
    PublisherName: p.PublisherName,
    InvoiceIssuerName: p.InvoiceIssuerName,
    BillingAccountId: p.BillingAccountId,
    BillingAccountName: p.BillingAccountName,
    BillingCurrency: 'USD',
    SubAccountId: subAccountId,
    SubAccountName: subAccountName,
  };
}
function periodFields(day) {
  return {
    BillingPeriodStart: stamp(monthStart(day)),
    BillingPeriodEnd: stamp(nextMonthStart(day)),
    ChargePeriodStart: stamp(day),
    ChargePeriodEnd: stamp(addDays(day, 1)),
  };
}

const tagsJson = tags =>
  tags && Object.keys(tags).length
    ? `{${Object.entries(tags)
        .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(String(v))}`)
        .join(', ')}}`
    : null;

/** One usage row of a resource's meter on a day. */
function usageRow(res, m, day) {
  const p = PROVIDERS[res.provider];
  const q = round(m.quantity, 10);
  const list = m.listUnitPrice;
  const contracted = list * (1 - p.discount);
  const listCost = round(q * list);
  const contractedCost = round(q * contracted);
  const row = {
    ...accountFields(res.provider, res.subAccountId, res.subAccountName),
    ...periodFields(day),
    AvailabilityZone: res.az,
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: m.description,
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: q,
    ConsumedUnit: m.unit,
    PricingQuantity: q,
    PricingUnit: m.unit,
    ListUnitPrice: priceText(list),
    ListCost: listCost,
    ContractedUnitPrice: round(contracted),
    ContractedCost: contractedCost,
    BilledCost: contractedCost,
    EffectiveCost: contractedCost,
    PricingCategory: 'Standard',
    RegionId: res.regionId,
    RegionName: REGION_NAMES[res.regionId] ?? res.regionId,
    ResourceId: res.resourceId,
    ResourceName: res.provider === 'aws' ? null : res.name,
    ResourceType: res.resourceType,
    ServiceCategory: m.category,
    ServiceName: m.service,
    SkuId: m.sku,
    SkuPriceId: skuPriceId(res.provider, m.sku),
    Tags: tagsJson(res.tags),
    // Not columns: kept for totals, the spike and the Savings Plan.
    _res: res,
    _day: day,
  };
  if (m.savingsPlan) {
    row.PricingCategory = 'Committed';
    row.CommitmentDiscountCategory = 'Spend';
    row.CommitmentDiscountId = SAVINGS_PLAN_ARN;
    row.CommitmentDiscountStatus = 'Used';
    row.CommitmentDiscountType = 'Savings Plan';
    row.BilledCost = 0;
    row.EffectiveCost = round(q * m.savingsPlan.rate);
  }
  return row;
}
function skuPriceId(provider, sku) {
  if (provider === 'aws') return `${sku}.JRTCKXETXF.6YS6EN2CT7`;
  if (provider === 'oracle') return null;
  return sku;
}

/** A row that belongs to an account, not to a resource (fees, tax, credits). */
function accountRow(provider, subAccountId, subAccountName, day, fields) {
  const amount = round(fields.amount, 10);
  return {
    ...accountFields(provider, subAccountId, subAccountName),
    ...periodFields(day),
    AvailabilityZone: null,
    ChargeClass: null,
    ConsumedQuantity: null,
    ConsumedUnit: null,
    PricingQuantity: fields.pricingQuantity ?? null,
    PricingUnit: fields.pricingUnit ?? null,
    ListUnitPrice: null,
    ListCost: amount,
    ContractedUnitPrice: null,
    ContractedCost: amount,
    BilledCost: amount,
    EffectiveCost: amount,
    RegionId: fields.regionId ?? null,
    RegionName: fields.regionId
      ? REGION_NAMES[fields.regionId] ?? fields.regionId
      : null,
    ResourceId: null,
    ResourceName: null,
    ResourceType: null,
    SkuPriceId: null,
    Tags: null,
    _day: day,
    ...fields.columns,
  };
}

let SAVINGS_PLAN_ARN = null;

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

const awsAccounts = loadAws();
const azureSubs = loadAzure();
loadGcp();
loadOracle();

const prodAws = awsAccounts.find(a => a.env === 'prod') ?? awsAccounts[0];
SAVINGS_PLAN_ARN = `arn:aws:savingsplans::${prodAws.account}:savingsplan/${uuid(
  'savings-plan',
)}`;
/** Hourly commitment: what the covered baseline instances use at the SP rate. */
let commitmentPerHour = 0;
for (const res of resources) {
  if (res.provider !== 'aws' || res.kind !== 'instance') continue;
  const m = res.meters[0](dayContext(LAST_DAY, DAYS.length - 1));
  if (m.savingsPlan) commitmentPerHour += m.savingsPlan.rate;
}

const rows = [];
for (const [index, day] of DAYS.entries()) {
  const ctx = dayContext(day, index);
  const today = [];
  let committedUsed = 0;
  for (const res of resources) {
    if (res.created && res.created > day) continue; // not there yet
    for (const meter of res.meters) {
      const m = meter(ctx);
      if (!m || !(m.quantity > 0)) continue;
      const row = usageRow(res, m, day);
      if (m.savingsPlan) committedUsed += row.EffectiveCost;
      today.push(row);
    }
  }

  // The runaway job: the component's usage-based meters scale up, and its
  // prod compute pushes data out, until the day costs SPIKE.days[day] times
  // what it would have.
  const factor = SPIKE.days[day];
  if (factor) {
    const mine = today.filter(r => r._res.tags?.component === SPIKE.component);
    const normal = mine.reduce((s, r) => s + r.EffectiveCost, 0);
    let extra = (factor - 1) * normal;
    for (const r of mine.filter(x => x._res.usageScales)) {
      const m = r._res.meters[0](ctx);
      const scaled = usageRow(
        r._res,
        { ...m, quantity: m.quantity * factor },
        day,
      );
      extra -= scaled.EffectiveCost - r.EffectiveCost;
      today[today.indexOf(r)] = scaled;
    }
    const computeRows = mine.filter(
      r => r._res.compute && r._res.env === 'prod',
    );
    const weight = computeRows.reduce((s, r) => s + r.ListCost, 0);
    for (const r of computeRows) {
      const res = r._res;
      const share = (extra * r.ListCost) / weight;
      const p = PROVIDERS[res.provider];
      const aws = res.provider === 'aws';
      const price = aws ? 0.01 : 0.087;
      const description = aws
        ? '$0.010 per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB'
        : 'Standard Data Transfer Out';
      today.push(
        usageRow(
          res,
          {
            service: aws ? 'AWS Data Transfer' : 'Bandwidth',
            category: 'Networking',
            description,
            sku: aws
              ? awsSku(`DataTransfer-Regional-Bytes|${res.regionId}`)
              : azureSku(`${description}|${res.regionId}`),
            unit: 'GB',
            listUnitPrice: price,
            quantity: share / (price * (1 - p.discount)),
          },
          day,
        ),
      );
    }
  }

  // The Savings Plan's recurring fee: billed daily, amortized into the
  // covered usage (EffectiveCost), so its own EffectiveCost is 0.
  const fee = round(commitmentPerHour * 24);
  today.push(
    accountRow('aws', prodAws.account, prodAws.name, day, {
      amount: fee,
      pricingQuantity: 24,
      pricingUnit: 'Hours',
      columns: {
        ChargeCategory: 'Purchase',
        ChargeDescription: '1 year No Upfront Compute Savings Plan',
        ChargeFrequency: 'Recurring',
        CommitmentDiscountCategory: 'Spend',
        CommitmentDiscountId: SAVINGS_PLAN_ARN,
        CommitmentDiscountType: 'Savings Plan',
        ContractedUnitPrice: commitmentPerHour,
        ListCost: 0,
        EffectiveCost: 0,
        PricingCategory: 'Committed',
        ServiceCategory: 'Compute',
        ServiceName: 'Savings Plans for AWS Compute usage',
        SkuId: awsSku('ComputeSP:1yrNoUpfront'),
      },
    }),
  );
  const unused = round(fee - committedUsed);
  if (unused > 0.005) {
    today.push(
      accountRow('aws', prodAws.account, prodAws.name, day, {
        amount: unused,
        columns: {
          ChargeCategory: 'Usage',
          ChargeDescription: 'Unused Compute Savings Plan commitment',
          ChargeFrequency: 'Usage-Based',
          CommitmentDiscountCategory: 'Spend',
          CommitmentDiscountId: SAVINGS_PLAN_ARN,
          CommitmentDiscountStatus: 'Unused',
          CommitmentDiscountType: 'Savings Plan',
          BilledCost: 0,
          ListCost: 0,
          ContractedCost: 0,
          PricingCategory: 'Committed',
          ServiceCategory: 'Compute',
          ServiceName: 'Savings Plans for AWS Compute usage',
          SkuId: awsSku('ComputeSP:1yrNoUpfront'),
        },
      }),
    );
  }
  rows.push(...today);
}

// Account-level rows, once per month, posted on the first day of the month
// (or of the export): AWS Business Support and sales tax per account, the
// Azure support plan, and one AWS promotional credit.
const months = [...new Set(DAYS.map(monthOf))];
const extras = [];
const billedBy = (filter, month) =>
  rows
    .filter(r => r._day.startsWith(month) && filter(r))
    .reduce((s, r) => s + r.BilledCost, 0);
for (const month of months) {
  const day = DAYS.find(d => d.startsWith(month));
  for (const acct of awsAccounts) {
    const billed = billedBy(
      r => r.ProviderName === 'AWS' && r.SubAccountId === acct.account,
      month,
    );
    const support = Math.max(100, 0.1 * billed);
    extras.push(
      accountRow('aws', acct.account, acct.name, day, {
        amount: support,
        pricingQuantity: 1,
        pricingUnit: 'Units',
        columns: {
          ChargeCategory: 'Purchase',
          ChargeDescription:
            'AWS Support (Business): 10% of monthly AWS usage, minimum $100',
          ChargeFrequency: 'Recurring',
          ContractedUnitPrice: round(support),
          ListUnitPrice: priceText(round(support, 2)),
          PricingCategory: 'Standard',
          ServiceCategory: 'Management and Governance',
          ServiceName: 'AWS Support (Business)',
          SkuId: awsSku('AWSSupportBusiness'),
          SkuPriceId: `${awsSku('AWSSupportBusiness')}.JRTCKXETXF.6YS6EN2CT7`,
        },
      }),
    );
    extras.push(
      accountRow('aws', acct.account, acct.name, day, {
        amount: 0.06 * (billed + support),
        columns: {
          ChargeCategory: 'Tax',
          ChargeDescription: 'Tax for product code AmazonEC2',
          ChargeFrequency: 'Recurring',
          PricingCategory: null,
          ServiceCategory: 'Compute',
          ServiceName: 'Amazon Elastic Compute Cloud',
          SkuId: awsSku('Tax:AmazonEC2'),
        },
      }),
    );
  }
  const azureProd = azureSubs.find(s => s.env === 'prod') ?? azureSubs[0];
  if (azureProd) {
    extras.push(
      accountRow(
        'azure',
        `/subscriptions/${azureProd.sub}`,
        azureProd.name,
        day,
        {
          amount: 100,
          pricingQuantity: 1,
          pricingUnit: 'Units/Month',
          columns: {
            ChargeCategory: 'Purchase',
            ChargeDescription: 'Azure Support Plan - Standard',
            ChargeFrequency: 'Recurring',
            ContractedUnitPrice: 100,
            ListUnitPrice: '100',
            PricingCategory: 'Standard',
            ServiceCategory: 'Management and Governance',
            ServiceName: 'Azure Support',
            SkuId: azureSku('Azure Support Plan - Standard'),
            SkuPriceId: azureSku('Azure Support Plan - Standard'),
          },
        },
      ),
    );
  }
}
const CREDIT_DAY = shiftDay(LAST_DAY, { months: -1, days: 14 });
extras.push(
  accountRow('aws', prodAws.account, prodAws.name, CREDIT_DAY, {
    amount: -300,
    pricingQuantity: 0,
    pricingUnit: 'Units',
    regionId: 'us-east-1',
    columns: {
      ChargeCategory: 'Credit',
      ChargeDescription:
        'AWS Promotional Credit: Well-Architected review incentive',
      ChargeFrequency: 'One-Time',
      PricingCategory: 'Other',
      ServiceCategory: 'Compute',
      ServiceName: 'Amazon Elastic Compute Cloud',
      SkuId: awsSku('Credit:WellArchitected'),
    },
  }),
);

// Order: by day, then provider, then as generated; account rows first in their day.
const providerRank = Object.fromEntries(
  PROVIDER_ORDER.map((p, i) => [PROVIDERS[p].ProviderName, i]),
);
const all = [
  ...extras.map((r, i) => ({ r, k: 0, i })),
  ...rows.map((r, i) => ({ r, k: 1, i })),
]
  .sort(
    (a, b) =>
      a.r._day.localeCompare(b.r._day) ||
      providerRank[a.r.ProviderName] - providerRank[b.r.ProviderName] ||
      a.k - b.k ||
      a.i - b.i,
  )
  .map(x => x.r);

// ---------------------------------------------------------------------------
// CSV, gzip
// ---------------------------------------------------------------------------

const quote = s => `"${String(s).replace(/"/g, '""')}"`;
function cell(value, type) {
  if (value === null || value === undefined) return 'NULL';
  return type === 'num' ? value.toFixed(10) : quote(value);
}

const lines = [COLUMNS.map(([name]) => quote(name)).join(',')];
all.forEach((row, i) => {
  row.Id = i + 1;
  lines.push(
    COLUMNS.map(([name, type]) =>
      name === 'Id' ? String(row.Id) : cell(row[name], type),
    ).join(','),
  );
});
const csv = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const gz = gzipSync(csv, { level: 9 });
// zlib leaves mtime at 0 but writes the build's OS byte: pin both, so the
// file is the same on every platform with the same zlib.
gz.writeUInt32LE(0, 4);
gz[9] = 255;
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, gz);

// ---------------------------------------------------------------------------
// Totals, printed and copied into README.md
// ---------------------------------------------------------------------------

const money = x =>
  x.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
const sum = (list, col) => list.reduce((s, r) => s + r[col], 0);
const table = (title, keys, keyOf) => {
  const out = [
    `${title.padEnd(28)} ${'BilledCost'.padStart(
      12,
    )} ${'EffectiveCost'.padStart(14)} ${'ListCost'.padStart(12)}`,
  ];
  for (const k of keys) {
    const list = all.filter(r => keyOf(r) === k);
    out.push(
      `${k.padEnd(28)} ${money(sum(list, 'BilledCost')).padStart(12)} ${money(
        sum(list, 'EffectiveCost'),
      ).padStart(14)} ${money(sum(list, 'ListCost')).padStart(12)}`,
    );
  }
  return out;
};
const summary = [];
summary.push(
  `${DAYS.length} days, ${FIRST_DAY} to ${LAST_DAY}; ${all.length} rows; ${resources.length} billed resources`,
  '',
  ...table(
    'provider',
    PROVIDER_ORDER.map(p => PROVIDERS[p].ProviderName),
    r => r.ProviderName,
  ),
  ...table('total', ['all'], () => 'all').slice(1),
  '',
  ...table('billing period', months, r => r._day.slice(0, 7)),
  '',
  ...table(
    'charge category',
    ['Usage', 'Purchase', 'Tax', 'Credit'],
    r => r.ChargeCategory,
  ),
);
const total = sum(all, 'EffectiveCost');
const oracle = sum(
  all.filter(r => r.ProviderName === 'Oracle'),
  'EffectiveCost',
);
const noResource = sum(
  all.filter(r => r.ResourceId === null),
  'EffectiveCost',
);
const share = (label, amount) =>
  `${label.padEnd(34)} ${money(amount).padStart(10)}  (${(
    (100 * amount) /
    total
  ).toFixed(1)}% of EffectiveCost)`;
summary.push(
  '',
  share('Oracle (not in the inventory)', oracle),
  share('no ResourceId (fees, tax, credit)', noResource),
);
const spikeLines = Object.keys(SPIKE.days).map(day => {
  const c = sum(
    all.filter(
      r => r._day === day && r._res?.tags?.component === SPIKE.component,
    ),
    'EffectiveCost',
  );
  return `${`spike ${day} ${SPIKE.component}`.padEnd(34)} ${money(c).padStart(
    10,
  )}  (x${SPIKE.days[day]} its usual cost)`;
});
summary.push(...spikeLines);
const summaryText = summary.join('\n');

console.log(
  `Wrote ${relative(process.cwd(), OUT)} (${csv.length} bytes of CSV, ${
    gz.length
  } gzipped)`,
);
console.log('');
console.log(summaryText);

// Only the committed export's totals belong in README.md.
const readmePath = join(HERE, 'README.md');
try {
  const readme = COMMITTED ? readFileSync(readmePath, 'utf8') : '';
  const start = '<!-- totals:start -->';
  const end = '<!-- totals:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from !== -1 && to > from) {
    const block = `${start}\n\n\`\`\`text\n${summaryText}\n\`\`\`\n\n${end}`;
    const updated =
      readme.slice(0, from) + block + readme.slice(to + end.length);
    if (updated !== readme) writeFileSync(readmePath, updated);
  }
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}
