import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { multicloudApiRef } from './api';
import {
  EntityAlertsCard,
  EntityAlertsContent,
  EntityMulticloudOverviewCard,
} from './plugin';
import { budgetAlert, fakeAlertsBackend } from './testing/alertFixtures';
import {
  entityCostResponse,
  freezeToday,
  mockMulticloudApi,
} from './testing/costFixtures';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

jest.setTimeout(30_000);

describe('legacy frontend system exports', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('loads the Alerts tab and card of an entity', async () => {
    const api = mockMulticloudApi(fakeAlertsBackend([budgetAlert()]));
    renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityAlertsCard />
        <EntityAlertsContent />
      </EntityProvider>,
      {
        apis: [[multicloudApiRef, api], mockApis.permission()],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByRole('link', { name: 'View alerts' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/alerts');
    expect(
      await screen.findByRole('button', { name: 'Acknowledge' }),
    ).toBeInTheDocument();
  });

  it('loads the cost and alerts card of an entity', async () => {
    const api = mockMulticloudApi({
      ...fakeAlertsBackend([budgetAlert()]),
      getEntityCost: async ({ from, to }) => entityCostResponse({ from, to }),
    });
    renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityMulticloudOverviewCard />
      </EntityProvider>,
      {
        apis: [[multicloudApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByRole('link', { name: 'View cost' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/cost?period=monthToDate&groupBy=service',
    );
    expect(await screen.findByText('1 critical')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View alerts' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/alerts',
    );
  });
});
