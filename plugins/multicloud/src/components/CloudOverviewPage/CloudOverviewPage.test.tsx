import { renderInTestApp, renderTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import alphaPlugin from '../../alpha';
import { multicloudApiRef } from '../../api';
import { alertsSummaryResponse } from '../../testing/alertFixtures';
import {
  costSummaryResponse,
  freezeToday,
  healthResponse,
  mockMulticloudApi,
} from '../../testing/costFixtures';
import {
  inventoryResponse,
  sourcesResponse,
} from '../../testing/sourceFixtures';
import { CloudOverviewPage } from './CloudOverviewPage';

// Charts and tables make for a heavy DOM; leave room on a busy machine.
jest.setTimeout(30_000);

function renderPage(api: ReturnType<typeof mockMulticloudApi>) {
  return renderInTestApp(<CloudOverviewPage />, {
    apis: [[multicloudApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('CloudOverviewPage', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('shows the backend version and database', async () => {
    const api = mockMulticloudApi({
      getHealth: async () =>
        healthResponse({ version: '1.2.3', database: 'postgres' }),
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
    });
    renderPage(api);

    expect(await screen.findByText('1.2.3')).toBeInTheDocument();
    expect(screen.getByText('PostgreSQL')).toBeInTheDocument();
    expect(screen.getByText('Cloud overview')).toBeInTheDocument();
  });

  it('says plainly when the backend cannot be reached', async () => {
    const unavailable = () =>
      ResponseError.fromResponse(
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'boom' } }),
          {
            status: 503,
            statusText: 'Service Unavailable',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
      );
    const api = mockMulticloudApi({
      getHealth: async () => {
        throw await unavailable();
      },
      getCostSummary: async () => {
        throw await unavailable();
      },
    });
    renderPage(api);

    expect(
      await screen.findByText(/Multicloud backend unavailable/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Could not load the cost summary/),
    ).toBeInTheDocument();
  });

  it('downloads a breakdown as CSV, with full numbers, the keys and the entities', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
    });
    const blobs: Blob[] = [];
    const names: string[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:csv';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        names.push(this.download);
      });
    try {
      renderPage(api);
      const table = (await screen.findByText('Cost by group')).closest(
        '[class*="MuiPaper-root"]',
      ) as HTMLElement;
      await userEvent.click(
        within(table).getByRole('button', { name: 'Download CSV' }),
      );
      expect(names).toEqual(['cost-by-owner-2025-03-01-2025-03-15.csv']);
      const text = await new Response(blobs[0]).text();
      expect(text.split('\r\n').slice(0, 2)).toEqual([
        '"Group","Key","Entity","Provider","Currency","Cost","Share","Previous period","Change","Tagged cost"',
        '"Payments","group:default/payments","group:default/payments",,"USD",20000,0.625,15000,5000,17000',
      ]);
    } finally {
      click.mockRestore();
    }
  });

  it('breaks the cost down by group, system and provider with the top movers', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
    });
    renderPage(api);

    expect(await screen.findByText('$32,000.00')).toBeInTheDocument();
    for (const groupBy of ['owner', 'system', 'provider']) {
      expect(api.getCostSummary).toHaveBeenCalledWith({
        from: '2025-02-14',
        to: '2025-03-15',
        groupBy,
        metric: 'effective',
      });
    }
    expect(
      screen.getByText('+$4,000.00 (+14.3%) vs previous 15 days'),
    ).toBeInTheDocument();
    expect(screen.getByText('$66,000.00')).toBeInTheDocument();
    expect(screen.getByText('12.5%')).toBeInTheDocument();

    // Groups: bar chart, table with links, movers largest change first.
    expect(
      screen.getByLabelText(
        'Cost by group, largest first: Payments $20,000.00, Search $8,000.00.',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('tabpanel')).getByRole('link', {
        name: 'Payments',
      }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    // Tag coverage per team: 85% of Payments' cost is tagged, 25% of Search's.
    const groups = within(screen.getByRole('tabpanel'));
    expect(groups.getByText('Tagged')).toBeInTheDocument();
    expect(groups.getByText('85%')).toHaveAttribute(
      'title',
      '$17,000.00 of the cost carries a component, system or owner tag',
    );
    expect(
      groups.getByTitle(
        '$2,000.00 of the cost carries a component, system or owner tag',
      ),
    ).toHaveTextContent('25%');
    const movers = screen
      .getByText('Top movers by group')
      .closest('[class*="MuiPaper-root"]') as HTMLElement;
    const moverLinks = within(movers).getAllByRole('link');
    expect(moverLinks.map(link => link.textContent)).toEqual([
      'Payments',
      'Search',
    ]);
    expect(within(movers).getByText('+$5,000.00 (+33.3%)')).toBeInTheDocument();
    expect(within(movers).getByText('-$1,000.00 (-11.1%)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Systems' }));
    expect(screen.getByText('Cost by system')).toBeInTheDocument();
    expect(
      within(screen.getByRole('tabpanel')).getByRole('link', { name: 'Shop' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop');
    expect(screen.getByText('Top movers by system')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Providers' }));
    expect(screen.getByText('Cost by provider')).toBeInTheDocument();
    expect(
      screen.getByLabelText(
        'Cost by provider, largest first: AWS $24,000.00, Microsoft $8,000.00.',
      ),
    ).toBeInTheDocument();
  });

  it('asks again for the period picked', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
    });
    renderPage(api);
    await screen.findByText('$32,000.00');

    await userEvent.selectOptions(
      screen.getByLabelText('Period'),
      'Last 90 days',
    );

    await waitFor(() =>
      expect(api.getCostSummary).toHaveBeenCalledWith({
        from: '2024-12-16',
        to: '2025-03-15',
        groupBy: 'provider',
        metric: 'effective',
      }),
    );
  });

  it('keeps the unallocated share in view and explains the way in when there is no cost', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) =>
        costSummaryResponse(groupBy!, {
          total: 0,
          breakdown: [],
          breakdownSeries: [],
          movers: [],
          unallocated: { cost: 0, share: 0 },
          lastImportAt: null,
        }),
    });
    renderPage(api);

    expect(
      await screen.findByText('No cost data for this period'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unallocated')).toBeInTheDocument();
    expect(
      screen.getByText('POST /api/multicloud/cost/imports'),
    ).toBeInTheDocument();
  });

  it('lists the open alerts and savings of every team, with the total', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
      // Least urgent team first: the table puts the most critical first.
      getAlertsSummary: async () => {
        const summary = alertsSummaryResponse();
        return { ...summary, teams: [...summary.teams].reverse() };
      },
    });
    renderPage(api);

    expect(
      await screen.findByText('Alerts and savings by team'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('You could save $412.50/month'),
    ).toBeInTheDocument();
    const totals = screen.getByRole('list', {
      name: 'Open alerts by severity',
    });
    for (const name of ['Critical: 2', 'Warning: 5', 'Info: 3']) {
      expect(
        within(totals).getByRole('listitem', { name }),
      ).toBeInTheDocument();
    }

    const table = screen
      .getByText('Open alerts and savings by team')
      .closest('[class*="MuiPaper-root"]') as HTMLElement;
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(row =>
        within(row)
          .getAllByRole('cell')
          .map(cell => cell.textContent),
      ),
    ).toEqual([
      ['payments', '2', '1', '3', '$412.50/month'],
      ['search', '0', '4', '0', '–'],
    ]);
    expect(within(rows[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/payments',
    );
  });

  it('opens on the inventory and lists the sources after the cost and alerts', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
      getAlertsSummary: async () => alertsSummaryResponse(),
      getInventory: async () => inventoryResponse(),
      getSources: async () => sourcesResponse(),
    });
    renderPage(api);

    expect(await screen.findByText('Cloud resources')).toBeInTheDocument();
    expect(await screen.findByText('aws-prod')).toBeInTheDocument();
    const sections = screen
      .getAllByRole('heading', { level: 2 })
      .map(heading => heading.textContent);
    const order = [
      'Inventory',
      'Cost',
      'Alerts and savings by team',
      'Sources',
      'Status',
    ].map(title => sections.indexOf(title));
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('says when the alerts summary cannot be loaded, and still shows the cost', async () => {
    const api = mockMulticloudApi({
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
      getAlertsSummary: async () => {
        throw new Error('The alerts store is gone');
      },
    });
    renderPage(api);

    expect(
      await screen.findByText(/Could not load the alerts summary/),
    ).toBeInTheDocument();
    expect(await screen.findByText('$32,000.00')).toBeInTheDocument();
  });
});

