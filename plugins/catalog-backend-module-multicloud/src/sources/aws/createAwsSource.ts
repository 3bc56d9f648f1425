import type { EC2Client, EC2ClientConfig } from '@aws-sdk/client-ec2';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  CloudSourceReadOptions,
} from '@multicloud/plugin-multicloud-node';
import { mapWithConcurrency } from '../../lib/limit';
import { withRetry } from '../../lib/retry';
import { CloudSourceFactoryOptions, readSharedSourceOptions } from '../types';
import {
  AwsAccountConfig,
  AwsResourceKind,
  AwsSourceConfig,
  readAwsSourceConfig,
} from './config';
import {
  AwsMappingError,
  AwsMappingScope,
  finalizeAwsResources,
  mapAddresses,
  mapNatGateways,
  mapNetworkInterfaces,
  mapReservations,
  mapSecurityGroups,
  mapSubnets,
  mapVolumes,
  mapVpcs,
} from './mapAwsResources';

/**
 * The SDK modules an AWS source runs on, loaded by the first AWS source
 * created: a backend without one never loads them. A deferred `require`
 * rather than `import()`, which Jest runs only under
 * `--experimental-vm-modules`; both defer the loading alike.
 */
function loadAwsSdk() {
  return {
    ec2: require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2'),
    sts: require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts'),
    credentialProviders:
      require('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers'),
    integration:
      require('@backstage/integration-aws-node') as typeof import('@backstage/integration-aws-node'),
  };
}

type AwsSdk = ReturnType<typeof loadAwsSdk>;

/** Credentials as the SDK's `AwsCredentialIdentity`. */
type AwsCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
};

type CredentialProvider = () => Promise<AwsCredentials>;

/** Test-only injections of {@link createAwsSource}. */
export type AwsSourceTestOptions = {
  /** First retry backoff; default that of `withRetry`. */
  retryBaseDelayMs?: number;
};

type Page = { resources: CloudResource[]; nextToken?: string };

type PageLister = (
  client: EC2Client,
  nextToken: string | undefined,
  scope: AwsMappingScope,
  abortSignal: AbortSignal | undefined,
) => Promise<Page>;

/** Thrown when an answer lacks the list it must carry. */
class MalformedAnswerError extends Error {}

function requireList<T>(items: T[] | undefined, element: string): T[] {
  if (!items) {
    throw new MalformedAnswerError(`the answer has no <${element}>`);
  }
  return items;
}

/**
 * Half the largest page the listings accept (1000). The SDK decodes a page
 * whole, holding its XML text, parse tree and output at once for long enough
 * that the garbage collector moves them to the old generation; half-size
 * pages leave less there, for a few more requests.
 */
const MAX_RESULTS = 500;

/** One `Describe*` call per kind, each driven page by page with `NextToken`. */
function listingsOf(
  ec2: AwsSdk['ec2'],
): Record<AwsResourceKind, { action: string; list: PageLister }> {
  return {
    instances: {
      action: 'DescribeInstances',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeInstancesCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapReservations(
            requireList(out.Reservations, 'reservationSet'),
            scope,
          ),
          nextToken: out.NextToken,
        };
      },
    },
    vpcs: {
      action: 'DescribeVpcs',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeVpcsCommand({ NextToken, MaxResults: MAX_RESULTS }),
          { abortSignal },
        );
        return {
          resources: mapVpcs(requireList(out.Vpcs, 'vpcSet'), scope),
          nextToken: out.NextToken,
        };
      },
    },
    subnets: {
      action: 'DescribeSubnets',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeSubnetsCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapSubnets(requireList(out.Subnets, 'subnetSet'), scope),
          nextToken: out.NextToken,
        };
      },
    },
    'security-groups': {
      action: 'DescribeSecurityGroups',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeSecurityGroupsCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapSecurityGroups(
            requireList(out.SecurityGroups, 'securityGroupInfo'),
            scope,
          ),
          nextToken: out.NextToken,
        };
      },
    },
    volumes: {
      action: 'DescribeVolumes',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeVolumesCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapVolumes(requireList(out.Volumes, 'volumeSet'), scope),
          nextToken: out.NextToken,
        };
      },
    },
    'network-interfaces': {
      action: 'DescribeNetworkInterfaces',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeNetworkInterfacesCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapNetworkInterfaces(
            requireList(out.NetworkInterfaces, 'networkInterfaceSet'),
            scope,
          ),
          nextToken: out.NextToken,
        };
      },
    },
    'elastic-ips': {
      // DescribeAddresses is not paginated: one call returns every address.
      action: 'DescribeAddresses',
      list: async (client, _nextToken, scope, abortSignal) => {
        const out = await client.send(new ec2.DescribeAddressesCommand({}), {
          abortSignal,
        });
        return {
          resources: mapAddresses(
            requireList(out.Addresses, 'addressesSet'),
            scope,
          ),
        };
      },
    },
    'nat-gateways': {
      action: 'DescribeNatGateways',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new ec2.DescribeNatGatewaysCommand({
            NextToken,
            MaxResults: MAX_RESULTS,
          }),
          { abortSignal },
        );
        return {
          resources: mapNatGateways(
            requireList(out.NatGateways, 'natGatewaySet'),
            scope,
          ),
          nextToken: out.NextToken,
        };
      },
    },
  };
}

