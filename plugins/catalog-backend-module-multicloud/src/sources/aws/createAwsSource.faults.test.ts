import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from '../../providers/MulticloudEntityProvider';
import { createAwsSource } from './createAwsSource';
import { assumeRoleAnswer, tagSet } from '../../testUtils/fakeEc2Server';
import {
  accessDenied,
  AwsReply,
  AwsRequest,
  endpointsOf,
  FakeAwsServer,
  queryError,
  serveAwsWorld,
  startFakeAwsServer,
  unavailable,
  worldOf,
} from '../../testUtils/fakeAwsServer';

const A = '222233334444';
const B = '555566667777';
const REGIONS = ['eu-west-1', 'us-east-1'];

const vpc = (account: string, id: string) =>
  `<vpcId>${id}</vpcId><ownerId>${account}</ownerId><state>available</state>${tagSet(
    { Name: id },
  )}`;
const fn = (account: string, region: string, name: string) => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
  Tags: [{ Key: 'team', Value: 'checkout' }],
});

/** Two accounts, two regions: a VPC and a function in each, a bucket per account. */
function estate(): Record<string, any[]> {
  const items: Record<string, any[]> = {};
  for (const account of [A, B]) {
    for (const region of REGIONS) {
      items[`${account}/${region}/vpcs`] = [vpc(account, `vpc-${region}`)];
      items[`${account}/${region}/lambda-functions`] = [
        fn(account, region, `fn-${region}`),
      ];
    }
    items[`${account}/global/s3-buckets`] = [
      { Name: `bucket-${account}`, BucketRegion: 'eu-west-1' },
    ];
  }
  return items;
}

const KEYS: Record<string, string> = { ASIAACCOUNTA: A, ASIAACCOUNTB: B };
const roleOf = (account: string) =>
  `arn:aws:iam::${account}:role/backstage-reader`;

/** Credentials of an account's role that expire within a minute: assumed anew on every run. */
function shortLived(account: string): AwsReply {
  const reply = assumeRoleAnswer(
    roleOf(account),
    account === A ? 'ASIAACCOUNTA' : 'ASIAACCOUNTB',
  ) as { body: string };
  return {
    body: reply.body.replace(
      '2099-01-01T00:00:00Z',
      new Date(Date.now() + 60_000).toISOString(),
    ),
  };
}

