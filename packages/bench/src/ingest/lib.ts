/* Shared pieces of the ingestion benchmark: options, logger, the sources' config, providers, groups, formatting. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { MulticloudEntityProvider } from '@multicloud/plugin-catalog-backend-module-multicloud';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import {
  AZURE_SUBSCRIPTIONS,
  CloudServers,
  GCP_SCOPE,
  KUBERNETES_TOKEN,
  TEAMS,
} from './fakeClouds';

// ---------------------------------------------------------------------------
// Options

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

export const USAGE = `yarn bench:ingest [--part=provider|catalog|aws|all] [--provider-resources=N] [--catalog-resources=M] [--aws-resources=A]
  --part                 which part to run (default all; env BENCH_PART)
  --provider-resources   N, resources the fake cloud APIs serve in part 1 (default 100000; alias --n; env BENCH_PROVIDER_RESOURCES)
  --catalog-resources    M, entities ingested into the catalog in part 2 (default 20000; alias --m; env BENCH_CATALOG_RESOURCES)
  --aws-resources        A, AWS resources of every type read in part 3 (default 100000; env BENCH_AWS_RESOURCES)`;

export type BenchOptions = {
  help: boolean;
  part: 'provider' | 'catalog' | 'aws' | 'all';
  providerResources: number;
  catalogResources: number;
  awsResources: number;
};

function positiveInteger(
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const number = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(number) || number < 4) {
    throw new UsageError(
      `${name} must be a whole number of at least 4, got '${value}'`,
    );
  }
  return number;
}

/**
 * `--part=provider|catalog|all`, `--provider-resources=N` (alias `--n`),
 * `--catalog-resources=M` (alias `--m`); env BENCH_PART,
 * BENCH_PROVIDER_RESOURCES, BENCH_CATALOG_RESOURCES. Arguments win over env.
 */
export function readOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): BenchOptions {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new UsageError(
        `Unknown argument '${arg}'; see packages/bench/src/ingest/README.md`,
      );
    }
    args.set(match[1], match[2] ?? '');
  }
  const known = new Set([
    'part',
    'provider-resources',
    'n',
    'catalog-resources',
    'm',
    'aws-resources',
    'help',
  ]);
  for (const key of args.keys()) {
    if (!known.has(key)) {
      throw new UsageError(
        `Unknown option '--${key}'; known: --part, --provider-resources (--n), --catalog-resources (--m), --aws-resources`,
      );
    }
  }
  const part = args.get('part') ?? env.BENCH_PART ?? 'all';
  if (
    part !== 'provider' &&
    part !== 'catalog' &&
    part !== 'aws' &&
    part !== 'all'
  ) {
    throw new UsageError(
      `--part must be provider, catalog, aws or all, got '${part}'`,
    );
  }
  return {
    help: args.has('help'),
    part,
    providerResources: positiveInteger(
      '--provider-resources',
      args.get('provider-resources') ??
        args.get('n') ??
        env.BENCH_PROVIDER_RESOURCES,
      100_000,
    ),
    catalogResources: positiveInteger(
      '--catalog-resources',
      args.get('catalog-resources') ??
        args.get('m') ??
        env.BENCH_CATALOG_RESOURCES,
      20_000,
    ),
    awsResources: positiveInteger(
      '--aws-resources',
      args.get('aws-resources') ?? env.BENCH_AWS_RESOURCES,
      100_000,
    ),
  };
}

// ---------------------------------------------------------------------------
// Logger: quiet (info and debug dropped), warnings and errors counted and printed

export type CountingLogger = LoggerService & {
  counts: { warn: number; error: number };
};

export function quietLogger(
  counts = { warn: 0, error: 0 },
  meta: Record<string, unknown> = {},
): CountingLogger {
  const label = Object.values(meta).join(' ');
  return {
    counts,
    debug() {},
    info() {},
    warn(message: string) {
      counts.warn++;
      if (counts.warn <= 20) {
        process.stderr.write(
          `  [warn${label ? ` ${label}` : ''}] ${message}\n`,
        );
      }
    },
    error(message: string) {
      counts.error++;
      process.stderr.write(`  [error${label ? ` ${label}` : ''}] ${message}\n`);
    },
    child(childMeta: Record<string, unknown>) {
      return quietLogger(counts, { ...meta, ...childMeta });
    },
  };
}

