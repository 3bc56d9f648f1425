import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { act, screen, waitFor } from '@testing-library/react';
import { EntityCostResponse } from '@multicloud/plugin-multicloud-common';
import { GetEntityCostOptions, multicloudApiRef } from '../../api';
import {
  alertsResponse,
  budgetAlert,
  latencyAlert,
  openToWorldAlert,
} from '../../testing/alertFixtures';
import {
  entityCostResponse,
  freezeToday,
  mockMulticloudApi,
} from '../../testing/costFixtures';
import { EntityMulticloudOverviewCard } from './EntityMulticloudOverviewCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

/** The shop's cost by service from the 1st of March to the 15th. */
function thisMonth(
  overrides: Partial<EntityCostResponse> = {},
): EntityCostResponse {
  return entityCostResponse({
    entityRef: 'system:default/shop',
    groupBy: 'service',
    breakdown: [
      {
        key: 'Amazon RDS',
        label: 'Amazon RDS',
        cost: 900,
        share: 0.6,
        previousCost: 750,
        provider: 'AWS',
      },
      {
        key: 'Amazon ElastiCache',
        label: 'Amazon ElastiCache',
        cost: 600,
        share: 0.4,
        previousCost: 500,
        provider: 'AWS',
      },
    ],
    ...overrides,
  });
}

/** The shop's cost from the 1st of February to the 15th: $1,200. */
function lastMonth(
  overrides: Partial<EntityCostResponse> = {},
): EntityCostResponse {
  return entityCostResponse({
    entityRef: 'system:default/shop',
    groupBy: 'service',
    from: '2025-02-01',
    to: '2025-02-15',
    total: 1200,
    ...overrides,
  });
}

/** Answers the cost of March or of February, as the card asks for them. */
function costByMonth(
  march: EntityCostResponse,
  february: EntityCostResponse = lastMonth(),
) {
  return async (options: GetEntityCostOptions) =>
    options.from.startsWith('2025-03') ? march : february;
}

/** Waits until the card's alerts request has answered or failed. */
async function alertsSettled(api: ReturnType<typeof mockMulticloudApi>) {
  await waitFor(() => expect(api.getAlerts).toHaveBeenCalled());
  await act(async () => {
    await api.getAlerts.mock.results[0].value.catch(() => undefined);
  });
}

