import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { multicloudPlugin } from '../../plugin';
import { databasePerPlugin } from '../../testUtils/testBackend';
import {
  alertsCatalog,
  craftedRuleSet,
  finding,
} from './__testUtils__/alertFixtures';
import { alertIdOf } from './alertRows';
import { createAlertsService } from './createAlertsService';
import { entityAlertsPath } from './notifyAlerts';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

/** Hands out the multicloud plugin's own notification service and database. */
function multicloudServicesProbe() {
  const probe: { notifications?: NotificationService; knex?: Knex } = {};
  const module = createBackendModule({
    pluginId: 'multicloud',
    moduleId: 'notifications-probe',
    register(reg) {
      reg.registerInit({
        deps: {
          notifications: notificationService,
          database: coreServices.database,
        },
        async init({ notifications, database }) {
          probe.notifications = notifications;
          probe.knex = await database.getClient();
        },
      });
    },
  });
  return { probe, module };
}

it('links a notification to the Alerts tab of the entity page', () => {
  expect(entityAlertsPath('resource:default/sg-web')).toBe(
    '/catalog/default/resource/sg-web/alerts',
  );
  expect(entityAlertsPath('Component:team-a/checkout api')).toBe(
    '/catalog/team-a/component/checkout%20api/alerts',
  );
});

describe.each(databases.eachSupportedId())(
  'alert notifications through the notifications backend on %p',
  databaseId => {
    it('alert lifecycle: a new critical alert reaches the owner group once, however often it is evaluated', async () => {
      const { probe, module } = multicloudServicesProbe();
      const { server } = await startTestBackend({
        features: [
          multicloudPlugin,
          module,
          notificationsPlugin,
          catalogServiceMock.factory({ entities: alertsCatalog() }),
          mockServices.rootConfig.factory({
            data: { app: { baseUrl: 'http://localhost:3000' } },
          }),
          databasePerPlugin({
            multicloud: await databases.init(databaseId),
            notifications: await databases.init(databaseId),
          }),
        ],
      });

      const hygiene = craftedRuleSet('hygiene');
      const critical = finding();
      hygiene.state.findings = [
        critical,
        finding({ subject: 'tcp/80', severity: 'warning', title: 'HTTP open' }),
      ];
      const alerts = createAlertsService({
        knex: probe.knex!,
        catalog: catalogServiceMock({ entities: alertsCatalog() }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        ruleSets: [hygiene.ruleSet],
        notifications: probe.notifications!,
      });
      await alerts.evaluate();
      await alerts.evaluate();

      const inbox = async (user: string) =>
        request(server)
          .get('/api/notifications/notifications')
          .set('Authorization', mockCredentials.user.header(user));
      const res = await inbox('user:default/alice');
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(1);
      expect(res.body.notifications[0]).toMatchObject({
        user: 'user:default/alice',
        origin: 'plugin:multicloud',
        payload: {
          title: critical.title,
          description: critical.description,
          link: '/catalog/default/resource/sg-web/alerts',
          severity: 'critical',
          topic: 'multicloud-alerts',
          scope: alertIdOf(critical),
        },
      });
      // Sent once: a second send with the same scope would have marked it updated.
      expect(res.body.notifications[0].updated).toBeFalsy();
      // Nobody outside the owner group hears of it.
      expect((await inbox('user:default/outsider')).body.totalCount).toBe(0);

      const { events } = await alerts.history(alertIdOf(critical));
      expect(events.filter(e => e.event === 'notified')).toEqual([
        expect.objectContaining({
          reason: 'Sent to group:default/checkout-team',
        }),
      ]);
    });
  },
);