// ---------------------------------------------------------------------------
// Groups the owner tags resolve to

export const DEFAULT_OWNER = 'group:default/team-platform';
export const OWNER_TAG_KEYS = ['owner', 'team'];
export const MAX_REMOVAL_SHARE = 0.5;

export function groupEntities(): Entity[] {
  return TEAMS.map(team => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: `team-${team}`,
      annotations: {
        'backstage.io/managed-by-location': 'bench:org',
        'backstage.io/managed-by-origin-location': 'bench:org',
      },
    },
    spec: { type: 'team', children: [] },
  }));
}

// ---------------------------------------------------------------------------
// The sources, configured as a user configures them

/** The clouds the bench reads. */
export type Cloud = 'aws' | 'azure' | 'gcp' | 'kubernetes';

/** The source id (key under `catalog.providers.multicloud`) of each cloud. */
export const SOURCE_IDS: Record<Cloud, string> = {
  aws: 'aws-prod',
  azure: 'azure-prod',
  gcp: 'gcp-org',
  kubernetes: 'k8s-prod-eu',
};

/** The cloud of a provider, from its name `MulticloudEntityProvider:<id>`. */
export function cloudOf(provider: MulticloudEntityProvider): Cloud {
  const id = provider.getProviderName().split(':')[1];
  const cloud = (Object.keys(SOURCE_IDS) as Cloud[]).find(
    key => SOURCE_IDS[key] === id,
  );
  if (!cloud) {
    throw new Error(`unexpected provider ${provider.getProviderName()}`);
  }
  return cloud;
}

export type JsonObject = NonNullable<
  ConstructorParameters<typeof ConfigReader>[0]
>;

/** The provider options of every source, as config keys. */
const PROVIDER_CONFIG = {
  defaultOwner: DEFAULT_OWNER,
  ownerTagKeys: OWNER_TAG_KEYS,
  maxRemovalShare: MAX_REMOVAL_SHARE,
};

/** Backstage's `aws` integration config: the main account's static keys. */
export const AWS_INTEGRATION_CONFIG = {
  mainAccount: {
    accessKeyId: 'AKIDBENCHEXAMPLE',
    secretAccessKey: 'bench-secret',
  },
};

/** The EC2 types, which part 1 reads (part 3 reads every AWS type). */
const AWS_EC2_TYPES = [
  'instances',
  'vpcs',
  'subnets',
  'security-groups',
  'volumes',
  'network-interfaces',
  'elastic-ips',
  'nat-gateways',
];

export type ServerAddresses = Pick<
  CloudServers,
  'aws' | 'azure' | 'gcp' | 'kubernetes'
>;

/**
 * The app-config of the four sources, with production settings except what
 * points them at the local servers: the endpoints, static AWS keys in the
 * `aws` integration config, the Azure CA certificate, the GCP REST transport
 * (the local Cloud Asset API speaks REST, not gRPC) at an `http://` URL, and
 * a Kubernetes service account token with `skipTLSVerify` (the client speaks
 * plain http only with it).
 */
export function benchConfig(servers: ServerAddresses): JsonObject {
  return {
    aws: AWS_INTEGRATION_CONFIG,
    catalog: {
      providers: {
        multicloud: {
          [SOURCE_IDS.aws]: {
            ...PROVIDER_CONFIG,
            type: 'aws',
            endpoint: servers.aws.endpoint,
            stsEndpoint: servers.aws.endpoint,
            types: AWS_EC2_TYPES,
          },
          [SOURCE_IDS.azure]: {
            ...PROVIDER_CONFIG,
            type: 'azure',
            subscriptionIds: AZURE_SUBSCRIPTIONS,
            endpoint: servers.azure.endpoint,
            caCertificate: servers.azure.certificate,
          },
          [SOURCE_IDS.gcp]: {
            ...PROVIDER_CONFIG,
            type: 'gcp',
            scope: GCP_SCOPE,
            transport: 'rest',
            apiEndpoint: servers.gcp.endpoint,
          },
          [SOURCE_IDS.kubernetes]: {
            ...PROVIDER_CONFIG,
            type: 'kubernetes',
            cluster: {
              name: 'prod-eu',
              region: 'eu-west-1',
              url: servers.kubernetes.url,
              serviceAccountToken: KUBERNETES_TOKEN,
              skipTLSVerify: true,
            },
          },
        },
      },
    },
  };
}

