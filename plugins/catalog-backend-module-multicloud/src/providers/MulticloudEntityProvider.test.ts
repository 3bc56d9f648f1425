import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  createInMemorySourceStatus,
  resourceEntityName,
} from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from './MulticloudEntityProvider';

const vpc: CloudResource = {
  provider: 'aws',
  accountId: '123456789012',
  region: 'eu-west-1',
  type: 'vpc',
  nativeId: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1',
  costResourceId: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1',
  name: 'main vpc',
  tags: { 'cost-center': 'CC 1234', environment: 'prod' },
  relations: [],
};
const instance: CloudResource = {
  ...vpc,
  type: 'ec2-instance',
  nativeId: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1',
  costResourceId: 'i-1',
  name: 'checkout-api-1',
  status: 'running',
  tags: {
    team: 'Checkout-Team',
    system: 'checkout',
    component: 'checkout-api',
  },
  relations: [{ type: 'dependsOn', targetNativeId: vpc.nativeId }],
  consoleUrl:
    'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-1',
  annotations: {
    'amazonaws.com/arn': 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1',
  },
};
const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [] },
});
const existingResource = (
  name: string,
  sourceId: string,
  part?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    annotations: {
      'backstage.io/managed-by-location': `multicloud:${sourceId}`,
      ...(part ? { 'multicloud.io/source-part': part } : {}),
    },
  },
  spec: { type: 'vpc', owner: 'unknown' },
});

function setup(
  source: CloudSource,
  catalogEntities: Entity[] = [group('checkout-team')],
) {
  const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  const logger = mockServices.logger.mock();
  const sourceStatus = createInMemorySourceStatus();
  sourceStatus.register({ id: source.id, type: 'aws' });
  const provider = new MulticloudEntityProvider(
    source,
    {
      defaultOwner: 'group:platform-team',
      ownerTagKeys: ['owner', 'team'],
      maxRemovalShare: 0.5,
    },
    { run: async task => void tasks.push(task) },
    logger,
    catalogServiceMock({ entities: catalogEntities }),
    mockServices.auth(),
    sourceStatus,
  );
  const connection: jest.Mocked<EntityProviderConnection> = {
    applyMutation: jest.fn(),
    refresh: jest.fn(),
  };
  const lastRun = () => sourceStatus.list()[0];
  return { provider, connection, tasks, logger, lastRun };
}

function appliedEntities(
  connection: jest.Mocked<EntityProviderConnection>,
  call = 0,
) {
  const mutation = connection.applyMutation.mock.calls[call][0];
  return mutation.type === 'full' ? mutation.entities : [];
}

