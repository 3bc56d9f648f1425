import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { multicloudCostImportPermission } from '@multicloud/plugin-multicloud-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation, useNavigationType } from 'react-router-dom';
import { multicloudApiRef } from '../../api';
import {
  entityCostResponse,
  freezeToday,
  mockMulticloudApi,
} from '../../testing/costFixtures';
import { EntityCostContent } from './EntityCostContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const COST_TAB = '/catalog/default/component/checkout/cost';

/** The address the tab is at, after how the last navigation got there. */
const CurrentAddress = () => {
  const { pathname, search } = useLocation();
  return (
    <output aria-label="Current address">
      {useNavigationType()} {pathname}
      {search}
    </output>
  );
};

const currentAddress = () =>
  screen.getByRole('status', { name: 'Current address' });

async function renderCostTab(
  api: ReturnType<typeof mockMulticloudApi>,
  query = '',
) {
  const permissionApi = mockApis.permission.mock({
    authorize: async () => ({ result: AuthorizeResult.ALLOW }),
  });
  const rendered = renderInTestApp(
    <>
      <EntityProvider entity={entity}>
        <EntityCostContent />
      </EntityProvider>
      <CurrentAddress />
    </>,
    {
      apis: [[multicloudApiRef, api], permissionApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: [`${COST_TAB}${query}`],
    },
  );
  await waitFor(() => expect(api.getEntityCost).toHaveBeenCalled());
  return { ...rendered, permissionApi };
}

async function forbidden(
  request = { method: 'PUT', url: '/api/multicloud/cost/budgets' },
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Unauthorized' },
        request,
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

// Charts and tables make for a heavy DOM; leave room on a busy machine.
jest.setTimeout(30_000);

describe('EntityCostContent', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('shows the total, its change, the forecast, the budget and the breakdown', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api);

    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
    expect(api.getEntityCost).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      from: '2025-02-14',
      to: '2025-03-15',
      groupBy: 'service',
      metric: 'effective',
    });
    expect(
      screen.getByText('+$250.00 (+20%) vs previous 15 days'),
    ).toBeInTheDocument();
    expect(screen.getByText('$3,100.00')).toBeInTheDocument();
    expect(
      screen.getByText('80% interval: $2,900.00 to $3,400.00'),
    ).toBeInTheDocument();
    expect(screen.getByText('Model error (MAPE): 8.3%')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Backtest: the 80% interval held 74% of month totals and 78% of days',
      ),
    ).toBeInTheDocument();

    const budget = screen.getByRole('progressbar', {
      name: 'Share of the monthly budget spent',
    });
    expect(budget).toHaveAttribute('aria-valuenow', '60');
    expect(
      screen.getByText('$1,500.00 spent of $2,500.00'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Forecast $3,100.00 (124% of budget), heading over budget',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('12.5%')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'What is unallocated cost?' }),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('img', {
        name: /Daily cost from 2025-03-01 to 2025-03-15/,
      }),
    ).toHaveAccessibleName(expect.stringContaining('1 anomaly marked'));
    expect(
      screen.getByText(/Spike: \$100\.00 against \$40\.00 expected \(\+150%\)/),
    ).toBeInTheDocument();

    const database = screen.getByRole('link', { name: 'checkout-db' });
    expect(database).toHaveAttribute(
      'href',
      '/catalog/default/resource/checkout-db-1a2b3c',
    );
    const cacheRow = screen
      .getByTitle('arn:aws:elasticache:eu-west-1:123456789012:cluster:sessions')
      .closest('tr')!;
    expect(within(cacheRow).queryByRole('link')).not.toBeInTheDocument();
    expect(within(cacheRow).getByText('$600.00')).toBeInTheDocument();
    expect(within(cacheRow).getByText('40%')).toBeInTheDocument();
    expect(within(cacheRow).getByText('+$100.00 (+20%)')).toBeInTheDocument();
  });

  it('asks again for the period and grouping the user picks', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api);
    await screen.findByText('$1,500.00');

    await userEvent.selectOptions(
      screen.getByLabelText('Period'),
      'Last 7 days',
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({ from: '2025-03-09', to: '2025-03-15' }),
      ),
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Period'),
      'Month to date',
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({ from: '2025-03-01', to: '2025-03-15' }),
      ),
    );

    await userEvent.selectOptions(screen.getByLabelText('Group by'), 'Region');
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith({
        entityRef: 'component:default/checkout',
        from: '2025-03-01',
        to: '2025-03-15',
        groupBy: 'region',
        metric: 'effective',
      }),
    );

    await userEvent.selectOptions(screen.getByLabelText('Cost'), 'Billed');
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({ groupBy: 'region', metric: 'billed' }),
      ),
    );
  });

  it('takes a custom period and refuses one that ends before it starts', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api);
    await screen.findByText('$1,500.00');

    await userEvent.selectOptions(screen.getByLabelText('Period'), 'Custom');
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2025-01-01' },
    });
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({ from: '2025-01-01', to: '2025-03-15' }),
      ),
    );
    const calls = api.getEntityCost.mock.calls.length;

    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2024-12-31' },
    });

    expect(
      await screen.findByText(
        'The start date must be on or before the end date.',
      ),
    ).toBeInTheDocument();
    expect(api.getEntityCost).toHaveBeenCalledTimes(calls);
    expect(screen.queryByText('$1,500.00')).not.toBeInTheDocument();
  });

  it('opens the period and grouping an alert link asks for', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api, '?from=2025-01-01&to=2025-01-31&groupBy=region');

    expect(api.getEntityCost).toHaveBeenCalledTimes(1);
    expect(api.getEntityCost).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      from: '2025-01-01',
      to: '2025-01-31',
      groupBy: 'region',
      metric: 'effective',
    });
    expect(screen.getByLabelText('Period')).toHaveValue('custom');
    expect(screen.getByLabelText('From')).toHaveValue('2025-01-01');
    expect(screen.getByLabelText('To')).toHaveValue('2025-01-31');
    expect(screen.getByLabelText('Group by')).toHaveValue('region');
    await screen.findByText('$1,500.00');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Opening the link leaves it as it was.
    expect(currentAddress()).toHaveTextContent(
      `POP ${COST_TAB}?from=2025-01-01&to=2025-01-31&groupBy=region`,
    );
  });

  it('shows the defaults, and says why, when a link asks for what cannot be shown', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api, '?from=2025-03-10&to=2025-03-01&groupBy=owner');

    expect(api.getEntityCost).toHaveBeenCalledTimes(1);
    expect(api.getEntityCost).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      from: '2025-02-14',
      to: '2025-03-15',
      groupBy: 'service',
      metric: 'effective',
    });
    expect(screen.getByLabelText('Period')).toHaveValue('last30');
    expect(screen.getByLabelText('Group by')).toHaveValue('service');
    const notice = screen.getByRole('alert');
    expect(notice).toHaveTextContent(
      "Info: Some of the link's settings could not be used",
    );
    expect(notice).toHaveTextContent(
      "The link's period cannot be shown: it starts (2025-03-10) after it ends (2025-03-01). Showing the last 30 days instead.",
    );
    expect(notice).toHaveTextContent(
      /grouping "owner" is not one of .*\. Grouping by service instead\./,
    );
    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
  });

  it('falls back to the defaults from a link longer than the API answers for', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api, '?from=2023-01-01&to=2025-03-15&groupBy=account');

    expect(api.getEntityCost).toHaveBeenCalledTimes(1);
    expect(api.getEntityCost).toHaveBeenCalledWith(
      expect.objectContaining({
        from: '2025-02-14',
        to: '2025-03-15',
        groupBy: 'account',
      }),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      /it has 805 days, and at most 732 can be shown at once\./,
    );
  });

  it('narrows to the filters of the link and of the filter bar, keeping them in the address, and leaves the budget out', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async options => ({
        ...entityCostResponse(),
        budget: null,
        ...(options.filters ? { filters: options.filters } : {}),
      }),
    });
    await renderCostTab(api, '?period=last30&provider=AWS&tag=team%3Dpayments');

    expect(api.getEntityCost).toHaveBeenLastCalledWith(
      expect.objectContaining({
        filters: {
          provider: 'AWS',
          tags: [{ key: 'team', value: 'payments' }],
        },
      }),
    );
    const bar = await screen.findByRole('group', { name: 'Cost filters' });
    expect(within(bar).getByText('Provider: AWS')).toBeInTheDocument();
    expect(within(bar).getByText('Tag team: payments')).toBeInTheDocument();
    expect(
      await screen.findByText(/The budget is for all of this entity's cost/),
    ).toBeInTheDocument();

    // Add a region.
    await userEvent.selectOptions(
      within(bar).getByLabelText('Filter by'),
      'Region',
    );
    await userEvent.type(within(bar).getByLabelText('Value'), 'eu-west-1');
    await userEvent.click(
      within(bar).getByRole('button', { name: 'Add filter' }),
    );
    await waitFor(() =>
      expect(currentAddress()).toHaveTextContent(
        `REPLACE ${COST_TAB}?period=last30&provider=AWS&region=eu-west-1&tag=team%3Dpayments`,
      ),
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({
          filters: {
            provider: 'AWS',
            region: 'eu-west-1',
            tags: [{ key: 'team', value: 'payments' }],
          },
        }),
      ),
    );

    // Remove the provider, then clear the rest.
    const providerChip = within(bar)
      .getByText('Provider: AWS')
      .closest('.MuiChip-root')!;
    await userEvent.click(providerChip.querySelector('.MuiChip-deleteIcon')!);
    await waitFor(() =>
      expect(currentAddress()).toHaveTextContent(
        `REPLACE ${COST_TAB}?period=last30&region=eu-west-1&tag=team%3Dpayments`,
      ),
    );
    await userEvent.click(
      within(bar).getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() =>
      expect(currentAddress()).toHaveTextContent(
        `REPLACE ${COST_TAB}?period=last30`,
      ),
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({ filters: undefined }),
      ),
    );
  });

  it('says which filters matched nothing, instead of how to import cost', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async options => ({
        ...entityCostResponse(),
        total: 0,
        breakdown: [],
        breakdownSeries: [],
        otherCurrencies: [],
        filters: options.filters,
      }),
    });
    await renderCostTab(api, '?region=mars-1');
    expect(
      await screen.findByText('No cost matches the filters'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Nothing in this period matches Region: mars-1/),
    ).toBeInTheDocument();
  });

  it("keeps the user's choices in the address, replacing it", async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
    });
    await renderCostTab(api, '?from=2025-03-10&to=2025-03-01');
    await screen.findByText('$1,500.00');
    expect(screen.getByRole('alert')).toHaveTextContent(/starts .* after/);
    expect(currentAddress()).toHaveTextContent(
      `POP ${COST_TAB}?from=2025-03-10&to=2025-03-01`,
    );

    await userEvent.selectOptions(screen.getByLabelText('Group by'), 'Region');
    await waitFor(() =>
      expect(currentAddress()).toHaveTextContent(
        `REPLACE ${COST_TAB}?period=last30&groupBy=region`,
      ),
    );
    expect(api.getEntityCost).toHaveBeenLastCalledWith(
      expect.objectContaining({ from: '2025-02-14', groupBy: 'region' }),
    );
    // A choice that can be shown puts the link's notice away.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Period'), 'Custom');
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2025-01-01' },
    });
    await waitFor(() =>
      expect(currentAddress()).toHaveTextContent(
        `REPLACE ${COST_TAB}?from=2025-01-01&to=2025-03-15&groupBy=region`,
      ),
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenLastCalledWith(
        expect.objectContaining({
          from: '2025-01-01',
          to: '2025-03-15',
          groupBy: 'region',
        }),
      ),
    );
    const calls = api.getEntityCost.mock.calls.length;

    // A period the API does not answer for stays in the picker only.
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2023-01-01' },
    });
    expect(
      await screen.findByText(
        'The period has 805 days; at most 732 can be shown at once.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('From')).toHaveValue('2023-01-01');
    expect(currentAddress()).toHaveTextContent(
      `${COST_TAB}?from=2025-01-01&to=2025-03-15&groupBy=region`,
    );
    expect(api.getEntityCost).toHaveBeenCalledTimes(calls);
  });

  it('explains how cost gets attributed when there is none', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () =>
        entityCostResponse({
          total: 0,
          breakdown: [],
          breakdownSeries: [],
          lastImportAt: null,
        }),
    });
    const { permissionApi } = await renderCostTab(api);

    expect(
      await screen.findByText('No cost attributed to this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No cost data has been imported yet/),
    ).toBeInTheDocument();
    expect(screen.getByText('multicloud.io/resource-id')).toBeInTheDocument();
    // How to import is told to who may import.
    expect(
      await screen.findByText('POST /api/multicloud/cost/imports'),
    ).toBeInTheDocument();
    expect(permissionApi.authorize).toHaveBeenCalledWith({
      permission: multicloudCostImportPermission,
    });
  });

  it('shows what went wrong when the cost cannot be loaded', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => {
        throw new Error('Database is gone');
      },
    });
    await renderCostTab(api);

    expect(
      await screen.findByText(/Could not load the cost/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Database is gone/).length).toBeGreaterThan(0);
  });

  it('says so when the user may not see the cost', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => {
        throw await forbidden({
          method: 'GET',
          url: '/api/multicloud/cost/entity',
        });
      },
    });
    await renderCostTab(api);

    expect(
      await screen.findByText(/You may not see this entity's cost/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'You need the permission multicloud.cost.read on component:default/checkout; ' +
          "ask the entity's owners or your Backstage admins.",
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Could not load the cost/),
    ).not.toBeInTheDocument();
  });

  it('sets a budget through the dialog and reloads the cost', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse({ budget: null }),
      setBudget: async options => ({
        entityRef: options.entityRef,
        amount: options.amount,
        currency: options.currency ?? 'USD',
      }),
    });
    await renderCostTab(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Set budget' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('Monthly budget'),
      '2000',
    );
    const calls = api.getEntityCost.mock.calls.length;
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(api.setBudget).toHaveBeenCalledWith({
        entityRef: 'component:default/checkout',
        amount: 2000,
        currency: 'USD',
      }),
    );
    await waitFor(() =>
      expect(api.getEntityCost).toHaveBeenCalledTimes(calls + 1),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('removes a budget set through the API', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse(),
      deleteBudget: async () => undefined,
    });
    await renderCostTab(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Edit budget' }),
    );
    expect(screen.getByLabelText('Monthly budget')).toHaveValue(2500);
    await userEvent.click(
      screen.getByRole('button', { name: 'Remove budget' }),
    );

    await waitFor(() =>
      expect(api.deleteBudget).toHaveBeenCalledWith(
        'component:default/checkout',
      ),
    );
  });

  it('says which permission is missing when the budget may not be changed', async () => {
    const api = mockMulticloudApi({
      getEntityCost: async () => entityCostResponse({ budget: null }),
      setBudget: async () => {
        throw await forbidden();
      },
    });
    await renderCostTab(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Set budget' }),
    );
    await userEvent.type(screen.getByLabelText('Monthly budget'), '10');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You need the permission multicloud.budget.update on component:default/checkout; ' +
        "ask the entity's owners or your Backstage admins.",
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('shows a budget from the annotation and lets it be overridden, not removed', async () => {
    const response = entityCostResponse();
    const api = mockMulticloudApi({
      getEntityCost: async () => ({
        ...response,
        budget: { ...response.budget!, source: 'annotation' },
      }),
    });
    await renderCostTab(api);

    expect(
      await screen.findByText(/Set by the annotation/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('multicloud.io/monthly-budget'),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Override budget' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Set monthly budget')).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Remove budget' }),
    ).not.toBeInTheDocument();
  });
});
