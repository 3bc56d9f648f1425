import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { multicloudApiRef } from './api';
import { EntityAlertsCard, EntityAlertsContent } from './plugin';
import { budgetAlert, fakeAlertsBackend } from './testing/alertFixtures';
import { freezeToday, mockMulticloudApi } from './testing/costFixtures';

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
});
