import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import { createInventoryService } from './createInventoryService';

const resource = (
  name: string,
  fields: {
    provider: string;
    account: string;
    region: string;
    type: string;
    owner: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    labels: {
      'multicloud.io/provider': fields.provider,
      'multicloud.io/account': fields.account,
      'multicloud.io/region': fields.region,
      ...fields.labels,
    },
    annotations: {
      'multicloud.io/provider': fields.provider,
      'multicloud.io/region': fields.region,
      ...fields.annotations,
    },
  },
  spec: { type: fields.type, owner: fields.owner },
});

const unowned = { 'multicloud.io/default-owner': 'true' };

const ENTITIES: Entity[] = [
  resource('vm-1', {
    provider: 'azure',
    account: 'sub-1',
    region: 'westeurope',
    type: 'virtual-machine',
    owner: 'group:default/payments-team',
    labels: { environment: 'prod' },
  }),
  // Only the labels the provider writes itself: untagged.
  resource('disk-1', {
    provider: 'azure',
    account: 'sub-1',
    region: 'westeurope',
    type: 'managed-disk',
    owner: 'group:default/platform-team',
    annotations: unowned,
  }),
  // Its owner tag named a deleted team: it has a tag.
  resource('disk-2', {
    provider: 'azure',
    account: 'sub-2',
    region: 'northeurope',
    type: 'managed-disk',
    owner: 'group:default/platform-team',
    annotations: { ...unowned, 'multicloud.io/owner-tag': 'old-team' },
  }),
  // A source's defaultOwner written as a bare name: the same team.
  resource('bucket-1', {
    provider: 'gcp',
    account: 'shop-prod',
    region: 'westeurope',
    type: 'storage-bucket',
    owner: 'platform-team',
    labels: { 'cost-center': 'cc-1' },
    annotations: unowned,
  }),
  // A hand-written Resource, no cloud resource.
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'shared-db' },
    spec: { type: 'database', owner: 'group:default/data-team' },
  },
];

function setup() {
  const sourceStatus = createInMemorySourceStatus();
  sourceStatus.register({ id: 'azure', type: 'azure' });
  sourceStatus.register({ id: 'gcp', type: 'gcp' });
  const calls: Array<{ method: string; user?: string }> = [];
  const all = catalogServiceMock({ entities: ENTITIES });
  const gcpOnly = catalogServiceMock({
    entities: ENTITIES.filter(
      e => e.metadata.annotations?.['multicloud.io/provider'] === 'gcp',
    ),
  });
  // Reads as the catalog's permissions let each caller read.
  const userOf = (credentials: BackstageCredentials) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  const catalogFor = (credentials: BackstageCredentials) =>
    userOf(credentials) === 'user:default/gcp-reader' ? gcpOnly : all;
  const catalog = {
    getEntityFacets: async (request, options) => {
      calls.push({
        method: 'getEntityFacets',
        user: userOf(options.credentials),
      });
      return catalogFor(options.credentials).getEntityFacets(request, options);
    },
    queryEntities: async (request, options) => {
      calls.push({
        method: 'queryEntities',
        user: userOf(options.credentials),
      });
      return catalogFor(options.credentials).queryEntities(request, options);
    },
  } as Partial<CatalogService> as CatalogService;
  return {
    inventory: createInventoryService({ catalog, sourceStatus }),
    sourceStatus,
    calls,
  };
}

describe('createInventoryService', () => {
  it('counts the cloud resources by provider, type, account, region and owner, and those without owner or tags', async () => {
    const { inventory, sourceStatus } = setup();
    sourceStatus.recordRun('azure', {
      startedAt: '2026-12-07T10:00:00.000Z',
      finishedAt: '2026-12-07T10:01:00.000Z',
      outcome: 'applied',
      resources: 3,
      entities: 3,
      added: 2,
      removed: 5,
    });
    expect(
      await inventory.inventory(mockCredentials.user('user:default/admin')),
    ).toEqual({
      total: 4,
      byProvider: [
        { key: 'azure', count: 3 },
        { key: 'gcp', count: 1 },
      ],
      byType: [
        { key: 'managed-disk', count: 2 },
        { key: 'storage-bucket', count: 1 },
        { key: 'virtual-machine', count: 1 },
      ],
      byAccount: [
        { key: 'sub-1', provider: 'azure', count: 2 },
        { key: 'shop-prod', provider: 'gcp', count: 1 },
        { key: 'sub-2', provider: 'azure', count: 1 },
      ],
      byRegion: [
        { key: 'westeurope', provider: 'azure', count: 2 },
        { key: 'northeurope', provider: 'azure', count: 1 },
        { key: 'westeurope', provider: 'gcp', count: 1 },
      ],
      byOwner: [
        { key: 'group:default/platform-team', count: 3 },
        { key: 'group:default/payments-team', count: 1 },
      ],
      unowned: 3,
      untagged: 1,
      changes: [
        {
          sourceId: 'azure',
          finishedAt: '2026-12-07T10:01:00.000Z',
          added: 2,
          removed: 5,
        },
      ],
    });
  });

  it("counts only what the caller may read, asking the catalog with the caller's credentials", async () => {
    const { inventory, calls } = setup();
    const counted = await inventory.inventory(
      mockCredentials.user('user:default/gcp-reader'),
    );
    expect(counted).toMatchObject({
      total: 1,
      byProvider: [{ key: 'gcp', count: 1 }],
      byAccount: [{ key: 'shop-prod', provider: 'gcp', count: 1 }],
      unowned: 1,
      untagged: 0,
    });
    expect(new Set(calls.map(call => call.user))).toEqual(
      new Set(['user:default/gcp-reader']),
    );
    // One count for the whole inventory and one per provider.
    expect(calls.filter(c => c.method === 'getEntityFacets')).toHaveLength(2);
  });
});
