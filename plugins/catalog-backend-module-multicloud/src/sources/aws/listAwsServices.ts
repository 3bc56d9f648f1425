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

/** A service's loaded client package. */
type SdkModule<S extends AwsService> = NonNullable<AwsSdk[S]>;

/** An SDK command whose answer is `Out`: what a client's `send` takes. */
type SdkCommand<Out> = {
  resolveMiddleware(
    ...args: any[]
  ): (...args: any[]) => Promise<{ output: Out }>;
};

/** A command of a service, made afresh for each attempt. */
type Request<S extends AwsService, Out> = (
  sdk: SdkModule<S>,
) => SdkCommand<Out>;

/** The client of a service in a lister's region (or another), to send its commands. */
type ServiceApi<S extends AwsService> = {
  /** Sends one command, cancelled with the run; no retries. */
  send<Out>(request: Request<S, Out>): Promise<Out>;
  /** Sends one command through {@link AwsListContext.call}. */
  call<Out>(
    what: string,
    iamAction: string,
    request: Request<S, Out>,
  ): Promise<Out>;
};

function serviceApi<S extends AwsService>(
  ctx: AwsListContext,
  service: S,
  region?: string,
): ServiceApi<S> {
  const sdk = sdkOf(ctx.sdk, service);
  // Every client's `send` takes its own commands; the request types them.
  const client = ctx.client(service, region) as unknown as {
    send(command: unknown, options: { abortSignal?: AbortSignal }): any;
  };
  const send = <Out>(request: Request<S, Out>): Promise<Out> =>
    client.send(request(sdk), { abortSignal: ctx.signal });
  return {
    send,
    call: (what, iamAction, request) =>
      ctx.call(what, iamAction, () => send(request)),
  };
}

/** A paginated listing of a service: its request and how to read a page. */
type Listing<S extends AwsService, Out, Item> = {
  /** The API action, as logs name it (`DescribeDBInstances`). */
  action: string;
  /** The permission it needs (`rds:DescribeDBInstances`). */
  iamAction: string;
  request(sdk: SdkModule<S>, token: string | undefined): SdkCommand<Out>;
  /** A page's items and next token; runs within the call, so that a malformed answer fails it. */
  page(out: Out): Page<Item>;
};

/**
 * Runs a listing page by page and returns, in order, the resources that
 * `onPage` makes of each page.
 */
async function collectPages<S extends AwsService, Out, Item>(
  ctx: AwsListContext,
  api: ServiceApi<S>,
  listing: Listing<S, Out, Item>,
  onPage: (items: Item[]) => Promise<CloudResource[]> | CloudResource[],
): Promise<CloudResource[]> {
  const resources: CloudResource[] = [];
  await paginate(
    ctx,
    listing.action,
    listing.iamAction,
    async token =>
      listing.page(await api.send(sdk => listing.request(sdk, token))),
    async items => {
      resources.push(...(await onPage(items)));
    },
  );
  return resources;
}

