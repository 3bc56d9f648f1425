/*
 * The synthetic cloud estate both parts of the cost benchmark draw from: four
 * providers with their billing accounts, 40 sub accounts, 20 regions and 32
 * services, with resource ids shaped like the real ones (ARNs, Azure Resource
 * Manager ids, GCP full resource names, Oracle OCIDs), as in the FinOps
 * Foundation's FOCUS 1.0 sample.
 */
import { pick } from './lib';

export type Unit = {
  /** ConsumedUnit / PricingUnit */
  unit: string;
  /** List price per unit, USD. */
  price: number;
  /** Typical quantity per hourly row. */
  quantity: number;
  /** The tail of ChargeDescription. */
  description: string;
};

export type IdParts = {
  account: string;
  region: string;
  name: string;
  hex: string;
  /** Azure resource group or GCP zone, per resource. */
  group: string;
};

export type Service = {
  name: string;
  category: string;
  resourceType: string;
  units: Unit[];
  id: (p: IdParts) => string;
};

export type Account = { id: string; name: string; regions: string[] };

export type Provider = {
  name: 'AWS' | 'Microsoft' | 'Google Cloud' | 'Oracle';
  /** Share of rows / resources. */
  weight: number;
  billingAccountId: string;
  billingAccountName: string;
  invoiceIssuer: string;
  publisher: string;
  /** Azure exports daily charge periods; the others hourly. */
  daily: boolean;
  /** Whether exports fill ResourceName. */
  names: boolean;
  regions: Array<{ id: string; name: string }>;
  accounts: Account[];
  services: Service[];
};

const u = (
  unit: string,
  price: number,
  quantity: number,
  description: string,
): Unit => ({ unit, price, quantity, description });

const WORDS = [
  'atlas',
  'orion',
  'zenith',
  'apollo',
  'nimbus',
  'pioneer',
  'odyssey',
  'eclipse',
  'phoenix',
  'vega',
  'lyra',
  'draco',
  'aurora',
  'comet',
  'nova',
  'pulsar',
  'quasar',
  'sirius',
  'titan',
  'helios',
];
export const APPLICATIONS = [
  'BrightPathMatrix',
  'ZoomMapMax',
  'SafeRadarCore',
  'GlobalSuiteEssentials',
  'QuickNavigatorDrive',
  'BrightLensMatrix',
  'BrightSourceCore',
  'SmartLedgerPro',
  'CloudPulseHub',
  'DataForgeOne',
];
export const BUSINESS_UNITS = [
  'PeoriaData',
  'TempeAI',
  'JakartaSRE',
  'LahoreSRE',
  'ViennaAI',
  'MarseilleSRE',
  'PhoenixProcurement',
  'OsloFinance',
];

const title = (word: string) => word[0].toUpperCase() + word.slice(1);

function accounts(
  count: number,
  id: (i: number) => string,
  regions: string[],
  seedOffset: number,
): Account[] {
  return Array.from({ length: count }, (_, i) => {
    // Each account runs in two or three regions, as real organisations do.
    const first = (i + seedOffset) % regions.length;
    const spread = 2 + (i % 2);
    return {
      id: id(i),
      name: `${title(WORDS[(i * 7 + seedOffset) % WORDS.length])} ${title(
        WORDS[(i * 3 + 5 + seedOffset) % WORDS.length],
      )}`,
      regions: Array.from(
        { length: spread },
        (__, k) => regions[(first + k) % regions.length],
      ),
    };
  });
}

const digits = (i: number, salt: number, length: number) => {
  let value = '';
  let x = (i + 1) * 2654435761 + salt * 40503;
  while (value.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    value += String(x % 10);
  }
  return value;
};

const uuid = (i: number, salt: number) => {
  const h = (n: number) =>
    Array.from({ length: n }, (_, k) =>
      ((i * 31 + k * 17 + salt * 7) % 16).toString(16),
    ).join('');
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;
};