describe('createAwsSource: a failing part keeps its last good resources', () => {
  let server: FakeAwsServer | undefined;
  const logger = mockServices.logger.mock();
  let items: Record<string, any[]>;
  let fault: (request: AwsRequest) => AwsReply | undefined;

  beforeEach(async () => {
    items = estate();
    fault = () => undefined;
    const serve = serveAwsWorld(
      worldOf({
        defaultAccount: A,
        regions: REGIONS,
        items: new Proxy({} as Record<string, any[]>, {
          get: (_, key: string) => items[key],
          ownKeys: () => Reflect.ownKeys(items),
          getOwnPropertyDescriptor: (_, key) =>
            Reflect.getOwnPropertyDescriptor(items, key),
        }),
        accounts: KEYS,
      }),
    );
    server = await startFakeAwsServer(request => {
      if (request.action === 'AssumeRole') {
        const account = request.params.get('RoleArn')!.split(':')[4];
        return fault(request) ?? shortLived(account);
      }
      return fault(request) ?? serve(request);
    });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    jest.clearAllMocks();
  });

  function awsSource(config: JsonObject = {}) {
    return createAwsSource({
      id: 'org',
      logger,
      config: new ConfigReader({
        type: 'aws',
        regions: REGIONS,
        endpoints: endpointsOf(server!.endpoint),
        types: ['vpcs', 'lambda-functions', 's3-buckets'],
        accounts: [A, B].map(accountId => ({
          accountId,
          roleArn: roleOf(accountId),
        })),
        retries: 1,
        ...config,
      }),
      rootConfig: new ConfigReader({
        aws: {
          mainAccount: { accessKeyId: 'AKIDMAIN', secretAccessKey: 'main' },
        },
      }),
      retryBaseDelayMs: 1,
    });
  }

  const ids = (resources: Array<{ nativeId: string }>) =>
    resources.map(r => r.nativeId);
  const errors = () => logger.error.mock.calls.map(([message]) => message);

  it('keeps a denied service’s resources, applies the rest, and logs the IAM action once', async () => {
    const source = awsSource();
    const first = (await source.readResources()).resources;
    expect(first).toHaveLength(10);

    // Account A may no longer list functions; account B gains a VPC.
    fault = request =>
      request.action === 'ListFunctions' &&
      request.accessKeyId === 'ASIAACCOUNTA'
        ? accessDenied(request, 'lambda:ListFunctions')
        : undefined;
    items[`${B}/us-east-1/vpcs`].push(vpc(B, 'vpc-new'));
    const second = (await source.readResources()).resources;

    expect(ids(second)).toEqual(
      [...ids(first), `arn:aws:ec2:us-east-1:${B}:vpc/vpc-new`].sort(),
    );
    // The kept functions are the same resources as before.
    const functionsOfA = (resources: typeof first) =>
      resources.filter(
        r => r.nativeId.startsWith(`arn:aws:lambda:`) && r.accountId === A,
      );
    expect(functionsOfA(second)).toEqual(functionsOfA(first));
    expect(errors()).toEqual(
      REGIONS.map(
        region =>
          `AWS source "org": ListFunctions (page 1) for account ${A} in ${region} failed: ` +
          `AccessDeniedException: User: arn:aws:iam::111122223333:user/backstage is not authorized to perform: ` +
          `lambda:ListFunctions (HTTP 403); the credentials may not call lambda:ListFunctions; ` +
          `keeping the 1 resources of its last good run`,
      ),
    );

    // The same failure again: nothing new in the error log.
    await source.readResources();
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringContaining(
        'the credentials may not call lambda:ListFunctions',
      ),
    );

    // Allowed again: read anew, and said so.
    fault = () => undefined;
    items[`${A}/eu-west-1/lambda-functions`] = [];
    const recovered = (await source.readResources()).resources;
    expect(ids(recovered)).not.toContain(
      `arn:aws:lambda:eu-west-1:${A}:function:fn-eu-west-1`,
    );
    expect(logger.info).toHaveBeenCalledWith(
      `AWS source "org": lambda-functions of account ${A} in eu-west-1 reads again`,
    );
  });

  it('keeps every part of an account whose role cannot be assumed, and reads the other account', async () => {
    const source = awsSource();
    const first = (await source.readResources()).resources;

    fault = request =>
      request.action === 'AssumeRole' &&
      request.params.get('RoleArn') === roleOf(A)
        ? queryError(
            403,
            'AccessDenied',
            'not authorized to perform: sts:AssumeRole',
          )
        : undefined;
    items[`${B}/eu-west-1/vpcs`] = [];
    const second = (await source.readResources()).resources;

    const ofAccount = (resources: typeof first, account: string) =>
      resources.filter(r => r.accountId === account);
    expect(ofAccount(second, A)).toEqual(ofAccount(first, A));
    expect(ids(ofAccount(second, B))).toEqual(
      ids(ofAccount(first, B)).filter(
        id => id !== `arn:aws:ec2:eu-west-1:${B}:vpc/vpc-eu-west-1`,
      ),
    );
    expect(errors()).toEqual([
      `AWS source "org": AssumeRole of ${roleOf(A)} for account ${A} failed: ` +
        'AccessDenied: not authorized to perform: sts:AssumeRole (HTTP 403); ' +
        'the credentials may not call sts:AssumeRole; keeping the 5 resources of its last good run',
    ]);
  });

  it('keeps the parts of an unreachable region and updates the other', async () => {
    const source = awsSource();
    const first = (await source.readResources()).resources;

    fault = request =>
      request.region === 'eu-west-1' && request.service !== 'sts'
        ? unavailable(request)
        : undefined;
    items[`${A}/us-east-1/vpcs`].push(vpc(A, 'vpc-added'));
    const second = (await source.readResources()).resources;

    expect(ids(second)).toEqual(
      [...ids(first), `arn:aws:ec2:us-east-1:${A}:vpc/vpc-added`].sort(),
    );
    // Both accounts' VPCs and functions of the region, and the buckets that
    // live there (their tags are read there): one error each.
    expect(logger.error).toHaveBeenCalledTimes(6);
    expect(errors().every(message => /eu-west-1/.test(message))).toBe(true);
    expect(errors()).toContain(
      `AWS source "org": GetResources in eu-west-1 (page 1) for account ${A} failed after 2 attempts: ` +
        `ServiceUnavailableException: Service is unavailable (HTTP 503); keeping the 1 resources of its last good run`,
    );
  });

  it('throws when every part fails, and still keeps the last good resources afterwards', async () => {
    const source = awsSource({
      types: ['vpcs', 'lambda-functions'],
      accounts: [{ accountId: A, roleArn: roleOf(A) }],
      regions: ['us-east-1'],
    });
    const first = (await source.readResources()).resources;
    expect(ids(first)).toEqual([
      `arn:aws:ec2:us-east-1:${A}:vpc/vpc-us-east-1`,
      `arn:aws:lambda:us-east-1:${A}:function:fn-us-east-1`,
    ]);

    fault = request =>
      ['DescribeVpcs', 'ListFunctions'].includes(request.action)
        ? accessDenied(request, request.action)
        : undefined;
    await expect(source.readResources()).rejects.toThrow(
      `AWS source "org": every part failed: AWS source "org": DescribeVpcs (page 1) for account ${A} in us-east-1 failed: UnauthorizedOperation`,
    );

    // The functions read again; the VPCs come from the run before the failed one.
    fault = request =>
      request.action === 'DescribeVpcs'
        ? accessDenied(request, 'ec2:DescribeVpcs')
        : undefined;
    items[`${A}/us-east-1/lambda-functions`].push(fn(A, 'us-east-1', 'fn-2'));
    expect(ids((await source.readResources()).resources)).toEqual(
      [...ids(first), `arn:aws:lambda:us-east-1:${A}:function:fn-2`].sort(),
    );
  });

  it('names the failed parts, also in the first run of a new process, and the part of every resource', async () => {
    fault = request =>
      request.action === 'ListFunctions' &&
      request.accessKeyId === 'ASIAACCOUNTA'
        ? accessDenied(request, 'lambda:ListFunctions')
        : undefined;
    // A new source has no good run to keep the functions of account A from.
    const { resources, failedParts } = await awsSource().readResources();

    expect(failedParts).toEqual(
      REGIONS.map(region => ({
        part: `services:${A}:${region}:lambda-functions`,
        error:
          `AWS source "org": ListFunctions (page 1) for account ${A} in ${region} failed: ` +
          `AccessDeniedException: User: arn:aws:iam::111122223333:user/backstage is not authorized to perform: ` +
          `lambda:ListFunctions (HTTP 403); the credentials may not call lambda:ListFunctions; ` +
          `keeping its entities in the catalog`,
      })),
    );
    expect(resources).toHaveLength(8);
    expect(
      Object.fromEntries(resources.map(r => [r.nativeId, r.sourcePart])),
    ).toEqual({
      [`arn:aws:ec2:eu-west-1:${A}:vpc/vpc-eu-west-1`]: `services:${A}:eu-west-1:vpcs`,
      [`arn:aws:ec2:us-east-1:${A}:vpc/vpc-us-east-1`]: `services:${A}:us-east-1:vpcs`,
      [`arn:aws:s3:::bucket-${A}`]: `services:${A}:global:s3-buckets`,
      [`arn:aws:ec2:eu-west-1:${B}:vpc/vpc-eu-west-1`]: `services:${B}:eu-west-1:vpcs`,
      [`arn:aws:ec2:us-east-1:${B}:vpc/vpc-us-east-1`]: `services:${B}:us-east-1:vpcs`,
      [`arn:aws:lambda:eu-west-1:${B}:function:fn-eu-west-1`]: `services:${B}:eu-west-1:lambda-functions`,
      [`arn:aws:lambda:us-east-1:${B}:function:fn-us-east-1`]: `services:${B}:us-east-1:lambda-functions`,
      [`arn:aws:s3:::bucket-${B}`]: `services:${B}:global:s3-buckets`,
    });
  });

  it('names a whole account as the failed part when its role cannot be assumed', async () => {
    fault = request =>
      request.action === 'AssumeRole' &&
      request.params.get('RoleArn') === roleOf(B)
        ? queryError(403, 'AccessDenied', 'not authorized')
        : undefined;
    const { resources, failedParts } = await awsSource().readResources();
    expect(failedParts.map(f => f.part)).toEqual([`services:${B}`]);
    expect(resources.every(r => r.accountId === A)).toBe(true);
  });

  it('hands the catalog the kept entities unchanged, and removes none of a failed part', async () => {
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const sourceStatus = createInMemorySourceStatus();
    sourceStatus.register({ id: 'org', type: 'aws' });
    const provider = new MulticloudEntityProvider(
      awsSource(),
      {
        defaultOwner: 'group:platform-team',
        ownerTagKeys: ['owner', 'team'],
        maxRemovalShare: 0.5,
      },
      { run: async task => void tasks.push(task) },
      logger,
      catalogServiceMock({ entities: [] }),
      mockServices.auth(),
      sourceStatus,
    );
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    };
    await provider.connect(connection);
    await tasks[0].fn(new AbortController().signal);
    fault = request =>
      request.action === 'ListBuckets'
        ? accessDenied(request, 's3:ListAllMyBuckets')
        : undefined;
    await tasks[0].fn(new AbortController().signal);

    const [full, delta] = connection.applyMutation.mock.calls.map(
      ([mutation]) => mutation,
    );
    if (full.type !== 'full' || delta.type !== 'delta') {
      throw new Error('expected a full mutation, then a delta');
    }
    expect(delta.added.map(e => e.entity)).toEqual(
      full.entities.map(e => e.entity),
    );
    expect(delta.removed).toEqual([]);
    expect(
      delta.added.filter(e => e.entity.spec?.type === 's3-bucket'),
    ).toHaveLength(2);
    expect(sourceStatus.list()[0].lastRun).toMatchObject({
      outcome: 'applied',
      entities: 10,
      failedParts: [
        {
          part: `services:${A}:global:s3-buckets`,
          error: expect.stringContaining(
            'the credentials may not call s3:ListAllMyBuckets',
          ),
        },
        {
          part: `services:${B}:global:s3-buckets`,
          error: expect.stringContaining('keeping the 1 resources'),
        },
      ],
    });
  });
});
