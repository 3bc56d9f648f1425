import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import {
  OUTSIDER,
  alertsCatalog,
  catalogHiding,
  craftedRuleSet,
  finding,
} from './__testUtils__/alertFixtures';
import { alertIdOf } from './alertRows';
import { createAlertsService } from './createAlertsService';
import { cloudResource } from './rules/__testUtils__/fixtures';
import { createHygieneRuleSet } from './rules/createHygieneRuleSet';
import { createSavingsRuleSet } from './rules/createSavingsRuleSet';
import { catalogEntity } from '../../testUtils/catalog';
import { AlertRuleSet } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const DAY = 24 * 3600 * 1000;
const START = new Date('2026-12-07T08:00:00.000Z');

/** A clock the test moves. */
function fakeClock() {
  let now = START.getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Records what would have been sent; `failNext` makes the next send throw. */
function recordingNotifications() {
  const sent: NotificationSendOptions[] = [];
  const state = { failNext: false };
  return {
    sent,
    state,
    service: {
      async send(options: NotificationSendOptions) {
        if (state.failNext) {
          state.failNext = false;
          throw new Error('notifications backend is down');
        }
        sent.push(options);
      },
    },
  };
}

describe.each(databases.eachSupportedId())(
  'alerts service on %p',
  databaseId => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
    });

    function setup(
      options: {
        ruleSets?: AlertRuleSet[];
        hidden?: string[];
        alertmanager?: Parameters<
          typeof createAlertsService
        >[0]['alertmanager'];
      } = {},
    ) {
      const clock = fakeClock();
      const hygiene = craftedRuleSet('hygiene');
      const savings = craftedRuleSet('savings');
      const cost = craftedRuleSet('cost');
      const notifications = recordingNotifications();
      const logger = mockServices.logger.mock();
      const service = createAlertsService({
        knex,
        catalog: catalogHiding(alertsCatalog(), options.hidden),
        auth: mockServices.auth(),
        logger,
        ruleSets: options.ruleSets ?? [
          hygiene.ruleSet,
          savings.ruleSet,
          cost.ruleSet,
        ],
        alertmanager: options.alertmanager,
        notifications: notifications.service,
        now: clock.now,
      });
      return { service, clock, hygiene, savings, cost, notifications, logger };
    }

    const sshOpen = finding();
    const sshId = alertIdOf(sshOpen);

    it('alert lifecycle: the same condition keeps its id across evaluations and is updated in place', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = [sshOpen];
      expect(await service.evaluate()).toEqual({
        opened: 1,
        resolved: 0,
        open: 1,
      });
      const first = await service.get(sshId);
      expect(first).toMatchObject({
        id: sshId,
        source: 'hygiene',
        rule: 'open-to-world',
        status: 'open',
        severity: 'critical',
        entityRef: 'resource:default/sg-web',
        since: START.toISOString(),
        lastSeenAt: START.toISOString(),
      });
      expect(sshId).toMatch(/^hygiene:open-to-world:[0-9a-f]{24}$/);

      clock.advance(DAY);
      hygiene.state.findings = [
        finding({ severity: 'warning', title: 'SSH open (now behind a VPN?)' }),
      ];
      expect(await service.evaluate()).toEqual({
        opened: 0,
        resolved: 0,
        open: 1,
      });
      expect(await service.get(sshId)).toMatchObject({
        status: 'open',
        severity: 'warning',
        title: 'SSH open (now behind a VPN?)',
        since: START.toISOString(),
        lastSeenAt: new Date(START.getTime() + DAY).toISOString(),
      });
      // Another subject on the same entity is another alert.
      expect(alertIdOf(finding({ subject: 'tcp/3389' }))).not.toBe(sshId);
      expect(alertIdOf(finding({ entityRef: 'Resource:default/SG-WEB' }))).toBe(
        sshId,
      );
    });

    it('alert lifecycle: a condition no longer found resolves its alert, and the same alert reopens when it comes back', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = [sshOpen];
      await service.evaluate();

      clock.advance(DAY);
      hygiene.state.findings = [];
      expect(await service.evaluate()).toEqual({
        opened: 0,
        resolved: 1,
        open: 0,
      });
      const resolvedAt = new Date(START.getTime() + DAY).toISOString();
      expect(await service.get(sshId)).toMatchObject({
        status: 'resolved',
        resolvedAt,
        lastSeenAt: START.toISOString(),
      });

      clock.advance(DAY);
      hygiene.state.findings = [sshOpen];
      expect(await service.evaluate()).toEqual({
        opened: 1,
        resolved: 0,
        open: 1,
      });
      const reopened = await service.get(sshId);
      expect(reopened).toMatchObject({
        id: sshId,
        status: 'open',
        since: new Date(START.getTime() + 2 * DAY).toISOString(),
      });
      expect(reopened.resolvedAt).toBeUndefined();
      const { events } = await service.history(sshId);
      expect(events.map(e => e.event)).toEqual([
        'opened',
        'notified',
        'resolved',
        'reopened',
        'notified',
      ]);
    });

    it('alert lifecycle: a snoozed alert comes back when its time has passed, by the fake clock', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = [sshOpen];
      await service.evaluate();

      const until = new Date(START.getTime() + 7 * DAY);
      const snoozed = await service.act(
        sshId,
        { action: 'snooze', until, reason: 'change window next week' },
        'user:default/alice',
      );
      expect(snoozed).toMatchObject({
        status: 'snoozed',
        snoozedUntil: until.toISOString(),
        lastAction: {
          action: 'snooze',
          by: 'user:default/alice',
          at: START.toISOString(),
          reason: 'change window next week',
        },
      });

      clock.advance(6 * DAY);
      await service.evaluate();
      expect((await service.get(sshId)).status).toBe('snoozed');

      clock.advance(DAY);
      // Shown open as soon as the time has passed, before any evaluation...
      expect((await service.get(sshId)).status).toBe('open');
      await service.evaluate();
      // ...and stored so by the next one, with an event.
      const [row] = await knex('multicloud_alerts').where({ id: sshId });
      expect(row.status).toBe('open');
      expect(row.snoozed_until).toBeNull();
      const { events } = await service.history(sshId);
      expect(events.slice(-1)[0]).toMatchObject({
        event: 'reopened',
        at: until.toISOString(),
        reason: 'The snooze ended',
      });
    });

    it('alert lifecycle: dismissed stays dismissed and acknowledged stays acknowledged while the condition holds', async () => {
      const { service, hygiene, clock } = setup();
      const rdp = finding({ subject: 'tcp/3389', title: 'RDP open' });
      hygiene.state.findings = [sshOpen, rdp];
      await service.evaluate();

      await service.act(
        sshId,
        { action: 'dismiss', reason: 'bastion host, accepted risk' },
        'user:default/alice',
      );
      await service.act(
        alertIdOf(rdp),
        { action: 'acknowledge' },
        'user:default/bob',
      );
      for (let i = 0; i < 3; i++) {
        clock.advance(DAY);
        await service.evaluate();
      }
      expect((await service.get(sshId)).status).toBe('dismissed');
      expect(await service.get(alertIdOf(rdp))).toMatchObject({
        status: 'acknowledged',
        lastAction: { action: 'acknowledge', by: 'user:default/bob' },
        lastSeenAt: clock.now().toISOString(),
      });

      const reopened = await service.act(
        sshId,
        { action: 'reopen', reason: 'the bastion is gone' },
        'user:default/alice',
      );
      expect(reopened.status).toBe('open');
    });

    it('alert lifecycle: a rule set that throws keeps its alerts as they are, and the other sources go on', async () => {
      const { service, hygiene, savings, clock, logger } = setup();
      const volume = finding({
        source: 'savings',
        rule: 'unattached-volume',
        entityRef: 'resource:default/vol-1',
        subject: undefined,
        severity: 'info',
        title: 'vol-1 is attached to nothing',
        monthlySaving: { amount: 42.5, currency: 'USD' },
      });
      hygiene.state.findings = [sshOpen];
      savings.state.findings = [volume];
      await service.evaluate();

      clock.advance(DAY);
      hygiene.state.fail = new Error('The catalog did not answer');
      savings.state.findings = [];
      expect(await service.evaluate()).toEqual({
        opened: 0,
        resolved: 1,
        open: 1,
      });
      // Kept open, last seen by the hygiene evaluation that worked.
      expect(await service.get(sshId)).toMatchObject({
        status: 'open',
        lastSeenAt: START.toISOString(),
      });
      expect((await service.get(alertIdOf(volume))).status).toBe('resolved');
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining(
          'Alert source hygiene could not be evaluated; its alerts are kept as they were: The catalog did not answer',
        ),
        expect.any(Error),
      );
      const [record] = await knex('multicloud_alert_evaluations').where({
        source: 'hygiene',
      });
      expect(record.error).toBe('The catalog did not answer');

      // A finding that breaks the contract fails its source the same way.
      hygiene.state.fail = undefined;
      hygiene.state.findings = [finding({ severity: 'urgent' as 'critical' })];
      await service.evaluate();
      expect((await service.get(sshId)).status).toBe('open');
    });

    it('alert lifecycle: history says who did what, when and why', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = [sshOpen];
      await service.evaluate();
      clock.advance(3600 * 1000);
      await service.act(sshId, { action: 'acknowledge' }, 'user:default/alice');
      clock.advance(3600 * 1000);
      const until = new Date(START.getTime() + DAY);
      await service.act(
        sshId,
        { action: 'snooze', until },
        'user:default/alice',
      );
      clock.advance(3600 * 1000);
      await service.act(
        sshId,
        { action: 'dismiss', reason: 'accepted risk' },
        'user:default/bob',
      );

      const { alert, events } = await service.history(sshId);
      expect(alert.status).toBe('dismissed');
      expect(events).toEqual([
        { alertId: sshId, event: 'opened', at: START.toISOString() },
        {
          alertId: sshId,
          event: 'notified',
          at: START.toISOString(),
          reason: 'Sent to group:default/checkout-team',
        },
        {
          alertId: sshId,
          event: 'acknowledged',
          at: '2026-12-07T09:00:00.000Z',
          by: 'user:default/alice',
        },
        {
          alertId: sshId,
          event: 'snoozed',
          at: '2026-12-07T10:00:00.000Z',
          by: 'user:default/alice',
          snoozedUntil: until.toISOString(),
        },
        {
          alertId: sshId,
          event: 'dismissed',
          at: '2026-12-07T11:00:00.000Z',
          by: 'user:default/bob',
          reason: 'accepted risk',
        },
      ]);
    });

    it('alert lifecycle: an action the status does not allow is refused, naming the status', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = [sshOpen];
      await service.evaluate();
      await expect(
        service.act(sshId, { action: 'reopen' }, 'user:default/alice'),
      ).rejects.toThrow(
        `Alert ${sshId} is open; reopen applies to acknowledged, snoozed, dismissed alerts`,
      );

      clock.advance(DAY);
      hygiene.state.findings = [];
      await service.evaluate();
      await expect(
        service.act(sshId, { action: 'acknowledge' }, 'user:default/alice'),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `Alert ${sshId} is resolved: its condition no longer holds; acknowledge applies to open, snoozed alerts`,
      });
      await expect(
        service.act('hygiene:nothing:000', { action: 'acknowledge' }, 'user:a'),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('alert lifecycle: a new critical alert notifies its owner once per opening, a failed send is tried again', async () => {
      const { service, hygiene, clock, notifications } = setup();
      const warning = finding({ subject: 'tcp/80', severity: 'warning' });
      hygiene.state.findings = [sshOpen, warning];
      notifications.state.failNext = true;
      await service.evaluate();
      expect(notifications.sent).toEqual([]);

      clock.advance(DAY);
      await service.evaluate();
      clock.advance(DAY);
      await service.evaluate();
      expect(notifications.sent).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: 'group:default/checkout-team',
          },
          payload: {
            title: sshOpen.title,
            description: sshOpen.description,
            link: '/catalog/default/resource/sg-web/alerts',
            severity: 'critical',
            topic: 'multicloud-alerts',
            scope: sshId,
          },
        },
      ]);

      // Resolved and back: a new opening, notified again.
      clock.advance(DAY);
      hygiene.state.findings = [warning];
      await service.evaluate();
      clock.advance(DAY);
      hygiene.state.findings = [sshOpen, warning];
      await service.evaluate();
      await service.evaluate();
      expect(notifications.sent).toHaveLength(2);
    });

    it('alert lifecycle: the alerts of a source that is turned off resolve', async () => {
      const all = setup();
      all.hygiene.state.findings = [sshOpen];
      await all.service.evaluate();

      const withoutHygiene = setup({ ruleSets: [all.savings.ruleSet] });
      expect(await withoutHygiene.service.evaluate()).toMatchObject({
        resolved: 1,
      });
      const { events } = await withoutHygiene.service.history(sshId);
      expect(events.slice(-1)[0]).toMatchObject({
        event: 'resolved',
        reason: 'The alert source is turned off',
      });
    });

    it('evaluation: the hygiene and savings rules share one pass over the cloud Resources, each still failing alone', async () => {
      const entities = [
        catalogEntity('group:default/platform-team', {}),
        cloudResource('web-sg', {
          type: 'security-group',
          labels: { 'cost-center': 'cc-1' },
          annotations: {
            'multicloud.io/open-ingress': JSON.stringify([
              { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
            ]),
          },
        }),
        ...Array.from({ length: 1500 }, (_, i) =>
          cloudResource(`bucket-${i}`, {
            type: 's3-bucket',
            owner: i === 1234 ? 'ghost-team' : 'platform-team',
            labels: { 'cost-center': 'cc-1' },
          }),
        ),
      ];
      const mock = catalogServiceMock({ entities });
      const resourceQueries: string[][] = [];
      const catalog: CatalogService = {
        ...mock,
        getEntitiesByRefs: mock.getEntitiesByRefs.bind(mock),
        queryEntities: async (request, options) => {
          if (
            request &&
            'filter' in request &&
            JSON.stringify(request.filter).includes('"Resource"')
          ) {
            resourceQueries.push(request.fields ?? []);
          }
          return mock.queryEntities(request, options);
        },
      };
      const auth = mockServices.auth();
      const config = new ConfigReader({});
      const logger = mockServices.logger.mock();
      const hygiene = createHygieneRuleSet({ catalog, auth, config, logger });
      const savings = createSavingsRuleSet({ catalog, auth, config, logger });
      const service = createAlertsService({
        knex,
        catalog,
        auth,
        logger,
        ruleSets: [hygiene, savings],
        now: fakeClock().now,
      });

      expect(await service.evaluate()).toEqual({
        opened: 2,
        resolved: 0,
        open: 2,
      });
      // One pass (two pages of 1,000) with the fields of both rule sets.
      expect(resourceQueries).toHaveLength(1);
      expect(resourceQueries[0]).toEqual(
        expect.arrayContaining(['metadata.labels', 'spec.dependsOn']),
      );
      const rows = await knex('multicloud_alerts').select('rule', 'entity_ref');
      expect(rows.map(r => [r.rule, r.entity_ref]).sort()).toEqual([
        ['deleted-owner', 'resource:default/bucket-1234'],
        ['open-to-world', 'resource:default/web-sg'],
      ]);

      // The savings rules fail on their own (the groups cannot be read);
      // the hygiene rules still read every page and keep their alert.
      const failing = createSavingsRuleSet({
        catalog: {
          ...catalog,
          queryEntities: async (request, options) => {
            if (
              request &&
              'filter' in request &&
              JSON.stringify(request.filter).includes('"Group"')
            ) {
              throw new Error('groups unreadable');
            }
            return catalog.queryEntities(request, options);
          },
        },
        auth,
        config,
        logger,
      });
      resourceQueries.length = 0;
      await createAlertsService({
        knex,
        catalog,
        auth,
        logger,
        ruleSets: [hygiene, failing],
        now: () => new Date(START.getTime() + DAY),
      }).evaluate();
      expect(resourceQueries).toHaveLength(1);
      expect(
        await knex('multicloud_alerts')
          .select('rule', 'status')
          .orderBy('rule'),
      ).toEqual([
        { rule: 'deleted-owner', status: 'open' },
        { rule: 'open-to-world', status: 'open' },
      ]);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining(
          'Alert source savings could not be evaluated; its alerts are kept as they were: groups unreadable',
        ),
        expect.anything(),
      );
    });

    it('stores more findings than one statement takes, and rewrites only what changed', async () => {
      const { service, hygiene, clock } = setup();
      hygiene.state.findings = Array.from({ length: 12_000 }, (_, i) =>
        finding({
          entityRef: `resource:default/sg-${i}`,
          severity: 'info',
        }),
      );
      expect(await service.evaluate()).toEqual({
        opened: 12_000,
        resolved: 0,
        open: 12_000,
      });
      clock.advance(DAY);
      const [first, second] = hygiene.state.findings;
      hygiene.state.findings = [
        { ...first, title: 'Still open, new title' },
        ...hygiene.state.findings.slice(1, 8000),
      ];
      expect(await service.evaluate()).toEqual({
        opened: 0,
        resolved: 4000,
        open: 8000,
      });
      const [{ n }] = await knex('multicloud_alert_events').count({ n: '*' });
      expect(Number(n)).toBe(16_000);

      // Only the changed row was written; both were seen by this evaluation.
      const stored = async (id: string) =>
        new Date(
          (await knex('multicloud_alerts').where({ id }).first()).last_seen_at,
        ).toISOString();
      const secondEvaluation = clock.now().toISOString();
      expect(await stored(alertIdOf(first))).toBe(secondEvaluation);
      expect(await stored(alertIdOf(second))).toBe(START.toISOString());
      expect((await service.get(alertIdOf(second))).lastSeenAt).toBe(
        secondEvaluation,
      );
      expect(
        (await service.get(alertIdOf(hygiene.state.findings[7999]))).lastSeenAt,
      ).toBe(secondEvaluation);
    });

    it("lists an entity's alerts with what it contains, counts and savings, and filters", async () => {
      const { service, hygiene, savings } = setup();
      hygiene.state.findings = [
        sshOpen,
        finding({
          rule: 'public-database',
          entityRef: 'resource:default/checkout-db',
          subject: undefined,
          severity: 'warning',
          title: 'checkout-db has a public IP',
        }),
        finding({
          rule: 'no-owner',
          entityRef: 'resource:default/bucket-data',
          ownerRef: 'group:default/data-team',
          subject: undefined,
          severity: 'warning',
          title: 'bucket-data has no owner tag',
        }),
      ];
      savings.state.findings = [
        finding({
          source: 'savings',
          rule: 'unattached-volume',
          entityRef: 'resource:default/vol-1',
          subject: undefined,
          severity: 'info',
          title: 'vol-1 is attached to nothing',
          monthlySaving: { amount: 40.25, currency: 'USD' },
        }),
      ];
      await service.evaluate();
      const credentials = mockCredentials.user('user:default/alice');

      const system = await service.list({
        entityRef: 'system:default/checkout',
        credentials,
      });
      expect(system.alerts.map(a => [a.entityRef, a.rule])).toEqual([
        ['resource:default/sg-web', 'open-to-world'],
        ['resource:default/checkout-db', 'public-database'],
      ]);
      expect(system.counts).toEqual({ critical: 1, warning: 1, info: 0 });
      expect(system.evaluatedAt).toBe(START.toISOString());
      expect(system.alertmanager).toEqual([]);

      const team = await service.list({
        entityRef: 'group:default/checkout-team',
        credentials,
      });
      expect(team.alerts.map(a => a.entityRef).sort()).toEqual([
        'resource:default/checkout-db',
        'resource:default/sg-web',
        'resource:default/vol-1',
      ]);
      expect(team.monthlySavings).toEqual([{ amount: 40.25, currency: 'USD' }]);

      const filtered = await service.list({
        entityRef: 'group:default/checkout-team',
        severity: ['warning', 'info'],
        source: ['hygiene'],
        credentials,
      });
      expect(filtered.alerts.map(a => a.rule)).toEqual(['public-database']);
      // Counts are before filters.
      expect(filtered.counts).toEqual({ critical: 1, warning: 1, info: 1 });

      await service.act(sshId, { action: 'acknowledge' }, 'user:default/alice');
      const acknowledged = await service.list({
        entityRef: 'component:default/checkout-api',
        status: ['acknowledged'],
        credentials,
      });
      expect(acknowledged.alerts.map(a => a.id)).toEqual([sshId]);
      expect(acknowledged.counts.critical).toBe(1);

      await expect(
        service.list({ entityRef: 'component:default/nope', credentials }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('leaves out alerts on entities the caller cannot read, also when found through ownership', async () => {
      const { service, hygiene } = setup({
        hidden: ['resource:default/vol-1'],
      });
      hygiene.state.findings = [
        sshOpen,
        finding({ entityRef: 'resource:default/vol-1', title: 'on vol-1' }),
        // Owned by the team through its owner ref only.
        finding({
          entityRef: 'resource:default/bucket-data',
          title: 'on bucket-data',
        }),
      ];
      await service.evaluate();

      const asAlice = await service.list({
        entityRef: 'group:default/checkout-team',
        credentials: mockCredentials.user('user:default/alice'),
      });
      expect(asAlice.alerts.map(a => a.entityRef).sort()).toEqual([
        'resource:default/bucket-data',
        'resource:default/sg-web',
        'resource:default/vol-1',
      ]);
      const asOutsider = await service.list({
        entityRef: 'group:default/checkout-team',
        credentials: mockCredentials.user(OUTSIDER),
      });
      expect(asOutsider.alerts.map(a => a.entityRef).sort()).toEqual([
        'resource:default/bucket-data',
        'resource:default/sg-web',
      ]);
      expect(asOutsider.counts.critical).toBe(2);
    });

    it('adds the Alertmanager alerts of the entity, and a notice for an instance that is down', async () => {
      const alertmanager = {
        enabled: true,
        matchersFor: jest.fn(() => [
          { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        ]),
        alerts: jest.fn(async () => ({
          alerts: [
            {
              id: 'alertmanager:prod:abc123',
              source: 'alertmanager' as const,
              rule: 'HighLatency',
              severity: 'critical' as const,
              status: 'open' as const,
              entityRef: 'component:default/checkout-api',
              title: 'p99 latency above 2s',
              description: '',
              since: START.toISOString(),
              lastSeenAt: START.toISOString(),
              links: [],
            },
          ],
          instances: [
            { id: 'prod', url: 'http://am-prod:9093', reachable: true },
            {
              id: 'staging',
              url: 'http://am-staging:9093',
              reachable: false,
              error: 'did not answer within 5000 ms',
            },
          ],
        })),
        createSilence: jest.fn(),
        expireSilence: jest.fn(),
        silences: jest.fn(),
      };
      const { service } = setup({ alertmanager });
      const response = await service.list({
        entityRef: 'component:default/checkout-api',
        source: ['alertmanager'],
        credentials: mockCredentials.user('user:default/alice'),
      });
      expect(alertmanager.matchersFor).toHaveBeenCalledWith({
        kind: 'component',
        metadata: {
          name: 'checkout-api',
          namespace: 'default',
          annotations: { 'multicloud.io/alert-matchers': 'service="checkout"' },
        },
      });
      expect(response.alerts.map(a => a.id)).toEqual([
        'alertmanager:prod:abc123',
      ]);
      expect(response.counts.critical).toBe(1);
      expect(response.alertmanager[1]).toMatchObject({
        id: 'staging',
        reachable: false,
      });
    });

    it('summarises open alerts and savings per owner group, and sends one weekly digest per owner', async () => {
      const { service, hygiene, savings, notifications } = setup();
      hygiene.state.findings = [
        sshOpen,
        finding({
          entityRef: 'resource:default/bucket-data',
          ownerRef: 'group:default/data-team',
          severity: 'warning',
        }),
      ];
      savings.state.findings = [
        finding({
          source: 'savings',
          rule: 'unattached-volume',
          entityRef: 'resource:default/vol-1',
          subject: undefined,
          severity: 'info',
          monthlySaving: { amount: 40, currency: 'USD' },
        }),
        finding({
          source: 'savings',
          rule: 'unassociated-ip',
          entityRef: 'resource:default/web-1',
          subject: undefined,
          severity: 'info',
          monthlySaving: { amount: 3.6, currency: 'USD' },
        }),
      ];
      await service.evaluate();

      const summary = await service.summary();
      expect(summary).toEqual({
        teams: [
          {
            ownerRef: 'group:default/checkout-team',
            counts: { critical: 1, warning: 0, info: 2 },
            monthlySavings: [{ amount: 43.6, currency: 'USD' }],
          },
          {
            ownerRef: 'group:default/data-team',
            counts: { critical: 0, warning: 1, info: 0 },
            monthlySavings: [],
          },
        ],
        counts: { critical: 1, warning: 1, info: 2 },
        monthlySavings: [{ amount: 43.6, currency: 'USD' }],
        evaluatedAt: START.toISOString(),
      });

      notifications.sent.length = 0;
      expect(await service.sendWeeklyDigest()).toEqual({ owners: 2 });
      expect(
        notifications.sent.map(n => [n.recipients, n.payload.description]),
      ).toEqual(
        expect.arrayContaining([
          [
            { type: 'entity', entityRef: 'group:default/checkout-team' },
            '1 critical, 2 info. Open recommendations could save $44 a month.',
          ],
          [
            { type: 'entity', entityRef: 'group:default/data-team' },
            '1 warning.',
          ],
        ]),
      );
    });
  },
);
