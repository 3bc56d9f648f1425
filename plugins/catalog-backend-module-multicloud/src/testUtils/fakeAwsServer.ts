/*
 * A local AWS: every service the AWS source calls, on one port, in the wire
 * format its SDK client speaks, told apart by the service of the request's
 * SigV4 scope:
 *
 * - Query (form-encoded POST, XML answers): EC2, STS, RDS, ELBv2,
 *   ElastiCache, SNS;
 * - JSON 1.0 / 1.1 (POST with `X-Amz-Target`): Config, DynamoDB, ECS, SQS,
 *   Resource Groups Tagging API;
 * - REST: S3 (XML), Lambda and EKS (JSON).
 *
 * What it answers is the caller's: a reply per request, built with the
 * helpers below, or {@link serveAwsWorld} for a whole estate with the
 * services' own pagination. Shared by the tests and the ingestion benchmark.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import {
  closeServer,
  decodeOffsetToken,
  emptyStats,
  encodeOffsetToken,
  Listing,
  listenLocally,
  listingOf,
  pageOf,
  readBody,
  ServerStats,
} from './localServer';
import {
  describeRegionsAnswer,
  ec2Error,
  ec2ListingAnswer,
  getCallerIdentityAnswer,
  xmlText,
} from './fakeEc2Server';

/**
 * One request the server received, as the SDK sent it.
 *
 * @public
 */
export type AwsRequest = {
  /** The service of the SigV4 scope: `rds`, `s3`, `elasticloadbalancing`... */
  service: string;
  /** The operation: `Action`, the `X-Amz-Target` operation, or the REST route's. */
  action: string;
  /** Form parameters (Query), or the URL's query string (REST). */
  params: URLSearchParams;
  /** The JSON body of a JSON-protocol request. */
  body: Record<string, any>;
  /** Path parameters of a REST route (`name` of `/clusters/{name}`, `bucket`). */
  path: Record<string, string>;
  region: string;
  accessKeyId: string;
};

/**
 * What to answer: a body with a status, content type and headers (and how
 * many listed items it carries, for the stats), or no answer at all.
 *
 * @public
 */
export type AwsReply =
  | {
      status?: number;
      body: string;
      contentType?: string;
      headers?: Record<string, string>;
      items?: number;
    }
  | 'hang';

/**
 * A running {@link startFakeAwsServer}: its endpoint (every service's entry
 * of the source's `endpoints`, see {@link endpointsOf}), the requests
 * received and what it served.
 *
 * @public
 */
export type FakeAwsServer = {
  endpoint: string;
  requests: AwsRequest[];
  stats: ServerStats;
  /** Requests answered, by service and operation (`rds:DescribeDBInstances`). */
  requestsByAction(): Record<string, number>;
  close(): Promise<void>;
};

const JSON_VERSION: Record<string, string> = {
  dynamodb: '1.0',
  sqs: '1.0',
};

/** The operation of a REST request, and its path parameters. */
function restRoute(
  service: string,
  method: string,
  url: URL,
): { action: string; path: Record<string, string> } {
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  if (service === 's3') {
    if (segments.length === 0) {
      return { action: 'ListBuckets', path: {} };
    }
    if (url.searchParams.has('location')) {
      return { action: 'GetBucketLocation', path: { bucket: segments[0] } };
    }
  }
  if (service === 'lambda' && segments[1] === 'functions') {
    return { action: 'ListFunctions', path: {} };
  }
  if (service === 'eks' && segments[0] === 'clusters') {
    return segments[1]
      ? { action: 'DescribeCluster', path: { name: segments[1] } }
      : { action: 'ListClusters', path: {} };
  }
  return { action: `${method} ${url.pathname}`, path: {} };
}

async function decode(req: IncomingMessage): Promise<AwsRequest> {
  const text = await readBody(req);
  const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(
    req.headers.authorization ?? '',
  );
  const service = scope?.[3] ?? '';
  const common = {
    service,
    region: scope?.[2] ?? '',
    accessKeyId: scope?.[1] ?? '',
  };
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    return {
      ...common,
      action: target.split('.').pop() ?? '',
      params: new URLSearchParams(),
      body: text ? JSON.parse(text) : {},
      path: {},
    };
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (
    req.method === 'POST' &&
    String(req.headers['content-type']).startsWith(
      'application/x-www-form-urlencoded',
    )
  ) {
    const params = new URLSearchParams(text);
    return {
      ...common,
      action: params.get('Action') ?? '',
      params,
      body: {},
      path: {},
    };
  }
  const route = restRoute(service, req.method ?? 'GET', url);
  return {
    ...common,
    ...route,
    params: url.searchParams,
    body: text ? JSON.parse(text) : {},
  };
}

