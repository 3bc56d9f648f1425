import { join } from 'node:path';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { AWS_COST_ID_RULES } from './awsIds';
import { readFocusFile } from './__testUtils__/focusFile';
import {
  mapNatGateways,
  mapNetworkInterfaces,
  mapReservations,
} from './mapAwsResources';
import {
  mapBuckets,
  mapDbInstances,
  mapEksClusters,
  mapFunctions,
  mapLoadBalancers,
  mapQueues,
  mapTables,
  mapTopics,
} from './mapAwsServiceResources';

/** The FOCUS 1.0 sample export the cost backend's tests import. */
const FOCUS_SAMPLE = join(
  __dirname,
  '../../../../multicloud-backend/src/__fixtures__/focus-1.0-sample.csv.gz',
);

/**
 * The sample is anonymized by a fixed letter substitution applied to every
 * id (`arn:aws:ec2` reads `arn:ats:el2`, `instance` reads `instanle`, the
 * region `us-west-2` reads `us-test-2`); the letters it leaves alone are
 * left out.
 */
const SAMPLE_LETTERS: Record<string, string> = {
  b: 'f',
  c: 'l',
  d: 'l',
  f: 'b',
  h: 'e',
  k: 'f',
  l: 'm',
  m: 'c',
  w: 't',
  y: 'l',
  z: 't',
};
const anonymized = (text: string) =>
  text.replace(/[a-z]/g, letter => SAMPLE_LETTERS[letter] ?? letter);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The pattern of a cost id in the sample: the id's fixed parts anonymized,
 * its variable parts (region, account, names, ids) as any value of their
 * kind.
 */
function shapeOf(id: string, variables: Record<string, string>): RegExp {
  const kinds: Record<string, string> = {
    region: '[a-z]{2}(?:-[a-z]+)+-\\d',
    account: '\\d{12}',
    name: '[^:/]+',
    hex: '[0-9a-z]+',
  };
  const values = Object.entries(variables).sort(
    ([, a], [, b]) => b.length - a.length,
  );
  const alternatives = new RegExp(
    values.map(([, value]) => escape(value)).join('|'),
    'g',
  );
  const kindOf = new Map(values.map(([kind, value]) => [value, kind]));
  const pattern = id
    .split(alternatives)
    .map(escape)
    .map(anonymized)
    .reduce<string[]>((parts, literal, index, literals) => {
      parts.push(literal);
      if (index < literals.length - 1) {
        parts.push(kinds[kindOf.get(id.match(alternatives)![index])!]);
      }
      return parts;
    }, [])
    .join('');
  return new RegExp(`^${pattern}$`);
}

const scope = { accountId: '111122223333', region: 'us-east-1' };
const at = 'us-east-1:111122223333';
const only = (resources: CloudResource[]) => {
  expect(resources).toHaveLength(1);
  return resources[0].costResourceId;
};

/**
 * One resource of each type the sample bills, mapped by the adapter's own
 * mappers, with the sample's `ServiceName` and the variable parts of its id.
 */
