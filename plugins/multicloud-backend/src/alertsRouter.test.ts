import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  AlertHistoryResponse,
  AlertsResponse,
  AlertsSummaryResponse,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import request from 'supertest';
import { applyDatabaseMigrations } from './database/migrations';
import { multicloudPlugin } from './plugin';
import {
  OUTSIDER,
  alertsCatalog,
  catalogHiding,
  craftedRuleSet,
  finding,
} from './services/Alerts/__testUtils__/alertFixtures';
import { alertIdOf } from './services/Alerts/alertRows';
import { createAlertsService } from './services/Alerts/createAlertsService';
import {
  RunningAlertmanager,
  startAlertmanager,
} from './services/Alertmanager/__testUtils__/startAlertmanager';
import { focusCsv, focusRow } from './testUtils/focusFiles';
import { schedulerProbe, until } from './testUtils/testBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const ALICE = 'user:default/alice';
const DAY = 24 * 3600 * 1000;

const sshOpen = finding();
const sshId = alertIdOf(sshOpen);
const onVolume = finding({
  source: 'savings',
  rule: 'unattached-volume',
  entityRef: 'resource:default/vol-1',
  subject: undefined,
  severity: 'info',
  title: 'vol-1 is attached to nothing',
  monthlySaving: { amount: 12.5, currency: 'USD' },
});
const onDatabase = finding({
  rule: 'public-database',
  entityRef: 'resource:default/checkout-db',
  subject: undefined,
  severity: 'warning',
  title: 'checkout-db has a public IP',
});