/**
 * Points the credentials the sources find in their environment at the local
 * servers, in this process (and the processes it forks), before the sources
 * are created:
 *
 * - Azure: `DefaultAzureCredential`, which in an App Service asks the managed
 *   identity endpoint named by `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`.
 * - GCP: Application Default Credentials, which on a Compute Engine VM (no
 *   credential file) take the default service account's token from the
 *   metadata server at `GCE_METADATA_HOST` (`METADATA_SERVER_DETECTION=
 *   assume-present`: no detection ping). `GCE_METADATA_IP` would win over it
 *   and `GOOGLE_APPLICATION_CREDENTIALS` over the metadata server: both are
 *   removed. `GOOGLE_CLOUD_PROJECT` names the VM's project, so that
 *   google-auth-library does not run `gcloud config config-helper` to look
 *   for one (a developer machine may have gcloud, a VM's container rarely
 *   does; it would take about 1.5 s of the first run and write to
 *   ~/.config/gcloud); the source does not use the project id, its scope is
 *   explicit.
 */
export function useLocalCredentials(servers: ServerAddresses): void {
  process.env.IDENTITY_ENDPOINT = servers.azure.identity.endpoint;
  process.env.IDENTITY_HEADER = servers.azure.identity.header;

  const adcFile = join(
    homedir(),
    '.config',
    'gcloud',
    'application_default_credentials.json',
  );
  if (existsSync(adcFile)) {
    throw new UsageError(
      `${adcFile} exists: Application Default Credentials would take it before the local metadata server, and send its token to the local Cloud Asset API, which refuses it. Run the bench with HOME pointing elsewhere.`,
    );
  }
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  delete process.env.GCE_METADATA_IP;
  Object.assign(process.env, servers.gcp.metadataEnv);
  process.env.GOOGLE_CLOUD_PROJECT = servers.gcp.projectId;
}

/**
 * The providers `MulticloudEntityProvider.fromConfig` builds of `config`, as
 * the module does, with Backstage's mock scheduler (nothing runs unless
 * `refresh` is called), mock auth, a catalog holding the `team-*` groups and
 * a connection per provider that hands each mutation to `onMutation`.
 */
export async function createBenchProviders(
  config: JsonObject,
  logger: LoggerService,
  onMutation: (
    provider: MulticloudEntityProvider,
    mutation: EntityProviderMutation,
  ) => void,
): Promise<MulticloudEntityProvider[]> {
  const providers = MulticloudEntityProvider.fromConfig(
    new ConfigReader(config),
    {
      logger,
      scheduler: mockServices.scheduler(),
      catalog: catalogServiceMock({ entities: groupEntities() }),
      auth: mockServices.auth(),
      sourceStatus: createInMemorySourceStatus(),
    },
  );
  for (const provider of providers) {
    const connection: EntityProviderConnection = {
      async applyMutation(mutation) {
        onMutation(provider, mutation);
      },
      async refresh() {},
    };
    await provider.connect(connection);
  }
  return providers;
}

// ---------------------------------------------------------------------------
// Measuring and printing

export { int, mib, seconds, sleep, table } from '../shared/print';
import { int } from '../shared/print';

/** Peak resident set size of this process so far (maxRSS is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function perSecond(count: number, ms: number): string {
  return ms > 0 ? `${int((count * 1000) / ms)}/s` : '-';
}
