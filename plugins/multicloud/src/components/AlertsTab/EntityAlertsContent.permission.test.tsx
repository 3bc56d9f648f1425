import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import {
  budgetAlert,
  fakeAlertsBackend,
  latencyAlert,
} from '../../testing/alertFixtures';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { EntityAlertsContent } from './EntityAlertsContent';

// usePermission keeps each answer for the life of the module (SWR's cache),
// so a user who may not change alerts gets a module registry of their own:
// this file.

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

jest.setTimeout(30_000);

describe('EntityAlertsContent without multicloud.alert.update', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('offers no action but History, and says why', async () => {
    const api = mockMulticloudApi(
      fakeAlertsBackend([budgetAlert(), latencyAlert()]),
    );
    const permissionApi = mockApis.permission({
      authorize: AuthorizeResult.DENY,
    });
    renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityAlertsContent />
      </EntityProvider>,
      {
        apis: [[multicloudApiRef, api], permissionApi],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByText(/You can see these alerts but not act on them/),
    ).toBeInTheDocument();
    expect(screen.getByText('multicloud.alert.update')).toBeInTheDocument();
    const budget = screen.getByText('Monthly budget exceeded').closest('tr')!;
    expect(
      within(budget)
        .getAllByRole('button')
        .map(button => button.getAttribute('aria-label')),
    ).toEqual(['History']);
    const latency = screen.getByText('HighLatency').closest('tr')!;
    expect(within(latency).queryByRole('button')).not.toBeInTheDocument();
  });
});
