import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { AwsClients, AwsSdk, AwsService, sdkOf } from './awsSdk';
import { AwsType } from './config';
import {
  AwsMappingScope,
  mapAddresses,
  mapNatGateways,
  mapNetworkInterfaces,
  mapReservations,
  mapSecurityGroups,
  mapSubnets,
  mapVolumes,
  mapVpcs,
  tagMap,
} from './mapAwsResources';
import {
  AwsBucket,
  AwsTagLookup,
  bucketArn,
  mapBuckets,
  mapCacheClusters,
  mapDbClusters,
  mapDbInstances,
  mapDbSubnetGroups,
  mapEcsClusters,
  mapEcsServices,
  mapEksClusters,
  mapFunctions,
  mapLoadBalancers,
  mapQueues,
  mapTables,
  mapTargetGroups,
  mapTopics,
  queueArn,
  tableArn,
} from './mapAwsServiceResources';

/** Thrown when an answer lacks the list it must carry. */
export class MalformedAnswerError extends Error {}

export function requireList<T>(items: T[] | undefined, element: string): T[] {
  if (!items) {
    throw new MalformedAnswerError(`the answer has no <${element}>`);
  }
  return items;
}

/** What a lister is given for one account in one region. */
export type AwsListContext = {
  accountId: string;
  /** The region read; for a global lister (S3), the source's default region. */
  region: string;
  types: ReadonlySet<AwsType>;
  sdk: AwsSdk;
  signal?: AbortSignal;
  /** The client of a service in a region, made once per run. */
  client<S extends AwsService>(service: S, region?: string): AwsClients[S];
  /**
   * Runs one request with retries; `what` names it (`DescribeDBInstances
   * (page 2)`) and `iamAction` the permission it needs
   * (`rds:DescribeDBInstances`), for the log when it fails.
   */
  call<T>(what: string, iamAction: string, fn: () => Promise<T>): Promise<T>;
};

/** A page of a listing: its items and the token of the next page, if any. */
type Page<T> = { items: T[]; next?: string };

/**
 * Reads a listing page by page, following its token until the last page,
 * and hands each page to `onPage` before reading the next one, so that a
 * page's answer is garbage by the time the next one arrives.
 */
export async function paginate<T>(
  ctx: AwsListContext,
  action: string,
  iamAction: string,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  onPage: (items: T[]) => Promise<void> | void,
): Promise<void> {
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const current = token;
    const result = await ctx.call(`${action} (page ${page})`, iamAction, () =>
      fetchPage(current),
    );
    await onPage(result.items);
    token = result.next || undefined;
    if (!token) {
      return;
    }
    if (seenTokens.has(token)) {
      throw new Error(
        `${action} for account ${ctx.accountId} in ${ctx.region} returned the token of an earlier page again; stopping instead of looping`,
      );
    }
    seenTokens.add(token);
  }
}

/** The most ARNs one `GetResources` call takes. */
const TAGGING_BATCH = 100;

/**
 * Tags of a page of resources whose listing carries none: one Resource
 * Groups Tagging API `GetResources` call per 100 ARNs, in the region they
 * live in. Resources without tags are absent from its answer.
 */
export async function tagsFor(
  ctx: AwsListContext,
  arns: string[],
  region = ctx.region,
): Promise<AwsTagLookup> {
  const tags = new Map<string, Record<string, string>>();
  const { GetResourcesCommand } = sdkOf(ctx.sdk, 'tagging');
  const client = ctx.client('tagging', region);
  for (let start = 0; start < arns.length; start += TAGGING_BATCH) {
    const batch = arns.slice(start, start + TAGGING_BATCH);
    await paginate(
      { ...ctx, region },
      region === ctx.region ? 'GetResources' : `GetResources in ${region}`,
      'tag:GetResources',
      async PaginationToken => {
        const out = await client.send(
          new GetResourcesCommand({ ResourceARNList: batch, PaginationToken }),
          { abortSignal: ctx.signal },
        );
        return {
          items: out.ResourceTagMappingList ?? [],
          next: out.PaginationToken,
        };
      },
      mappings => {
        for (const mapping of mappings) {
          if (mapping?.ResourceARN) {
            tags.set(mapping.ResourceARN, tagMap(mapping.Tags));
          }
        }
      },
    );
  }
  return arn => tags.get(arn);
}

