import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MulticloudAlert } from '@multicloud/plugin-multicloud-common';
import { createAccess } from '../lib/access';
import {
  OUTSIDER,
  alertsCatalog,
  catalogHiding,
} from '../services/Alerts/__testUtils__/alertFixtures';
import { AlertsService } from '../services/Alerts/types';
import { createUpdateAlertAction } from './createUpdateAlertAction';

const ALICE = 'user:default/alice';
const ALERT_ID = 'hygiene:open-to-world:4f2a9c0e1b7d3a5c6e8f0a1b';

const openAlert: MulticloudAlert = {
  id: ALERT_ID,
  source: 'hygiene',
  rule: 'open-to-world',
  severity: 'critical',
  status: 'open',
  entityRef: 'resource:default/sg-web',
  title: 'SSH is open to the internet on sg-web',
  description: 'Port 22 accepts traffic from 0.0.0.0/0; restrict the source.',
  since: '2026-12-01T00:00:00.000Z',
  lastSeenAt: '2026-12-07T00:00:00.000Z',
  links: [],
};

describe('update-alert', () => {
  function setup(options: { denied?: string[] } = {}) {
    const registry = actionsRegistryServiceMock();
    const act = jest.fn(
      async (
        _alertId: string,
        request: Parameters<AlertsService['act']>[1],
        actorRef: string,
      ): Promise<MulticloudAlert> => ({
        ...openAlert,
        status: request.action === 'snooze' ? 'snoozed' : 'acknowledged',
        lastAction: {
          action: request.action,
          by: actorRef,
          at: new Date().toISOString(),
        },
      }),
    );
    const alerts = {
      get: async (alertId: string) => {
        if (alertId !== ALERT_ID) {
          throw new NotFoundError(`No alert ${alertId}`);
        }
        return openAlert;
      },
      act,
    } as unknown as AlertsService;
    const auditor = mockServices.auditor.mock();
    const events: Array<{ outcome: string; meta?: unknown }> = [];
    auditor.createEvent.mockImplementation(async ({ meta }) => ({
      success: async () => {
        events.push({ outcome: 'success', meta });
      },
      fail: async () => {
        events.push({ outcome: 'fail', meta });
      },
    }));
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result: options.denied?.includes(r.permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })),
    });
    createUpdateAlertAction({
      actionsRegistry: registry,
      access: createAccess({
        permissions,
        catalog: catalogHiding(alertsCatalog(), ['resource:default/sg-web']),
      }),
      alerts,
      auditor,
      auth: mockServices.auth(),
    });
    const invoke = (input: Record<string, unknown>, user = ALICE) =>
      registry.invoke({
        id: 'test:update-alert',
        input: { alertId: ALERT_ID, ...input },
        credentials: mockCredentials.user(user),
      });
    return { invoke, act, events };
  }

  it('acknowledges on behalf of the caller and records an audit event', async () => {
    const { invoke, act, events } = setup();
    const { output } = await invoke({
      action: 'acknowledge',
      reason: 'On it',
    });
    expect(output).toMatchObject({
      id: ALERT_ID,
      status: 'acknowledged',
      lastAction: { action: 'acknowledge', by: ALICE },
    });
    expect(act).toHaveBeenCalledWith(
      ALERT_ID,
      { action: 'acknowledge', reason: 'On it' },
      ALICE,
    );
    expect(events).toEqual([
      {
        outcome: 'success',
        meta: {
          alertId: ALERT_ID,
          entityRef: 'resource:default/sg-web',
          action: 'acknowledge',
          actor: ALICE,
          via: 'actions',
          reason: 'On it',
        },
      },
    ]);
  });

  it('snoozes for a duration or until a time, and says what a snooze needs', async () => {
    const { invoke, act } = setup();
    const before = Date.now();
    await invoke({ action: 'snooze', duration: '1w' });
    const until = (act.mock.calls[0][1] as { until: Date }).until.getTime();
    expect(until - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000);
    expect(until - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);

    await expect(invoke({ action: 'snooze' })).rejects.toThrow(
      'A snooze needs until (an ISO time such as 2026-12-24T08:00:00Z) or duration (1d or 1w)',
    );
    await expect(
      invoke({ action: 'snooze', until: '2020-01-01T00:00:00Z' }),
    ).rejects.toThrow(
      'until must be in the future; 2020-01-01T00:00:00.000Z has passed',
    );
    await expect(invoke({ action: 'dismiss' })).rejects.toThrow(
      'Dismissing an alert needs a reason: say why it needs no action',
    );
    expect(act).toHaveBeenCalledTimes(1);
  });

  it('refuses callers without multicloud.alert.update on the entity, and hides alerts of entities they cannot see', async () => {
    const denied = setup({ denied: ['multicloud.alert.update'] });
    await expect(denied.invoke({ action: 'acknowledge' })).rejects.toThrow(
      'You need the permission multicloud.alert.update on resource:default/sg-web; ask its owners or your Backstage admins',
    );
    expect(denied.act).not.toHaveBeenCalled();
    expect(denied.events).toEqual([]);

    const outsider = setup();
    await expect(
      outsider.invoke({ action: 'acknowledge' }, OUTSIDER),
    ).rejects.toThrow(`No alert ${ALERT_ID}`);
    await expect(
      outsider.invoke({
        action: 'acknowledge',
        alertId: 'alertmanager:prod:abc123',
      }),
    ).rejects.toThrow(/is an Alertmanager alert: its state is Alertmanager's/);
    expect(outsider.act).not.toHaveBeenCalled();
  });
});
