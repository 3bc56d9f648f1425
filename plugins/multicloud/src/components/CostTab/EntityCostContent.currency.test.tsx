import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityCostResponse } from '@multicloud/plugin-multicloud-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

/** Euros and pounds converted into dollars; francs without a rate. */
const CONVERTED: Partial<EntityCostResponse> = {
  converted: [
    {
      currency: 'EUR',
      amount: 1000,
      convertedAmount: 1080,
      rates: [
        { month: '2025-02', rate: 1.08 },
        { month: '2025-03', rate: 1.08, rateMonth: '2025-02' },
      ],
    },
    {
      currency: 'GBP',
      amount: 200,
      convertedAmount: 254,
      rates: [{ month: '2025-03', rate: 1.27 }],
    },
  ],
  otherCurrencies: [{ currency: 'CHF', total: 40 }],
};

async function renderCostTab(response: EntityCostResponse) {
  const api = mockMulticloudApi({ getEntityCost: async () => response });
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityCostContent />
    </EntityProvider>,
    {
      apis: [
        [multicloudApiRef, api],
        mockApis.permission.mock({
          authorize: async () => ({ result: AuthorizeResult.ALLOW }),
        }),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: ['/catalog/default/component/checkout/cost'],
    },
  );
  await waitFor(() => expect(api.getEntityCost).toHaveBeenCalled());
  await screen.findByText('$1,500.00');
}

// Charts and tables make for a heavy DOM; leave room on a busy machine.
jest.setTimeout(30_000);

describe('EntityCostContent with a display currency', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('says what the figures include converted, with the rates, and what they leave out', async () => {
    await renderCostTab(entityCostResponse(CONVERTED));

    expect(
      screen.getByText(
        'Includes €1,000.00 and £200.00 converted to USD at monthly rates from config',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not included, no exchange rate to USD in config:', {
        exact: false,
      }),
    ).toHaveTextContent(/CHF\s40\.00$/);

    await userEvent.hover(
      screen.getByRole('button', { name: 'Exchange rates used' }),
    );
    const rates = await screen.findByRole('tooltip');
    expect(within(rates).getByText('€1,000.00 = $1,080.00:')).toBeTruthy();
    expect(
      within(rates).getByText('1 EUR = 1.08 USD in February 2025'),
    ).toBeTruthy();
    expect(
      within(rates).getByText(
        '1 EUR = 1.08 USD in March 2025 (rate of February 2025)',
      ),
    ).toBeTruthy();
    expect(
      within(rates).getByText('1 GBP = 1.27 USD in March 2025'),
    ).toBeTruthy();
  });

  it('tells the budget as it was set, and the rate it was converted at', async () => {
    await renderCostTab(
      entityCostResponse({
        ...CONVERTED,
        budget: {
          amount: 2500,
          currency: 'USD',
          source: 'api',
          month: '2025-03',
          actual: 1500,
          forecast: 3100,
          actualShare: 0.6,
          forecastShare: 1.24,
          convertedFrom: {
            amount: 2000,
            currency: 'EUR',
            rate: { month: '2025-03', rate: 1.25 },
          },
        },
      }),
    );

    expect(
      screen.getByText('$1,500.00 spent of $2,500.00'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Set as €2,000.00, converted at 1 EUR = 1.25 USD in March 2025.',
      ),
    ).toBeInTheDocument();
  });

  it('says why a budget in a currency without a rate is not compared', async () => {
    await renderCostTab(
      entityCostResponse({
        ...CONVERTED,
        budget: null,
        unconvertedBudget: {
          amount: 300,
          currency: 'CHF',
          source: 'api',
          month: '2025-03',
        },
      }),
    );

    expect(
      screen.getByText(
        /^Budget CHF\s300\.00: not compared, the config has no exchange rate from CHF to USD for March 2025 or earlier\.$/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('No monthly budget.')).not.toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Edit budget' }),
    ).toBeInTheDocument();
  });

  it('shows no conversion note without a display currency', async () => {
    await renderCostTab(
      entityCostResponse({ otherCurrencies: [{ currency: 'EUR', total: 12 }] }),
    );

    expect(
      screen.queryByRole('button', { name: 'Exchange rates used' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Not included, billed in other currencies: €12.00'),
    ).toBeInTheDocument();
  });
});
