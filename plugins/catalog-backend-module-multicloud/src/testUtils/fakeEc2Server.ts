/*
 * A local EC2 and STS: the Query protocol (form-encoded POST, XML answers)
 * as the AWS SDK speaks it. What it answers is the caller's: a reply per
 * request, built with the answer helpers below. Shared by the tests and the
 * ingestion benchmark.
 */
import { createServer, Server } from 'node:http';
import {
  closeServer,
  decodeOffsetToken,
  emptyStats,
  encodeOffsetToken,
  Listing,
  listenLocally,
  pageOf,
  readBody,
  ServerStats,
} from './localServer';

/**
 * One request the fake server received, as the SDK sent it.
 *
 * @public
 */
export type RecordedRequest = {
  action: string;
  params: URLSearchParams;
  /** Region and access key id from the SigV4 `Authorization` header. */
  region: string;
  accessKeyId: string;
};

/**
 * What to answer: an XML body with a status (and how many listed items it
 * carries, for the stats), or no answer at all.
 *
 * @public
 */
export type FakeReply =
  | { status?: number; body: string; items?: number }
  | 'hang';

/**
 * A running {@link startFakeEc2Server}: its endpoint (the source's `endpoint`
 * and `stsEndpoint`), the requests received and what it served.
 *
 * @public
 */
export type FakeEc2Server = {
  endpoint: string;
  requests: RecordedRequest[];
  stats: ServerStats;
  close(): Promise<void>;
};

/**
 * Serves EC2 and STS Query-protocol requests on 127.0.0.1, answering each
 * with what `reply` returns.
 *
 * @public
 */
export async function startFakeEc2Server(
  reply: (request: RecordedRequest) => FakeReply,
): Promise<FakeEc2Server> {
  const requests: RecordedRequest[] = [];
  const stats = emptyStats();
  const server: Server = createServer(async (req, res) => {
    const params = new URLSearchParams(await readBody(req));
    const credential = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(
      req.headers.authorization ?? '',
    );
    const request = {
      action: params.get('Action') ?? '',
      params,
      accessKeyId: credential?.[1] ?? '',
      region: credential?.[2] ?? '',
    };
    requests.push(request);
    const answer = reply(request);
    if (answer === 'hang') {
      return;
    }
    stats.requests++;
    stats.items += answer.items ?? 0;
    stats.bytes += Buffer.byteLength(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': 'text/xml;charset=UTF-8',
    });
    res.end(answer.body);
  });
  const port = await listenLocally(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stats,
    close: () => closeServer(server),
  };
}

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const REQUEST_ID = '59dbff89-35bd-4eac-99ed-be587EXAMPLE';

/** Escapes text for an XML element. */
export function xmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The list element of each EC2 `Describe*` answer. */
export const EC2_LIST_ELEMENTS: Record<string, string> = {
  DescribeInstances: 'reservationSet',
  DescribeVpcs: 'vpcSet',
  DescribeSubnets: 'subnetSet',
  DescribeSecurityGroups: 'securityGroupInfo',
  DescribeVolumes: 'volumeSet',
  DescribeNetworkInterfaces: 'networkInterfaceSet',
  DescribeAddresses: 'addressesSet',
  DescribeNatGateways: 'natGatewaySet',
  DescribeRegions: 'regionInfo',
};

/** An EC2 answer whose list holds `items` (each an `<item>` body). */
export function ec2Answer(
  action: string,
  items: string[],
  nextToken?: string,
): FakeReply {
  const element = EC2_LIST_ELEMENTS[action];
  const list = items.length
    ? `<${element}>${items
        .map(item => `<item>${item}</item>`)
        .join('')}</${element}>`
    : `<${element}/>`;
  return {
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">` +
      `<requestId>${REQUEST_ID}</requestId>${list}` +
      `${
        nextToken ? `<nextToken>${nextToken}</nextToken>` : ''
      }</${action}Response>`,
    items: items.length,
  };
}

/**
 * The page a `Describe*` request asks for of a listing: up to `MaxResults`
 * items (at most 1000, as EC2 allows) from its `NextToken`, or every item
 * when the action is not paginated (`DescribeAddresses`).
 *
 * @public
 */
export function ec2ListingAnswer(
  request: RecordedRequest,
  listing: Listing<string>,
  options: { paginated: boolean } = { paginated: true },
): FakeReply {
  const start = decodeOffsetToken(request.params.get('NextToken'));
  if (start < 0) {
    return ec2Error(
      400,
      'InvalidParameterValue',
      'Invalid value for NextToken',
    );
  }
  const limit = options.paginated
    ? Math.min(1000, Number(request.params.get('MaxResults') ?? 1000) || 1000)
    : listing.count;
  const page = pageOf(listing, start, limit);
  return ec2Answer(
    request.action,
    page.items,
    page.next === undefined ? undefined : encodeOffsetToken(page.next),
  );
}

/**
 * EC2's error shape: a `Response` holding `Errors` holding one `Error`.
 *
 * @public
 */
export function ec2Error(
  status: number,
  code: string,
  message: string,
): FakeReply {
  return {
    status,
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
      `<Message>${xmlText(message)}</Message></Error></Errors>` +
      `<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`,
  };
}

/**
 * The XML of a `tagSet` (or another element's) list of key / value items.
 *
 * @public
 */
export function tagSet(
  tags: Record<string, string>,
  element = 'tagSet',
): string {
  const items = Object.entries(tags).map(
    ([key, value]) =>
      `<item><key>${xmlText(key)}</key><value>${xmlText(value)}</value></item>`,
  );
  return items.length
    ? `<${element}>${items.join('')}</${element}>`
    : `<${element}/>`;
}

/**
 * `DescribeRegions` listing these regions with their opt-in status.
 *
 * @public
 */
export function describeRegionsAnswer(
  regions: Array<{ name: string; optInStatus: string }>,
): FakeReply {
  return ec2Answer(
    'DescribeRegions',
    regions.map(
      ({ name, optInStatus }) =>
        `<regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint>` +
        `<optInStatus>${optInStatus}</optInStatus>`,
    ),
  );
}

/**
 * STS `GetCallerIdentity` answering for a user of `accountId`.
 *
 * @public
 */
export function getCallerIdentityAnswer(accountId: string): FakeReply {
  return {
    body:
      `<GetCallerIdentityResponse xmlns="${STS_XMLNS}"><GetCallerIdentityResult>` +
      `<Arn>arn:aws:iam::${accountId}:user/backstage</Arn><UserId>AIDAEXAMPLE</UserId>` +
      `<Account>${accountId}</Account></GetCallerIdentityResult>` +
      `<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>` +
      `</GetCallerIdentityResponse>`,
  };
}

export function assumeRoleAnswer(
  roleArn: string,
  accessKeyId: string,
): FakeReply {
  return {
    body:
      `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult><Credentials>` +
      `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>` +
      `<SessionToken>assumed-session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>` +
      `</Credentials><AssumedRoleUser><Arn>${roleArn
        .replace(':iam:', ':sts:')
        .replace(':role/', ':assumed-role/')}/backstage-multicloud</Arn>` +
      `<AssumedRoleId>AROAEXAMPLE:backstage-multicloud</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>` +
      `<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>` +
      `</AssumeRoleResponse>`,
  };
}