/** Caches credentials until five minutes before they expire. */
function memoizeCredentials(provider: CredentialProvider): CredentialProvider {
  let pending: Promise<AwsCredentials> | undefined;
  let current: AwsCredentials | undefined;
  return async () => {
    if (
      current &&
      (!current.expiration ||
        current.expiration.getTime() - Date.now() > 300_000)
    ) {
      return current;
    }
    if (!pending) {
      pending = provider().then(
        credentials => {
          current = credentials;
          pending = undefined;
          return credentials;
        },
        error => {
          pending = undefined;
          throw error;
        },
      );
    }
    return pending;
  };
}

/** `Code: message (HTTP status)`, without the SDK's debugging hints. */
function describeAwsError(error: unknown): string {
  if (
    error instanceof MalformedAnswerError ||
    error instanceof AwsMappingError
  ) {
    return `malformed answer: ${error.message}`;
  }
  const e = error as any;
  const status: number | undefined = e?.$metadata?.httpStatusCode;
  const message = String(e?.message ?? error)
    .split('\n')[0]
    .trim();
  if (/Deserialization error/.test(String(e?.message))) {
    return `malformed answer${status ? ` (HTTP ${status})` : ''}: ${message}`;
  }
  const code = e?.Code ?? e?.name ?? 'Error';
  return `${code}: ${message}${status ? ` (HTTP ${status})` : ''}`;
}

/** An account to read and the credentials to read it with. */
type Identity = {
  accountId: string;
  credentials: CredentialProvider;
};

type AwsSourceSettings = AwsSourceConfig & {
  id: string;
  logger: LoggerService;
  concurrency: number;
  retries: number;
  requestTimeoutMs: number;
  retryBaseDelayMs?: number;
};

class AwsSource implements CloudSource {
  readonly id: string;
  readonly #settings: AwsSourceSettings;
  readonly #sdk: AwsSdk;
  readonly #listings: ReturnType<typeof listingsOf>;
  readonly #mainCredentials: CredentialProvider;
  readonly #accountCredentials = new Map<string, CredentialProvider>();
  #callerAccountId?: string;