/** `items` in runs of at most `size`. */
function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
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
  const tagging = serviceApi(ctx, 'tagging', region);
  for (const batch of chunks(arns, TAGGING_BATCH)) {
    await paginate(
      { ...ctx, region },
      region === ctx.region ? 'GetResources' : `GetResources in ${region}`,
      'tag:GetResources',
      async PaginationToken => {
        const out = await tagging.send(
          sdk =>
            new sdk.GetResourcesCommand({
              ResourceARNList: batch,
              PaginationToken,
            }),
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

/** What a lister's `map` may call beyond its page: the run, and its service. */
type PageStep<S extends AwsService> = {
  ctx: AwsListContext;
  api: ServiceApi<S>;
};

/**
 * A lister of one paginated listing that maps each page as it arrives,
 * after fetching the page's tags when the listing carries none (`arnOf`).
 */
function pagedLister<S extends AwsService, Out, Item>(
  spec: Omit<Listing<S, Out, Item>, 'page'> & {
    service: S;
    /** The services it calls; default `service`, and `tagging` with `arnOf`. */
    services?: AwsService[];
    global?: boolean;
    page(out: Out, ctx: AwsListContext): Page<Item>;
    /** The ARN the Tagging API knows an item by, for a listing without tags. */
    arnOf?(item: Item, ctx: AwsListContext): string | undefined;
    map(
      items: Item[],
      scope: AwsMappingScope,
      tags: AwsTagLookup,
      step: PageStep<S>,
    ): CloudResource[] | Promise<CloudResource[]>;
  } & (
      | {
          /** The type it yields, and its name. */ name: AwsType;
          types?: never;
        }
      | { name: string; types: AwsType[] }
    ),
): AwsLister {
  const { name, service, arnOf } = spec;
  return {
    name,
    types: spec.types ?? [name as AwsType],
    services: spec.services ?? (arnOf ? [service, 'tagging'] : [service]),
    global: spec.global,
    list(ctx) {
      const api = serviceApi(ctx, service);
      return collectPages(
        ctx,
        api,
        { ...spec, page: out => spec.page(out, ctx) },
        async items => {
          const tags = arnOf
            ? await tagsFor(
                ctx,
                items.flatMap(item => arnOf(item, ctx) ?? []),
              )
            : () => undefined;
          return spec.map(items, scopeOf(ctx), tags, { ctx, api });
        },
      );
    },
  };
}

/**
 * Half the largest page the EC2 listings accept (1000). The SDK decodes a
 * page whole, holding its XML text, parse tree and output at once for long
 * enough that the garbage collector moves them to the old generation;
 * half-size pages leave less there, for a few more requests.
 */
const EC2_PAGE = 500;

/**
 * An EC2 `Describe*` listing, driven page by page with `NextToken`. Its
 * items carry their tags, and are mapped within the call of their page.
 */
function ec2Lister<Out, Item>(
  type: AwsType,
  action: string,
  request: (
    ec2: SdkModule<'ec2'>,
    NextToken: string | undefined,
  ) => SdkCommand<Out>,
  items: (out: Out) => Item[],
  map: (items: Item[], scope: AwsMappingScope) => CloudResource[],
): AwsLister {
  return pagedLister({
    name: type,
    service: 'ec2',
    action,
    iamAction: `ec2:${action}`,
    request,
    page: (out, ctx) => ({
      items: map(items(out), scopeOf(ctx)),
      // DescribeAddresses' answer has no token: it is one page.
      next: (out as { NextToken?: string }).NextToken,
    }),
    map: resources => resources,
  });
}

const EC2_LISTERS: AwsLister[] = [
  ec2Lister(
    'instances',
    'DescribeInstances',
    (ec2, NextToken) =>
      new ec2.DescribeInstancesCommand({ NextToken, MaxResults: EC2_PAGE }),
    out => requireList(out.Reservations, 'reservationSet'),
    mapReservations,
  ),
  ec2Lister(
    'vpcs',
    'DescribeVpcs',
    (ec2, NextToken) =>
      new ec2.DescribeVpcsCommand({ NextToken, MaxResults: EC2_PAGE }),
    out => requireList(out.Vpcs, 'vpcSet'),
    mapVpcs,
  ),
  ec2Lister(
    'subnets',
    'DescribeSubnets',
    (ec2, NextToken) =>
      new ec2.DescribeSubnetsCommand({ NextToken, MaxResults: EC2_PAGE }),
    out => requireList(out.Subnets, 'subnetSet'),
    mapSubnets,
  ),
  ec2Lister(
    'security-groups',
    'DescribeSecurityGroups',
    (ec2, NextToken) =>
      new ec2.DescribeSecurityGroupsCommand({
        NextToken,
        MaxResults: EC2_PAGE,
      }),
    out => requireList(out.SecurityGroups, 'securityGroupInfo'),
    mapSecurityGroups,
  ),
  ec2Lister(
    'volumes',
    'DescribeVolumes',
    (ec2, NextToken) =>
      new ec2.DescribeVolumesCommand({ NextToken, MaxResults: EC2_PAGE }),
    out => requireList(out.Volumes, 'volumeSet'),
    mapVolumes,
  ),
  ec2Lister(
    'network-interfaces',
    'DescribeNetworkInterfaces',
    (ec2, NextToken) =>
      new ec2.DescribeNetworkInterfacesCommand({
        NextToken,
        MaxResults: EC2_PAGE,
      }),
    out => requireList(out.NetworkInterfaces, 'networkInterfaceSet'),
    mapNetworkInterfaces,
  ),
  // DescribeAddresses is not paginated: one call returns every address.
  ec2Lister(
    'elastic-ips',
    'DescribeAddresses',
    ec2 => new ec2.DescribeAddressesCommand({}),
    out => requireList(out.Addresses, 'addressesSet'),
    mapAddresses,
  ),
  ec2Lister(
    'nat-gateways',
    'DescribeNatGateways',
    (ec2, NextToken) =>
      new ec2.DescribeNatGatewaysCommand({ NextToken, MaxResults: EC2_PAGE }),
    out => requireList(out.NatGateways, 'natGatewaySet'),
    mapNatGateways,
  ),
];

/**
 * Pages of the listings below whose tags come from the Tagging API: 100
 * resources, so that a page takes one `GetResources` call.
 */
const TAGGED_PAGE = 100;

const rdsInstances = pagedLister({
  name: 'rds-instances',
  service: 'rds',
  action: 'DescribeDBInstances',
  iamAction: 'rds:DescribeDBInstances',
  request: (rds, Marker) =>
    new rds.DescribeDBInstancesCommand({ Marker, MaxRecords: 100 }),
  page: out => ({
    items: requireList(out.DBInstances, 'DBInstances'),
    next: out.Marker,
  }),
  map: mapDbInstances,
});

const rdsClusters = pagedLister({
  name: 'rds-clusters',
  service: 'rds',
  action: 'DescribeDBClusters',
  iamAction: 'rds:DescribeDBClusters',
  request: (rds, Marker) =>
    new rds.DescribeDBClustersCommand({ Marker, MaxRecords: 100 }),
  page: out => ({
    items: requireList(out.DBClusters, 'DBClusters'),
    next: out.Marker,
  }),
  map: mapDbClusters,
});

const rdsSubnetGroups = pagedLister({
  name: 'rds-subnet-groups',
  service: 'rds',
  action: 'DescribeDBSubnetGroups',
  iamAction: 'rds:DescribeDBSubnetGroups',
  request: (rds, Marker) =>
    new rds.DescribeDBSubnetGroupsCommand({ Marker, MaxRecords: TAGGED_PAGE }),
  page: out => ({
    items: requireList(out.DBSubnetGroups, 'DBSubnetGroups'),
    next: out.Marker,
  }),
  arnOf: group => group.DBSubnetGroupArn,
  map: mapDbSubnetGroups,
});

/** `GetBucketLocation`'s answer as a region: none is us-east-1, `EU` is eu-west-1. */
function regionOfLocation(location: string | undefined): string {
  if (!location) {
    return 'us-east-1';
  }
  return location === 'EU' ? 'eu-west-1' : location;
}

const s3Buckets = pagedLister({
  name: 's3-buckets',
  service: 's3',
  services: ['s3', 'tagging'],
  global: true,
  action: 'ListBuckets',
  iamAction: 's3:ListAllMyBuckets',
  request: (s3, ContinuationToken) =>
    new s3.ListBucketsCommand({ ContinuationToken, MaxBuckets: TAGGED_PAGE }),
  page: out => ({
    items: requireList(out.Buckets, 'Buckets') as AwsBucket[],
    next: out.ContinuationToken,
  }),
  async map(items, _scope, _noTags, { ctx, api }) {
    const buckets: AwsBucket[] = [];
    for (const bucket of items) {
      // ListBuckets names each bucket's region; an answer that does not
      // (an older S3-compatible endpoint) leaves one call per bucket.
      let region = bucket.BucketRegion;
      if (!region && bucket.Name) {
        const out = await api.call(
          `GetBucketLocation of ${bucket.Name}`,
          's3:GetBucketLocation',
          s3 => new s3.GetBucketLocationCommand({ Bucket: bucket.Name }),
        );
        region = regionOfLocation(out.LocationConstraint);
      }
      buckets.push({ ...bucket, BucketRegion: region });
    }
    // Bucket tags come from the Tagging API of the bucket's own region.
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
    return mapBuckets(buckets, { accountId: ctx.accountId }, arn =>
      tags.get(arn),
    );
  },
});

const lambdaFunctions = pagedLister({
  name: 'lambda-functions',
  service: 'lambda',
  action: 'ListFunctions',
  iamAction: 'lambda:ListFunctions',
  request: (lambda, Marker) =>
    new lambda.ListFunctionsCommand({ Marker, MaxItems: 50 }),
  page: out => ({
    items: requireList(out.Functions, 'Functions'),
    next: out.NextMarker,
  }),
  arnOf: fn => fn.FunctionArn,
  map: mapFunctions,
});

const eksClusters = pagedLister({
  name: 'eks-clusters',
  service: 'eks',
  action: 'ListClusters',
  iamAction: 'eks:ListClusters',
  request: (eks, nextToken) =>
    new eks.ListClustersCommand({ nextToken, maxResults: 100 }),
  page: out => ({
    items: requireList(out.clusters, 'clusters'),
    next: out.nextToken,
  }),
  async map(names, scope, _noTags, { api }) {
    // EKS has no batch describe: one DescribeCluster per cluster, for its
    // VPC, endpoint and tags. Accounts hold a few clusters.
    const resources: CloudResource[] = [];
    for (const name of names) {
      const out = await api.call(
        `DescribeCluster of ${name}`,
        'eks:DescribeCluster',
        eks => new eks.DescribeClusterCommand({ name }),
      );
      if (out.cluster) {
        resources.push(...mapEksClusters([out.cluster], scope));
      }
    }
    return resources;
  },
});

const loadBalancers: AwsLister = {
  name: 'elbv2',
  types: ['load-balancers', 'target-groups'],
  services: ['elbv2', 'tagging'],
  async list(ctx) {
    const elbv2 = serviceApi(ctx, 'elbv2');
    const resources: CloudResource[] = [];
    const targetGroupsByBalancer = new Map<string, string[]>();
    if (ctx.types.has('target-groups')) {
      const groupsListed = await collectPages(
        ctx,
        elbv2,
        {
          action: 'DescribeTargetGroups',
          iamAction: 'elasticloadbalancing:DescribeTargetGroups',
          request: (sdk, Marker) =>
            new sdk.DescribeTargetGroupsCommand({
              Marker,
              PageSize: TAGGED_PAGE,
            }),
          page: out => ({
            items: requireList(out.TargetGroups, 'TargetGroups'),
            next: out.NextMarker,
          }),
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
            const out = await elbv2.call(
              `DescribeTargetHealth of ${group.TargetGroupName}`,
              'elasticloadbalancing:DescribeTargetHealth',
              sdk =>
                new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }),
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
          return mapTargetGroups(
            groups,
            scopeOf(ctx),
            tags,
            arn => targets.get(arn) ?? [],
          );
        },
      );
      resources.push(...groupsListed);
    }
    if (ctx.types.has('load-balancers')) {
      const balancersListed = await collectPages(
        ctx,
        elbv2,
        {
          action: 'DescribeLoadBalancers',
          iamAction: 'elasticloadbalancing:DescribeLoadBalancers',
          request: (sdk, Marker) =>
            new sdk.DescribeLoadBalancersCommand({
              Marker,
              PageSize: TAGGED_PAGE,
            }),
          page: out => ({
            items: requireList(out.LoadBalancers, 'LoadBalancers'),
            next: out.NextMarker,
          }),
        },
        async balancers => {
          const tags = await tagsFor(
            ctx,
            balancers.flatMap(balancer => balancer.LoadBalancerArn ?? []),
          );
          return mapLoadBalancers(
            balancers,
            scopeOf(ctx),
            tags,
            arn => targetGroupsByBalancer.get(arn) ?? [],
          );
        },
      );
      resources.push(...balancersListed);
    }
    return resources;
  },
};

const dynamodbTables = pagedLister({
  name: 'dynamodb-tables',
  service: 'dynamodb',
  action: 'ListTables',
  iamAction: 'dynamodb:ListTables',
  request: (dynamodb, ExclusiveStartTableName) =>
    new dynamodb.ListTablesCommand({
      ExclusiveStartTableName,
      Limit: TAGGED_PAGE,
    }),
  page: out => ({
    items: requireList(out.TableNames, 'TableNames'),
    next: out.LastEvaluatedTableName,
  }),
  arnOf: (name, ctx) => tableArn(name, scopeOf(ctx)),
  map: mapTables,
});

const elasticacheClusters = pagedLister({
  name: 'elasticache-clusters',
  service: 'elasticache',
  action: 'DescribeCacheClusters',
  iamAction: 'elasticache:DescribeCacheClusters',
  request: (elasticache, Marker) =>
    new elasticache.DescribeCacheClustersCommand({
      Marker,
      MaxRecords: TAGGED_PAGE,
    }),
  page: out => ({
    items: requireList(out.CacheClusters, 'CacheClusters'),
    next: out.Marker,
  }),
  arnOf: cluster => cluster.ARN,
  map: mapCacheClusters,
});

/** The most services one `DescribeServices` call takes. */
const ECS_SERVICES_BATCH = 10;

const ecs = pagedLister({
  name: 'ecs',
  types: ['ecs-clusters', 'ecs-services'],
  service: 'ecs',
  action: 'ListClusters',
  iamAction: 'ecs:ListClusters',
  request: (sdk, nextToken) =>
    new sdk.ListClustersCommand({ nextToken, maxResults: 100 }),
  page: out => ({
    items: requireList(out.clusterArns, 'clusterArns'),
    next: out.nextToken,
  }),
  async map(clusterArns, scope, _noTags, { ctx, api }) {
    const resources: CloudResource[] = [];
    if (clusterArns.length === 0) {
      return resources;
    }
    if (ctx.types.has('ecs-clusters')) {
      const out = await api.call(
        'DescribeClusters',
        'ecs:DescribeClusters',
        sdk =>
          new sdk.DescribeClustersCommand({
            clusters: clusterArns,
            include: ['TAGS'],
          }),
      );
      resources.push(
        ...mapEcsClusters(requireList(out.clusters, 'clusters'), scope),
      );
    }
    if (!ctx.types.has('ecs-services')) {
      return resources;
    }
    for (const cluster of clusterArns) {
      const services = await collectPages(
        ctx,
        api,
        {
          action: `ListServices of ${cluster}`,
          iamAction: 'ecs:ListServices',
          request: (sdk, nextToken) =>
            new sdk.ListServicesCommand({
              cluster,
              nextToken,
              maxResults: 100,
            }),
          page: out => ({
            items: requireList(out.serviceArns, 'serviceArns'),
            next: out.nextToken,
          }),
        },
        async serviceArns => {
          const described: CloudResource[] = [];
          for (const batch of chunks(serviceArns, ECS_SERVICES_BATCH)) {
            const out = await api.call(
              `DescribeServices of ${cluster}`,
              'ecs:DescribeServices',
              sdk =>
                new sdk.DescribeServicesCommand({
                  cluster,
                  services: batch,
                  include: ['TAGS'],
                }),
            );
            described.push(
              ...mapEcsServices(requireList(out.services, 'services'), scope),
            );
          }
          return described;
        },
      );
      resources.push(...services);
    }
    return resources;
  },
});

const sqsQueues = pagedLister({
  name: 'sqs-queues',
  service: 'sqs',
  action: 'ListQueues',
  iamAction: 'sqs:ListQueues',
  request: (sqs, NextToken) =>
    new sqs.ListQueuesCommand({ NextToken, MaxResults: TAGGED_PAGE }),
  // An account without queues gets an answer without the list.
  page: out => ({ items: out.QueueUrls ?? [], next: out.NextToken }),
  arnOf: (url, ctx) => queueArn(url, ctx.region),
  map: mapQueues,
});

const snsTopics = pagedLister({
  name: 'sns-topics',
  service: 'sns',
  action: 'ListTopics',
  iamAction: 'sns:ListTopics',
  request: (sns, NextToken) => new sns.ListTopicsCommand({ NextToken }),
  page: out => ({
    items: requireList(out.Topics, 'Topics'),
    next: out.NextToken,
  }),
  arnOf: topic => topic.TopicArn,
  map: mapTopics,
});

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