/**
 * One unit of reading, and of failure: a listing of one account (and region,
 * unless it is global) that yields resources of some `types`. A lister that
 * fails keeps the resources of its last good run.
 */
export type AwsLister = {
  /** Names it in logs and in the remembered parts. */
  name: string;
  /** The types it yields; it runs when a source reads any of them. */
  types: AwsType[];
  /** The services whose clients it calls. */
  services: AwsService[];
  /** Read once per account rather than per region (S3). */
  global?: boolean;
  list(ctx: AwsListContext): Promise<CloudResource[]>;
};

const scopeOf = (ctx: AwsListContext): AwsMappingScope => ({
  accountId: ctx.accountId,
  region: ctx.region,
});

/**
 * Half the largest page the EC2 listings accept (1000). The SDK decodes a
 * page whole, holding its XML text, parse tree and output at once for long
 * enough that the garbage collector moves them to the old generation;
 * half-size pages leave less there, for a few more requests.
 */
const EC2_PAGE = 500;

/** An EC2 `Describe*` listing, driven page by page with `NextToken`. */
function ec2Lister(
  type: AwsType,
  action: string,
  run: (
    ec2: NonNullable<AwsSdk['ec2']>,
    client: AwsClients['ec2'],
    token: string | undefined,
    scope: AwsMappingScope,
    signal: AbortSignal | undefined,
  ) => Promise<{ resources: CloudResource[]; next?: string }>,
): AwsLister {
  return {
    name: type,
    types: [type],
    services: ['ec2'],
    async list(ctx) {
      const ec2 = sdkOf(ctx.sdk, 'ec2');
      const client = ctx.client('ec2');
      const resources: CloudResource[] = [];
      await paginate(
        ctx,
        action,
        `ec2:${action}`,
        async token => {
          const page = await run(ec2, client, token, scopeOf(ctx), ctx.signal);
          return { items: page.resources, next: page.next };
        },
        items => {
          resources.push(...items);
        },
      );
      return resources;
    },
  };
}

const EC2_LISTERS: AwsLister[] = [
  ec2Lister(
    'instances',
    'DescribeInstances',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeInstancesCommand({ NextToken, MaxResults: EC2_PAGE }),
        { abortSignal },
      );
      return {
        resources: mapReservations(
          requireList(out.Reservations, 'reservationSet'),
          scope,
        ),
        next: out.NextToken,
      };
    },
  ),
  ec2Lister(
    'vpcs',
    'DescribeVpcs',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeVpcsCommand({ NextToken, MaxResults: EC2_PAGE }),
        { abortSignal },
      );
      return {
        resources: mapVpcs(requireList(out.Vpcs, 'vpcSet'), scope),
        next: out.NextToken,
      };
    },
  ),
  ec2Lister(
    'subnets',
    'DescribeSubnets',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeSubnetsCommand({ NextToken, MaxResults: EC2_PAGE }),
        { abortSignal },
      );
      return {
        resources: mapSubnets(requireList(out.Subnets, 'subnetSet'), scope),
        next: out.NextToken,
      };
    },
  ),
  ec2Lister(
    'security-groups',
    'DescribeSecurityGroups',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeSecurityGroupsCommand({
          NextToken,
          MaxResults: EC2_PAGE,
        }),
        { abortSignal },
      );
      return {
        resources: mapSecurityGroups(
          requireList(out.SecurityGroups, 'securityGroupInfo'),
          scope,
        ),
        next: out.NextToken,
      };
    },
  ),
  ec2Lister(
    'volumes',
    'DescribeVolumes',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeVolumesCommand({ NextToken, MaxResults: EC2_PAGE }),
        { abortSignal },
      );
      return {
        resources: mapVolumes(requireList(out.Volumes, 'volumeSet'), scope),
        next: out.NextToken,
      };
    },
  ),
  ec2Lister(
    'network-interfaces',
    'DescribeNetworkInterfaces',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeNetworkInterfacesCommand({
          NextToken,
          MaxResults: EC2_PAGE,
        }),
        { abortSignal },
      );
      return {
        resources: mapNetworkInterfaces(
          requireList(out.NetworkInterfaces, 'networkInterfaceSet'),
          scope,
        ),
        next: out.NextToken,
      };
    },
  ),
  // DescribeAddresses is not paginated: one call returns every address.
  ec2Lister(
    'elastic-ips',
    'DescribeAddresses',
    async (ec2, client, _token, scope, abortSignal) => {
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
  ),
  ec2Lister(
    'nat-gateways',
    'DescribeNatGateways',
    async (ec2, client, NextToken, scope, abortSignal) => {
      const out = await client.send(
        new ec2.DescribeNatGatewaysCommand({
          NextToken,
          MaxResults: EC2_PAGE,
        }),
        { abortSignal },
      );
      return {
        resources: mapNatGateways(
          requireList(out.NatGateways, 'natGatewaySet'),
          scope,
        ),
        next: out.NextToken,
      };
    },
  ),
];