const AWS_REGIONS = [
  { id: 'us-east-1', name: 'US East (N. Virginia)' },
  { id: 'us-west-2', name: 'US West (Oregon)' },
  { id: 'us-east-2', name: 'US East (Ohio)' },
  { id: 'eu-central-1', name: 'EU (Frankfurt)' },
  { id: 'eu-west-1', name: 'EU (Ireland)' },
  { id: 'ap-south-1', name: 'Asia Pacific (Mumbai)' },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
];
const AZURE_REGIONS = [
  { id: 'eastus', name: 'East US' },
  { id: 'westeurope', name: 'West Europe' },
  { id: 'northeurope', name: 'North Europe' },
  { id: 'westus2', name: 'West US 2' },
  { id: 'centralus', name: 'Central US' },
];
const GCP_REGIONS = [
  { id: 'us-central1', name: 'Iowa' },
  { id: 'europe-west1', name: 'Belgium' },
  { id: 'europe-west4', name: 'Netherlands' },
  { id: 'asia-east1', name: 'Taiwan' },
  { id: 'us-east4', name: 'Northern Virginia' },
];
const OCI_REGIONS = [
  { id: 'us-sanjose-1', name: 'US West (San Jose)' },
  { id: 'us-ashburn-1', name: 'US East (Ashburn)' },
  { id: 'eu-frankfurt-1', name: 'Germany Central (Frankfurt)' },
];

const arn = (service: string, p: IdParts, rest: string, global = false) =>
  `arn:aws:${service}:${global ? '' : p.region}:${p.account}:${rest}`;
const arm = (p: IdParts, provider: string) =>
  `${p.account}/resourceGroups/${p.group}/providers/${provider}/${p.name}`;
const ocid = (type: string, p: IdParts) =>
  `ocid1.${type}.oc1.${p.region}.${p.hex}${p.hex}${p.hex}`.slice(0, 90);