describe('the Cloud page header', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  function answeringApi() {
    return mockMulticloudApi({
      getHealth: async () => healthResponse({ version: '1.2.3' }),
      getCostSummary: async ({ groupBy }) => costSummaryResponse(groupBy!),
      getAlertsSummary: async () => alertsSummaryResponse(),
      getInventory: async () => inventoryResponse(),
      getSources: async () => sourcesResponse(),
    });
  }

  function pageTitles() {
    return screen
      .getAllByRole('heading', { level: 1 })
      .map(heading => heading.textContent);
  }

  it("is the page's own on the legacy frontend system", async () => {
    renderPage(answeringApi());

    expect(await screen.findByText('1.2.3')).toBeInTheDocument();
    expect(pageTitles()).toEqual(['Cloud overview']);
    expect(
      screen.getByText('Cloud resources, cost and alerts across every team'),
    ).toBeInTheDocument();
  });

  it("is the app's alone on the new frontend system", async () => {
    renderTestApp({
      features: [alphaPlugin],
      initialRouteEntries: ['/multicloud'],
      apis: [[multicloudApiRef, answeringApi()]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(await screen.findByText('1.2.3')).toBeInTheDocument();
    expect(await screen.findByText('$32,000.00')).toBeInTheDocument();
    expect(pageTitles()).toEqual(['Cloud']);
    expect(screen.queryByText('Cloud overview')).not.toBeInTheDocument();
  });
});