describe.each(databases.eachSupportedId())('alerts API on %p', databaseId => {
  let knex: Knex;

  /**
   * Stores alerts the way the scheduled evaluation does, with crafted rule
   * sets, in the database the plugin under test reads.
   */
  async function evaluate(
    findings = [sshOpen, onVolume, onDatabase],
  ): Promise<void> {
    const hygiene = craftedRuleSet('hygiene');
    const savings = craftedRuleSet('savings');
    const cost = craftedRuleSet('cost');
    hygiene.state.findings = findings.filter(f => f.source === 'hygiene');
    savings.state.findings = findings.filter(f => f.source === 'savings');
    await createAlertsService({
      knex,
      catalog: catalogHiding(alertsCatalog()),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      ruleSets: [hygiene.ruleSet, savings.ruleSet, cost.ruleSet],
    }).evaluate();
  }

  async function startBackend(
    options: {
      denied?: string[];
      /** `<permission name> <entity ref>` pairs that are denied. */
      deniedOn?: string[];
      hidden?: string[];
      extra?: Parameters<typeof startTestBackend>[0]['features'];
      config?: object;
    } = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        multicloudPlugin,
        ...(options.extra ?? []),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: options.config ?? {} }),
        // A scheduler of its own: the default one is shared by every test backend.
        mockServices.scheduler.factory(),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogHiding(alertsCatalog(), options.hidden),
        }),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                options.denied?.includes(r.permission.name) ||
                options.deniedOn?.includes(
                  `${r.permission.name} ${
                    (r as { resourceRef?: string }).resourceRef
                  }`,
                )
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    return server;
  }

  type Server = Awaited<ReturnType<typeof startBackend>>;

  const getAlerts = (
    server: Server,
    query: Record<string, string | string[]>,
    user = ALICE,
  ) =>
    request(server)
      .get('/api/multicloud/alerts')
      .query(query)
      .set('Authorization', mockCredentials.user.header(user));

  const act = (
    server: Server,
    alertId: string,
    action: string,
    body?: object,
    user = ALICE,
  ) => {
    const call = request(server)
      .post(`/api/multicloud/alerts/${encodeURIComponent(alertId)}/${action}`)
      .set('Authorization', mockCredentials.user.header(user));
    return body ? call.send(body) : call;
  };

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
  });

  it("answers an entity's alerts, with counts, savings and filters", async () => {
    await evaluate();
    const server = await startBackend();

    const res = await getAlerts(server, {
      entityRef: 'group:default/checkout-team',
    });
    expect(res.status).toBe(200);
    const body: AlertsResponse = res.body;
    expect(body.entityRef).toBe('group:default/checkout-team');
    expect(body.alerts.map(a => a.title)).toEqual([
      sshOpen.title,
      onDatabase.title,
      onVolume.title,
    ]);
    expect(body.counts).toEqual({ critical: 1, warning: 1, info: 1 });
    expect(body.monthlySavings).toEqual([{ amount: 12.5, currency: 'USD' }]);
    expect(body.alertmanager).toEqual([]);
    expect(body.evaluatedAt).toEqual(expect.any(String));

    // Repeated and comma-separated filters.
    const filtered = await getAlerts(server, {
      entityRef: 'Group:checkout-team',
      severity: ['critical', 'info'],
      source: 'hygiene,savings',
    });
    expect(filtered.status).toBe(200);
    expect(
      (filtered.body as AlertsResponse).alerts.map(a => a.severity),
    ).toEqual(['critical', 'info']);

    const summary = await request(server)
      .get('/api/multicloud/alerts/summary')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(summary.status).toBe(200);
    expect((summary.body as AlertsSummaryResponse).teams).toEqual([
      {
        ownerRef: 'group:default/checkout-team',
        counts: { critical: 1, warning: 1, info: 1 },
        monthlySavings: [{ amount: 12.5, currency: 'USD' }],
      },
    ]);
  });

  it('answers 400 for bad filters and entity refs, 404 for an unknown entity, 403 without alert.read', async () => {
    const server = await startBackend();
    const badStatus = await getAlerts(server, {
      entityRef: 'system:default/checkout',
      status: 'open,closed',
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toBe(
      'status must be one or more of open, acknowledged, snoozed, dismissed, resolved; got "closed"',
    );
    const badSeverity = await getAlerts(server, {
      entityRef: 'system:default/checkout',
      severity: 'high',
    });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.error.message).toContain(
      'severity must be one or more of critical, warning, info',
    );
    const noEntity = await getAlerts(server, {});
    expect(noEntity.status).toBe(400);
    expect(noEntity.body.error.message).toContain('entityRef is required');

    const unknown = await getAlerts(server, {
      entityRef: 'component:default/nope',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'No entity component:default/nope in the catalog',
    );

    const denied = await startBackend({ denied: ['multicloud.alert.read'] });
    const forbidden = await getAlerts(denied, {
      entityRef: 'system:default/checkout',
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toContain('multicloud.alert.read');
  });

  it('leaves out alerts on entities the caller cannot read, and answers 404 for them', async () => {
    await evaluate();
    const server = await startBackend({ hidden: ['resource:default/vol-1'] });

    const asOutsider = await getAlerts(
      server,
      { entityRef: 'group:default/checkout-team' },
      OUTSIDER,
    );
    expect(asOutsider.status).toBe(200);
    expect(
      (asOutsider.body as AlertsResponse).alerts.map(a => a.entityRef).sort(),
    ).toEqual(['resource:default/checkout-db', 'resource:default/sg-web']);
    expect((asOutsider.body as AlertsResponse).monthlySavings).toEqual([]);

    const hiddenRoot = await getAlerts(
      server,
      { entityRef: 'resource:default/vol-1' },
      OUTSIDER,
    );
    expect(hiddenRoot.status).toBe(404);

    const hiddenAlert = alertIdOf(onVolume);
    const acknowledge = await act(
      server,
      hiddenAlert,
      'acknowledge',
      {},
      OUTSIDER,
    );
    expect(acknowledge.status).toBe(404);
    expect(acknowledge.body.error.message).toBe(`No alert ${hiddenAlert}`);
    const history = await request(server)
      .get(`/api/multicloud/alerts/${encodeURIComponent(hiddenAlert)}/history`)
      .set('Authorization', mockCredentials.user.header(OUTSIDER));
    expect(history.status).toBe(404);
  });

  it('acknowledges, snoozes, dismisses and reopens, recording who acted, with a 400 for what the status does not allow', async () => {
    await evaluate();
    const server = await startBackend();

    const acknowledged = await act(server, sshId, 'acknowledge', {
      reason: 'looking at it',
    });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body as MulticloudAlert).toMatchObject({
      id: sshId,
      status: 'acknowledged',
      lastAction: {
        action: 'acknowledge',
        by: ALICE,
        reason: 'looking at it',
      },
    });

    const snoozed = await act(server, sshId, 'snooze', { duration: '1w' });
    expect(snoozed.status).toBe(200);
    // A week from when the request was read (a moment before it was stored).
    const week =
      Date.parse(snoozed.body.snoozedUntil) -
      Date.parse(snoozed.body.lastAction.at);
    expect(week).toBeLessThanOrEqual(7 * DAY);
    expect(week).toBeGreaterThan(7 * DAY - 60_000);

    const again = await act(server, sshId, 'acknowledge');
    expect(again.status).toBe(200);
    const dismissed = await act(server, sshId, 'dismiss', {
      reason: 'bastion host; accepted risk',
    });
    expect(dismissed.body.status).toBe('dismissed');
    const wrong = await act(server, sshId, 'acknowledge');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe(
      `Alert ${sshId} is dismissed; acknowledge applies to open, snoozed alerts`,
    );
    const reopened = await act(server, sshId, 'reopen');
    expect(reopened.body.status).toBe('open');

    const history = await request(server)
      .get(`/api/multicloud/alerts/${encodeURIComponent(sshId)}/history`)
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(history.status).toBe(200);
    const { events }: AlertHistoryResponse = history.body;
    expect(events.map(e => [e.event, e.by])).toEqual([
      ['opened', undefined],
      ['acknowledged', ALICE],
      ['snoozed', ALICE],
      ['acknowledged', ALICE],
      ['dismissed', ALICE],
      ['reopened', ALICE],
    ]);

    // The condition ends: the alert resolves and no action applies.
    await evaluate([onVolume, onDatabase]);
    const resolved = await act(server, sshId, 'acknowledge');
    expect(resolved.status).toBe(400);
    expect(resolved.body.error.message).toBe(
      `Alert ${sshId} is resolved: its condition no longer holds; acknowledge applies to open, snoozed alerts`,
    );
  });

  it('answers 400 for a bad snooze time or a missing reason, 404 for an unknown alert, 400 for an Alertmanager one', async () => {
    await evaluate();
    const server = await startBackend();
    const expectMessage = async (
      call: Promise<request.Response>,
      status: number,
      message: string | RegExp,
    ) => {
      const res = await call;
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    };

    await expectMessage(
      act(server, sshId, 'snooze', { until: 'next tuesday' }),
      400,
      'until must be an ISO 8601 time such as 2026-12-24T08:00:00Z; got "next tuesday"',
    );
    await expectMessage(
      act(server, sshId, 'snooze', { until: '2020-01-01T00:00:00Z' }),
      400,
      'until must be in the future; 2020-01-01T00:00:00.000Z has passed',
    );
    await expectMessage(
      act(server, sshId, 'snooze', {
        until: new Date(Date.now() + 400 * DAY).toISOString(),
      }),
      400,
      /^An alert can be snoozed for at most a year/,
    );
    await expectMessage(
      act(server, sshId, 'snooze', { duration: '3d' }),
      400,
      'duration must be 1d or 1w (or give until, an ISO time); got "3d"',
    );
    await expectMessage(
      act(server, sshId, 'snooze', {}),
      400,
      /^A snooze needs until/,
    );
    await expectMessage(
      act(server, sshId, 'dismiss', {}),
      400,
      'Dismissing an alert needs a reason: say why it needs no action',
    );
    await expectMessage(
      act(server, sshId, 'dismiss', { reason: 'x'.repeat(1001) }),
      400,
      'reason has 1001 characters; at most 1000 are allowed',
    );
    await expectMessage(
      act(
        server,
        'hygiene:open-to-world:000000000000000000000000',
        'acknowledge',
      ),
      404,
      /^No alert hygiene:open-to-world:0{24}/,
    );
    await expectMessage(
      act(server, 'not an id', 'acknowledge'),
      400,
      /is not an alert id/,
    );
    await expectMessage(
      act(server, 'alertmanager:prod:4a1f0c', 'acknowledge'),
      400,
      /is an Alertmanager alert: its state is Alertmanager's. Silence it instead/,
    );
    await expectMessage(
      act(server, sshId, 'escalate'),
      404,
      /actions are acknowledge, snooze, dismiss, reopen/,
    );
    // Nothing above changed the alert.
    const { body } = await getAlerts(server, {
      entityRef: 'resource:default/sg-web',
    });
    expect((body as AlertsResponse).alerts[0]).toMatchObject({
      id: sshId,
      status: 'open',
    });
    expect((body as AlertsResponse).alerts[0].lastAction).toBeUndefined();
  });

  it('asks alert.read and alert.update per entity: leaves out what the caller may not read, and refuses acting on what they may not update', async () => {
    await evaluate();
    const server = await startBackend({
      deniedOn: [
        'multicloud.alert.read resource:default/vol-1',
        'multicloud.alert.update resource:default/checkout-db',
      ],
    });

    const team = await getAlerts(server, {
      entityRef: 'group:default/checkout-team',
    });
    expect(team.status).toBe(200);
    expect(
      (team.body as AlertsResponse).alerts.map(a => a.entityRef).sort(),
    ).toEqual(['resource:default/checkout-db', 'resource:default/sg-web']);
    // The savings were the volume's.
    expect((team.body as AlertsResponse).monthlySavings).toEqual([]);

    const volume = await getAlerts(server, {
      entityRef: 'resource:default/vol-1',
    });
    expect(volume.status).toBe(403);
    expect(volume.body.error.message).toBe(
      'You need the permission multicloud.alert.read on resource:default/vol-1; ask its owners or your Backstage admins',
    );

    const onDb = alertIdOf(onDatabase);
    const refused = await act(server, onDb, 'acknowledge');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You need the permission multicloud.alert.update on resource:default/checkout-db; ask its owners or your Backstage admins',
    );
    const acknowledged = await act(server, sshId, 'acknowledge');
    expect(acknowledged.status).toBe(200);
  });

  it('sums in the summary only the teams whose alerts the caller may read', async () => {
    await evaluate();
    const hidden = await startBackend({
      deniedOn: ['multicloud.alert.read group:default/checkout-team'],
    });
    const summary = await request(hidden)
      .get('/api/multicloud/alerts/summary')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      teams: [],
      counts: { critical: 0, warning: 0, info: 0 },
      monthlySavings: [],
    });
  });

  it('answers 403 to a caller without alert.update, and leaves the alert as it was', async () => {
    await evaluate();
    const server = await startBackend({ denied: ['multicloud.alert.update'] });

    const res = await act(server, sshId, 'acknowledge');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('multicloud.alert.update');
    const silence = await request(server)
      .post('/api/multicloud/alerts/silences')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({ entityRef: 'component:default/checkout-api' });
    expect(silence.status).toBe(403);

    const read = await getAlerts(server, {
      entityRef: 'resource:default/sg-web',
    });
    expect(read.status).toBe(200);
    expect((read.body as AlertsResponse).alerts[0].status).toBe('open');
  });

  it('answers 404 to silences when no Alertmanager is configured', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/multicloud/alerts/silences')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({
        entityRef: 'component:default/checkout-api',
        instance: 'prod',
        endsAt: new Date(Date.now() + DAY).toISOString(),
        comment: 'deploying',
      });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'No Alertmanager is configured (multicloud.alerts.alertmanager.instances)',
    );
    const list = await request(server)
      .get('/api/multicloud/alerts/silences')
      .query({ entityRef: 'component:default/checkout-api' })
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ silences: [], instances: [] });
  });

  it('evaluates on its schedule and again after each cost import', async () => {
    const { probe, module } = schedulerProbe();
    const server = await startBackend({ extra: [module] });
    const tasks = await probe.scheduler!.getScheduledTasks();
    expect(tasks.map(t => t.id)).toContain('multicloud-alerts-evaluation');
    // The weekly digest is off unless configured.
    expect(tasks.map(t => t.id)).not.toContain(
      'multicloud-alerts-weekly-digest',
    );

    const evaluatedAt = async () =>
      (
        (await getAlerts(server, { entityRef: 'system:default/checkout' }))
          .body as AlertsResponse
      ).evaluatedAt;
    // Its first run waits for its initial delay.
    expect(await evaluatedAt()).toBeUndefined();

    const imported = await request(server)
      .post('/api/multicloud/cost/imports?fileName=alerts.csv')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(focusCsv([focusRow()])));
    expect(imported.status).toBe(201);
    expect(
      await until(evaluatedAt, Boolean, 'the evaluation after the import'),
    ).toEqual(expect.any(String));
  });

  it('schedules the weekly digest when it is turned on', async () => {
    const { probe, module } = schedulerProbe();
    await startBackend({
      extra: [module],
      config: {
        multicloud: { alerts: { notifications: { weeklyDigest: true } } },
      },
    });
    const tasks = await probe.scheduler!.getScheduledTasks();
    expect(tasks.map(t => t.id)).toContain('multicloud-alerts-weekly-digest');
  });
});