export const PROVIDERS: Provider[] = [
  {
    name: 'AWS',
    weight: 0.55,
    billingAccountId: '123456789012',
    billingAccountName: 'SunBird',
    invoiceIssuer: 'Amazon Web Services, Inc.',
    publisher: 'Amazon Web Services, Inc.',
    daily: false,
    names: false,
    regions: AWS_REGIONS,
    accounts: accounts(
      16,
      i => digits(i, 1, 12),
      AWS_REGIONS.map(r => r.id),
      0,
    ),
    services: [
      {
        name: 'Amazon Elastic Compute Cloud',
        category: 'Compute',
        resourceType: 'instance',
        units: [
          u('Hours', 0.096, 1, 'On Demand Linux m5.large Instance Hour'),
          u('GB', 0.01, 2.5, 'regional data transfer - in/out/between EC2 AZs'),
        ],
        id: p => `i-0${p.hex.slice(0, 16)}`,
      },
      {
        name: 'Amazon Elastic Block Store',
        category: 'Storage',
        resourceType: 'volume',
        units: [
          u(
            'GB-Months',
            0.08,
            0.14,
            'General Purpose SSD (gp3) provisioned storage',
          ),
          u('IOPS-Months', 0.005, 4.2, 'gp3 provisioned IOPS above 3000'),
        ],
        id: p => `vol-0${p.hex.slice(0, 16)}`,
      },
      {
        name: 'Elastic Load Balancing',
        category: 'Networking',
        resourceType: 'loadbalancer',
        units: [
          u(
            'Hours',
            0.0225,
            1,
            'Application LoadBalancer-hour (or partial hour)',
          ),
          u(
            'LCU-Hours',
            0.008,
            0.4,
            'used Application load balancer capacity unit-hour',
          ),
        ],
        id: p =>
          arn(
            'elasticloadbalancing',
            p,
            `loadbalancer/app/${p.name}/${p.hex.slice(0, 16)}`,
          ),
      },
      {
        name: 'Amazon Simple Storage Service',
        category: 'Storage',
        resourceType: 'bucket',
        units: [
          u('GB-Months', 0.023, 12, 'Standard storage, first 50 TB / month'),
          u('Requests', 0.0000004, 5200, 'GET and all other requests'),
        ],
        id: p => `arn:aws:s3:::${p.name}-${p.hex.slice(0, 6)}`,
      },
      {
        name: 'Amazon Relational Database Service',
        category: 'Databases',
        resourceType: 'db',
        units: [
          u(
            'Hours',
            0.171,
            1,
            'RDS db.m5.large Multi-AZ instance hour running PostgreSQL',
          ),
          u('GB-Months', 0.115, 0.3, 'storage for Multi-AZ gp2 database'),
        ],
        id: p => arn('rds', p, `db:${p.name}`),
      },
      {
        name: 'AmazonCloudWatch',
        category: 'Management and Governance',
        resourceType: 'log-group',
        units: [
          u('GB', 0.5, 0.02, 'GB ingested for custom logs'),
          u('Metrics', 0.3, 0.0014, 'metric-month, first 10,000 metrics'),
        ],
        id: p => arn('logs', p, `log-group:/aws/ecs/${p.name}`),
      },
      {
        name: 'Amazon Simple Queue Service',
        category: 'Integration',
        resourceType: 'queue',
        units: [
          u(
            'Requests',
            0.0000004,
            900,
            'Amazon SQS standard requests in Tier1',
          ),
        ],
        id: p => arn('sqs', p, p.name),
      },
      {
        name: 'AWS Lambda',
        category: 'Compute',
        resourceType: 'function',
        units: [
          u(
            'Lambda-GB-Second',
            0.0000166667,
            420,
            'AWS Lambda - Total Compute',
          ),
          u('Requests', 0.0000002, 1800, 'AWS Lambda - Total Requests'),
        ],
        id: p => arn('lambda', p, `function:${p.name}`),
      },
      {
        name: 'Amazon Virtual Private Cloud',
        category: 'Networking',
        resourceType: 'natgateway',
        units: [
          u('Hours', 0.045, 1, 'NAT Gateway Hour'),
          u('GB', 0.045, 0.8, 'NAT Gateway data processed'),
        ],
        id: p => arn('ec2', p, `natgateway/nat-0${p.hex.slice(0, 16)}`),
      },
      {
        name: 'Amazon Elastic Container Service',
        category: 'Compute',
        resourceType: 'cluster',
        units: [
          u('vCPU-Hours', 0.04048, 2, 'AWS Fargate - vCPU - Linux/X86'),
          u('GB-Hours', 0.004445, 4, 'AWS Fargate - Memory - Linux/X86'),
        ],
        id: p => arn('ecs', p, `cluster/${p.name}`),
      },
      {
        name: 'Amazon DynamoDB',
        category: 'Databases',
        resourceType: 'table',
        units: [
          u(
            'ReadRequestUnits',
            0.00000025,
            3000,
            'PayPerRequestThroughput read units',
          ),
          u(
            'WriteRequestUnits',
            0.00000125,
            800,
            'PayPerRequestThroughput write units',
          ),
        ],
        id: p => arn('dynamodb', p, `table/${p.name}`),
      },
      {
        name: 'Amazon CloudFront',
        category: 'Networking',
        resourceType: 'distribution',
        units: [
          u('GB', 0.085, 1.4, 'data transfer out, first 10 TB / month'),
          u('Requests', 0.0000012, 4000, 'HTTPS requests'),
        ],
        id: p =>
          arn(
            'cloudfront',
            p,
            `distribution/E${p.hex.slice(0, 13).toUpperCase()}`,
            true,
          ),
      },
    ],
  },
  {
    name: 'Microsoft',
    weight: 0.2,
    billingAccountId: '/providers/Microsoft.Billing/billingAccounts/8611537',
    billingAccountName: 'SunBird',
    invoiceIssuer: 'Microsoft',
    publisher: 'Microsoft',
    daily: true,
    names: true,
    regions: AZURE_REGIONS,
    accounts: accounts(
      8,
      i => `/subscriptions/${uuid(i, 3)}`,
      AZURE_REGIONS.map(r => r.id),
      1,
    ),
    services: [
      {
        name: 'Virtual Machines',
        category: 'Compute',
        resourceType: 'Virtual machine',
        units: [u('1 Hour', 0.192, 24, 'D4s v5 - Virtual Machines Dv5 Series')],
        id: p => arm(p, 'Microsoft.Compute/virtualMachines'),
      },
      {
        name: 'Storage Accounts',
        category: 'Storage',
        resourceType: 'Storage account',
        units: [
          u('1 GB/Month', 0.0184, 8, 'Hot LRS Data Stored'),
          u('10K', 0.05, 3, 'Tiered Block Blob - LRS - Write Operations'),
        ],
        id: p => arm(p, 'Microsoft.Storage/storageAccounts'),
      },
      {
        name: 'Azure Kubernetes Service',
        category: 'Compute',
        resourceType: 'Kubernetes service',
        units: [u('1 Hour', 0.1, 24, 'Standard Uptime SLA')],
        id: p => arm(p, 'Microsoft.ContainerService/managedClusters'),
      },
      {
        name: 'SQL Database',
        category: 'Databases',
        resourceType: 'SQL database',
        units: [
          u('1 Hour', 0.5044, 24, 'vCore - General Purpose Gen5'),
          u('1 GB/Month', 0.115, 3, 'General Purpose Data Stored'),
        ],
        id: p => arm(p, `Microsoft.Sql/servers/${p.name}-srv/databases`),
      },
      {
        name: 'Azure Machine Learning',
        category: 'AI and Machine Learning',
        resourceType: 'Azure Machine Learning workspace',
        units: [u('1 Hour', 0.9, 6, 'NC6s v3 compute')],
        id: p =>
          arm(p, 'Microsoft.MachineLearningServices/workspaces').toLowerCase(),
      },
      {
        name: 'Azure Monitor',
        category: 'Management and Governance',
        resourceType: 'Log Analytics workspace',
        units: [u('1 GB', 2.3, 0.4, 'Analytics Logs Data Ingestion')],
        id: p => arm(p, 'Microsoft.OperationalInsights/workspaces'),
      },
      {
        name: 'Azure App Service',
        category: 'Web',
        resourceType: 'App Service plan',
        units: [u('1 Hour', 0.146, 24, 'P1 v3 App Service Hours')],
        id: p => arm(p, 'Microsoft.Web/serverFarms'),
      },
      {
        name: 'Azure Cosmos DB',
        category: 'Databases',
        resourceType: 'Azure Cosmos DB account',
        units: [
          u('100 RU/s', 0.008, 240, '100 RU/s provisioned throughput'),
          u('1 GB/Month', 0.25, 1, 'Data Stored'),
        ],
        id: p => arm(p, 'Microsoft.DocumentDB/databaseAccounts'),
      },
    ],
  },
  {
    name: 'Google Cloud',
    weight: 0.15,
    billingAccountId: '01A2B3-C4D5E6-F7A8B9',
    billingAccountName: 'SunBird',
    invoiceIssuer: 'Google',
    publisher: 'Google',
    daily: false,
    names: true,
    regions: GCP_REGIONS,
    accounts: accounts(
      10,
      i =>
        `${WORDS[(i * 3) % WORDS.length]}-${
          ['prod', 'staging', 'dev', 'data', 'shared'][i % 5]
        }-${digits(i, 7, 6)}`,
      GCP_REGIONS.map(r => r.id),
      2,
    ),
    services: [
      {
        name: 'Compute Engine',
        category: 'Compute',
        resourceType: 'compute.googleapis.com/Instance',
        units: [
          u('hour', 0.0949, 1, 'N2 Instance Core running in Americas'),
          u('gibibyte hour', 0.0127, 4, 'N2 Instance Ram running in Americas'),
        ],
        id: p =>
          `//compute.googleapis.com/projects/${p.account}/zones/${p.region}-${p.group}/instances/${p.name}`,
      },
      {
        name: 'Cloud Storage',
        category: 'Storage',
        resourceType: 'storage.googleapis.com/Bucket',
        units: [
          u('gibibyte month', 0.02, 10, 'Standard Storage'),
          u('count', 0.000005, 900, 'Class A Operations'),
        ],
        id: p =>
          `//storage.googleapis.com/projects/_/buckets/${p.name}-${p.hex.slice(
            0,
            6,
          )}`,
      },
      {
        name: 'BigQuery',
        category: 'Analytics',
        resourceType: 'bigquery.googleapis.com/Dataset',
        units: [u('tebibyte', 6.25, 0.002, 'Analysis')],
        id: p =>
          `//bigquery.googleapis.com/projects/${
            p.account
          }/datasets/${p.name.replace(/-/g, '_')}`,
      },
      {
        name: 'Cloud SQL',
        category: 'Databases',
        resourceType: 'sqladmin.googleapis.com/Instance',
        units: [
          u('hour', 0.0413, 2, 'Cloud SQL for PostgreSQL: Zonal - vCPU'),
          u(
            'gibibyte month',
            0.17,
            0.3,
            'Cloud SQL for PostgreSQL: Zonal - Standard storage',
          ),
        ],
        id: p =>
          `//cloudsql.googleapis.com/projects/${p.account}/instances/${p.name}`,
      },
      {
        name: 'Kubernetes Engine',
        category: 'Compute',
        resourceType: 'container.googleapis.com/Cluster',
        units: [u('hour', 0.1, 1, 'Autopilot Pod mCPU Requests')],
        id: p =>
          `//container.googleapis.com/projects/${p.account}/locations/${p.region}/clusters/${p.name}`,
      },
      {
        name: 'Cloud Run',
        category: 'Compute',
        resourceType: 'run.googleapis.com/Service',
        units: [
          u('vCPU-second', 0.000024, 900, 'CPU Allocation Time'),
          u('gibibyte second', 0.0000025, 1800, 'Memory Allocation Time'),
        ],
        id: p =>
          `//run.googleapis.com/projects/${p.account}/locations/${p.region}/services/${p.name}`,
      },
      {
        name: 'Cloud Logging',
        category: 'Management and Governance',
        resourceType: 'logging.googleapis.com/LogBucket',
        units: [u('gibibyte', 0.5, 0.05, 'Log Storage cost')],
        id: p =>
          `//logging.googleapis.com/projects/${p.account}/locations/global/buckets/${p.name}`,
      },
      {
        name: 'Networking',
        category: 'Networking',
        resourceType: 'compute.googleapis.com/ForwardingRule',
        units: [
          u(
            'hour',
            0.025,
            1,
            'Network Load Balancing: Forwarding Rule Minimum',
          ),
          u(
            'gibibyte',
            0.008,
            3,
            'Network Load Balancing: Data Processing Charge',
          ),
        ],
        id: p =>
          `//compute.googleapis.com/projects/${p.account}/regions/${p.region}/forwardingRules/${p.name}`,
      },
    ],
  },
  {
    name: 'Oracle',
    weight: 0.1,
    billingAccountId: '20209880',
    billingAccountName: '',
    invoiceIssuer: 'Oracle',
    publisher: 'Oracle',
    daily: false,
    names: false,
    regions: OCI_REGIONS,
    accounts: accounts(
      6,
      i =>
        `ocid1.tenancy.oc1..aaaaaaaa${digits(i, 11, 12)}${WORDS[i].repeat(
          3,
        )}`.slice(0, 80),
      OCI_REGIONS.map(r => r.id),
      0,
    ),
    services: [
      {
        name: 'COMPUTE',
        category: 'Compute',
        resourceType: 'instance',
        units: [
          u('OCPU Hours', 0.025, 2, 'Standard - E4 - OCPU'),
          u('GB Hours', 0.0015, 8, 'Standard - E4 - Memory'),
        ],
        id: p => ocid('instance', p),
      },
      {
        name: 'NETWORK',
        category: 'Networking',
        resourceType: 'vnic',
        units: [u('GB Months', 0.0085, 1.2, 'Outbound Data Transfer Zone 1')],
        id: p => ocid('vnic', p),
      },
      {
        name: 'BLOCK_STORAGE',
        category: 'Storage',
        resourceType: 'bootvolume',
        units: [
          u('GB Months', 0.0255, 0.07, 'Block Volume - Storage'),
          u(
            'Performance Units Per GB Months',
            0.0017,
            0.7,
            'Block Volume - Performance Units',
          ),
        ],
        id: p => ocid('bootvolume', p),
      },
      {
        name: 'OBJECT_STORAGE',
        category: 'Storage',
        resourceType: 'bucket',
        units: [u('GB Months', 0.0255, 5, 'Object Storage - Storage')],
        id: p => ocid('bucket', p),
      },
    ],
  },
];