function renderCard(
  api: ReturnType<typeof mockMulticloudApi>,
  props: { costTabLink?: string; alertsTabLink?: string } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityMulticloudOverviewCard {...props} />
    </EntityProvider>,
    {
      apis: [[multicloudApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityMulticloudOverviewCard', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('shows progress until the cost has loaded, and no alerts line before it', async () => {
    const api = mockMulticloudApi({
      getEntityCost: () => new Promise(() => {}),
      getAlerts: async options => alertsResponse([budgetAlert()], options),
    });
    renderCard(api);

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByText('Cloud cost')).toBeInTheDocument();
    expect(screen.getByText('March 2025 so far')).toBeInTheDocument();
    await alertsSettled(api);
    expect(screen.queryByText(/Open alerts/)).not.toBeInTheDocument();
  });

  it('sums up the month so far against last month, with forecast, budget, top driver and open alerts', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(thisMonth()),
      getAlerts: async options =>
        alertsResponse(
          [
            budgetAlert(),
            latencyAlert(),
            openToWorldAlert(),
            budgetAlert({ id: 'gone', status: 'resolved' }),
          ],
          options,
        ),
    });
    renderCard(api);

    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
    expect(api.getEntityCost).toHaveBeenCalledWith({
      entityRef: 'system:default/shop',
      from: '2025-03-01',
      to: '2025-03-15',
      groupBy: 'service',
      metric: 'effective',
    });
    expect(api.getEntityCost).toHaveBeenCalledWith({
      entityRef: 'system:default/shop',
      from: '2025-02-01',
      to: '2025-02-15',
      groupBy: 'service',
      metric: 'effective',
    });
    expect(
      screen.getByText('+$300.00 (+25%) vs Feb 1 to Feb 15'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Forecast for March 2025: $3,100.00'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Heading over budget: 60% of $2,500.00 spent, forecast 124%',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Top cost driver: Amazon RDS, $900.00 (60%)'),
    ).toBeInTheDocument();

    expect(await screen.findByText('Open alerts:')).toBeInTheDocument();
    expect(api.getAlerts).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'system:default/shop' }),
    );
    expect(screen.getByText('2 critical')).toBeInTheDocument();
    expect(screen.getByText('1 warning')).toBeInTheDocument();
    expect(screen.queryByText(/ info$/)).not.toBeInTheDocument();
  });

  it('links to the Cost tab on the month so far and to the Alerts tab, or where the app mounts them', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(thisMonth()),
      getAlerts: async options => alertsResponse([], options),
    });
    const { unmount } = renderCard(api);
    expect(
      await screen.findByRole('link', { name: 'View cost' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/system/shop/cost?period=monthToDate&groupBy=service',
    );
    expect(
      await screen.findByRole('link', { name: 'View alerts' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/alerts');
    expect(screen.getByText('No open alerts.')).toBeInTheDocument();
    unmount();

    renderCard(api, {
      costTabLink: '/catalog/default/system/shop/spend',
      alertsTabLink: '/catalog/default/system/shop/problems',
    });
    expect(
      await screen.findByRole('link', { name: 'View cost' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/system/shop/spend?period=monthToDate&groupBy=service',
    );
    expect(
      await screen.findByRole('link', { name: 'View alerts' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/problems');
  });

  const budget = thisMonth().budget!;
  it.each([
    [
      'over it',
      { ...budget, actual: 2800, actualShare: 1.12, forecastShare: 1.5 },
      'Over budget: 112% of $2,500.00 spent, forecast 150%',
    ],
    [
      'within it',
      { ...budget, forecast: 2000, forecastShare: 0.8 },
      'Within budget: 60% of $2,500.00 spent, forecast 80%',
    ],
    [
      'within it without a forecast',
      { ...budget, forecast: null, forecastShare: null },
      'Within budget: 60% of $2,500.00 spent',
    ],
  ])('says how the budget stands: %s', async (_case, given, expected) => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(thisMonth({ budget: given })),
      getAlerts: async options => alertsResponse([], options),
    });
    renderCard(api);

    expect(await screen.findByText(expected)).toBeInTheDocument();
  });

  it('leaves the budget out when there is none', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(thisMonth({ budget: null })),
      getAlerts: async options => alertsResponse([], options),
    });
    renderCard(api);

    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
    expect(screen.queryByText(/budget/i)).not.toBeInTheDocument();
  });

  it('marks a month with nothing billed before as new and one without a forecast', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(
        thisMonth({ forecast: null }),
        lastMonth({ total: 0, breakdown: [] }),
      ),
      getAlerts: async options => alertsResponse([], options),
    });
    renderCard(api);

    expect(
      await screen.findByText('+$1,500.00 (new) vs Feb 1 to Feb 15'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No forecast yet: too little cost history.'),
    ).toBeInTheDocument();
  });

  it('says when nothing is attributed to the entity this month, and still shows its alerts', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(
        thisMonth({
          total: 0,
          breakdown: [],
          otherCurrencies: [],
          budget: null,
          forecast: null,
          lastImportAt: null,
        }),
      ),
      getAlerts: async options => alertsResponse([latencyAlert()], options),
    });
    renderCard(api);

    expect(
      await screen.findByText(
        /No cost is attributed to this entity this month/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No cost data has been imported yet.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Top cost driver/)).not.toBeInTheDocument();
    expect(await screen.findByText('1 critical')).toBeInTheDocument();
  });

  it('says when the cost cannot be loaded, and still shows the alerts', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => {
        throw new Error('The cost store is gone');
      },
      getAlerts: async options => alertsResponse([openToWorldAlert()], options),
    });
    renderCard(api);

    expect(
      await screen.findByText(/Could not load the cost/),
    ).toBeInTheDocument();
    expect(await screen.findByText('1 warning')).toBeInTheDocument();
  });

  it('leaves the alerts line out when the alerts API does not answer', async () => {
    const api = mockMulticloudApi({
      getEntityCost: costByMonth(thisMonth()),
      getAlerts: async () => {
        throw new Error('Forbidden');
      },
    });
    renderCard(api);

    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
    await alertsSettled(api);
    expect(screen.queryByText(/open alerts/i)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'View alerts' }),
    ).not.toBeInTheDocument();
  });
});
