import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AWS_SERVICES, AwsService } from './awsSdk';

/** EC2 kinds, one `Describe*` listing each. */
export const AWS_EC2_TYPES = [
  'instances',
  'vpcs',
  'subnets',
  'security-groups',
  'volumes',
  'network-interfaces',
  'elastic-ips',
  'nat-gateways',
] as const;

/** The other services' kinds, read by their own SDK clients. */
export const AWS_SERVICE_TYPES = [
  'rds-instances',
  'rds-clusters',
  'rds-subnet-groups',
  's3-buckets',
  'lambda-functions',
  'eks-clusters',
  'load-balancers',
  'target-groups',
  'dynamodb-tables',
  'elasticache-clusters',
  'ecs-clusters',
  'ecs-services',
  'sqs-queues',
  'sns-topics',
] as const;

/** What the per-service listers of a source read: its `types`. */
export const AWS_TYPES = [...AWS_EC2_TYPES, ...AWS_SERVICE_TYPES] as const;

export type AwsType = (typeof AWS_TYPES)[number];

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

/** An AWS Config aggregator to read every recorded resource through. */
export type AwsConfigAggregatorConfig = {
  name: string;
  /** Region of the aggregator. */
  region: string;
  /** Account the aggregator lives in; undefined: the main account. */
  accountId?: string;
  /** CloudFormation types to read; undefined reads every recorded type. */
  resourceTypes?: string[];
};

/** A `type: aws` source block, read and checked. */
export type AwsSourceConfig = {
  /** Regions to read; undefined reads every region enabled for the account. */
  regions?: string[];
  defaultRegion: string;
  /**
   * Accounts the per-service listers read; undefined reads the main
   * account's own, unless an aggregator is configured (then none).
   */
  accounts?: AwsAccountConfig[];
  /** Endpoint overrides by service. */
  endpoints: Partial<Record<AwsService, string>>;
  /** What the per-service listers read. */
  types: AwsType[];
  configAggregator?: AwsConfigAggregatorConfig;
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

function readTypes(id: string, config: Config): AwsType[] {
  const key = config.has('resourceKinds') ? 'resourceKinds' : 'types';
  if (config.has('resourceKinds') && config.has('types')) {
    throw new InputError(
      `AWS source "${id}": set types, not both types and the deprecated resourceKinds`,
    );
  }
  const types = config.getOptionalStringArray(key);
  if (!types) {
    return [...AWS_TYPES];
  }
  for (const type of types) {
    if (!(AWS_TYPES as readonly string[]).includes(type)) {
      throw new InputError(
        `AWS source "${id}": unknown ${key} entry "${type}"; expected some of ${AWS_TYPES.join(
          ', ',
        )}`,
      );
    }
  }
  return [...new Set(types as AwsType[])];
}

function readEndpoints(
  id: string,
  config: Config,
): Partial<Record<AwsService, string>> {
  const endpoints: Partial<Record<AwsService, string>> = {};
  const block = config.getOptionalConfig('endpoints');
  for (const service of block?.keys() ?? []) {
    if (!(AWS_SERVICES as string[]).includes(service)) {
      throw new InputError(
        `AWS source "${id}": unknown endpoints entry "${service}"; expected some of ${AWS_SERVICES.join(
          ', ',
        )}`,
      );
    }
    endpoints[service as AwsService] = block!.getString(service);
  }
  // The older keys, for EC2 and STS.
  const ec2 = config.getOptionalString('endpoint');
  const sts = config.getOptionalString('stsEndpoint');
  if (ec2 && !endpoints.ec2) {
    endpoints.ec2 = ec2;
  }
  if (sts && !endpoints.sts) {
    endpoints.sts = sts;
  }
  return endpoints;
}

/** The longest expression Config accepts. */
const MAX_CONFIG_EXPRESSION = 4096;
const CLOUDFORMATION_TYPE = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
/** eu-west-1, us-gov-west-1, cn-north-1, ap-southeast-4 … */
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function readConfigAggregator(
  id: string,
  config: Config,
  defaultRegion: string,
): AwsConfigAggregatorConfig | undefined {
  const block = config.getOptionalConfig('configAggregator');
  if (!block) {
    return undefined;
  }
  const name = block.getString('name');
  if (!/^[\w-]{1,256}$/.test(name)) {
    throw new InputError(
      `AWS source "${id}": configAggregator.name "${name}" is not an aggregator name (letters, digits, _ and -)`,
    );
  }
  const accountId = block.getOptionalString('accountId');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    throw new InputError(
      `AWS source "${id}": configAggregator.accountId "${accountId}" is not a 12-digit AWS account id`,
    );
  }
  const resourceTypes = block.getOptionalStringArray('resourceTypes');
  if (resourceTypes) {
    if (resourceTypes.length === 0) {
      throw new InputError(
        `AWS source "${id}": configAggregator.resourceTypes is empty; omit it to read every recorded type`,
      );
    }
    const wrong = resourceTypes.find(type => !CLOUDFORMATION_TYPE.test(type));
    if (wrong) {
      throw new InputError(
        `AWS source "${id}": configAggregator.resourceTypes entry "${wrong}" is not a CloudFormation type such as AWS::RDS::DBInstance`,
      );
    }
    if (resourceTypes.join("','").length > MAX_CONFIG_EXPRESSION - 200) {
      throw new InputError(
        `AWS source "${id}": configAggregator.resourceTypes makes a query longer than Config's ${MAX_CONFIG_EXPRESSION} characters; list fewer types, or omit it to read every recorded type`,
      );
    }
  }
  return {
    name,
    region: block.getOptionalString('region') ?? defaultRegion,
    accountId,
    resourceTypes: resourceTypes ? [...new Set(resourceTypes)] : undefined,
  };
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
  // Regions go into the Config aggregator's query text: only region names.
  const wrongRegion = regions?.find(region => !AWS_REGION.test(region));
  if (wrongRegion !== undefined) {
    throw new InputError(
      `AWS source "${id}": regions entry "${wrongRegion}" is not an AWS region such as eu-west-1`,
    );
  }
  const defaultRegion =
    config.getOptionalString('defaultRegion') ?? 'us-east-1';
  return {
    regions,
    defaultRegion,
    accounts: readAccounts(id, config),
    endpoints: readEndpoints(id, config),
    types: readTypes(id, config),
    configAggregator: readConfigAggregator(id, config, defaultRegion),
  };
}