/** The content type a service answers in, when the reply names none. */
function contentTypeOf(request: AwsRequest): string {
  if (
    ['config', 'dynamodb', 'ecs', 'sqs', 'tagging'].includes(request.service)
  ) {
    return `application/x-amz-json-${JSON_VERSION[request.service] ?? '1.1'}`;
  }
  if (request.service === 'lambda' || request.service === 'eks') {
    return 'application/json';
  }
  return 'text/xml;charset=UTF-8';
}

/**
 * Serves every AWS service the source calls on 127.0.0.1, answering each
 * request with what `reply` returns.
 *
 * @public
 */
export async function startFakeAwsServer(
  reply: (request: AwsRequest) => AwsReply | Promise<AwsReply>,
): Promise<FakeAwsServer> {
  const requests: AwsRequest[] = [];
  const stats = emptyStats();
  const server: Server = createServer(async (req, res) => {
    const request = await decode(req);
    requests.push(request);
    const answer = await reply(request);
    if (answer === 'hang') {
      return;
    }
    stats.requests++;
    stats.items += answer.items ?? 0;
    stats.bytes += Buffer.byteLength(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': answer.contentType ?? contentTypeOf(request),
      'x-amzn-requestid': '59dbff89-35bd-4eac-99ed-be587example',
      ...answer.headers,
    });
    res.end(answer.body);
  });
  const port = await listenLocally(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stats,
    requestsByAction: () => {
      const counts: Record<string, number> = {};
      for (const { service, action } of requests) {
        const key = `${service}:${action}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    close: () => closeServer(server),
  };
}

/**
 * The `endpoints` block of a source that sends every service to `endpoint`.
 *
 * @public
 */
export function endpointsOf(endpoint: string): Record<string, string> {
  return Object.fromEntries(
    [
      'ec2',
      'sts',
      'config',
      'rds',
      's3',
      'lambda',
      'eks',
      'elbv2',
      'dynamodb',
      'elasticache',
      'ecs',
      'sqs',
      'sns',
      'tagging',
    ].map(service => [service, endpoint]),
  );
}

// ---------------------------------------------------------------------------
// Answers and errors, per protocol

type Json = Record<string, any>;

/**
 * XML of a value as the Query protocol serialises it: objects as elements,
 * lists as repeated `member` elements, or as the element `members` names
 * for their field (RDS's `<DBInstances><DBInstance>`).
 */
export function xmlOf(
  value: unknown,
  members: Record<string, string> = {},
  field = '',
): string {
  if (Array.isArray(value)) {
    const member = members[field] ?? 'member';
    return value
      .map(item => `<${member}>${xmlOf(item, members, member)}</${member}>`)
      .join('');
  }
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `<${key}>${xmlOf(item, members, key)}</${key}>`)
      .join('');
  }
  return xmlText(String(value));
}

const QUERY_XMLNS: Record<string, string> = {
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
  elasticloadbalancing:
    'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  elasticache: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
};

/** A Query-protocol answer: `<ActionResponse><ActionResult>` around `result`. */
export function queryAnswer(
  service: string,
  action: string,
  result: Json,
  members: Record<string, string> = {},
  items = 0,
): AwsReply {
  return {
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${QUERY_XMLNS[service]}">` +
      `<${action}Result>${xmlOf(result, members)}</${action}Result>` +
      `<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>` +
      `</${action}Response>`,
    items,
  };
}

/** A Query-protocol error: `<ErrorResponse><Error>`. */
export function queryError(
  status: number,
  code: string,
  message: string,
): AwsReply {
  return {
    status,
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type>` +
      `<Code>${code}</Code><Message>${xmlText(message)}</Message></Error>` +
      `<RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ErrorResponse>`,
  };
}

/** A JSON answer (the JSON protocols and the REST JSON services). */
export function jsonAnswer(body: Json, items = 0): AwsReply {
  return { body: JSON.stringify(body), items };
}

/** A JSON-protocol or REST JSON error, typed in the body and the header. */
export function jsonError(
  status: number,
  type: string,
  message: string,
): AwsReply {
  return {
    status,
    headers: { 'x-amzn-errortype': type },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** An S3 (REST XML) error. */
export function s3Error(
  status: number,
  code: string,
  message: string,
): AwsReply {
  return {
    status,
    contentType: 'application/xml',
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
      `<Message>${xmlText(
        message,
      )}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
  };
}

/** The access-denied error of a request's service, in its protocol. */
export function accessDenied(request: AwsRequest, iamAction: string): AwsReply {
  const message = `User: arn:aws:iam::111122223333:user/backstage is not authorized to perform: ${iamAction}`;
  switch (request.service) {
    case 'ec2':
      return ec2Error(403, 'UnauthorizedOperation', message);
    case 's3':
      return s3Error(403, 'AccessDenied', message);
    case 'rds':
    case 'elasticloadbalancing':
    case 'elasticache':
    case 'sts':
      return queryError(403, 'AccessDenied', message);
    case 'sns':
      return queryError(403, 'AuthorizationError', message);
    case 'lambda':
    case 'eks':
      return jsonError(403, 'AccessDeniedException', message);
    default:
      return jsonError(400, 'AccessDeniedException', message);
  }
}

/** A throttling error of a request's service, in its protocol. */
export function throttled(request: AwsRequest): AwsReply {
  switch (request.service) {
    case 'ec2':
      return ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
    case 's3':
      return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
    case 'rds':
    case 'elasticloadbalancing':
    case 'elasticache':
    case 'sns':
    case 'sts':
      return queryError(400, 'Throttling', 'Rate exceeded');
    case 'lambda':
    case 'eks':
      return jsonError(429, 'TooManyRequestsException', 'Rate exceeded');
    default:
      return jsonError(400, 'ThrottlingException', 'Rate exceeded');
  }
}

/** A 503 of a request's service, in its protocol. */
export function unavailable(request: AwsRequest): AwsReply {
  const message = 'Service is unavailable';
  switch (request.service) {
    case 'ec2':
      return ec2Error(503, 'Unavailable', message);
    case 's3':
      return s3Error(503, 'ServiceUnavailable', message);
    case 'rds':
    case 'elasticloadbalancing':
    case 'elasticache':
    case 'sns':
    case 'sts':
      return queryError(503, 'ServiceUnavailable', message);
    default:
      return jsonError(503, 'ServiceUnavailableException', message);
  }
}

// ---------------------------------------------------------------------------
// A whole estate, served with each service's pagination

/**
 * What a world lists, by the source's type names (and EC2's).
 *
 * @public
 */
export type FakeAwsKind =
  | 'instances'
  | 'vpcs'
  | 'subnets'
  | 'security-groups'
  | 'volumes'
  | 'network-interfaces'
  | 'elastic-ips'
  | 'nat-gateways'
  | 'rds-instances'
  | 'rds-clusters'
  | 'rds-subnet-groups'
  | 's3-buckets'
  | 'lambda-functions'
  | 'eks-clusters'
  | 'load-balancers'
  | 'target-groups'
  | 'dynamodb-tables'
  | 'elasticache-clusters'
  | 'ecs-clusters'
  | 'ecs-services'
  | 'sqs-queues'
  | 'sns-topics';

/**
 * An estate: what each account lists in each region, in the shape of the
 * JavaScript SDK's answers (EC2 items as the XML of an `<item>`), with a
 * `Tags` list on the items whose service answers tags only through the
 * Tagging API. S3 buckets are listed in the region `global`.
 *
 * @public
 */
export type FakeAwsWorld = {
  /** The account an access key id reads; default: `defaultAccount`. */
  accountOf?: (accessKeyId: string) => string;
  defaultAccount: string;
  /** Regions `DescribeRegions` lists. */
  regions: string[];
  listing(
    account: string,
    region: string,
    kind: FakeAwsKind,
  ): Listing<any> | undefined;
  /** Tags the Tagging API has for an ARN. */
  tagsOf(arn: string): Record<string, string> | undefined;
  /** Targets registered in a target group (their ids). */
  targetsOf?(targetGroupArn: string): string[];
  /** Items of the Config aggregator (objects; answered as JSON strings). */
  configItems?: Listing<Record<string, any>>;
};

const EC2_ACTIONS: Record<string, FakeAwsKind> = {
  DescribeInstances: 'instances',
  DescribeVpcs: 'vpcs',
  DescribeSubnets: 'subnets',
  DescribeSecurityGroups: 'security-groups',
  DescribeVolumes: 'volumes',
  DescribeNetworkInterfaces: 'network-interfaces',
  DescribeAddresses: 'elastic-ips',
  DescribeNatGateways: 'nat-gateways',
};

/** Members the Query services name their list items by. */
const RDS_MEMBERS = {
  DBInstances: 'DBInstance',
  DBClusters: 'DBCluster',
  DBSubnetGroups: 'DBSubnetGroup',
  TagList: 'Tag',
  VpcSecurityGroups: 'VpcSecurityGroupMembership',
  Subnets: 'Subnet',
};
const ELASTICACHE_MEMBERS = { CacheClusters: 'CacheCluster' };

const withoutTags = ({ Tags: _tags, ...item }: Json) => item;

/** A page of a listing from an offset token; undefined for a token not ours. */
function page<T>(
  listing: Listing<T> | undefined,
  token: string | null | undefined,
  limit: number,
): { items: T[]; next?: string } | undefined {
  const offset = decodeOffsetToken(token);
  if (offset < 0) {
    return undefined;
  }
  const result = pageOf(listing ?? listingOf<T>([]), offset, limit);
  return {
    items: result.items,
    next:
      result.next === undefined ? undefined : encodeOffsetToken(result.next),
  };
}

function limitOf(value: unknown, fallback: number, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

/**
 * The reply function of a whole world: every listing the source calls, paged
 * as each service pages it (invalid tokens are refused), the Tagging API, the
 * Config aggregator and STS.
 *
 * @public
 */
export function serveAwsWorld(
  world: FakeAwsWorld,
): (request: AwsRequest) => AwsReply {
  const accountOf = (request: AwsRequest) =>
    world.accountOf?.(request.accessKeyId) ?? world.defaultAccount;
  const badToken = (request: AwsRequest): AwsReply => {
    switch (request.service) {
      case 'ec2':
        return ec2Error(
          400,
          'InvalidParameterValue',
          'Invalid value for NextToken',
        );
      case 's3':
        return s3Error(
          400,
          'InvalidArgument',
          'The continuation token provided is incorrect',
        );
      case 'rds':
      case 'elasticloadbalancing':
      case 'elasticache':
      case 'sns':
        return queryError(400, 'InvalidParameterValue', 'Invalid marker');
      default:
        return jsonError(400, 'InvalidNextTokenException', 'Invalid token');
    }
  };

  return (request: AwsRequest): AwsReply => {
    const account = accountOf(request);
    const { region, params, body } = request;
    const listing = (kind: FakeAwsKind, inRegion = region) =>
      world.listing(account, inRegion, kind);

    switch (`${request.service}:${request.action}`) {
      case 'sts:GetCallerIdentity':
        return getCallerIdentityAnswer(account);
      case 'ec2:DescribeRegions':
        return describeRegionsAnswer(
          world.regions.map(name => ({
            name,
            optInStatus: 'opt-in-not-required',
          })),
        );
      case 'rds:DescribeDBInstances':
      case 'rds:DescribeDBClusters':
      case 'rds:DescribeDBSubnetGroups': {
        const [kind, element] = (
          {
            DescribeDBInstances: ['rds-instances', 'DBInstances'],
            DescribeDBClusters: ['rds-clusters', 'DBClusters'],
            DescribeDBSubnetGroups: ['rds-subnet-groups', 'DBSubnetGroups'],
          } as Record<string, [FakeAwsKind, string]>
        )[request.action];
        const found = page(
          listing(kind),
          params.get('Marker'),
          limitOf(params.get('MaxRecords'), 100, 100),
        );
        if (!found) {
          return badToken(request);
        }
        const items =
          kind === 'rds-subnet-groups'
            ? found.items.map(withoutTags)
            : found.items;
        return queryAnswer(
          'rds',
          request.action,
          { [element]: items, Marker: found.next },
          RDS_MEMBERS,
          items.length,
        );
      }
      case 's3:ListBuckets': {
        const found = page(
          listing('s3-buckets', 'global'),
          params.get('continuation-token'),
          limitOf(params.get('max-buckets'), 10000, 10000),
        );
        if (!found) {
          return badToken(request);
        }
        const buckets = found.items
          .map(
            (bucket: Json) =>
              `<Bucket><Name>${xmlText(
                bucket.Name,
              )}</Name><CreationDate>2024-03-01T10:00:00.000Z</CreationDate>${
                bucket.BucketRegion
                  ? `<BucketRegion>${bucket.BucketRegion}</BucketRegion>`
                  : ''
              }</Bucket>`,
          )
          .join('');
        return {
          contentType: 'application/xml',
          items: found.items.length,
          body:
            `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
            `<Owner><ID>bcaf1ffd86f41161ca5fb16fd081034f</ID></Owner><Buckets>${buckets}</Buckets>` +
            `${
              found.next
                ? `<ContinuationToken>${found.next}</ContinuationToken>`
                : ''
            }</ListAllMyBucketsResult>`,
        };
      }
      case 's3:GetBucketLocation': {
        const bucket = findInListing(
          listing('s3-buckets', 'global'),
          (item: Json) => item.Name === request.path.bucket,
        );
        if (!bucket) {
          return s3Error(
            404,
            'NoSuchBucket',
            'The specified bucket does not exist',
          );
        }
        // us-east-1 answers an empty constraint, as S3 does.
        const bucketRegion = bucket.BucketRegion ?? bucket.Region;
        const location = bucketRegion === 'us-east-1' ? '' : bucketRegion;
        return {
          contentType: 'application/xml',
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${location}</LocationConstraint>`,
        };
      }
      case 'lambda:ListFunctions': {
        const found = page(
          listing('lambda-functions'),
          params.get('Marker'),
          limitOf(params.get('MaxItems'), 50, 50),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer(
          {
            Functions: found.items.map(withoutTags),
            ...(found.next ? { NextMarker: found.next } : {}),
          },
          found.items.length,
        );
      }
      case 'eks:ListClusters': {
        const found = page(
          listing('eks-clusters'),
          params.get('nextToken'),
          limitOf(params.get('maxResults'), 100, 100),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer({
          clusters: found.items.map((cluster: Json) => cluster.name),
          ...(found.next ? { nextToken: found.next } : {}),
        });
      }
      case 'eks:DescribeCluster': {
        const cluster = findInListing(
          listing('eks-clusters'),
          (item: Json) => item.name === request.path.name,
        );
        return cluster
          ? jsonAnswer({ cluster }, 1)
          : jsonError(
              404,
              'ResourceNotFoundException',
              `No cluster found for name: ${request.path.name}.`,
            );
      }
      case 'elasticloadbalancing:DescribeLoadBalancers':
      case 'elasticloadbalancing:DescribeTargetGroups': {
        const balancers = request.action === 'DescribeLoadBalancers';
        const found = page(
          listing(balancers ? 'load-balancers' : 'target-groups'),
          params.get('Marker'),
          limitOf(params.get('PageSize'), 400, 400),
        );
        if (!found) {
          return badToken(request);
        }
        return queryAnswer(
          'elasticloadbalancing',
          request.action,
          {
            [balancers ? 'LoadBalancers' : 'TargetGroups']:
              found.items.map(withoutTags),
            NextMarker: found.next,
          },
          {},
          found.items.length,
        );
      }
      case 'elasticloadbalancing:DescribeTargetHealth': {
        const targets =
          world.targetsOf?.(params.get('TargetGroupArn') ?? '') ?? [];
        return queryAnswer('elasticloadbalancing', request.action, {
          TargetHealthDescriptions: targets.map(Id => ({
            Target: { Id },
            TargetHealth: { State: 'healthy' },
          })),
        });
      }
      case 'dynamodb:ListTables': {
        const tables = listing('dynamodb-tables');
        // DynamoDB pages by the last table name, not by an opaque token.
        const after = body.ExclusiveStartTableName;
        let offset = 0;
        if (after) {
          offset = -1;
          for (let i = 0; tables && i < tables.count; i++) {
            if (tables.item(i).TableName === after) {
              offset = i + 1;
              break;
            }
          }
          if (offset < 0) {
            return jsonError(400, 'ValidationException', 'Invalid start table');
          }
        }
        const found = pageOf(
          tables ?? listingOf([]),
          offset,
          limitOf(body.Limit, 100, 100),
        );
        return jsonAnswer(
          {
            TableNames: found.items.map((table: Json) => table.TableName),
            ...(found.next !== undefined
              ? { LastEvaluatedTableName: found.items.at(-1)!.TableName }
              : {}),
          },
          found.items.length,
        );
      }
      case 'elasticache:DescribeCacheClusters': {
        const found = page(
          listing('elasticache-clusters'),
          params.get('Marker'),
          limitOf(params.get('MaxRecords'), 100, 100),
        );
        if (!found) {
          return badToken(request);
        }
        return queryAnswer(
          'elasticache',
          request.action,
          { CacheClusters: found.items.map(withoutTags), Marker: found.next },
          ELASTICACHE_MEMBERS,
          found.items.length,
        );
      }
      case 'ecs:ListClusters': {
        const found = page(
          listing('ecs-clusters'),
          body.nextToken,
          limitOf(body.maxResults, 100, 100),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer({
          clusterArns: found.items.map((cluster: Json) => cluster.clusterArn),
          ...(found.next ? { nextToken: found.next } : {}),
        });
      }
      case 'ecs:DescribeClusters': {
        const wanted = new Set<string>(body.clusters ?? []);
        const clusters = filterListing(listing('ecs-clusters'), (c: Json) =>
          wanted.has(c.clusterArn),
        );
        return jsonAnswer({ clusters, failures: [] }, clusters.length);
      }
      case 'ecs:ListServices': {
        const ofCluster = listingOf(
          filterListing(
            listing('ecs-services'),
            (s: Json) => s.clusterArn === body.cluster,
          ),
        );
        const found = page(
          ofCluster,
          body.nextToken,
          limitOf(body.maxResults, 10, 100),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer({
          serviceArns: found.items.map((service: Json) => service.serviceArn),
          ...(found.next ? { nextToken: found.next } : {}),
        });
      }
      case 'ecs:DescribeServices': {
        const wanted = new Set<string>(body.services ?? []);
        if (wanted.size > 10) {
          return jsonError(
            400,
            'InvalidParameterException',
            'services can have at most 10 items.',
          );
        }
        const services = filterListing(listing('ecs-services'), (s: Json) =>
          wanted.has(s.serviceArn),
        );
        return jsonAnswer({ services, failures: [] }, services.length);
      }
      case 'sqs:ListQueues': {
        const found = page(
          listing('sqs-queues'),
          body.NextToken,
          limitOf(body.MaxResults, 1000, 1000),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer(
          found.items.length
            ? {
                QueueUrls: found.items.map((queue: Json) => queue.QueueUrl),
                ...(found.next ? { NextToken: found.next } : {}),
              }
            : {},
          found.items.length,
        );
      }
      case 'sns:ListTopics': {
        const found = page(listing('sns-topics'), params.get('NextToken'), 100);
        if (!found) {
          return badToken(request);
        }
        return queryAnswer(
          'sns',
          request.action,
          {
            Topics: found.items.map((topic: Json) => ({
              TopicArn: topic.TopicArn,
            })),
            NextToken: found.next,
          },
          {},
          found.items.length,
        );
      }
      case 'tagging:GetResources': {
        const arns: string[] = body.ResourceARNList ?? [];
        if (arns.length > 100) {
          return jsonError(
            400,
            'InvalidParameterException',
            'ResourceARNList can have at most 100 items.',
          );
        }
        const mappings = arns.flatMap(arn => {
          const tags = world.tagsOf(arn);
          return tags && Object.keys(tags).length
            ? [
                {
                  ResourceARN: arn,
                  Tags: Object.entries(tags).map(([Key, Value]) => ({
                    Key,
                    Value,
                  })),
                },
              ]
            : [];
        });
        return jsonAnswer(
          { ResourceTagMappingList: mappings, PaginationToken: '' },
          mappings.length,
        );
      }
      case 'config:SelectAggregateResourceConfig': {
        const found = page(
          world.configItems,
          body.NextToken,
          limitOf(body.Limit, 25, 100),
        );
        if (!found) {
          return badToken(request);
        }
        return jsonAnswer(
          {
            Results: found.items.map(item => JSON.stringify(item)),
            QueryInfo: {
              SelectFields: [
                { Name: '*' },
                { Name: 'tags' },
                { Name: 'configuration' },
                { Name: 'relationships' },
              ],
            },
            ...(found.next ? { NextToken: found.next } : {}),
          },
          found.items.length,
        );
      }
      default:
        if (request.service === 'ec2' && request.action in EC2_ACTIONS) {
          return ec2ListingAnswer(
            request,
            listing(EC2_ACTIONS[request.action]) ?? listingOf([]),
            { paginated: request.action !== 'DescribeAddresses' },
          );
        }
        return jsonError(
          400,
          'UnknownOperationException',
          `${request.service}:${request.action} is not served here`,
        );
    }
  };
}

function findInListing<T>(
  listing: Listing<T> | undefined,
  match: (item: T) => boolean,
): T | undefined {
  for (let i = 0; listing && i < listing.count; i++) {
    const item = listing.item(i);
    if (match(item)) {
      return item;
    }
  }
  return undefined;
}

function filterListing<T>(
  listing: Listing<T> | undefined,
  match: (item: T) => boolean,
): T[] {
  const found: T[] = [];
  for (let i = 0; listing && i < listing.count; i++) {
    const item = listing.item(i);
    if (match(item)) {
      found.push(item);
    }
  }
  return found;
}

/** The ARN the Tagging API knows an item of a world by, for the kinds it tags. */
function taggedArnOf(
  kind: FakeAwsKind,
  item: Json,
  account: string,
  region: string,
): string | undefined {
  switch (kind) {
    case 'rds-subnet-groups':
      return item.DBSubnetGroupArn;
    case 's3-buckets':
      return `arn:aws:s3:::${item.Name}`;
    case 'lambda-functions':
      return item.FunctionArn;
    case 'load-balancers':
      return item.LoadBalancerArn;
    case 'target-groups':
      return item.TargetGroupArn;
    case 'dynamodb-tables':
      return `arn:aws:dynamodb:${region}:${account}:table/${item.TableName}`;
    case 'elasticache-clusters':
      return item.ARN;
    case 'sqs-queues':
      return `arn:aws:sqs:${region}:${account}:${String(item.QueueUrl)
        .split('/')
        .pop()}`;
    case 'sns-topics':
      return item.TopicArn;
    default:
      return undefined;
  }
}

/**
 * A world of literal items: `items` keyed by `<account>/<region>/<kind>`
 * (S3 under the region `global`), the Tagging API answering each item's
 * `Tags`, access keys mapped to accounts.
 */
export function worldOf(options: {
  defaultAccount: string;
  regions: string[];
  items: Record<string, any[]>;
  accounts?: Record<string, string>;
  targets?: Record<string, string[]>;
  configItems?: Json[];
}): FakeAwsWorld {
  const tags = new Map<string, Record<string, string>>();
  for (const [key, items] of Object.entries(options.items)) {
    const [account, region, kind] = key.split('/') as [
      string,
      string,
      FakeAwsKind,
    ];
    for (const item of items) {
      const arn = taggedArnOf(kind, item, account, region);
      if (arn && Array.isArray(item.Tags)) {
        tags.set(
          arn,
          Object.fromEntries(
            item.Tags.map((tag: Json) => [tag.Key, tag.Value]),
          ),
        );
      }
    }
  }
  return {
    defaultAccount: options.defaultAccount,
    regions: options.regions,
    accountOf: accessKeyId =>
      options.accounts?.[accessKeyId] ?? options.defaultAccount,
    listing: (account, region, kind) => {
      const items = options.items[`${account}/${region}/${kind}`];
      return items ? listingOf(items) : undefined;
    },
    tagsOf: arn => tags.get(arn),
    targetsOf: arn => options.targets?.[arn] ?? [],
    configItems: options.configItems
      ? listingOf(options.configItems)
      : undefined,
  };
}
