import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSource } from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from './MulticloudEntityProvider';

const vpc: CloudResource = {
  provider: 'aws',
  accountId: '123456789012',
  region: 'eu-west-1',
  type: 'vpc',
  nativeId: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1',
  costResourceId: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1',
  name: 'main vpc',
  tags: {},
  relations: [],
};
const instance: CloudResource = {
  ...vpc,
  type: 'ec2-instance',
  nativeId: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1',
  costResourceId: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1',
  name: 'checkout-api-1',
  tags: { team: 'checkout-team', system: 'checkout', component: 'checkout-api' },
  relations: [{ type: 'dependsOn', targetNativeId: vpc.nativeId }],
  consoleUrl: 'https://console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-1',
};

function setup(source: CloudSource) {
  const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  const logger = mockServices.logger.mock();
  const provider = new MulticloudEntityProvider(
    source,
    { defaultOwner: 'group:platform-team', ownerTagKeys: ['owner', 'team'] },
    { run: async task => void tasks.push(task) },
    logger,
  );
  const connection: jest.Mocked<EntityProviderConnection> = {
    applyMutation: jest.fn(),
    refresh: jest.fn(),
  };
  return { provider, connection, tasks, logger };
}

describe('MulticloudEntityProvider', () => {
  it('applies one full mutation per source with mapped Resource entities', async () => {
    const source = { id: 'aws-prod', readResources: async () => [vpc, instance] };
    const { provider, connection, tasks } = setup(source);
    await provider.connect(connection);

    expect(provider.getProviderName()).toBe('MulticloudEntityProvider:aws-prod');
    expect(tasks.map(t => t.id)).toEqual(['MulticloudEntityProvider:aws-prod:refresh']);
    await tasks[0].fn(new AbortController().signal);

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    const entities = mutation.type === 'full' ? mutation.entities : [];
    expect(entities.map(e => e.locationKey)).toEqual([
      'MulticloudEntityProvider:aws-prod',
      'MulticloudEntityProvider:aws-prod',
    ]);
    const [vpcEntity, instanceEntity] = entities.map(e => e.entity);
    expect(vpcEntity.spec).toEqual({ type: 'vpc', owner: 'group:platform-team' });
    expect(instanceEntity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: expect.stringMatching(/^checkout-api-1-[0-9a-f]{8}$/),
        title: 'checkout-api-1',
        annotations: {
          'multicloud.io/provider': 'aws',
          'multicloud.io/region': 'eu-west-1',
          'multicloud.io/resource-id': instance.costResourceId,
          'backstage.io/view-url': instance.consoleUrl,
          'backstage.io/managed-by-location': 'multicloud:aws-prod',
        },
        labels: {
          'multicloud.io/provider': 'aws',
          'multicloud.io/account': '123456789012',
          'multicloud.io/region': 'eu-west-1',
        },
      },
      spec: {
        type: 'ec2-instance',
        owner: 'group:checkout-team',
        system: 'checkout',
        dependencyOf: ['component:checkout-api'],
        dependsOn: [`resource:${vpcEntity.metadata.name}`],
      },
    });
  });

  it('keeps the previous entities when the source fails', async () => {
    const source = {
      id: 'azure-prod',
      readResources: async () => {
        throw new Error('AuthorizationFailed: token expired');
      },
    };
    const { provider, connection, logger } = setup(source);
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("Reading cloud source 'azure-prod' failed; keeping its previous entities"),
    );
  });

  it('maps unchanged resources to identical entities, so a second run causes no churn', async () => {
    const source = { id: 'aws-prod', readResources: async () => [vpc, instance] };
    const { provider, connection } = setup(source);
    await provider.connect(connection);
    await provider.refresh();
    await provider.refresh();
    const [first, second] = connection.applyMutation.mock.calls.map(c => c[0]);
    expect(second).toEqual(first);
  });
});