/**
 * Pages of the listings below whose tags come from the Tagging API: 100
 * resources, so that a page takes one `GetResources` call.
 */
const TAGGED_PAGE = 100;

const rdsInstances: AwsLister = {
  name: 'rds-instances',
  types: ['rds-instances'],
  services: ['rds'],
  async list(ctx) {
    const rds = sdkOf(ctx.sdk, 'rds');
    const client = ctx.client('rds');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'DescribeDBInstances',
      'rds:DescribeDBInstances',
      async Marker => {
        const out = await client.send(
          new rds.DescribeDBInstancesCommand({ Marker, MaxRecords: 100 }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.DBInstances, 'DBInstances'),
          next: out.Marker,
        };
      },
      items => {
        resources.push(...mapDbInstances(items, scopeOf(ctx)));
      },
    );
    return resources;
  },
};

const rdsClusters: AwsLister = {
  name: 'rds-clusters',
  types: ['rds-clusters'],
  services: ['rds'],
  async list(ctx) {
    const rds = sdkOf(ctx.sdk, 'rds');
    const client = ctx.client('rds');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'DescribeDBClusters',
      'rds:DescribeDBClusters',
      async Marker => {
        const out = await client.send(
          new rds.DescribeDBClustersCommand({ Marker, MaxRecords: 100 }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.DBClusters, 'DBClusters'),
          next: out.Marker,
        };
      },
      items => {
        resources.push(...mapDbClusters(items, scopeOf(ctx)));
      },
    );
    return resources;
  },
};

