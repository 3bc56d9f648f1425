import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import {
  alertsResponse,
  budgetAlert,
  latencyAlert,
  openToWorldAlert,
  unattachedVolumeAlert,
  unreachableAlertmanager,
} from '../../testing/alertFixtures';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { EntityAlertsCard } from './EntityAlertsCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

function renderCard(
  api: ReturnType<typeof mockMulticloudApi>,
  props: { tabLink?: string } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityAlertsCard {...props} />
    </EntityProvider>,
    {
      apis: [[multicloudApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityAlertsCard', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('counts the open alerts by severity, names the critical ones and sums the savings', async () => {
    const alerts = [
      budgetAlert(),
      latencyAlert(),
      openToWorldAlert(),
      unattachedVolumeAlert(),
      unattachedVolumeAlert({ id: 'second-volume', status: 'dismissed' }),
    ];
    const api = mockMulticloudApi({
      getAlerts: async options => alertsResponse(alerts, options),
    });
    renderCard(api);

    const counts = await screen.findByRole('list', {
      name: 'Open alerts by severity',
    });
    expect(api.getAlerts).toHaveBeenCalledWith({
      entityRef: 'system:default/shop',
      status: ['open'],
      severity: ['critical'],
    });
    for (const name of [
      'Critical: 2',
      'Warning: 1',
      'Info: 1',
      'You could save $12.80/month',
    ]) {
      expect(
        within(counts).getByRole('listitem', { name }),
      ).toBeInTheDocument();
    }
    const critical = screen.getByRole('list', { name: 'Open critical alerts' });
    expect(
      within(critical)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['HighLatency', 'Monthly budget exceeded']);
    expect(screen.getByText(/^Evaluated /)).toBeInTheDocument();
  });

  it('links to the Alerts tab of the entity page, or where the app mounts it', async () => {
    const api = mockMulticloudApi({
      getAlerts: async options => alertsResponse([], options),
    });
    const { unmount } = renderCard(api);
    expect(
      await screen.findByRole('link', { name: 'View alerts' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/alerts');
    unmount();

    renderCard(api, { tabLink: '/catalog/default/system/shop/problems' });
    expect(
      await screen.findByRole('link', { name: 'View alerts' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/problems');
  });

  it('says when nothing needs attention and when an Alertmanager is down', async () => {
    const api = mockMulticloudApi({
      getAlerts: async options =>
        alertsResponse([], options, {
          alertmanager: [unreachableAlertmanager()],
        }),
    });
    renderCard(api);

    expect(
      await screen.findByText('Nothing needs attention.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Alertmanager eu could not be reached/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it('says when the alerts cannot be loaded', async () => {
    const api = mockMulticloudApi({
      getAlerts: async () => {
        throw new Error('The database is gone');
      },
    });
    renderCard(api);

    expect(
      await screen.findByText(/Could not load the alerts/),
    ).toBeInTheDocument();
  });

  it('says so when the user may not see the alerts', async () => {
    const api = mockMulticloudApi({
      getAlerts: async () => {
        throw new NotAllowedError('Unauthorized');
      },
    });
    renderCard(api);

    expect(
      await screen.findByText(/You may not see this entity's alerts/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'You need the permission multicloud.alert.read on system:default/shop; ' +
          "ask the entity's owners or your Backstage admins.",
      ),
    ).toBeInTheDocument();
  });
});