const CASES: Array<{
  nativeType: string;
  service: string;
  costId: () => string;
  variables: Record<string, string>;
}> = [
  {
    nativeType: 'AWS::EC2::Instance',
    service: 'Amazon Elastic Compute Cloud',
    costId: () =>
      only(
        mapReservations(
          [
            {
              OwnerId: scope.accountId,
              Instances: [
                {
                  InstanceId: 'i-0ae9c98e3f12fa3e1',
                  Placement: { AvailabilityZone: 'us-east-1a' },
                },
              ],
            },
          ],
          scope,
        ),
      ),
    variables: { hex: '0ae9c98e3f12fa3e1' },
  },
  {
    nativeType: 'AWS::EC2::NatGateway',
    service: 'Amazon Elastic Compute Cloud',
    costId: () =>
      only(mapNatGateways([{ NatGatewayId: 'nat-0c1a2b3c4d5e6f708' }], scope)),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      hex: '0c1a2b3c4d5e6f708',
    },
  },
  {
    nativeType: 'AWS::EC2::NetworkInterface',
    service: 'Amazon Virtual Private Cloud',
    costId: () =>
      only(
        mapNetworkInterfaces(
          [{ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60718' }],
          scope,
        ),
      ),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      hex: '0a1b2c3d4e5f60718',
    },
  },
  {
    nativeType: 'AWS::RDS::DBInstance',
    service: 'Amazon Relational Database Service',
    costId: () =>
      only(
        mapDbInstances(
          [
            {
              DBInstanceIdentifier: 'orders-db',
              DBInstanceArn: `arn:aws:rds:${at}:db:orders-db`,
            },
          ],
          scope,
        ),
      ),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      name: 'orders-db',
    },
  },
  {
    nativeType: 'AWS::Lambda::Function',
    service: 'AWS Lambda',
    costId: () =>
      only(
        mapFunctions(
          [
            {
              FunctionName: 'checkout-webhook',
              FunctionArn: `arn:aws:lambda:${at}:function:checkout-webhook`,
            },
          ],
          scope,
        ),
      ),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      name: 'checkout-webhook',
    },
  },
  {
    nativeType: 'AWS::EKS::Cluster',
    service: 'Amazon Elastic Container Service for Kubernetes',
    costId: () =>
      only(
        mapEksClusters(
          [{ name: 'prod-eks', arn: `arn:aws:eks:${at}:cluster/prod-eks` }],
          scope,
        ),
      ),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      name: 'prod-eks',
    },
  },
  {
    nativeType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    service: 'Elastic Load Balancing',
    costId: () =>
      only(
        mapLoadBalancers(
          [
            {
              LoadBalancerName: 'web',
              LoadBalancerArn: `arn:aws:elasticloadbalancing:${at}:loadbalancer/app/web/50dc6c495c0c9188`,
            },
          ],
          scope,
        ),
      ),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      name: 'web',
      hex: '50dc6c495c0c9188',
    },
  },
  {
    nativeType: 'AWS::DynamoDB::Table',
    service: 'Amazon DynamoDB',
    costId: () => only(mapTables(['carts'], scope)),
    variables: { region: 'us-east-1', account: '111122223333', name: 'carts' },
  },
  {
    nativeType: 'AWS::SQS::Queue',
    service: 'Amazon Simple Queue Service',
    costId: () =>
      only(
        mapQueues(
          ['https://sqs.us-east-1.amazonaws.com/111122223333/orders'],
          scope,
        ),
      ),
    variables: { region: 'us-east-1', account: '111122223333', name: 'orders' },
  },
  {
    nativeType: 'AWS::SNS::Topic',
    service: 'Amazon Simple Notification Service',
    costId: () =>
      only(mapTopics([{ TopicArn: `arn:aws:sns:${at}:order-events` }], scope)),
    variables: {
      region: 'us-east-1',
      account: '111122223333',
      name: 'order-events',
    },
  },
];

describe('multicloud.io/resource-id of AWS resources', () => {
  const sample = readFocusFile(FOCUS_SAMPLE);
  const idsOf = (service: string) =>
    sample
      .filter(row => row.ProviderName === 'AWS' && row.ServiceName === service)
      .map(row => row.ResourceId)
      .filter(id => id !== 'NULL');

  it.each(CASES.map(c => [c.nativeType, c]))(
    'is what the FOCUS sample bills a %s under',
    (_, { service, costId, variables }) => {
      const id = costId();
      const shape = shapeOf(id, variables);
      const billed = idsOf(service);

      expect(billed.length).toBeGreaterThan(0);
      expect(billed.filter(sampleId => shape.test(sampleId))).not.toEqual([]);
    },
  );

  it('follows the documented rule: bare ids for instances and volumes, the name for buckets, else the ARN', () => {
    expect(AWS_COST_ID_RULES).toEqual({
      'AWS::EC2::Instance': 'id',
      'AWS::EC2::Volume': 'id',
      'AWS::S3::Bucket': 'name',
    });
    expect(
      CASES.find(c => c.nativeType === 'AWS::EC2::Instance')!.costId(),
    ).toBe('i-0ae9c98e3f12fa3e1');
    expect(
      only(
        mapBuckets(
          [{ Name: 'orders-exports', BucketRegion: 'eu-west-1' }],
          scope,
        ),
      ),
    ).toBe('orders-exports');
    const byArn = CASES.filter(c => !AWS_COST_ID_RULES[c.nativeType]);
    expect(byArn).toHaveLength(CASES.length - 1);
    for (const { costId } of byArn) {
      expect(costId()).toMatch(/^arn:aws:/);
    }
  });

  it('does not match an id of another shape, so the check can fail', () => {
    // A database billed by its bare identifier, or a function by its name,
    // would match no row of the sample.
    expect(
      idsOf('Amazon Relational Database Service').filter(id =>
        shapeOf('orders-db', { name: 'orders-db' }).test(id),
      ),
    ).toEqual([]);
    expect(
      idsOf('AWS Lambda').filter(id =>
        shapeOf(`arn:aws:lambda:${at}:checkout-webhook`, {
          region: 'us-east-1',
          account: '111122223333',
          name: 'checkout-webhook',
        }).test(id),
      ),
    ).toEqual([]);
  });
});