  constructor(settings: AwsSourceSettings, sdk: AwsSdk, rootConfig: Config) {
    this.id = settings.id;
    this.#settings = settings;
    this.#sdk = sdk;
    this.#listings = listingsOf(sdk.ec2);
    // Backstage's `aws` integration config: `aws.mainAccount` (else the
    // default credential chain) and `aws.accounts` / `aws.accountDefaults`.
    const credentialsManager =
      sdk.integration.DefaultAwsCredentialsManager.fromConfig(rootConfig);
    this.#mainCredentials = memoizeCredentials(async () => {
      const main = await credentialsManager.getCredentialProvider();
      return main.sdkCredentialProvider();
    });
    for (const account of settings.accounts ?? []) {
      this.#accountCredentials.set(
        account.accountId,
        memoizeCredentials(
          account.roleArn
            ? this.#assumedRoleCredentials(account, account.roleArn)
            : async () => {
                const provider = await credentialsManager.getCredentialProvider(
                  { accountId: account.accountId },
                );
                return provider.sdkCredentialProvider();
              },
        ),
      );
    }
  }

  /** The deprecated `roleArn`: the role assumed with the main account's credentials. */
  #assumedRoleCredentials(
    account: AwsAccountConfig,
    roleArn: string,
  ): CredentialProvider {
    return this.#sdk.credentialProviders.fromTemporaryCredentials({
      params: {
        RoleArn: roleArn,
        RoleSessionName: 'backstage-multicloud',
        ...(account.externalId ? { ExternalId: account.externalId } : {}),
      },
      masterCredentials: this.#mainCredentials,
      clientConfig: this.#clientConfig(
        this.#settings.defaultRegion,
        this.#settings.stsEndpoint,
      ),
    });
  }

  async readResources(
    options: CloudSourceReadOptions = {},
  ): Promise<CloudResource[]> {
    const { signal } = options;
    const clients = new Map<string, EC2Client>();
    const clientFor = (identity: Identity, region: string) => {
      const key = `${identity.accountId}/${region}`;
      let client = clients.get(key);
      if (!client) {
        client = new this.#sdk.ec2.EC2Client({
          ...this.#clientConfig(region, this.#settings.endpoint),
          credentials: identity.credentials,
        });
        clients.set(key, client);
      }
      return client;
    };
    try {
      const identities = await this.#identities(signal);
      const targets = await mapWithConcurrency(
        identities,
        this.#settings.concurrency,
        async identity => ({
          identity,
          regions:
            this.#settings.regions ??
            (await this.#enabledRegions(
              clientFor(identity, this.#settings.defaultRegion),
              identity,
              signal,
            )),
        }),
      );
      const units = targets.flatMap(({ identity, regions }) =>
        regions.flatMap(region =>
          this.#settings.resourceKinds.map(kind => ({
            identity,
            region,
            kind,
          })),
        ),
      );
      const lists = await mapWithConcurrency(
        units,
        this.#settings.concurrency,
        ({ identity, region, kind }) =>
          this.#listAll(
            clientFor(identity, region),
            identity.accountId,
            region,
            kind,
            signal,
          ),
      );
      return finalizeAwsResources(lists.flat());
    } finally {
      for (const client of clients.values()) {
        client.destroy();
      }
    }
  }

  #clientConfig(region: string, endpoint: string | undefined) {
    return {
      region,
      // withRetry retries, so that a retry resumes at the failed page.
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: this.#settings.requestTimeoutMs,
        throwOnRequestTimeout: true,
        connectionTimeout: this.#settings.requestTimeoutMs,
      },
      ...(endpoint ? { endpoint } : {}),
    } satisfies EC2ClientConfig;
  }

  /** The accounts to read: each configured one, else the main account's own. */
  async #identities(signal?: AbortSignal): Promise<Identity[]> {
    const { accounts, concurrency } = this.#settings;
    if (!accounts) {
      return [
        {
          accountId: await this.#callerAccount(signal),
          credentials: this.#mainCredentials,
        },
      ];
    }
    // Getting every account's credentials up front fails fast, naming the
    // account (and the role) in the message.
    return mapWithConcurrency(accounts, concurrency, async account => {
      const credentials = this.#accountCredentials.get(account.accountId)!;
      await this.#call(
        account.roleArn
          ? `AssumeRole of ${account.roleArn} for account ${account.accountId}`
          : `credentials of account ${account.accountId} from the aws integration config`,
        () => credentials(),
        signal,
      );
      return { accountId: account.accountId, credentials };
    });
  }

  async #callerAccount(signal?: AbortSignal): Promise<string> {
    if (!this.#callerAccountId) {
      const { defaultRegion, stsEndpoint } = this.#settings;
      const sts = new this.#sdk.sts.STSClient({
        ...this.#clientConfig(defaultRegion, stsEndpoint),
        credentials: this.#mainCredentials,
      });
      try {
        const out = await this.#call(
          'GetCallerIdentity of the default credentials',
          () =>
            sts.send(new this.#sdk.sts.GetCallerIdentityCommand({}), {
              abortSignal: signal,
            }),
          signal,
        );
        if (!out.Account) {
          throw new Error(
            `AWS source "${this.id}": GetCallerIdentity answered without an account id`,
          );
        }
        this.#callerAccountId = out.Account;
      } finally {
        sts.destroy();
      }
    }
    return this.#callerAccountId;
  }

  async #enabledRegions(
    client: EC2Client,
    identity: Identity,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const regions = await this.#call(
      `DescribeRegions for account ${identity.accountId} in ${
        this.#settings.defaultRegion
      }`,
      async () => {
        const out = await client.send(
          new this.#sdk.ec2.DescribeRegionsCommand({}),
          {
            abortSignal: signal,
          },
        );
        return requireList(out.Regions, 'regionInfo');
      },
      signal,
    );
    return regions
      .filter(region => region.OptInStatus !== 'not-opted-in')
      .map(region => region.RegionName)
      .filter((name): name is string => !!name)
      .sort();
  }

  async #listAll(
    client: EC2Client,
    accountId: string,
    region: string,
    kind: AwsResourceKind,
    signal?: AbortSignal,
  ): Promise<CloudResource[]> {
    const { action, list } = this.#listings[kind];
    const scope = { accountId, region };
    const resources: CloudResource[] = [];
    const seenTokens = new Set<string>();
    let nextToken: string | undefined;
    for (let page = 1; ; page++) {
      const token = nextToken;
      const result = await this.#call(
        `${action} (page ${page}) for account ${accountId} in ${region}`,
        () => list(client, token, scope, signal),
        signal,
      );
      resources.push(...result.resources);
      nextToken = result.nextToken || undefined;
      if (!nextToken) {
        return resources;
      }
      if (seenTokens.has(nextToken)) {
        throw new Error(
          `AWS source "${this.id}": ${action} for account ${accountId} in ${region} ` +
            `returned the NextToken of an earlier page again; stopping instead of looping`,
        );
      }
      seenTokens.add(nextToken);
    }
  }

  /**
   * Runs one request with retries, one warning per retry, and an error that
   * names the source, account, region and call when it finally fails.
   */
  async #call<T>(
    what: string,
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const where = `AWS source "${this.id}": ${what}`;
    const { retries, retryBaseDelayMs, logger } = this.#settings;
    let attempts = 0;
    signal?.throwIfAborted();
    try {
      return await withRetry(
        () => {
          attempts++;
          return fn();
        },
        {
          retries,
          baseDelayMs: retryBaseDelayMs,
          signal,
          onRetry: ({ error, attempt, delayMs }) =>
            logger.warn(
              `${where} failed (${describeAwsError(
                error,
              )}); retry ${attempt} of ${retries} in ${delayMs} ms`,
            ),
        },
      );
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
      throw new Error(`${where} failed${tries}: ${describeAwsError(error)}`, {
        cause: error,
      });
    }
  }
}

