import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { multicloudApiRef } from '../../api';
import {
  alertsResponse,
  budgetAlert,
  fakeAlertsBackend,
  latencyAlert,
  openToWorldAlert,
  silenced,
  unattachedVolumeAlert,
  unreachableAlertmanager,
} from '../../testing/alertFixtures';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { EntityAlertsContent } from './EntityAlertsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const NOW = Date.parse('2025-03-15T10:00:00Z');
const DAY_MS = 86_400_000;

function renderAlertsTab(
  api: ReturnType<typeof mockMulticloudApi>,
  options: { alertApi?: ReturnType<typeof mockApis.alert> } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityAlertsContent />
    </EntityProvider>,
    {
      apis: [
        [multicloudApiRef, api],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        options.alertApi ?? mockApis.alert(),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The table row of the alert with this title. */
async function findRow(title: string): Promise<HTMLElement> {
  const cell = await screen.findByText(title);
  return cell.closest('tr')!;
}

function statusOf(row: HTMLElement): string | null {
  return row.querySelector('[data-alert-status]')!.textContent;
}

async function errorResponse(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: status === 403 ? 'NotAllowedError' : 'InputError',
          message,
        },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 403 ? 'Forbidden' : 'Bad Request',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

// Tables and dialogs make for a heavy DOM; leave room on a busy machine.
jest.setTimeout(30_000);

describe('EntityAlertsContent', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('lists the open and acknowledged alerts, most urgent first, with their details', async () => {
    const backend = fakeAlertsBackend([
      unattachedVolumeAlert(),
      openToWorldAlert(),
      budgetAlert(),
      budgetAlert({
        id: 'old',
        title: 'An old dismissed alert',
        status: 'dismissed',
      }),
    ]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    const table = (await screen.findByText('Monthly budget exceeded')).closest(
      'table',
    )!;
    expect(api.getAlerts).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      status: ['open', 'acknowledged'],
      source: [],
      severity: [],
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(row => within(row).getAllByRole('cell')[0].textContent),
    ).toEqual(['Critical', 'Warning', 'Info']);
    expect(
      screen.queryByText('An old dismissed alert'),
    ).not.toBeInTheDocument();

    const budget = rows[0];
    expect(within(budget).getByText('Cost')).toBeInTheDocument();
    expect(
      within(budget).getByText(/against a budget of \$2,500.00/),
    ).toBeInTheDocument();
    expect(
      within(budget).getByRole('link', { name: 'Cost by service' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/cost');
    // The page's own entity is named, not linked.
    expect(within(budget).getByText('Checkout')).not.toHaveAttribute('href');
    expect(within(budget).getByText('3 days ago')).toHaveAttribute(
      'datetime',
      '2025-03-12T06:00:00Z',
    );
    expect(statusOf(budget)).toBe('Open');
    expect(within(budget).getByText('$320.00')).toBeInTheDocument();

    const openToWorld = rows[1];
    expect(
      within(openToWorld).getByRole('link', { name: /checkout-sg/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/checkout-sg-1a2b3c');
    expect(statusOf(openToWorld)).toBe('Acknowledged');
    expect(
      within(openToWorld).getByText(
        'Acknowledged by user:default/jane: Closing it with the next deploy',
      ),
    ).toBeInTheDocument();

    expect(within(rows[2]).getByText('$12.80/month')).toBeInTheDocument();
  });

  it('counts the open alerts by severity with the monthly savings', async () => {
    const api = mockMulticloudApi(
      fakeAlertsBackend([
        budgetAlert(),
        openToWorldAlert(),
        unattachedVolumeAlert(),
      ]),
    );
    renderAlertsTab(api);

    const counts = await screen.findByRole('list', {
      name: 'Open alerts by severity',
    });
    expect(
      within(counts).getByRole('listitem', { name: 'Critical: 1' }),
    ).toBeInTheDocument();
    expect(
      within(counts).getByRole('listitem', { name: 'Warning: 1' }),
    ).toBeInTheDocument();
    expect(
      within(counts).getByRole('listitem', { name: 'Info: 1' }),
    ).toBeInTheDocument();
    expect(
      within(counts).getByRole('listitem', {
        name: 'You could save $12.80/month',
      }),
    ).toBeInTheDocument();
  });

  it('asks the backend again with the source, severity and status chosen', async () => {
    const backend = fakeAlertsBackend([
      budgetAlert(),
      unattachedVolumeAlert(),
      budgetAlert({
        id: 'old',
        title: 'An old dismissed alert',
        status: 'dismissed',
      }),
    ]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);
    await findRow('Monthly budget exceeded');

    await userEvent.selectOptions(screen.getByLabelText('Source'), 'Savings');
    await waitFor(() =>
      expect(
        screen.queryByText('Monthly budget exceeded'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByText('Unattached volume')).toBeInTheDocument();
    expect(api.getAlerts).toHaveBeenLastCalledWith({
      entityRef: 'component:default/checkout',
      status: ['open', 'acknowledged'],
      source: ['savings'],
      severity: [],
    });

    await userEvent.selectOptions(
      screen.getByLabelText('Source'),
      'All sources',
    );
    await userEvent.selectOptions(
      screen.getByLabelText('Severity'),
      'Critical',
    );
    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      'All statuses',
    );
    expect(await findRow('An old dismissed alert')).toBeInTheDocument();
    expect(screen.queryByText('Unattached volume')).not.toBeInTheDocument();
    expect(api.getAlerts).toHaveBeenLastCalledWith({
      entityRef: 'component:default/checkout',
      status: [],
      source: [],
      severity: ['critical'],
    });
    expect(statusOf(await findRow('An old dismissed alert'))).toBe('Dismissed');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'Resolved');
    expect(
      await screen.findByText('No alerts match these filters.'),
    ).toBeInTheDocument();
  });

  it('acknowledges an alert, then shows it acknowledged', async () => {
    const alertApi = mockApis.alert();
    const backend = fakeAlertsBackend([budgetAlert(), unattachedVolumeAlert()]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api, { alertApi });

    const row = await findRow('Monthly budget exceeded');
    const loads = api.getAlerts.mock.calls.length;
    await userEvent.click(
      within(row).getByRole('button', { name: 'Acknowledge' }),
    );

    expect(api.acknowledgeAlert).toHaveBeenCalledWith(
      'cost-budget-exceeded-checkout',
    );
    await waitFor(() =>
      expect(
        statusOf(screen.getByText('Monthly budget exceeded').closest('tr')!),
      ).toBe('Acknowledged'),
    );
    expect(api.getAlerts).toHaveBeenCalledTimes(loads + 1);
    const acknowledged = screen
      .getByText('Monthly budget exceeded')
      .closest('tr')!;
    expect(
      within(acknowledged).queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
    expect(
      within(acknowledged).getByRole('button', { name: 'Reopen' }),
    ).toBeInTheDocument();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Acknowledged “Monthly budget exceeded”',
        severity: 'success',
      }),
    ]);
  });

  it('snoozes an alert for a day or a week, which takes it out of the list', async () => {
    const backend = fakeAlertsBackend([budgetAlert(), unattachedVolumeAlert()]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('Monthly budget exceeded')).getByRole('button', {
        name: 'Snooze',
      }),
    );
    await userEvent.click(screen.getByRole('menuitem', { name: 'For 1 day' }));
    expect(api.snoozeAlert).toHaveBeenCalledWith(
      'cost-budget-exceeded-checkout',
      { until: new Date(NOW + DAY_MS).toISOString() },
    );
    await waitFor(() =>
      expect(
        screen.queryByText('Monthly budget exceeded'),
      ).not.toBeInTheDocument(),
    );

    await userEvent.click(
      within(await findRow('Unattached volume')).getByRole('button', {
        name: 'Snooze',
      }),
    );
    await userEvent.click(screen.getByRole('menuitem', { name: 'For 1 week' }));
    expect(api.snoozeAlert).toHaveBeenLastCalledWith(
      'savings-unattached-volume-orphan',
      { until: new Date(NOW + 7 * DAY_MS).toISOString() },
    );
    expect(await screen.findByText('No open alerts')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'Snoozed');
    const snoozed = await findRow('Monthly budget exceeded');
    expect(statusOf(snoozed)).toBe('Snoozed');
    expect(within(snoozed).getByText(/^Until /)).toBeInTheDocument();
  });

  it('snoozes an alert until the start of a chosen day', async () => {
    const backend = fakeAlertsBackend([budgetAlert()]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('Monthly budget exceeded')).getByRole('button', {
        name: 'Snooze',
      }),
    );
    await userEvent.click(
      screen.getByRole('menuitem', { name: 'Until a date…' }),
    );
    const dialog = await screen.findByRole('dialog');
    const date = within(dialog).getByLabelText(/Snooze until/);

    await userEvent.clear(date);
    await userEvent.type(date, '2025-03-01');
    expect(
      within(dialog).getByText('Pick a day after today.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Snooze' }),
    ).toBeDisabled();

    await userEvent.clear(date);
    await userEvent.type(date, '2025-04-01');
    await userEvent.type(
      within(dialog).getByLabelText('Reason (optional)'),
      'after the migration',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Snooze' }),
    );

    expect(api.snoozeAlert).toHaveBeenCalledWith(
      'cost-budget-exceeded-checkout',
      {
        until: new Date('2025-04-01T00:00:00').toISOString(),
        reason: 'after the migration',
      },
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(await screen.findByText('No open alerts')).toBeInTheDocument();
  });

  it('dismisses an alert only with a reason', async () => {
    const backend = fakeAlertsBackend([budgetAlert(), unattachedVolumeAlert()]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('Monthly budget exceeded')).getByRole('button', {
        name: 'Dismiss',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Dismiss' });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Reason/), '   ');
    expect(confirm).toBeDisabled();

    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'Planned spend for the launch',
    );
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);

    expect(api.dismissAlert).toHaveBeenCalledWith(
      'cost-budget-exceeded-checkout',
      { reason: 'Planned spend for the launch' },
    );
    await waitFor(() =>
      expect(
        screen.queryByText('Monthly budget exceeded'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByText('Unattached volume')).toBeInTheDocument();
  });

  it('keeps the dialog open with the backend message when an action is refused', async () => {
    const api = mockMulticloudApi({
      ...fakeAlertsBackend([budgetAlert()]),
      dismissAlert: async () => {
        throw await errorResponse(400, 'The alert is resolved already');
      },
    });
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('Monthly budget exceeded')).getByRole('button', {
        name: 'Dismiss',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'no need');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Dismiss' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The alert is resolved already',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('says which permission is missing when the backend refuses an action', async () => {
    const alertApi = mockApis.alert();
    const api = mockMulticloudApi({
      ...fakeAlertsBackend([budgetAlert()]),
      acknowledgeAlert: async () => {
        throw await errorResponse(403, 'Unauthorized');
      },
    });
    renderAlertsTab(api, { alertApi });

    await userEvent.click(
      within(await findRow('Monthly budget exceeded')).getByRole('button', {
        name: 'Acknowledge',
      }),
    );

    await waitFor(() =>
      expect(alertApi.getAlerts()).toEqual([
        expect.objectContaining({
          message:
            'You need the permission multicloud.alert.update on component:default/checkout; ' +
            "ask the entity's owners or your Backstage admins.",
          severity: 'error',
        }),
      ]),
    );
    expect(
      statusOf(screen.getByText('Monthly budget exceeded').closest('tr')!),
    ).toBe('Open');
  });

  it('reopens an acknowledged alert', async () => {
    const backend = fakeAlertsBackend([openToWorldAlert()]);
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('SSH (22) open to 0.0.0.0/0')).getByRole('button', {
        name: 'Reopen',
      }),
    );

    expect(api.reopenAlert).toHaveBeenCalledWith(
      'hygiene-open-to-world-checkout-sg',
    );
    await waitFor(() =>
      expect(
        statusOf(screen.getByText('SSH (22) open to 0.0.0.0/0').closest('tr')!),
      ).toBe('Open'),
    );
  });

  it('shows the history of an alert', async () => {
    const backend = fakeAlertsBackend([openToWorldAlert()]);
    await backend.acknowledgeAlert!('hygiene-open-to-world-checkout-sg', {
      reason: 'Closing it with the next deploy',
    });
    const api = mockMulticloudApi(backend);
    renderAlertsTab(api);

    await userEvent.click(
      within(await findRow('SSH (22) open to 0.0.0.0/0')).getByRole('button', {
        name: 'History',
      }),
    );

    const history = await screen.findByRole('table', { name: 'Alert history' });
    const events = within(history).getAllByRole('row').slice(1);
    expect(
      events.map(row => within(row).getAllByRole('cell')[1].textContent),
    ).toEqual(['Opened', 'Acknowledged']);
    expect(within(events[0]).getByText('Evaluation')).toBeInTheDocument();
    expect(
      within(events[1]).getByText('user:default/guest'),
    ).toBeInTheDocument();
    expect(
      within(events[1]).getByText('Closing it with the next deploy'),
    ).toBeInTheDocument();
  });

  it('shows one notice for an unreachable Alertmanager and every other alert', async () => {
    const api = mockMulticloudApi(
      fakeAlertsBackend(
        [budgetAlert(), latencyAlert(), unattachedVolumeAlert()],
        {
          alertmanager: [
            {
              id: 'main',
              url: 'http://alertmanager.test:9093',
              reachable: true,
            },
            unreachableAlertmanager(),
          ],
        },
      ),
    );
    renderAlertsTab(api);

    const notices = await screen.findAllByRole('alert');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toHaveTextContent(
      'Alertmanager eu could not be reached',
    );
    expect(notices[0]).toHaveTextContent(
      'eu (http://alertmanager-eu.test:9093): connect ECONNREFUSED 127.0.0.1:9093',
    );
    expect(screen.getByText('Monthly budget exceeded')).toBeInTheDocument();
    expect(screen.getByText('HighLatency')).toBeInTheDocument();
    expect(screen.getByText('Unattached volume')).toBeInTheDocument();
  });

  it('silences an Alertmanager alert on its labels with a comment', async () => {
    const api = mockMulticloudApi({
      ...fakeAlertsBackend([latencyAlert()]),
      createAlertSilence: async () => ({ id: 'silence-1' }),
    });
    renderAlertsTab(api);

    const row = await findRow('HighLatency');
    expect(
      within(row).queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Silence' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(within(dialog).getByRole('list', { name: 'Silence matchers' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'alertname="HighLatency"',
      'service="checkout"',
      'severity="critical"',
    ]);
    const confirm = within(dialog).getByRole('button', { name: 'Silence' });
    expect(confirm).toBeDisabled();
    await userEvent.selectOptions(
      within(dialog).getByLabelText('Duration'),
      '1 day',
    );
    await userEvent.type(
      within(dialog).getByLabelText(/Comment/),
      'Fix deploying',
    );
    const loads = api.getAlerts.mock.calls.length;
    await userEvent.click(confirm);

    expect(api.createAlertSilence).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      instance: 'main',
      matchers: [
        {
          name: 'alertname',
          value: 'HighLatency',
          isRegex: false,
          isEqual: true,
        },
        { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
      ],
      endsAt: new Date(NOW + DAY_MS).toISOString(),
      comment: 'Fix deploying',
    });
    await waitFor(() => expect(api.getAlerts).toHaveBeenCalledTimes(loads + 1));
  });

  it('expires the silences of a silenced Alertmanager alert', async () => {
    const api = mockMulticloudApi({
      getAlerts: async options =>
        alertsResponse([silenced(latencyAlert(), 'silence-7')], options),
      expireAlertSilence: async () => undefined,
    });
    renderAlertsTab(api);

    const row = await findRow('HighLatency');
    expect(
      within(row).getByText('Silenced in Alertmanager'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(row).getByRole('button', { name: 'Expire silence' }),
    );

    expect(api.expireAlertSilence).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      instance: 'main',
      silenceId: 'silence-7',
    });
  });

  it('explains what is evaluated when nothing needs attention', async () => {
    const api = mockMulticloudApi(fakeAlertsBackend([]));
    renderAlertsTab(api);

    expect(await screen.findByText('No open alerts')).toBeInTheDocument();
    expect(screen.getByText('What is evaluated')).toBeInTheDocument();
    expect(
      screen.getByText('multicloud.io/alert-matchers'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Last evaluated/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says when the alerts cannot be loaded', async () => {
    const api = mockMulticloudApi({
      getAlerts: async () => {
        throw new Error('The database is gone');
      },
    });
    renderAlertsTab(api);

    expect(
      await screen.findByText(/Could not load the alerts/),
    ).toBeInTheDocument();
  });

  it('says so when the user may not see the alerts', async () => {
    const api = mockMulticloudApi({
      getAlerts: async () => {
        throw await errorResponse(403, 'Unauthorized');
      },
    });
    renderAlertsTab(api);

    expect(
      await screen.findByText(/You may not see this entity's alerts/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'You need the permission multicloud.alert.read on component:default/checkout; ' +
          "ask the entity's owners or your Backstage admins.",
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Could not load the alerts/),
    ).not.toBeInTheDocument();
  });
});
