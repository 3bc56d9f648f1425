import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import { catalogIndexRouteRef } from '../../routes';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { inventoryResponse } from '../../testing/sourceFixtures';
import { InventoryOverview } from './InventoryOverview';

function renderOverview(
  api: ReturnType<typeof mockMulticloudApi>,
  options: { catalogIndex?: boolean } = {},
) {
  renderInTestApp(<InventoryOverview />, {
    apis: [[multicloudApiRef, api]],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      ...(options.catalogIndex === false
        ? {}
        : { '/catalog': catalogIndexRouteRef }),
    },
  });
}

/** The list items of one breakdown, as text. */
function breakdown(title: string): string[] {
  return within(screen.getByRole('list', { name: title }))
    .getAllByRole('listitem')
    .map(item => item.textContent ?? '');
}

describe('InventoryOverview', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('counts the cloud resources by provider, type, account, region and team', async () => {
    renderOverview(
      mockMulticloudApi({ getInventory: async () => inventoryResponse() }),
    );

    expect(await screen.findByText('Cloud resources')).toBeInTheDocument();
    expect(screen.getByText('120')).toBeInTheDocument();
    expect(screen.getByText('Unowned').nextSibling).toHaveTextContent('12');
    expect(screen.getByText('Untagged').nextSibling).toHaveTextContent('5');

    expect(breakdown('By provider')).toEqual(['aws80', 'gcp40']);
    // Largest first.
    expect(breakdown('By type')).toEqual([
      'ec2-instance50',
      'gcp-compute-instance40',
      's3-bucket30',
    ]);
    expect(breakdown('By account')).toEqual([
      '111122223333aws80',
      'shop-prodgcp40',
    ]);
    // The eight largest regions, and how many more there are.
    expect(breakdown('By region')).toEqual([
      'region-1aws30',
      'region-2aws20',
      'region-3aws15',
      'region-4aws12',
      'region-5aws10',
      'region-6aws10',
      'region-7gcp8',
      'region-8gcp6',
      'and 2 more',
    ]);
    expect(breakdown('By team')).toEqual(['payments70', 'platform-team50']);
    expect(breakdown('Changes since the last run')).toEqual([
      'demo-inventory10 minutes ago+3 −1',
    ]);
  });

  it('links the counts the catalog can list to the filtered catalog, and only those', async () => {
    renderOverview(
      mockMulticloudApi({ getInventory: async () => inventoryResponse() }),
    );
    await screen.findByText('Cloud resources');

    expect(
      screen.getByRole('link', { name: '50 resources: ec2-instance' }),
    ).toHaveAttribute(
      'href',
      '/catalog?filters%5Bkind%5D=resource&filters%5Btype%5D=ec2-instance&filters%5Buser%5D=all',
    );
    expect(
      screen.getByRole('link', {
        name: '70 resources: group:default/payments',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog?filters%5Bkind%5D=resource&filters%5Bowners%5D=group%3Adefault%2Fpayments&filters%5Buser%5D=all',
    );
    // The team's name links to its page.
    expect(
      within(screen.getByRole('list', { name: 'By team' })).getByRole('link', {
        name: 'payments',
      }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    // Provider, account and region are annotations: plain numbers.
    for (const title of ['By provider', 'By account', 'By region']) {
      expect(
        within(screen.getByRole('list', { name: title })).queryAllByRole(
          'link',
        ),
      ).toEqual([]);
    }
    expect(screen.getByText('120').closest('a')).toBeNull();
  });

  it('shows plain numbers when the app has no catalog index to link to', async () => {
    renderOverview(
      mockMulticloudApi({ getInventory: async () => inventoryResponse() }),
      { catalogIndex: false },
    );
    await screen.findByText('Cloud resources');

    expect(
      within(screen.getByRole('list', { name: 'By type' })).queryAllByRole(
        'link',
      ),
    ).toEqual([]);
    expect(breakdown('By type')[0]).toBe('ec2-instance50');
  });

  it('says when the catalog has no cloud resources yet', async () => {
    renderOverview(
      mockMulticloudApi({
        getInventory: async () =>
          inventoryResponse({
            total: 0,
            byProvider: [],
            byType: [],
            byAccount: [],
            byRegion: [],
            byOwner: [],
            unowned: 0,
            untagged: 0,
            changes: [],
          }),
      }),
    );

    expect(
      await screen.findByText('No cloud resources in the catalog'),
    ).toBeInTheDocument();
    expect(breakdown('Changes since the last run')).toEqual([
      'No source has applied a run yet',
    ]);
  });
});
