/*
 * The AWS SDK clients the AWS source runs on. Each is loaded when a source
 * that needs it is created, by a deferred `require` rather than `import()`,
 * which Jest runs only under `--experimental-vm-modules`; both defer the
 * loading alike. A backend without an AWS source loads none of them, and a
 * source that reads only EC2 loads no other service's client.
 */

const LOADERS = {
  ec2: () =>
    require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2'),
  sts: () =>
    require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts'),
  config: () =>
    require('@aws-sdk/client-config-service') as typeof import('@aws-sdk/client-config-service'),
  rds: () =>
    require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds'),
  s3: () =>
    require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'),
  lambda: () =>
    require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda'),
  eks: () =>
    require('@aws-sdk/client-eks') as typeof import('@aws-sdk/client-eks'),
  elbv2: () =>
    require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2'),
  dynamodb: () =>
    require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'),
  elasticache: () =>
    require('@aws-sdk/client-elasticache') as typeof import('@aws-sdk/client-elasticache'),
  ecs: () =>
    require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs'),
  sqs: () =>
    require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs'),
  sns: () =>
    require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns'),
  tagging: () =>
    require('@aws-sdk/client-resource-groups-tagging-api') as typeof import('@aws-sdk/client-resource-groups-tagging-api'),
};

/**
 * An AWS service the source calls, by the key of its endpoint override
 * (`endpoints.<service>`).
 */
export type AwsService = keyof typeof LOADERS;

export const AWS_SERVICES = Object.keys(LOADERS) as AwsService[];

/** The name of each service's client class in its package. */
const CLIENT_CLASSES = {
  ec2: 'EC2Client',
  sts: 'STSClient',
  config: 'ConfigServiceClient',
  rds: 'RDSClient',
  s3: 'S3Client',
  lambda: 'LambdaClient',
  eks: 'EKSClient',
  elbv2: 'ElasticLoadBalancingV2Client',
  dynamodb: 'DynamoDBClient',
  elasticache: 'ElastiCacheClient',
  ecs: 'ECSClient',
  sqs: 'SQSClient',
  sns: 'SNSClient',
  tagging: 'ResourceGroupsTaggingAPIClient',
} as const satisfies {
  [S in AwsService]: keyof ReturnType<(typeof LOADERS)[S]>;
};

/** The client class of each service. */
export type AwsClients = {
  ec2: import('@aws-sdk/client-ec2').EC2Client;
  sts: import('@aws-sdk/client-sts').STSClient;
  config: import('@aws-sdk/client-config-service').ConfigServiceClient;
  rds: import('@aws-sdk/client-rds').RDSClient;
  s3: import('@aws-sdk/client-s3').S3Client;
  lambda: import('@aws-sdk/client-lambda').LambdaClient;
  eks: import('@aws-sdk/client-eks').EKSClient;
  elbv2: import('@aws-sdk/client-elastic-load-balancing-v2').ElasticLoadBalancingV2Client;
  dynamodb: import('@aws-sdk/client-dynamodb').DynamoDBClient;
  elasticache: import('@aws-sdk/client-elasticache').ElastiCacheClient;
  ecs: import('@aws-sdk/client-ecs').ECSClient;
  sqs: import('@aws-sdk/client-sqs').SQSClient;
  sns: import('@aws-sdk/client-sns').SNSClient;
  tagging: import('@aws-sdk/client-resource-groups-tagging-api').ResourceGroupsTaggingAPIClient;
};

/** The loaded client packages: those of the services asked for. */
export type AwsSdk = {
  [S in AwsService]?: ReturnType<(typeof LOADERS)[S]>;
} & {
  credentialProviders: typeof import('@aws-sdk/credential-providers');
  integration: typeof import('@backstage/integration-aws-node');
};

/** Loads the client packages of `services`, and the credential helpers. */
export function loadAwsSdk(services: Iterable<AwsService>): AwsSdk {
  const sdk: Record<string, unknown> = {
    credentialProviders: require('@aws-sdk/credential-providers'),
    integration: require('@backstage/integration-aws-node'),
  };
  for (const service of services) {
    sdk[service] = LOADERS[service]();
  }
  return sdk as AwsSdk;
}

/** A loaded client package; throws when its service was not asked for. */
export function sdkOf<S extends AwsService>(
  sdk: AwsSdk,
  service: S,
): NonNullable<AwsSdk[S]> {
  const module = sdk[service];
  if (!module) {
    throw new Error(`the AWS SDK client of ${service} was not loaded`);
  }
  return module as NonNullable<AwsSdk[S]>;
}

/** A new client of `service`, from its loaded package. */
export function newAwsClient<S extends AwsService>(
  sdk: AwsSdk,
  service: S,
  config: object,
): AwsClients[S] {
  const module = sdkOf(sdk, service) as Record<string, unknown>;
  const ClientClass = module[CLIENT_CLASSES[service]] as new (
    clientConfig: object,
  ) => AwsClients[S];
  return new ClientClass(config);
}