describe('alerts API with a real Alertmanager', () => {
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    alertmanager = await startAlertmanager();
  });

  afterAll(async () => {
    await alertmanager.stop();
  });

  it("Alertmanager integration: reads the entity's alerts through GET /alerts, silences and unsilences one, and degrades to a notice when Alertmanager stops", async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const hygiene = craftedRuleSet('hygiene');
    hygiene.state.findings = [sshOpen];
    await createAlertsService({
      knex,
      catalog: catalogHiding(alertsCatalog()),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      ruleSets: [hygiene.ruleSet],
    }).evaluate();
    await alertmanager.postAlerts([
      {
        labels: {
          alertname: 'CheckoutDown',
          service: 'checkout',
          severity: 'critical',
        },
        annotations: { summary: 'Checkout answers no request' },
      },
      {
        labels: {
          alertname: 'PaymentsDown',
          service: 'payments',
          severity: 'critical',
        },
      },
    ]);
    const { server } = await startTestBackend({
      features: [
        multicloudPlugin,
        mockServices.database.factory({ knex }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogHiding(alertsCatalog()),
        }),
        mockServices.rootConfig.factory({
          data: {
            multicloud: {
              alerts: {
                alertmanager: {
                  instances: [{ id: 'prod', url: alertmanager.url }],
                },
              },
            },
          },
        }),
      ],
    });
    const entityRef = 'component:default/checkout-api';
    const read = async () =>
      (
        await request(server)
          .get('/api/multicloud/alerts')
          .query({ entityRef })
          .set('Authorization', mockCredentials.user.header(ALICE))
      ).body as AlertsResponse;
    const checkoutDown = (body: AlertsResponse) =>
      body.alerts.find(a => a.rule === 'CheckoutDown');

    // The annotation's matchers (service="checkout") select one of the two.
    const first = await read();
    expect(first.alertmanager).toEqual([
      expect.objectContaining({ id: 'prod', reachable: true }),
    ]);
    expect(first.alerts.map(a => [a.source, a.rule])).toEqual(
      expect.arrayContaining([
        ['alertmanager', 'CheckoutDown'],
        ['hygiene', 'open-to-world'],
      ]),
    );
    expect(first.alerts.some(a => a.rule === 'PaymentsDown')).toBe(false);
    expect(checkoutDown(first)?.alertmanager?.state).toBe('active');
    expect(first.counts.critical).toBe(2);

    // Its lifecycle is Alertmanager's.
    const acknowledge = await request(server)
      .post(
        `/api/multicloud/alerts/${encodeURIComponent(
          checkoutDown(first)!.id,
        )}/acknowledge`,
      )
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(acknowledge.status).toBe(400);
    expect(acknowledge.body.error.message).toMatch(/Silence it instead/);

    const created = await request(server)
      .post('/api/multicloud/alerts/silences')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({
        entityRef,
        instance: 'prod',
        matchers: [
          {
            name: 'alertname',
            value: 'CheckoutDown',
            isRegex: false,
            isEqual: true,
          },
        ],
        endsAt: new Date(Date.now() + 3600 * 1000).toISOString(),
        comment: 'Planned failover',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      instance: 'prod',
      createdBy: ALICE,
      comment: 'Planned failover',
      matchers: [
        { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        {
          name: 'alertname',
          value: 'CheckoutDown',
          isRegex: false,
          isEqual: true,
        },
      ],
    });
    const silenced = await until(
      read,
      body => checkoutDown(body)?.alertmanager?.state === 'suppressed',
      'the silence to suppress CheckoutDown',
    );
    expect(checkoutDown(silenced)?.alertmanager?.silencedBy).toEqual([
      created.body.id,
    ]);
    // A silenced alert no longer counts as needing attention.
    expect(silenced.counts.critical).toBe(1);

    const expired = await request(server)
      .delete(
        `/api/multicloud/alerts/silences/prod/${encodeURIComponent(
          created.body.id,
        )}`,
      )
      .query({ entityRef })
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(expired.status).toBe(204);
    await until(
      read,
      body => checkoutDown(body)?.alertmanager?.state === 'active',
      'CheckoutDown to be active again',
    );

    await alertmanager.stop();
    const degraded = await read();
    expect(degraded.alertmanager).toEqual([
      expect.objectContaining({ id: 'prod', reachable: false }),
    ]);
    expect(degraded.alertmanager[0].error).toEqual(expect.any(String));
    expect(degraded.alerts.map(a => a.rule)).toEqual(['open-to-world']);
  });
});
