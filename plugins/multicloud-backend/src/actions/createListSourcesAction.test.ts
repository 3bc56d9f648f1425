import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { MulticloudSourcesResponse } from '@multicloud/plugin-multicloud-common';
import { createAccess } from '../lib/access';
import { createListSourcesAction } from './createListSourcesAction';

const SOURCES: MulticloudSourcesResponse = {
  sources: [
    {
      kind: 'cloud',
      id: 'aws-prod',
      type: 'aws',
      catalogEntities: 120,
      ingested: true,
      running: false,
      schedule: 'every 30 minutes',
      nextRunAt: '2026-12-07T10:30:00.000Z',
      lastRun: {
        startedAt: '2026-12-07T10:00:00.000Z',
        finishedAt: '2026-12-07T10:00:42.000Z',
        outcome: 'failed',
        error: 'AccessDenied: ec2:DescribeInstances in eu-west-1',
      },
    },
  ],
  costFolders: [
    {
      kind: 'cost',
      id: 'focus',
      running: true,
      lastRun: {
        startedAt: '2026-12-07T03:00:00.000Z',
        finishedAt: '2026-12-07T03:01:00.000Z',
        imported: 2,
        failed: 0,
        skipped: 5,
      },
    },
  ],
};

describe('list-sources', () => {
  function setup(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const registry = actionsRegistryServiceMock();
    createListSourcesAction({
      actionsRegistry: registry,
      access: createAccess({
        permissions: mockServices.permissions({ result }),
        catalog: catalogServiceMock(),
      }),
      sources: { list: async () => SOURCES },
    });
    return () =>
      registry.invoke({
        id: 'test:list-sources',
        input: {},
        credentials: mockCredentials.user(),
      });
  }

  it('lists every source and cost folder with its status', async () => {
    const { output } = await setup(AuthorizeResult.ALLOW)();
    expect(output).toEqual(SOURCES);
  });

  it('refuses callers without multicloud.source.read', async () => {
    await expect(setup(AuthorizeResult.DENY)()).rejects.toThrow(
      'You need the permission multicloud.source.read; ask your Backstage admins for it',
    );
  });
});