const rdsSubnetGroups: AwsLister = {
  name: 'rds-subnet-groups',
  types: ['rds-subnet-groups'],
  services: ['rds', 'tagging'],
  async list(ctx) {
    const rds = sdkOf(ctx.sdk, 'rds');
    const client = ctx.client('rds');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'DescribeDBSubnetGroups',
      'rds:DescribeDBSubnetGroups',
      async Marker => {
        const out = await client.send(
          new rds.DescribeDBSubnetGroupsCommand({
            Marker,
            MaxRecords: TAGGED_PAGE,
          }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.DBSubnetGroups, 'DBSubnetGroups'),
          next: out.Marker,
        };
      },
      async items => {
        const tags = await tagsFor(
          ctx,
          items.flatMap(group => group.DBSubnetGroupArn ?? []),
        );
        resources.push(...mapDbSubnetGroups(items, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

/** `GetBucketLocation`'s answer as a region: none is us-east-1, `EU` is eu-west-1. */
function regionOfLocation(location: string | undefined): string {
  if (!location) {
    return 'us-east-1';
  }
  return location === 'EU' ? 'eu-west-1' : location;
}

const s3Buckets: AwsLister = {
  name: 's3-buckets',
  types: ['s3-buckets'],
  services: ['s3', 'tagging'],
  global: true,
  async list(ctx) {
    const s3 = sdkOf(ctx.sdk, 's3');
    const client = ctx.client('s3');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListBuckets',
      's3:ListAllMyBuckets',
      async ContinuationToken => {
        const out = await client.send(
          new s3.ListBucketsCommand({
            ContinuationToken,
            MaxBuckets: TAGGED_PAGE,
          }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.Buckets, 'Buckets') as AwsBucket[],
          next: out.ContinuationToken,
        };
      },
      async items => {
        const buckets: AwsBucket[] = [];
        for (const bucket of items) {
          // ListBuckets names each bucket's region; an answer that does not
          // (an older S3-compatible endpoint) leaves one call per bucket.
          let region = bucket.BucketRegion;
          if (!region && bucket.Name) {
            const out = await ctx.call(
              `GetBucketLocation of ${bucket.Name}`,
              's3:GetBucketLocation',
              () =>
                client.send(
                  new s3.GetBucketLocationCommand({ Bucket: bucket.Name }),
                  { abortSignal: ctx.signal },
                ),
            );
            region = regionOfLocation(out.LocationConstraint);
          }
          buckets.push({ ...bucket, BucketRegion: region });
        }
        const byRegion = new Map<string, string[]>();
        for (const bucket of buckets) {
          const arn = bucketArn(bucket.Name, bucket.BucketRegion!);
          if (arn) {
            byRegion.set(bucket.BucketRegion!, [
              ...(byRegion.get(bucket.BucketRegion!) ?? []),
              arn,
            ]);
          }
        }
        const tags = new Map<string, Record<string, string>>();
        for (const [region, arns] of byRegion) {
          const lookup = await tagsFor(ctx, arns, region);
          for (const arn of arns) {
            const found = lookup(arn);
            if (found) {
              tags.set(arn, found);
            }
          }
        }
        resources.push(
          ...mapBuckets(buckets, { accountId: ctx.accountId }, arn =>
            tags.get(arn),
          ),
        );
      },
    );
    return resources;
  },
};

const lambdaFunctions: AwsLister = {
  name: 'lambda-functions',
  types: ['lambda-functions'],
  services: ['lambda', 'tagging'],
  async list(ctx) {
    const lambda = sdkOf(ctx.sdk, 'lambda');
    const client = ctx.client('lambda');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListFunctions',
      'lambda:ListFunctions',
      async Marker => {
        const out = await client.send(
          new lambda.ListFunctionsCommand({ Marker, MaxItems: 50 }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.Functions, 'Functions'),
          next: out.NextMarker,
        };
      },
      async items => {
        const tags = await tagsFor(
          ctx,
          items.flatMap(fn => fn.FunctionArn ?? []),
        );
        resources.push(...mapFunctions(items, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

const eksClusters: AwsLister = {
  name: 'eks-clusters',
  types: ['eks-clusters'],
  services: ['eks'],
  async list(ctx) {
    const eks = sdkOf(ctx.sdk, 'eks');
    const client = ctx.client('eks');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListClusters',
      'eks:ListClusters',
      async nextToken => {
        const out = await client.send(
          new eks.ListClustersCommand({ nextToken, maxResults: 100 }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.clusters, 'clusters'),
          next: out.nextToken,
        };
      },
      async names => {
        // EKS has no batch describe: one DescribeCluster per cluster, for
        // its VPC, endpoint and tags. Accounts hold a few clusters.
        for (const name of names) {
          const out = await ctx.call(
            `DescribeCluster of ${name}`,
            'eks:DescribeCluster',
            () =>
              client.send(new eks.DescribeClusterCommand({ name }), {
                abortSignal: ctx.signal,
              }),
          );
          if (out.cluster) {
            resources.push(...mapEksClusters([out.cluster], scopeOf(ctx)));
          }
        }
      },
    );
    return resources;
  },
};

const loadBalancers: AwsLister = {
  name: 'elbv2',
  types: ['load-balancers', 'target-groups'],
  services: ['elbv2', 'tagging'],
  async list(ctx) {
    const elbv2 = sdkOf(ctx.sdk, 'elbv2');
    const client = ctx.client('elbv2');
    const resources: CloudResource[] = [];
    const targetGroupsByBalancer = new Map<string, string[]>();
    if (ctx.types.has('target-groups')) {
      await paginate(
        ctx,
        'DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroups',
        async Marker => {
          const out = await client.send(
            new elbv2.DescribeTargetGroupsCommand({
              Marker,
              PageSize: TAGGED_PAGE,
            }),
            { abortSignal: ctx.signal },
          );
          return {
            items: requireList(out.TargetGroups, 'TargetGroups'),
            next: out.NextMarker,
          };
        },
        async groups => {
          const targets = new Map<string, string[]>();
          // Registered targets have no batch listing: one
          // DescribeTargetHealth per group of instances or functions.
          for (const group of groups) {
            const arn = group.TargetGroupArn;
            for (const balancer of group.LoadBalancerArns ?? []) {
              const list = targetGroupsByBalancer.get(balancer) ?? [];
              list.push(arn!);
              targetGroupsByBalancer.set(balancer, list);
            }
            if (
              !arn ||
              (group.TargetType !== 'instance' && group.TargetType !== 'lambda')
            ) {
              continue;
            }
            const out = await ctx.call(
              `DescribeTargetHealth of ${group.TargetGroupName}`,
              'elasticloadbalancing:DescribeTargetHealth',
              () =>
                client.send(
                  new elbv2.DescribeTargetHealthCommand({
                    TargetGroupArn: arn,
                  }),
                  { abortSignal: ctx.signal },
                ),
            );
            targets.set(
              arn,
              (out.TargetHealthDescriptions ?? []).flatMap(
                description => description.Target?.Id ?? [],
              ),
            );
          }
          const tags = await tagsFor(
            ctx,
            groups.flatMap(group => group.TargetGroupArn ?? []),
          );
          resources.push(
            ...mapTargetGroups(
              groups,
              scopeOf(ctx),
              tags,
              arn => targets.get(arn) ?? [],
            ),
          );
        },
      );
    }
    if (ctx.types.has('load-balancers')) {
      await paginate(
        ctx,
        'DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancers',
        async Marker => {
          const out = await client.send(
            new elbv2.DescribeLoadBalancersCommand({
              Marker,
              PageSize: TAGGED_PAGE,
            }),
            { abortSignal: ctx.signal },
          );
          return {
            items: requireList(out.LoadBalancers, 'LoadBalancers'),
            next: out.NextMarker,
          };
        },
        async balancers => {
          const tags = await tagsFor(
            ctx,
            balancers.flatMap(balancer => balancer.LoadBalancerArn ?? []),
          );
          resources.push(
            ...mapLoadBalancers(
              balancers,
              scopeOf(ctx),
              tags,
              arn => targetGroupsByBalancer.get(arn) ?? [],
            ),
          );
        },
      );
    }
    return resources;
  },
};

const dynamodbTables: AwsLister = {
  name: 'dynamodb-tables',
  types: ['dynamodb-tables'],
  services: ['dynamodb', 'tagging'],
  async list(ctx) {
    const dynamodb = sdkOf(ctx.sdk, 'dynamodb');
    const client = ctx.client('dynamodb');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListTables',
      'dynamodb:ListTables',
      async ExclusiveStartTableName => {
        const out = await client.send(
          new dynamodb.ListTablesCommand({
            ExclusiveStartTableName,
            Limit: TAGGED_PAGE,
          }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.TableNames, 'TableNames'),
          next: out.LastEvaluatedTableName,
        };
      },
      async names => {
        const tags = await tagsFor(
          ctx,
          names.flatMap(name => tableArn(name, scopeOf(ctx)) ?? []),
        );
        resources.push(...mapTables(names, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

const elasticacheClusters: AwsLister = {
  name: 'elasticache-clusters',
  types: ['elasticache-clusters'],
  services: ['elasticache', 'tagging'],
  async list(ctx) {
    const elasticache = sdkOf(ctx.sdk, 'elasticache');
    const client = ctx.client('elasticache');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'DescribeCacheClusters',
      'elasticache:DescribeCacheClusters',
      async Marker => {
        const out = await client.send(
          new elasticache.DescribeCacheClustersCommand({
            Marker,
            MaxRecords: TAGGED_PAGE,
          }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.CacheClusters, 'CacheClusters'),
          next: out.Marker,
        };
      },
      async clusters => {
        const tags = await tagsFor(
          ctx,
          clusters.flatMap(cluster => cluster.ARN ?? []),
        );
        resources.push(...mapCacheClusters(clusters, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

/** The most services one `DescribeServices` call takes. */
const ECS_SERVICES_BATCH = 10;

const ecs: AwsLister = {
  name: 'ecs',
  types: ['ecs-clusters', 'ecs-services'],
  services: ['ecs'],
  async list(ctx) {
    const sdk = sdkOf(ctx.sdk, 'ecs');
    const client = ctx.client('ecs');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListClusters',
      'ecs:ListClusters',
      async nextToken => {
        const out = await client.send(
          new sdk.ListClustersCommand({ nextToken, maxResults: 100 }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.clusterArns, 'clusterArns'),
          next: out.nextToken,
        };
      },
      async clusterArns => {
        if (clusterArns.length === 0) {
          return;
        }
        if (ctx.types.has('ecs-clusters')) {
          const out = await ctx.call(
            'DescribeClusters',
            'ecs:DescribeClusters',
            () =>
              client.send(
                new sdk.DescribeClustersCommand({
                  clusters: clusterArns,
                  include: ['TAGS'],
                }),
                { abortSignal: ctx.signal },
              ),
          );
          resources.push(
            ...mapEcsClusters(
              requireList(out.clusters, 'clusters'),
              scopeOf(ctx),
            ),
          );
        }
        if (!ctx.types.has('ecs-services')) {
          return;
        }
        for (const cluster of clusterArns) {
          await paginate(
            ctx,
            `ListServices of ${cluster}`,
            'ecs:ListServices',
            async nextToken => {
              const out = await client.send(
                new sdk.ListServicesCommand({
                  cluster,
                  nextToken,
                  maxResults: 100,
                }),
                { abortSignal: ctx.signal },
              );
              return {
                items: requireList(out.serviceArns, 'serviceArns'),
                next: out.nextToken,
              };
            },
            async serviceArns => {
              for (
                let start = 0;
                start < serviceArns.length;
                start += ECS_SERVICES_BATCH
              ) {
                const batch = serviceArns.slice(
                  start,
                  start + ECS_SERVICES_BATCH,
                );
                const out = await ctx.call(
                  `DescribeServices of ${cluster}`,
                  'ecs:DescribeServices',
                  () =>
                    client.send(
                      new sdk.DescribeServicesCommand({
                        cluster,
                        services: batch,
                        include: ['TAGS'],
                      }),
                      { abortSignal: ctx.signal },
                    ),
                );
                resources.push(
                  ...mapEcsServices(
                    requireList(out.services, 'services'),
                    scopeOf(ctx),
                  ),
                );
              }
            },
          );
        }
      },
    );
    return resources;
  },
};

const sqsQueues: AwsLister = {
  name: 'sqs-queues',
  types: ['sqs-queues'],
  services: ['sqs', 'tagging'],
  async list(ctx) {
    const sqs = sdkOf(ctx.sdk, 'sqs');
    const client = ctx.client('sqs');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListQueues',
      'sqs:ListQueues',
      async NextToken => {
        const out = await client.send(
          new sqs.ListQueuesCommand({ NextToken, MaxResults: TAGGED_PAGE }),
          { abortSignal: ctx.signal },
        );
        // An account without queues gets an answer without the list.
        return { items: out.QueueUrls ?? [], next: out.NextToken };
      },
      async urls => {
        const tags = await tagsFor(
          ctx,
          urls.flatMap(url => queueArn(url, ctx.region) ?? []),
        );
        resources.push(...mapQueues(urls, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

const snsTopics: AwsLister = {
  name: 'sns-topics',
  types: ['sns-topics'],
  services: ['sns', 'tagging'],
  async list(ctx) {
    const sns = sdkOf(ctx.sdk, 'sns');
    const client = ctx.client('sns');
    const resources: CloudResource[] = [];
    await paginate(
      ctx,
      'ListTopics',
      'sns:ListTopics',
      async NextToken => {
        const out = await client.send(
          new sns.ListTopicsCommand({ NextToken }),
          { abortSignal: ctx.signal },
        );
        return {
          items: requireList(out.Topics, 'Topics'),
          next: out.NextToken,
        };
      },
      async topics => {
        const tags = await tagsFor(
          ctx,
          topics.flatMap(topic => topic.TopicArn ?? []),
        );
        resources.push(...mapTopics(topics, scopeOf(ctx), tags));
      },
    );
    return resources;
  },
};

/** Every lister, in the order their parts are read. */
export const AWS_LISTERS: AwsLister[] = [
  ...EC2_LISTERS,
  rdsInstances,
  rdsClusters,
  rdsSubnetGroups,
  s3Buckets,
  lambdaFunctions,
  eksClusters,
  loadBalancers,
  dynamodbTables,
  elasticacheClusters,
  ecs,
  sqsQueues,
  snsTopics,
];

/** The listers a source with these `types` runs. */
export function listersFor(types: Iterable<AwsType>): AwsLister[] {
  const wanted = new Set(types);
  return AWS_LISTERS.filter(lister =>
    lister.types.some(type => wanted.has(type)),
  );
}
