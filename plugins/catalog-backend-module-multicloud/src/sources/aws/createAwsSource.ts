import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  CloudSourceReadOptions,
  CloudSourceReadResult,
} from '@multicloud/plugin-multicloud-node';
import { mapWithConcurrency } from '../../lib/limit';
import { ApiRequestCounters } from '../../lib/metrics';
import { withRetry } from '../../lib/retry';
import {
  CloudSourceFactoryOptions,
  PartedCloudSource,
  readSharedSourceOptions,
} from '../types';
import {
  AwsClients,
  AwsSdk,
  AwsService,
  loadAwsSdk,
  newAwsClient,
  sdkOf,
} from './awsSdk';
import {
  AwsAccountConfig,
  AwsConfigAggregatorConfig,
  AwsSourceConfig,
  readAwsSourceConfig,
} from './config';
import {
  AWS_CONFIG_SELECT,
  createConfigItemMapper,
} from './mapAwsConfigResources';
import { AwsMappingError, finalizeAwsResources } from './mapAwsResources';
import {
  AwsLister,
  AwsListContext,
  listersFor,
  MalformedAnswerError,
  paginate,
  requireList,
} from './listAwsServices';

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

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedException',
  'UnrecognizedClientException',
]);

/** Whether AWS refused the call for want of a permission. */
function isAccessDenied(error: unknown): boolean {
  const e = error as any;
  return (
    ACCESS_DENIED_CODES.has(e?.Code) ||
    ACCESS_DENIED_CODES.has(e?.name) ||
    e?.$metadata?.httpStatusCode === 403
  );
}

/** A request that failed for good, naming where, and the permission it needs. */
class AwsCallError extends Error {
  constructor(
    message: string,
    readonly iamAction: string | undefined,
    readonly original: unknown,
  ) {
    super(message, { cause: original });
  }
}

/** The client of a service for an account in a region, made once per run. */
type ClientFor = (
  service: AwsService,
  region: string,
  accountId: string,
  credentials: CredentialProvider,
) => any;

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
  apiRequests?: ApiRequestCounters;
};

/**
 * One unit of reading, and of failure: the aggregator's query, or one
 * lister in one account and region. Its key names it across runs.
 */
type Part = {
  key: string;
  /** What the part is called in the log. */
  label: string;
  read(): Promise<CloudResource[]>;
};

/** What a part ended with in one run. */
type PartOutcome = { key: string; label: string } & (
  | { resources: CloudResource[] }
  | { error: unknown }
);

/** The services the listers of these types, and the aggregator, call. */
function servicesOf(
  config: AwsSourceConfig,
  listers: AwsLister[],
): Set<AwsService> {
  const services = new Set<AwsService>(['sts']);
  if (config.configAggregator) {
    services.add('config');
  }
  if (listers.length && !config.regions) {
    services.add('ec2');
  }
  for (const lister of listers) {
    for (const service of lister.services) {
      services.add(service);
    }
  }
  return services;
}

