import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { multicloudApiRef } from '../../api';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { inventorySource, sourcesResponse } from '../../testing/sourceFixtures';
import { SourcesTable } from './SourcesTable';

// The permission API of these tests allows everything: `usePermission` keeps
// each answer for the life of the module, so the table without the
// permission is tested in SourcesTable.permission.test.tsx.

// The table polls every 2 seconds after a refresh, in real time.
jest.setTimeout(30_000);

function renderTable(
  api: ReturnType<typeof mockMulticloudApi>,
  alertApi = mockApis.alert(),
) {
  renderInTestApp(<SourcesTable />, {
    apis: [[multicloudApiRef, api], mockApis.permission(), alertApi],
  });
  return alertApi;
}

/** The cells' texts of each body row of the Sources table. */
function rowTexts(): string[][] {
  const table = screen
    .getByText('Cloud sources and cost folders', { selector: 'h2' })
    .closest('[class*="MuiPaper-root"]') as HTMLElement;
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent ?? ''),
    );
}

function conflict(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message },
        request: {
          method: 'POST',
          url: '/api/multicloud/sources/cloud/demo-inventory/refresh',
        },
        response: { statusCode: 409 },
      }),
      {
        status: 409,
        statusText: 'Conflict',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

describe('SourcesTable', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('lists every cloud source and cost folder with its last run, counts, errors and next run', async () => {
    renderTable(
      mockMulticloudApi({ getSources: async () => sourcesResponse() }),
    );

    expect(await screen.findByText('demo-inventory')).toBeInTheDocument();
    expect(rowTexts()).toEqual([
      [
        'demo-inventoryinventory',
        'applied',
        '10 minutes agotook 42 s',
        '120 resources, 118 entities, +3 −1',
        '118 entitiesingested',
        '–',
        'in 5 minutesevery 10 minutes',
        'Refresh now',
      ],
      [
        'aws-prodaws',
        'failed',
        '2 hours agotook 3 min 5 s',
        '–',
        '40 entitiesnot ingested yet',
        'Could not list the EC2 instances of eu-west-1: AccessDenied: User arn:aws:iam::111122223333:user/backstage is not authorized to perform: ec2:DescribeInstances',
        '–every 1 hour',
        'Refresh now',
      ],
      [
        'demoFOCUS folder',
        'succeeded',
        '30 minutes agotook 850 ms',
        '2 imported, 1 skipped, 0 failed',
        '–',
        '–',
        'in 30 minutesevery 30 minutes',
        'Refresh now',
      ],
    ]);
    // The exact times are a hover away.
    expect(screen.getByText('10 minutes ago')).toHaveAttribute(
      'title',
      '2025-03-15T09:50:00.000Z',
    );
  });

  it('says which parts of an applied run failed, and which sources are running or have never run', async () => {
    renderTable(
      mockMulticloudApi({
        getSources: async () =>
          sourcesResponse({
            sources: [
              inventorySource({
                id: 'gcp-org',
                type: 'gcp',
                lastRun: {
                  startedAt: '2025-03-15T09:00:00.000Z',
                  finishedAt: '2025-03-15T09:01:00.000Z',
                  outcome: 'applied',
                  resources: 10,
                  entities: 10,
                  added: 0,
                  removed: 0,
                  failedParts: [
                    {
                      part: 'projects/shop-dev',
                      error:
                        'Cloud Asset API has not been used in project shop-dev',
                    },
                  ],
                },
              }),
              inventorySource({ id: 'aks-prod', type: 'azure', running: true }),
              inventorySource({
                id: 'eks-new',
                type: 'kubernetes',
                lastRun: undefined,
                lastAppliedRun: undefined,
                catalogEntities: 0,
                ingested: false,
              }),
            ],
            costFolders: [],
          }),
      }),
    );

    expect(await screen.findByText('gcp-org')).toBeInTheDocument();
    const rows = rowTexts();
    expect(rows.map(row => row[1])).toEqual([
      'applied, partly',
      'running',
      'not run since the backend started',
    ]);
    expect(rows[0][5]).toBe(
      'projects/shop-dev: Cloud Asset API has not been used in project shop-dev',
    );
    expect(rows[2][2]).toBe('–');
    // A running source cannot be run again until it ends.
    expect(
      screen.getByRole('button', { name: 'Refresh now (aks-prod)' }),
    ).toBeDisabled();
  });

  it('runs a source now, then shows the run it asked for once it has ended', async () => {
    const before = sourcesResponse();
    const running = sourcesResponse({
      sources: [inventorySource({ running: true }), before.sources[1]],
    });
    const after = sourcesResponse({
      sources: [
        inventorySource({
          lastRun: {
            startedAt: '2025-03-15T10:00:01.000Z',
            finishedAt: '2025-03-15T10:00:31.000Z',
            outcome: 'applied',
            resources: 125,
            entities: 123,
            added: 5,
            removed: 0,
          },
        }),
        before.sources[1],
      ],
    });
    const answers = [before, running, after];
    const api = mockMulticloudApi({
      getSources: async () => answers.shift() ?? after,
      refreshSource: async (kind, id) => ({
        kind,
        id,
        requestedAt: '2025-03-15T10:00:00.000Z',
      }),
    });
    const alertApi = renderTable(api);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Refresh now (demo-inventory)',
      }),
    );

    expect(api.refreshSource).toHaveBeenCalledWith('cloud', 'demo-inventory');
    expect(
      await screen.findByRole('button', { name: 'Refresh requested' }),
    ).toBeDisabled();
    // The run comes in: 125 resources now, and the button is back.
    expect(
      await screen.findByText('125 resources, 123 entities, +5 −0', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
    expect(api.getSources).toHaveBeenCalledTimes(3);
    expect(
      screen.getByRole('button', { name: 'Refresh now (demo-inventory)' }),
    ).toBeEnabled();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'demo-inventory ran: applied',
        severity: 'success',
      }),
    ]);
  });

  it('shows why a refresh was refused, and offers it again', async () => {
    const api = mockMulticloudApi({
      getSources: async () => sourcesResponse(),
      refreshSource: async () => {
        throw await conflict(
          'The source demo-inventory is running already; wait for its run to end',
        );
      },
    });
    const alertApi = renderTable(api);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Refresh now (demo-inventory)',
      }),
    );

    await waitFor(() =>
      expect(alertApi.getAlerts()).toEqual([
        expect.objectContaining({
          message:
            'Could not refresh demo-inventory: The source demo-inventory is running already; wait for its run to end',
          severity: 'error',
        }),
      ]),
    );
    expect(
      screen.getByRole('button', { name: 'Refresh now (demo-inventory)' }),
    ).toBeEnabled();
    expect(api.getSources).toHaveBeenCalledTimes(1);
  });

  it('says where sources are configured when there are none', async () => {
    renderTable(
      mockMulticloudApi({
        getSources: async () => ({ sources: [], costFolders: [] }),
      }),
    );

    expect(
      await screen.findByText('No sources are configured'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('catalog.providers.multicloud').length,
    ).toBeGreaterThan(0);
    expect(
      screen.getAllByText('multicloud.cost.imports.folders').length,
    ).toBeGreaterThan(0);
  });

  it('says which permission it takes to see the sources', async () => {
    renderTable(
      mockMulticloudApi({
        getSources: async () => {
          throw await ResponseError.fromResponse(
            new Response(
              JSON.stringify({
                error: { name: 'NotAllowedError', message: 'Unauthorized' },
              }),
              {
                status: 403,
                statusText: 'Forbidden',
                headers: { 'Content-Type': 'application/json' },
              },
            ),
          );
        },
      }),
    );

    expect(
      await screen.findByText(/You may not see the sources/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'You need the permission multicloud.source.read; ask your Backstage admins.',
      ),
    ).toBeInTheDocument();
  });
});