/**
 * Creates the AWS source of one `catalog.providers.multicloud.<id>` block
 * (`type: aws`): EC2 instances, VPCs, subnets, security groups, EBS volumes,
 * network interfaces, Elastic IPs and NAT gateways of each configured account
 * and region. Credentials come from Backstage's `aws` integration config
 * (`rootConfig`), read by `DefaultAwsCredentialsManager`; the source's own
 * `accounts[].roleArn` / `externalId` still work, with a warning.
 */
export function createAwsSource(
  options: CloudSourceFactoryOptions & {
    rootConfig: Config;
  } & AwsSourceTestOptions,
): CloudSource {
  const { config, id, logger } = options;
  const awsConfig = readAwsSourceConfig(id, config);
  if (awsConfig.accounts?.some(account => account.roleArn)) {
    logger.warn(
      `AWS source "${id}": accounts[].roleArn and accounts[].externalId are deprecated; ` +
        `configure each account's role under aws.accounts (accountId, roleName, externalId), ` +
        `which every AWS plugin of Backstage reads, and list only its accountId here`,
    );
  }
  return new AwsSource(
    {
      id,
      logger,
      ...awsConfig,
      ...readSharedSourceOptions(config),
      retryBaseDelayMs: options.retryBaseDelayMs,
    },
    loadAwsSdk(),
    options.rootConfig,
  );
}
