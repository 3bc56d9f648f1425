import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake server received, as the SDK sent it. */
export type RecordedRequest = {
  action: string;
  params: URLSearchParams;
  /** Region and access key id from the SigV4 `Authorization` header. */
  region: string;
  accessKeyId: string;
};

/** What to answer: an XML body with a status, or no answer at all. */
export type FakeReply = { status?: number; body: string } | 'hang';

export type FakeAwsServer = {
  endpoint: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/** Serves EC2 and STS Query-protocol requests (form-encoded POST, XML answers). */
export async function startFakeAwsServer(
  reply: (request: RecordedRequest) => FakeReply,
): Promise<FakeAwsServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(
    (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        const params = new URLSearchParams(body);
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
        res.writeHead(answer.status ?? 200, {
          'content-type': 'text/xml;charset=UTF-8',
        });
        res.end(answer.body);
      });
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

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
      `<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>${list}` +
      `${
        nextToken ? `<nextToken>${nextToken}</nextToken>` : ''
      }</${action}Response>`,
  };
}

/** EC2's error shape: `<Response><Errors><Error>`. */
export function ec2Error(
  status: number,
  code: string,
  message: string,
): FakeReply {
  return {
    status,
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
      `<Message>${message}</Message></Error></Errors>` +
      `<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`,
  };
}

export function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags).map(
    ([key, value]) => `<item><key>${key}</key><value>${value}</value></item>`,
  );
  return items.length ? `<tagSet>${items.join('')}</tagSet>` : '<tagSet/>';
}

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