/** Picks a provider by weight. */
export function pickProvider(next: () => number): Provider {
  let x = next();
  for (const provider of PROVIDERS) {
    x -= provider.weight;
    if (x < 0) {
      return provider;
    }
  }
  return PROVIDERS[0];
}

const NAME_PARTS = [
  'checkout',
  'payments',
  'search',
  'catalog',
  'orders',
  'billing',
  'ledger',
  'identity',
  'gateway',
  'reporting',
  'ingest',
  'pricing',
  'inventory',
  'shipping',
  'notify',
  'profile',
  'media',
  'analytics',
  'fraud',
  'loyalty',
];

/** A cloud resource of the estate. */
export type EstateResource = {
  index: number;
  provider: Provider;
  account: Account;
  region: string;
  regionName: string;
  service: Service;
  id: string;
  name: string;
  /** Tags as FOCUS JSON text, or null. */
  tags: string | null;
};

export function hexOf(next: () => number, length: number) {
  let value = '';
  while (value.length < length) {
    value += Math.floor(next() * 16).toString(16);
  }
  return value;
}

/** One resource of a provider, with a realistic id and name. */
export function makeResource(
  next: () => number,
  index: number,
  provider: Provider,
  tags: string | null,
): EstateResource {
  const account = pick(next, provider.accounts);
  const region = pick(next, account.regions);
  const service = pick(next, provider.services);
  const name = `${pick(next, NAME_PARTS)}-${pick(next, [
    'prod',
    'staging',
    'dev',
  ])}-${index.toString(36)}`;
  const id = service.id({
    account: account.id,
    region,
    name,
    hex: hexOf(next, 24),
    group:
      provider.name === 'Google Cloud'
        ? pick(next, ['a', 'b', 'c'])
        : `rg-${pick(next, NAME_PARTS)}`,
  });
  return {
    index,
    provider,
    account,
    region,
    regionName: provider.regions.find(r => r.id === region)?.name ?? region,
    service,
    id,
    name,
    tags,
  };
}

/** Tags as the sample writes them: `{"application": "...", ...}`. */
export function tagsJson(entries: Array<[string, string]>): string {
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}
