import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act, screen } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { sourcesResponse } from '../../testing/sourceFixtures';
import { SourcesTable } from './SourcesTable';

// usePermission keeps each answer for the life of the module (SWR's cache):
// this file's policy refuses `multicloud.source.refresh` in every test.

describe('SourcesTable without multicloud.source.refresh', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('lists the sources without offering to run them', async () => {
    const permissionApi = mockApis.permission.mock({
      authorize: async () => ({ result: AuthorizeResult.DENY }),
    });
    const api = mockMulticloudApi({
      getSources: async () => sourcesResponse(),
    });
    renderInTestApp(<SourcesTable />, {
      apis: [[multicloudApiRef, api], permissionApi],
    });

    expect(await screen.findByText('demo-inventory')).toBeInTheDocument();
    expect(screen.getByText('aws-prod')).toBeInTheDocument();
    expect(permissionApi.authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'multicloud.source.refresh',
        }),
      }),
    );
    // Once the answer is in, there is still no button.
    await act(async () => {
      await Promise.all(
        permissionApi.authorize.mock.results.map(result => result.value),
      );
    });
    expect(screen.queryByRole('button', { name: /Refresh/ })).toBeNull();
    expect(screen.queryByText('Refresh')).toBeNull();
  });
});
