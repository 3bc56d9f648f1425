import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ClientConfig,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  fromNodeProviderChain,
  fromTemporaryCredentials,
} from '@aws-sdk/credential-providers';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { mapWithConcurrency } from '../../lib/limit';
import { withRetry } from '../../lib/retry';
import { CloudSource, CloudSourceReadOptions } from '../../types';
import { CloudSourceFactoryOptions, readSharedSourceOptions } from '../types';
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
} from './mapper';

/** Static AWS credentials, as the SDK's `AwsCredentialIdentity`. */
export type AwsStaticCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
};

type CredentialProvider = () => Promise<AwsStaticCredentials>;

/** Test-only injections of {@link createAwsSourceFromConfig}. */
export type AwsSourceTestOptions = {
  /** Credentials used instead of the default chain (and as the AssumeRole caller). */
  credentials?: AwsStaticCredentials;
  /** First retry backoff; default that of `withRetry`. */
  retryBaseDelayMs?: number;
};

const RESOURCE_KINDS = [
  'instances',
  'vpcs',
  'subnets',
  'security-groups',
  'volumes',
  'network-interfaces',
  'elastic-ips',
  'nat-gateways',
] as const;

type AwsResourceKind = (typeof RESOURCE_KINDS)[number];

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
const LISTINGS: Record<AwsResourceKind, { action: string; list: PageLister }> =
  {
    instances: {
      action: 'DescribeInstances',
      list: async (client, NextToken, scope, abortSignal) => {
        const out = await client.send(
          new DescribeInstancesCommand({ NextToken, MaxResults: MAX_RESULTS }),
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
          new DescribeVpcsCommand({ NextToken, MaxResults: MAX_RESULTS }),
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
          new DescribeSubnetsCommand({ NextToken, MaxResults: MAX_RESULTS }),
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
          new DescribeSecurityGroupsCommand({
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
          new DescribeVolumesCommand({ NextToken, MaxResults: MAX_RESULTS }),
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
          new DescribeNetworkInterfacesCommand({
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
        const out = await client.send(new DescribeAddressesCommand({}), {
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
          new DescribeNatGatewaysCommand({
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

/** Caches credentials until five minutes before they expire. */
function memoizeCredentials(provider: CredentialProvider): CredentialProvider {
  let pending: Promise<AwsStaticCredentials> | undefined;
  let current: AwsStaticCredentials | undefined;
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

type AccountConfig = {
  accountId: string;
  roleArn: string;
  externalId?: string;
};

/** An account to read and the credentials to read it with. */
type Identity = {
  accountId: string;
  credentials: CredentialProvider;
};

type AwsSourceSettings = {
  id: string;
  logger: LoggerService;
  regions?: string[];
  defaultRegion: string;
  accounts?: AccountConfig[];
  endpoint?: string;
  stsEndpoint?: string;
  resourceKinds: AwsResourceKind[];
  concurrency: number;
  retries: number;
  requestTimeoutMs: number;
  retryBaseDelayMs?: number;
  credentials?: AwsStaticCredentials;
};

class AwsSource implements CloudSource {
  readonly id: string;
  readonly #settings: AwsSourceSettings;
  readonly #baseCredentials: CredentialProvider;
  readonly #accountCredentials = new Map<string, CredentialProvider>();
  #callerAccountId?: string;

  constructor(settings: AwsSourceSettings) {
    this.id = settings.id;
    this.#settings = settings;
    const injected = settings.credentials;
    this.#baseCredentials = injected
      ? async () => injected
      : memoizeCredentials(fromNodeProviderChain());
    for (const account of settings.accounts ?? []) {
      this.#accountCredentials.set(
        account.accountId,
        memoizeCredentials(
          fromTemporaryCredentials({
            params: {
              RoleArn: account.roleArn,
              RoleSessionName: 'backstage-multicloud',
              ...(account.externalId ? { ExternalId: account.externalId } : {}),
            },
            masterCredentials: this.#baseCredentials,
            clientConfig: this.#clientConfig(
              settings.defaultRegion,
              settings.stsEndpoint,
            ),
          }),
        ),
      );
    }
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
        client = new EC2Client({
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

  /** The accounts to read: each configured role, else the caller's own account. */
  async #identities(signal?: AbortSignal): Promise<Identity[]> {
    const { accounts, concurrency } = this.#settings;
    if (!accounts) {
      return [
        {
          accountId: await this.#callerAccount(signal),
          credentials: this.#baseCredentials,
        },
      ];
    }
    // Assuming every role up front fails fast, with the role in the message.
    return mapWithConcurrency(accounts, concurrency, async account => {
      const credentials = this.#accountCredentials.get(account.accountId)!;
      await this.#call(
        `AssumeRole of ${account.roleArn} for account ${account.accountId}`,
        () => credentials(),
        signal,
      );
      return { accountId: account.accountId, credentials };
    });
  }

  async #callerAccount(signal?: AbortSignal): Promise<string> {
    if (!this.#callerAccountId) {
      const { defaultRegion, stsEndpoint } = this.#settings;
      const sts = new STSClient({
        ...this.#clientConfig(defaultRegion, stsEndpoint),
        credentials: this.#baseCredentials,
      });
      try {
        const out = await this.#call(
          'GetCallerIdentity of the default credentials',
          () =>
            sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal }),
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
        const out = await client.send(new DescribeRegionsCommand({}), {
          abortSignal: signal,
        });
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
    const { action, list } = LISTINGS[kind];
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

function readAccounts(
  options: CloudSourceFactoryOptions,
): AccountConfig[] | undefined {
  const accounts = options.config.getOptionalConfigArray('accounts');
  if (!accounts) {
    return undefined;
  }
  if (accounts.length === 0) {
    throw new InputError(
      `AWS source "${options.id}": accounts is empty; omit it to use the default credentials`,
    );
  }
  const seen = new Set<string>();
  return accounts.map(account => {
    const accountId = account.getString('accountId');
    if (!/^\d{12}$/.test(accountId)) {
      throw new InputError(
        `AWS source "${options.id}": accountId "${accountId}" is not a 12-digit AWS account id (quote it in YAML to keep leading zeros)`,
      );
    }
    if (seen.has(accountId)) {
      throw new InputError(
        `AWS source "${options.id}": account ${accountId} is listed twice in accounts`,
      );
    }
    seen.add(accountId);
    return {
      accountId,
      roleArn: account.getString('roleArn'),
      externalId: account.getOptionalString('externalId'),
    };
  });
}

function readResourceKinds(
  options: CloudSourceFactoryOptions,
): AwsResourceKind[] {
  const kinds = options.config.getOptionalStringArray('resourceKinds');
  if (!kinds) {
    return [...RESOURCE_KINDS];
  }
  for (const kind of kinds) {
    if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
      throw new InputError(
        `AWS source "${
          options.id
        }": unknown resourceKinds entry "${kind}"; expected some of ${RESOURCE_KINDS.join(
          ', ',
        )}`,
      );
    }
  }
  return [...new Set(kinds as AwsResourceKind[])];
}

/**
 * Creates the AWS source of one `catalog.providers.multicloud.<id>` block
 * (`type: aws`): EC2 instances, VPCs, subnets, security groups, EBS volumes,
 * network interfaces, Elastic IPs and NAT gateways of each configured account
 * and region.
 *
 * @public
 */
export function createAwsSourceFromConfig(
  options: CloudSourceFactoryOptions & AwsSourceTestOptions,
): CloudSource {
  const { config, id, logger } = options;
  const regions = config.getOptionalStringArray('regions');
  if (regions && regions.length === 0) {
    throw new InputError(
      `AWS source "${id}": regions is empty; omit it to read every enabled region`,
    );
  }
  return new AwsSource({
    id,
    logger,
    regions,
    defaultRegion: config.getOptionalString('defaultRegion') ?? 'us-east-1',
    accounts: readAccounts(options),
    endpoint: config.getOptionalString('endpoint'),
    stsEndpoint: config.getOptionalString('stsEndpoint'),
    resourceKinds: readResourceKinds(options),
    ...readSharedSourceOptions(config),
    retryBaseDelayMs: options.retryBaseDelayMs,
    credentials: options.credentials,
  });
}