class AwsSource implements CloudSource {
  readonly id: string;
  readonly #settings: AwsSourceSettings;
  readonly #sdk: AwsSdk;
  readonly #listers: AwsLister[];
  readonly #mainCredentials: CredentialProvider;
  readonly #credentialsManager: {
    getCredentialProvider(options?: { accountId?: string }): Promise<{
      sdkCredentialProvider: CredentialProvider;
    }>;
  };
  readonly #accountCredentials = new Map<string, CredentialProvider>();
  #callerAccountId?: string;
  readonly #aggregatorCredentials: CredentialProvider;
  /**
   * The resources of each part's last good run, as JSON (a flat string is a
   * fraction of the objects it describes): a part that fails is replaced by
   * them, so that one denied action or unreachable account does not remove
   * its entities, nor keep the rest from updating.
   */
  #lastGood = new Map<string, { json: string; count: number }>();
  /** The error each failing part last logged, so that it is logged once. */
  #lastErrors = new Map<string, string>();

  constructor(
    settings: AwsSourceSettings,
    listers: AwsLister[],
    sdk: AwsSdk,
    rootConfig: Config,
  ) {
    this.id = settings.id;
    this.#settings = settings;
    this.#listers = listers;
    this.#sdk = sdk;
    // Backstage's `aws` integration config: `aws.mainAccount` (else the
    // default credential chain) and `aws.accounts` / `aws.accountDefaults`.
    const credentialsManager =
      sdk.integration.DefaultAwsCredentialsManager.fromConfig(rootConfig);
    this.#credentialsManager = credentialsManager;
    this.#mainCredentials = memoizeCredentials(async () => {
      const main = await credentialsManager.getCredentialProvider();
      return main.sdkCredentialProvider();
    });
    const aggregatorAccount = settings.configAggregator?.accountId;
    this.#aggregatorCredentials = aggregatorAccount
      ? memoizeCredentials(this.#integrationCredentials(aggregatorAccount))
      : this.#mainCredentials;
    for (const account of settings.accounts ?? []) {
      this.#accountCredentials.set(
        account.accountId,
        memoizeCredentials(
          account.roleArn
            ? this.#assumedRoleCredentials(account, account.roleArn)
            : this.#integrationCredentials(account.accountId),
        ),
      );
    }
  }

  #integrationCredentials(accountId: string): CredentialProvider {
    return async () => {
      const provider = await this.#credentialsManager.getCredentialProvider({
        accountId,
      });
      return provider.sdkCredentialProvider();
    };
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
      clientConfig: this.#clientConfig('sts', this.#settings.defaultRegion),
    });
  }

  async readResources(
    options: CloudSourceReadOptions = {},
  ): Promise<CloudSourceReadResult> {
    const { signal } = options;
    const clients = new Map<string, { destroy(): void }>();
    const clientFor: ClientFor = (service, region, accountId, credentials) => {
      const key = `${service}/${accountId}/${region}`;
      let client = clients.get(key);
      if (!client) {
        client = this.#newClient(service, region, credentials);
        clients.set(key, client);
      }
      return client;
    };
    try {
      const outcomes: PartOutcome[] = [];
      const parts: Part[] = [];
      const aggregator = this.#settings.configAggregator;
      if (aggregator) {
        parts.push(this.#aggregatorPart(aggregator, clientFor, signal));
      }
      if (this.#listers.length && (this.#settings.accounts || !aggregator)) {
        const accounts = await this.#accountParts(clientFor, signal);
        parts.push(...accounts.parts);
        outcomes.push(...accounts.failures);
      }
      outcomes.push(
        ...(await mapWithConcurrency(
          parts,
          this.#settings.concurrency,
          async (part): Promise<PartOutcome> => {
            const { key, label } = part;
            try {
              return { key, label, resources: await part.read() };
            } catch (error) {
              if (signal?.aborted) {
                throw error;
              }
              return { key, label, error };
            }
          },
        )),
      );
      signal?.throwIfAborted();
      const { resources, failedParts } = this.#settle(outcomes);
      return { resources: finalizeAwsResources(resources), failedParts };
    } finally {
      for (const client of clients.values()) {
        client.destroy();
      }
    }
  }

  /**
   * The run's resources: each part's own, or, for a part that failed, those
   * of its last good run in this process; and the parts that failed, whose
   * entities the provider keeps even when this process has no good run of
   * them (the first run after a restart). Throws when every part failed:
   * the source as a whole is broken (credentials, network), and the
   * provider keeps every entity.
   */
  #settle(outcomes: PartOutcome[]): CloudSourceReadResult {
    const failures = outcomes.filter(
      (outcome): outcome is Extract<PartOutcome, { error: unknown }> =>
        'error' in outcome,
    );
    if (outcomes.length > 0 && failures.length === outcomes.length) {
      const messages = [
        ...new Set(failures.map(f => String(errorText(f.error)))),
      ];
      throw messages.length === 1 && failures[0].error instanceof Error
        ? failures[0].error
        : new Error(
            `AWS source "${this.id}": every part failed: ${messages
              .slice(0, 3)
              .join('; ')}${
              messages.length > 3 ? `; and ${messages.length - 3} more` : ''
            }`,
          );
    }
    const lastGood = new Map<string, { json: string; count: number }>();
    const lastErrors = new Map<string, string>();
    const resources: CloudResource[] = [];
    const failedParts: CloudSourceReadResult['failedParts'] = [];
    for (const outcome of outcomes) {
      if ('resources' in outcome) {
        for (const resource of outcome.resources) {
          resource.sourcePart = outcome.key;
        }
        lastGood.set(outcome.key, {
          json: JSON.stringify(outcome.resources),
          count: outcome.resources.length,
        });
        if (this.#lastErrors.has(outcome.key)) {
          this.#settings.logger.info(
            `AWS source "${this.id}": ${outcome.label} reads again`,
          );
        }
        resources.push(...outcome.resources);
        continue;
      }
      const kept = this.#keptFor(outcome.key);
      for (const [key, value] of kept) {
        lastGood.set(key, value);
        resources.push(...(JSON.parse(value.json) as CloudResource[]));
      }
      const message = this.#failureMessage(outcome, kept);
      failedParts.push({ part: outcome.key, error: message });
      lastErrors.set(outcome.key, errorText(outcome.error));
      if (this.#lastErrors.get(outcome.key) === errorText(outcome.error)) {
        this.#settings.logger.debug(message);
      } else {
        this.#settings.logger.error(message);
      }
    }
    this.#lastGood = lastGood;
    this.#lastErrors = lastErrors;
    return { resources, failedParts };
  }

  /**
   * The remembered parts a failed part stands for: itself, or every part of
   * an account when the account itself could not be read.
   */
  #keptFor(key: string): Array<[string, { json: string; count: number }]> {
    return [...this.#lastGood].filter(
      ([known]) => known === key || known.startsWith(`${key}:`),
    );
  }

  #failureMessage(
    outcome: Extract<PartOutcome, { error: unknown }>,
    kept: Array<[string, { count: number }]>,
  ): string {
    const { error } = outcome;
    const denied =
      error instanceof AwsCallError &&
      error.iamAction &&
      isAccessDenied(error.original)
        ? `; the credentials may not call ${error.iamAction}`
        : '';
    const count = kept.reduce((sum, [, value]) => sum + value.count, 0);
    const keeping = kept.length
      ? `; keeping the ${count} resources of its last good run`
      : '; keeping its entities in the catalog';
    return `${errorText(error)}${denied}${keeping}`;
  }

  #newClient<S extends AwsService>(
    service: S,
    region: string,
    credentials: CredentialProvider,
  ): AwsClients[S] {
    return newAwsClient(this.#sdk, service, {
      ...this.#clientConfig(service, region),
      credentials,
      // An endpoint override (a local endpoint, a VPC endpoint) has no
      // per-bucket host names.
      ...(service === 's3'
        ? { forcePathStyle: Boolean(this.#settings.endpoints.s3) }
        : {}),
    });
  }

  #clientConfig(service: AwsService, region: string) {
    const endpoint = this.#settings.endpoints[service];
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
    };
  }

  /**
   * The aggregator's query: one stream of pages of every recorded resource
   * of every account and region it aggregates, of the configured types.
   */
  #aggregatorPart(
    aggregator: AwsConfigAggregatorConfig,
    clientFor: ClientFor,
    signal?: AbortSignal,
  ): Part {
    const { name, region, accountId, resourceTypes } = aggregator;
    const where = [
      resourceTypes &&
        `resourceType IN (${resourceTypes.map(t => `'${t}'`).join(', ')})`,
      this.#settings.regions &&
        `awsRegion IN (${this.#settings.regions
          .map(r => `'${r}'`)
          .join(', ')})`,
    ].filter(Boolean);
    const expression = where.length
      ? `${AWS_CONFIG_SELECT} WHERE ${where.join(' AND ')}`
      : AWS_CONFIG_SELECT;
    const label = `aggregator ${name} in ${region}`;
    return {
      key: `config:${name}`,
      label,
      read: async () => {
        const credentials = this.#aggregatorCredentials;
        const { SelectAggregateResourceConfigCommand } = sdkOf(
          this.#sdk,
          'config',
        );
        const client = clientFor(
          'config',
          region,
          accountId ?? 'main',
          credentials,
        );
        const mapper = createConfigItemMapper();
        const ctx = this.#context(
          { accountId: accountId ?? 'main', credentials },
          region,
          clientFor,
          signal,
          `of ${label}`,
        );
        await paginate(
          ctx,
          'SelectAggregateResourceConfig',
          'config:SelectAggregateResourceConfig',
          async NextToken => {
            const out = await client.send(
              new SelectAggregateResourceConfigCommand({
                ConfigurationAggregatorName: name,
                Expression: expression,
                Limit: 100,
                NextToken,
              }),
              { abortSignal: signal },
            );
            const results = requireList<string>(out.Results, 'Results');
            return {
              items: results.map(result => {
                try {
                  return JSON.parse(result);
                } catch {
                  throw new MalformedAnswerError(
                    'a result is not a JSON object',
                  );
                }
              }),
              next: out.NextToken,
            };
          },
          items => mapper.add(items),
        );
        return mapper.finish();
      },
    };
  }

  /**
   * The parts of every configured account (else the main account): one per
   * lister and region, or per account for a global lister. An account
   * whose credentials or regions cannot be had fails as one part, which
   * stands for all of its parts.
   */
  async #accountParts(
    clientFor: ClientFor,
    signal?: AbortSignal,
  ): Promise<{ parts: Part[]; failures: PartOutcome[] }> {
    const { accounts, concurrency, defaultRegion, regions } = this.#settings;
    const parts: Part[] = [];
    const failures: PartOutcome[] = [];
    const targets = await mapWithConcurrency(
      accounts ?? [undefined],
      concurrency,
      async account => {
        const key = `services:${account?.accountId ?? 'main'}`;
        try {
          const identity = await this.#identity(account, signal);
          return {
            identity,
            regions:
              regions ??
              (await this.#enabledRegions(
                identity,
                clientFor(
                  'ec2',
                  defaultRegion,
                  identity.accountId,
                  identity.credentials,
                ),
                signal,
              )),
          };
        } catch (error) {
          if (signal?.aborted) {
            throw error;
          }
          // Without configured accounts, the main account's failure covers
          // every services part, whatever account it turns out to be.
          const mainKey = this.#callerAccountId
            ? `services:${this.#callerAccountId}`
            : 'services';
          failures.push({
            key: account ? key : mainKey,
            error,
            label: `account ${account?.accountId ?? 'of the main credentials'}`,
          });
          return undefined;
        }
      },
    );
    for (const target of targets) {
      if (!target) {
        continue;
      }
      const { identity } = target;
      for (const lister of this.#listers) {
        for (const region of lister.global ? [defaultRegion] : target.regions) {
          const where = lister.global ? 'global' : region;
          const label = `${lister.name} of account ${identity.accountId}${
            lister.global ? '' : ` in ${region}`
          }`;
          parts.push({
            key: `services:${identity.accountId}:${where}:${lister.name}`,
            label,
            read: () =>
              lister.list(
                this.#context(
                  identity,
                  region,
                  clientFor,
                  signal,
                  lister.global
                    ? `for account ${identity.accountId}`
                    : `for account ${identity.accountId} in ${region}`,
                ),
              ),
          });
        }
      }
    }
    return { parts, failures };
  }

  /** What a lister (or the aggregator's query) runs with. */
  #context(
    identity: Identity,
    region: string,
    clientFor: ClientFor,
    signal: AbortSignal | undefined,
    where: string,
  ): AwsListContext {
    return {
      accountId: identity.accountId,
      region,
      types: new Set(this.#settings.types),
      sdk: this.#sdk,
      signal,
      client: (service, inRegion = region) =>
        clientFor(service, inRegion, identity.accountId, identity.credentials),
      call: (what, iamAction, fn) =>
        this.#call(`${what} ${where}`, fn, signal, iamAction),
    };
  }

  /**
   * The credentials of a configured account, fetched up front so that a
   * failure names the account (and the role); else the main account's own.
   */
  async #identity(
    account: AwsAccountConfig | undefined,
    signal?: AbortSignal,
  ): Promise<Identity> {
    if (!account) {
      return {
        accountId: await this.#callerAccount(signal),
        credentials: this.#mainCredentials,
      };
    }
    const credentials = this.#accountCredentials.get(account.accountId)!;
    await this.#call(
      account.roleArn
        ? `AssumeRole of ${account.roleArn} for account ${account.accountId}`
        : `credentials of account ${account.accountId} from the aws integration config`,
      () => credentials(),
      signal,
      account.roleArn ? 'sts:AssumeRole' : undefined,
    );
    return { accountId: account.accountId, credentials };
  }

  async #callerAccount(signal?: AbortSignal): Promise<string> {
    if (!this.#callerAccountId) {
      const sts = this.#newClient(
        'sts',
        this.#settings.defaultRegion,
        this.#mainCredentials,
      );
      try {
        const out = await this.#call(
          'GetCallerIdentity of the default credentials',
          () =>
            sts.send(
              new (sdkOf(this.#sdk, 'sts').GetCallerIdentityCommand)({}),
              { abortSignal: signal },
            ),
          signal,
          'sts:GetCallerIdentity',
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
    identity: Identity,
    client: any,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const { DescribeRegionsCommand } = sdkOf(this.#sdk, 'ec2');
    const regions = await this.#call(
      `DescribeRegions for account ${identity.accountId} in ${
        this.#settings.defaultRegion
      }`,
      async () => {
        const out = await client.send(new DescribeRegionsCommand({}), {
          abortSignal: signal,
        });
        return requireList(out.Regions, 'regionInfo') as Array<{
          RegionName?: string;
          OptInStatus?: string;
        }>;
      },
      signal,
      'ec2:DescribeRegions',
    );
    return regions
      .filter(region => region.OptInStatus !== 'not-opted-in')
      .map(region => region.RegionName)
      .filter((name): name is string => !!name)
      .sort();
  }

  /**
   * Runs one request with retries, one warning per retry, and an error that
   * names the source, account, region and call when it finally fails.
   */
  async #call<T>(
    what: string,
    fn: () => Promise<T>,
    signal?: AbortSignal,
    iamAction?: string,
  ): Promise<T> {
    const where = `AWS source "${this.id}": ${what}`;
    const { retries, retryBaseDelayMs, logger, apiRequests } = this.#settings;
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
          // Calls without an IAM action read configured credentials, no API.
          requests: iamAction ? apiRequests?.(iamAction) : undefined,
          onRetry: ({ error, attempt, delayMs }) =>
            logger.warn(
              `${where} failed (${describeAwsError(
                error,
              )}); retry ${attempt} of ${retries} in ${delayMs} ms`,
            ),
        },
      );
    } catch (error) {
      if (signal?.aborted || error instanceof AwsCallError) {
        throw error;
      }
      const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
      throw new AwsCallError(
        `${where} failed${tries}: ${describeAwsError(error)}`,
        iamAction,
        error,
      );
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the AWS source of one `catalog.providers.multicloud.<id>` block
 * (`type: aws`): every resource an AWS Config aggregator records
 * (`configAggregator`), and the resources of the configured `types` (EC2,
 * RDS, S3, Lambda, EKS, load balancers, DynamoDB, ElastiCache, ECS, SQS,
 * SNS) of each configured account and region, read by each service's own
 * API. Credentials come from Backstage's `aws` integration config
 * (`rootConfig`), read by `DefaultAwsCredentialsManager`; the source's own
 * `accounts[].roleArn` / `externalId` still work, with a warning.
 */
export function createAwsSource(
  options: CloudSourceFactoryOptions & {
    rootConfig: Config;
  } & AwsSourceTestOptions,
): PartedCloudSource {
  const { config, id, logger } = options;
  const awsConfig = readAwsSourceConfig(id, config);
  if (awsConfig.accounts?.some(account => account.roleArn)) {
    logger.warn(
      `AWS source "${id}": accounts[].roleArn and accounts[].externalId are deprecated; ` +
        `configure each account's role under aws.accounts (accountId, roleName, externalId), ` +
        `which every AWS plugin of Backstage reads, and list only its accountId here`,
    );
  }
  const listers =
    awsConfig.configAggregator && !awsConfig.accounts
      ? []
      : listersFor(awsConfig.types);
  return new AwsSource(
    {
      id,
      logger,
      ...awsConfig,
      ...readSharedSourceOptions(config),
      retryBaseDelayMs: options.retryBaseDelayMs,
      apiRequests: options.apiRequests,
    },
    listers,
    loadAwsSdk(servicesOf(awsConfig, listers)),
    options.rootConfig,
  );
}