describe('MulticloudEntityProvider', () => {
  it('applies one full mutation per source with mapped Resource entities', async () => {
    const source = {
      id: 'aws-prod',
      readResources: async () => [vpc, instance],
    };
    const { provider, connection, tasks, lastRun } = setup(source);
    await provider.connect(connection);
    expect(lastRun().lastRun).toBeUndefined();

    expect(provider.getProviderName()).toBe(
      'MulticloudEntityProvider:aws-prod',
    );
    expect(tasks.map(t => t.id)).toEqual([
      'MulticloudEntityProvider:aws-prod:refresh',
    ]);
    await tasks[0].fn(new AbortController().signal);

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(lastRun()).toMatchObject({
      id: 'aws-prod',
      lastRun: { outcome: 'applied', resources: 2, entities: 2 },
      lastAppliedRun: { outcome: 'applied', entities: 2 },
    });
    const entities = appliedEntities(connection);
    expect(entities.map(e => e.locationKey)).toEqual([
      'MulticloudEntityProvider:aws-prod',
      'MulticloudEntityProvider:aws-prod',
    ]);
    const [vpcEntity, instanceEntity] = entities.map(e => e.entity);
    expect(vpcEntity.spec).toEqual({
      type: 'vpc',
      owner: 'group:platform-team',
    });
    expect(vpcEntity.metadata.labels).toEqual({
      'cost-center': 'CC-1234',
      environment: 'prod',
      'multicloud.io/provider': 'aws',
      'multicloud.io/account': '123456789012',
      'multicloud.io/region': 'eu-west-1',
    });
    expect(instanceEntity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: expect.stringMatching(/^checkout-api-1-[0-9a-f]{8}$/),
        title: 'checkout-api-1',
        annotations: {
          'amazonaws.com/arn': instance.nativeId,
          'multicloud.io/provider': 'aws',
          'multicloud.io/region': 'eu-west-1',
          'multicloud.io/resource-id': 'i-1',
          'multicloud.io/status': 'running',
          'backstage.io/view-url': instance.consoleUrl,
          'backstage.io/managed-by-location': 'multicloud:aws-prod',
        },
      },
      spec: {
        type: 'ec2-instance',
        owner: 'group:default/checkout-team',
        system: 'checkout',
        dependencyOf: ['component:checkout-api'],
        dependsOn: [`resource:${vpcEntity.metadata.name}`],
      },
    });
    // The team tag resolved: no default owner.
    expect(
      instanceEntity.metadata.annotations?.['multicloud.io/default-owner'],
    ).toBeUndefined();
    expect(
      vpcEntity.metadata.annotations?.['multicloud.io/default-owner'],
    ).toBe('true');
  });

  it('falls back to the default owner when the owner tag names no existing group', async () => {
    const orphan = {
      ...instance,
      tags: { owner: 'growth-team', system: 'Checkout System' },
    };
    const { provider, connection } = setup({
      id: 'aws',
      readResources: async () => [orphan],
    });
    await provider.connect(connection);
    await provider.refresh();
    const [entity] = appliedEntities(connection).map(e => e.entity);
    expect(entity.spec?.owner).toBe('group:platform-team');
    // The alert rules can tell a default owner, and the team that is gone.
    expect(entity.metadata.annotations).toMatchObject({
      'multicloud.io/default-owner': 'true',
      'multicloud.io/owner-tag': 'growth-team',
    });
    // Free text is no entity ref, so it is not turned into a broken relation.
    expect(entity.spec?.system).toBeUndefined();
  });

  it('runs again as soon as the catalog has the groups that owner tags named, when the first run came before them', async () => {
    // The organisation is still being processed when the first run resolves
    // owners: the catalog has no groups yet.
    const groups: Entity[] = [];
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [...groups] }),
      queryEntities: async request => {
        const filter = (request as { filter?: { kind?: string } } | undefined)
          ?.filter;
        return {
          items: [],
          totalItems: filter?.kind === 'Group' ? groups.length : 0,
          pageInfo: {},
        };
      },
    });
    const sourceStatus = createInMemorySourceStatus();
    sourceStatus.register({ id: 'aws', type: 'aws' });
    const provider = new MulticloudEntityProvider(
      { id: 'aws', readResources: async () => [instance] },
      {
        defaultOwner: 'group:platform-team',
        ownerTagKeys: ['owner', 'team'],
        maxRemovalShare: 0.5,
        ownerRecheck: { intervalMs: 5, attempts: 1000 },
      },
      { run: async () => {} },
      mockServices.logger.mock(),
      catalog,
      mockServices.auth(),
      sourceStatus,
    );
    let applied = 0;
    const mutations: Entity[][] = [];
    const secondRun = new Promise<void>(resolve => {
      provider.connect({
        applyMutation: async mutation => {
          mutations.push(
            mutation.type === 'full'
              ? mutation.entities.map(e => e.entity)
              : [],
          );
          applied++;
          if (applied === 2) {
            resolve();
          }
        },
        refresh: async () => {},
      });
    });

    await provider.refresh();
    expect(mutations[0][0].spec?.owner).toBe('group:platform-team');
    expect(sourceStatus.list()[0].lastAppliedRun).toMatchObject({
      groups: 0,
      unresolvedOwners: 1,
    });

    groups.push(group('checkout-team'));
    await secondRun;
    // The run reports right after its mutation, in the same chain of
    // promises: one macrotask later it has.
    await new Promise(resolve => setImmediate(resolve));
    expect(mutations[1][0].spec?.owner).toBe('group:default/checkout-team');
    expect(sourceStatus.list()[0].lastAppliedRun).toMatchObject({
      groups: 1,
      unresolvedOwners: 0,
    });
  });

  it('keeps the previous entities when the source fails', async () => {
    const source = {
      id: 'azure-prod',
      readResources: async () => {
        throw new Error('AuthorizationFailed: token expired');
      },
    };
    const { provider, connection, logger, lastRun } = setup(source);
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(lastRun().lastRun).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('AuthorizationFailed: token expired'),
    });
    expect(lastRun().lastAppliedRun).toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        "Reading cloud source 'azure-prod' failed; keeping its previous entities",
      ),
    );
  });

  it('refuses a run that would remove more than half of the source entities', async () => {
    const existing = Array.from({ length: 10 }, (_, i) =>
      existingResource(`r-${i}`, 'gcp'),
    );
    const other = Array.from({ length: 10 }, (_, i) =>
      existingResource(`o-${i}`, 'other'),
    );
    const { provider, connection, logger, lastRun } = setup(
      { id: 'gcp', readResources: async () => [vpc, instance] },
      [group('checkout-team'), ...existing, ...other],
    );
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(lastRun().lastRun).toMatchObject({
      outcome: 'refused',
      resources: 2,
      error: expect.stringContaining('maxRemovalShare'),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "Cloud source 'gcp' returned 2 resources where the catalog holds 10",
      ),
    );
  });

  it('applies a run that removes less than the allowed share', async () => {
    const existing = Array.from({ length: 3 }, (_, i) =>
      existingResource(`r-${i}`, 'gcp'),
    );
    const { provider, connection } = setup(
      { id: 'gcp', readResources: async () => [vpc, instance] },
      [group('checkout-team'), ...existing],
    );
    await provider.connect(connection);
    await provider.refresh();
    expect(appliedEntities(connection)).toHaveLength(2);
  });

  it('reports the entities a run added and removed against those of the source before it', async () => {
    const kept = existingResource(
      resourceEntityName(vpc.name, vpc.nativeId),
      'aws',
    );
    const { provider, connection, lastRun } = setup(
      { id: 'aws', readResources: async () => [vpc, instance] },
      [
        group('checkout-team'),
        kept,
        existingResource('gone-1', 'aws'),
        // Of another source: neither removed nor counted.
        existingResource('elsewhere', 'other'),
      ],
    );
    await provider.connect(connection);
    await provider.refresh();
    expect(lastRun().lastAppliedRun).toMatchObject({
      outcome: 'applied',
      entities: 2,
      added: 1,
      removed: 1,
    });

    // A second run against the same catalog changes it the same way: the
    // counts are against what the catalog holds, not against the last run.
    await provider.refresh();
    expect(lastRun().lastAppliedRun).toMatchObject({ added: 1, removed: 1 });
  });

  it('counts every entity of a source as added on its first run', async () => {
    const { provider, connection, lastRun } = setup({
      id: 'aws',
      readResources: async () => [vpc, instance],
    });
    await provider.connect(connection);
    await provider.refresh();
    expect(lastRun().lastAppliedRun).toMatchObject({ added: 2, removed: 0 });
  });

  it('removes none of the entities of a failed part, and counts only real removals against the guard', async () => {
    // 6 entities of the failed account (its regions and services), 2 of a
    // part that read, of which one is gone.
    const failedAccount = Array.from({ length: 6 }, (_, i) =>
      existingResource(`a-${i}`, 'aws', `services:111:eu-west-1:s${i}`),
    );
    const { provider, connection, lastRun, logger } = setup(
      {
        id: 'aws',
        readResources: async () => ({
          resources: [{ ...vpc, sourcePart: 'services:222:eu-west-1:vpcs' }],
          failedParts: [{ part: 'services:111', error: 'AssumeRole denied' }],
        }),
      },
      [
        group('checkout-team'),
        ...failedAccount,
        existingResource('gone', 'aws', 'services:222:eu-west-1:vpcs'),
        // Not a part of this source's account 111: `services:1111` is another account.
        existingResource('other', 'aws', 'services:1111:eu-west-1:vpcs'),
      ],
    );
    await provider.connect(connection);
    await provider.refresh();

    const [[mutation]] = connection.applyMutation.mock.calls;
    if (mutation.type !== 'delta') {
      throw new Error('expected a delta mutation');
    }
    expect(mutation.added.map(e => e.entity.metadata.annotations)).toEqual([
      expect.objectContaining({
        'multicloud.io/source-part': 'services:222:eu-west-1:vpcs',
      }),
    ]);
    expect(mutation.removed).toEqual([
      {
        entityRef: 'resource:default/gone',
        locationKey: 'MulticloudEntityProvider:aws',
      },
      {
        entityRef: 'resource:default/other',
        locationKey: 'MulticloudEntityProvider:aws',
      },
    ]);
    // 2 of 8 removed: within the guard, though the run read 1 of 8.
    expect(lastRun().lastRun).toMatchObject({
      outcome: 'applied',
      resources: 1,
      entities: 7,
      added: 1,
      removed: 2,
      failedParts: [{ part: 'services:111', error: 'AssumeRole denied' }],
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Applied 1 resources from cloud source 'aws' in \d+ ms; 1 parts failed and keep their 6 other entities$/,
      ),
    );
  });

  it('resolves a relation to a resource of another source by its name', async () => {
    const { provider, connection } = setup({
      id: 'k8s',
      readResources: async () => [
        {
          ...instance,
          relations: [
            {
              type: 'dependsOn',
              targetNativeId: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
              targetName: 'prod',
            },
            { type: 'dependsOn', targetNativeId: 'unknown-elsewhere' },
          ],
        },
      ],
    });
    await provider.connect(connection);
    await provider.refresh();
    expect(appliedEntities(connection)[0].entity.spec?.dependsOn).toEqual([
      `resource:${resourceEntityName(
        'prod',
        'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
      )}`,
    ]);
  });

  it('maps unchanged resources to identical entities, so a second run causes no churn', async () => {
    const source = {
      id: 'aws-prod',
      readResources: async () => [vpc, instance],
    };
    const { provider, connection } = setup(source);
    await provider.connect(connection);
    await provider.refresh();
    await provider.refresh();
    expect(appliedEntities(connection, 1)).toEqual(
      appliedEntities(connection, 0),
    );
  });
});
