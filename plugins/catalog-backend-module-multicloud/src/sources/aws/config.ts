import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

export const AWS_RESOURCE_KINDS = [
  'instances',
  'vpcs',
  'subnets',
  'security-groups',
  'volumes',
  'network-interfaces',
  'elastic-ips',
  'nat-gateways',
] as const;

export type AwsResourceKind = (typeof AWS_RESOURCE_KINDS)[number];

/**
 * One account to read. Its credentials come from Backstage's `aws`
 * integration config (`aws.accounts`, `aws.accountDefaults`,
 * `aws.mainAccount`), unless the deprecated `roleArn` names a role to
 * assume with the main account's credentials.
 */
export type AwsAccountConfig = {
  accountId: string;
  /** @deprecated configure the role under `aws.accounts` (`roleName`). */
  roleArn?: string;
  /** @deprecated configure it under `aws.accounts` (`externalId`). */
  externalId?: string;
};

/** A `type: aws` source block, read and checked. */
export type AwsSourceConfig = {
  /** Regions to read; undefined reads every region enabled for the account. */
  regions?: string[];
  defaultRegion: string;
  /** Accounts to read; undefined reads the main account's own. */
  accounts?: AwsAccountConfig[];
  endpoint?: string;
  stsEndpoint?: string;
  resourceKinds: AwsResourceKind[];
};

function readAccounts(
  id: string,
  config: Config,
): AwsAccountConfig[] | undefined {
  const accounts = config.getOptionalConfigArray('accounts');
  if (!accounts) {
    return undefined;
  }
  if (accounts.length === 0) {
    throw new InputError(
      `AWS source "${id}": accounts is empty; omit it to read the main account of the aws integration config`,
    );
  }
  const seen = new Set<string>();
  return accounts.map(account => {
    const accountId = account.getString('accountId');
    if (!/^\d{12}$/.test(accountId)) {
      throw new InputError(
        `AWS source "${id}": accountId "${accountId}" is not a 12-digit AWS account id (quote it in YAML to keep leading zeros)`,
      );
    }
    if (seen.has(accountId)) {
      throw new InputError(
        `AWS source "${id}": account ${accountId} is listed twice in accounts`,
      );
    }
    seen.add(accountId);
    const roleArn = account.getOptionalString('roleArn');
    const externalId = account.getOptionalString('externalId');
    if (externalId !== undefined && roleArn === undefined) {
      throw new InputError(
        `AWS source "${id}": account ${accountId} has an externalId but no roleArn; configure both under aws.accounts (roleName, externalId) instead`,
      );
    }
    return { accountId, roleArn, externalId };
  });
}

function readResourceKinds(id: string, config: Config): AwsResourceKind[] {
  const kinds = config.getOptionalStringArray('resourceKinds');
  if (!kinds) {
    return [...AWS_RESOURCE_KINDS];
  }
  for (const kind of kinds) {
    if (!(AWS_RESOURCE_KINDS as readonly string[]).includes(kind)) {
      throw new InputError(
        `AWS source "${id}": unknown resourceKinds entry "${kind}"; expected some of ${AWS_RESOURCE_KINDS.join(
          ', ',
        )}`,
      );
    }
  }
  return [...new Set(kinds as AwsResourceKind[])];
}

/**
 * Reads and checks a `type: aws` source block; throws an InputError naming
 * the source and the offending key.
 */
export function readAwsSourceConfig(
  id: string,
  config: Config,
): AwsSourceConfig {
  const regions = config.getOptionalStringArray('regions');
  if (regions && regions.length === 0) {
    throw new InputError(
      `AWS source "${id}": regions is empty; omit it to read every enabled region`,
    );
  }
  return {
    regions,
    defaultRegion: config.getOptionalString('defaultRegion') ?? 'us-east-1',
    accounts: readAccounts(id, config),
    endpoint: config.getOptionalString('endpoint'),
    stsEndpoint: config.getOptionalString('stsEndpoint'),
    resourceKinds: readResourceKinds(id, config),
  };
}
