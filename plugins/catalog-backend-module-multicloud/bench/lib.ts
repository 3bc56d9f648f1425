/* Shared pieces of the ingestion benchmark: options, logger, sources, groups, formatting. */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CloudSource } from '@multicloud/plugin-multicloud-node';
import { OAuth2Client } from 'google-auth-library';
import { createAwsSource } from '../src/sources/aws';
import { AWS_EC2_TYPES } from '../src/sources/aws/config';
import { createAzureSource } from '../src/sources/azure';
import { createGcpSource } from '../src/sources/gcp';
import { createKubernetesSource } from '../src/sources/kubernetes';
import {
  AZURE_SUBSCRIPTIONS,
  AZURE_TOKEN,
  GCP_SCOPE,
  GCP_TOKEN,
  KUBERNETES_TOKEN,
  TEAMS,
} from './fakeClouds';
import { RemoteCloudServers } from './cloudServersProcess';

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
      throw new UsageError(`Unknown argument '${arg}'; see bench/README.md`);
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
// The four sources, built by the exported factories

export type NamedSource = {
  cloud: 'aws' | 'azure' | 'gcp' | 'kubernetes';
  source: CloudSource;
};

/**
 * The sources with production settings, except what points them at the local
 * servers: endpoints, static AWS keys in the aws integration config, the
 * test-only Azure and GCP credential injections, the Azure CA certificate,
 * and the GCP REST transport (the local Cloud Asset API speaks REST, not
 * gRPC).
 */
export function createBenchSources(
  servers: RemoteCloudServers,
  logger: LoggerService,
): NamedSource[] {
  const authClient = new OAuth2Client();
  authClient.setCredentials({
    access_token: GCP_TOKEN,
    expiry_date: Date.now() + 24 * 3600_000,
  });
  return [
    {
      cloud: 'aws',
      source: createAwsSource({
        id: 'aws-prod',
        logger: logger.child({ source: 'aws-prod' }),
        config: new ConfigReader({
          type: 'aws',
          endpoint: servers.aws.endpoint,
          stsEndpoint: servers.aws.endpoint,
          // The EC2 estate of this part; part 3 reads every AWS type.
          types: [...AWS_EC2_TYPES],
        }),
        // Backstage's aws integration config: the main account's static keys.
        rootConfig: new ConfigReader({
          aws: {
            mainAccount: {
              accessKeyId: 'AKIDBENCHEXAMPLE',
              secretAccessKey: 'bench-secret',
            },
          },
        }),
      }),
    },
    {
      cloud: 'azure',
      source: createAzureSource({
        id: 'azure-prod',
        logger: logger.child({ source: 'azure-prod' }),
        config: new ConfigReader({
          type: 'azure',
          subscriptionIds: AZURE_SUBSCRIPTIONS,
          endpoint: servers.azure.endpoint,
          caCertificate: servers.azure.certificate,
        }),
        credential: {
          getToken: async () => ({
            token: AZURE_TOKEN,
            expiresOnTimestamp: Date.now() + 3600_000,
          }),
        },
      }),
    },
    {
      cloud: 'gcp',
      source: createGcpSource({
        id: 'gcp-org',
        logger: logger.child({ source: 'gcp-org' }),
        config: new ConfigReader({
          type: 'gcp',
          scope: GCP_SCOPE,
          transport: 'rest',
          apiEndpoint: '127.0.0.1',
        }),
        port: servers.gcp.port,
        protocol: 'http',
        authClient,
      }),
    },
    {
      cloud: 'kubernetes',
      source: createKubernetesSource({
        id: 'k8s-prod-eu',
        logger: logger.child({ source: 'k8s-prod-eu' }),
        config: new ConfigReader({
          type: 'kubernetes',
          cluster: {
            name: 'prod-eu',
            region: 'eu-west-1',
            url: servers.kubernetes.url,
            serviceAccountToken: KUBERNETES_TOKEN,
            // The Kubernetes client only talks plain http with TLS verification off.
            skipTLSVerify: true,
          },
        }),
      }),
    },
  ];
}

// ---------------------------------------------------------------------------
// Measuring and printing

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** Peak resident set size of this process so far (maxRSS is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function perSecond(count: number, ms: number): string {
  return ms > 0 ? `${int((count * 1000) / ms)}/s` : '-';
}

/** A plain text table; numbers (and cells that look like them) are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)),
  );
  const numeric = (cell: string) =>
    /^[-+]?[\d,.]+( ?[a-zA-Z/%]+)?$/.test(cell) || cell === '-';
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) =>
        i > 0 && numeric(cell)
          ? cell.padStart(widths[i])
          : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd()}`;
  return [
    line(header),
    `  ${widths.map(w => '-'.repeat(w)).join('  ')}`,
    ...rows.map(line),
  ].join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
