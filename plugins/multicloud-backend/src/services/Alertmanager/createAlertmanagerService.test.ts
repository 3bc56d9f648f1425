import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { MulticloudAlert } from '@multicloud/plugin-multicloud-common';
import { AlertmanagerConfig, AlertmanagerInstanceConfig } from './config';
import { createAlertmanagerService } from './createAlertmanagerService';
import { eventually } from './__testUtils__/eventually';
import {
  RunningAlertmanager,
  TEST_BASIC_AUTH,
  startAlertmanager,
} from './__testUtils__/startAlertmanager';
import { AlertmanagerMatcher, AlertmanagerService } from './types';

jest.setTimeout(60_000);

const DAY = 24 * 3600 * 1000;

const instance = (
  id: string,
  url: string,
  extra: Partial<AlertmanagerInstanceConfig> = {},
): AlertmanagerInstanceConfig => ({
  id,
  url,
  externalUrl: url,
  headers: {},
  timeoutMs: 5_000,
  ...extra,
});

const serviceFor = (
  instances: AlertmanagerInstanceConfig[],
  extra: Partial<AlertmanagerConfig> = {},
) => {
  const logger = mockServices.logger.mock();
  const service = createAlertmanagerService({
    config: { instances, maxSilenceDurationMs: 30 * DAY, ...extra },
    logger,
  });
  const logged = () =>
    JSON.stringify(
      [logger.error, logger.warn, logger.info, logger.debug].flatMap(
        fn => fn.mock.calls,
      ),
    );
  return { service, logger, logged };
};

const checkoutEntity = {
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'multicloud.io/alert-matchers': 'service="checkout"' },
  },
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const byAlertname = (alerts: MulticloudAlert[], name: string) =>
  alerts.find(a => a.alertmanager?.labels.alertname === name);

describe('createAlertmanagerService', () => {
  describe('matchersFor', () => {
    const { service } = serviceFor([]);

    it('selects service=<name> without the annotation', () => {
      expect(service.enabled).toBe(false);
      expect(service.matchersFor({ metadata: { name: 'checkout' } })).toEqual([
        { name: 'service', value: 'checkout', isEqual: true, isRegex: false },
      ]);
    });

    it('reads the annotation, and names the entity when it does not parse', () => {
      expect(
        service.matchersFor({
          metadata: {
            name: 'checkout',
            annotations: {
              'multicloud.io/alert-matchers': 'app="shop", env=~"prod|staging"',
            },
          },
        }),
      ).toEqual([
        { name: 'app', value: 'shop', isEqual: true, isRegex: false },
        { name: 'env', value: 'prod|staging', isEqual: true, isRegex: true },
      ]);
      const bad = {
        kind: 'Component',
        metadata: {
          name: 'checkout',
          namespace: 'shop',
          annotations: { 'multicloud.io/alert-matchers': 'app="shop' },
        },
      };
      expect(() => service.matchersFor(bad)).toThrow(InputError);
      expect(() => service.matchersFor(bad)).toThrow(
        'Invalid annotation multicloud.io/alert-matchers of component:shop/checkout "app=\\"shop": the value "shop has no closing double quote',
      );
    });
  });

  describe('against real Alertmanagers', () => {
    const running: RunningAlertmanager[] = [];
    let east: RunningAlertmanager;
    let west: RunningAlertmanager;
    let service: AlertmanagerService;
    let logged: () => string;
    let checkout: AlertmanagerMatcher[];
    const startsAt = new Date(Date.now() - 3600 * 1000).toISOString();

    beforeAll(async () => {
      [east, west] = await Promise.all([
        startAlertmanager(),
        startAlertmanager(),
      ]);
      running.push(east, west);
      await east.postAlerts([
        {
          labels: {
            alertname: 'CheckoutDown',
            service: 'checkout',
            severity: 'critical',
          },
          annotations: {
            summary: 'Checkout answers no request',
            description: 'Every probe of /health failed for 5 minutes.',
          },
          startsAt,
          generatorURL: 'http://prometheus.example.com/graph?g0.expr=up%3D%3D0',
        },
        {
          labels: {
            alertname: 'CheckoutLatencyHigh',
            service: 'checkout',
            severity: 'warning',
          },
          startsAt,
          // A link the service must drop rather than render.
          // eslint-disable-next-line no-script-url
          generatorURL: 'javascript:alert(1)',
        },
        {
          labels: {
            alertname: 'CheckoutDiskFilling',
            service: 'checkout',
            severity: 'page',
            instance: 'db-1',
          },
          startsAt,
        },
        {
          labels: {
            alertname: 'PaymentsDown',
            service: 'payments',
            severity: 'critical',
          },
          startsAt,
        },
      ]);
      await west.postAlerts([
        {
          labels: {
            alertname: 'CheckoutCertExpiring',
            service: 'checkout',
            severity: 'info',
          },
          annotations: { summary: 'Certificate expires in 10 days' },
          startsAt,
        },
      ]);
      ({ service, logged } = serviceFor([
        instance('east', east.url, {
          externalUrl: 'https://alerts-east.example.com',
        }),
        instance('west', west.url),
      ]));
      checkout = service.matchersFor(checkoutEntity);
    });

    afterAll(async () => {
      await Promise.all(running.map(am => am.stop()));
    });

    it("Alertmanager integration: reads the alerts that match an entity's matchers from every instance, with their inhibited state", async () => {
      // The critical alert inhibits the warning once Alertmanager's
      // inhibitor has seen it: that happens asynchronously.
      const { alerts, instances } = await eventually(
        () => service.alerts(checkout, 'component:default/checkout'),
        result =>
          byAlertname(result.alerts, 'CheckoutLatencyHigh')?.alertmanager
            ?.state === 'suppressed',
        { description: 'the warning is inhibited by the critical alert' },
      );
      expect(instances).toEqual([
        {
          id: 'east',
          url: 'https://alerts-east.example.com',
          reachable: true,
        },
        { id: 'west', url: west.url, reachable: true },
      ]);
      expect(alerts.map(a => a.rule)).toEqual([
        'CheckoutDiskFilling',
        'CheckoutDown',
        'CheckoutLatencyHigh',
        'CheckoutCertExpiring',
      ]);

      const down = byAlertname(alerts, 'CheckoutDown')!;
      const fingerprint = down.alertmanager!.fingerprint;
      expect(down).toEqual({
        id: `alertmanager:east:${fingerprint}`,
        source: 'alertmanager',
        rule: 'CheckoutDown',
        severity: 'critical',
        status: 'open',
        entityRef: 'component:default/checkout',
        title: 'Checkout answers no request',
        description: 'Every probe of /health failed for 5 minutes.',
        since: startsAt,
        lastSeenAt: expect.any(String),
        links: [
          {
            title: 'Alert source',
            url: 'http://prometheus.example.com/graph?g0.expr=up%3D%3D0',
          },
          {
            title: 'Alertmanager (east)',
            url: `https://alerts-east.example.com/#/alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(
              '{alertname="CheckoutDown",service="checkout",severity="critical"}',
            )}`,
          },
        ],
        alertmanager: {
          instance: 'east',
          fingerprint,
          state: 'active',
          silencedBy: [],
          inhibitedBy: [],
          labels: {
            alertname: 'CheckoutDown',
            service: 'checkout',
            severity: 'critical',
          },
          annotations: {
            summary: 'Checkout answers no request',
            description: 'Every probe of /health failed for 5 minutes.',
          },
          startsAt,
          endsAt: expect.any(String),
          generatorURL: 'http://prometheus.example.com/graph?g0.expr=up%3D%3D0',
        },
      });

      const latency = byAlertname(alerts, 'CheckoutLatencyHigh')!;
      expect(latency.severity).toBe('warning');
      expect(latency.title).toBe('CheckoutLatencyHigh');
      expect(latency.description).toBe('');
      expect(latency.alertmanager?.inhibitedBy).toEqual([fingerprint]);
      // Only http(s) generator URLs become links.
      expect(latency.alertmanager?.generatorURL).toBeUndefined();
      expect(latency.links.map(l => l.title)).toEqual(['Alertmanager (east)']);

      expect(byAlertname(alerts, 'CheckoutDiskFilling')?.severity).toBe(
        'critical',
      );
      const cert = byAlertname(alerts, 'CheckoutCertExpiring')!;
      expect(cert.id).toBe(
        `alertmanager:west:${cert.alertmanager!.fingerprint}`,
      );
      expect(cert.severity).toBe('info');
      expect(cert.links[0].url).toMatch(new RegExp(`^${west.url}/#/alerts\\?`));
      expect(alerts.some(a => a.rule === 'PaymentsDown')).toBe(false);
    });

    it('Alertmanager integration: matchers with quoted commas, escapes and regexes select the same alerts in Alertmanager', async () => {
      await east.postAlerts([
        {
          labels: {
            alertname: 'QuotedServiceDown',
            service: 'pay, "ments"\\eu',
            env: 'staging-2',
          },
          startsAt,
        },
        {
          labels: {
            alertname: 'QuotedServiceDown',
            service: 'pay, "ments"\\eu',
            env: 'dev',
          },
          startsAt,
        },
      ]);
      const matchers = service.matchersFor({
        metadata: {
          name: 'payments',
          annotations: {
            'multicloud.io/alert-matchers': String.raw`{service="pay, \"ments\"\\eu", env=~"prod|staging-\d+"}`,
          },
        },
      });
      const { alerts } = await eventually(
        () => service.alerts(matchers, 'component:default/payments'),
        result => result.alerts.length > 0,
        { description: 'the quoted alert is listed' },
      );
      expect(alerts.map(a => a.alertmanager?.labels)).toEqual([
        {
          alertname: 'QuotedServiceDown',
          service: 'pay, "ments"\\eu',
          env: 'staging-2',
        },
      ]);
    });

    it('Alertmanager integration: a silence suppresses the entity alert, and expiring it makes the alert active again', async () => {
      const endsAt = new Date(Date.now() + 2 * 3600 * 1000);
      const silence = await service.createSilence({
        instance: 'east',
        entityMatchers: checkout,
        matchers: [
          ...checkout,
          {
            name: 'alertname',
            value: 'CheckoutDown',
            isEqual: true,
            isRegex: false,
          },
        ],
        endsAt,
        createdBy: 'user:default/jane',
        comment: '  Planned database failover  ',
      });
      expect(silence).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        instance: 'east',
        matchers: [
          {
            name: 'service',
            value: 'checkout',
            isEqual: true,
            isRegex: false,
          },
          {
            name: 'alertname',
            value: 'CheckoutDown',
            isEqual: true,
            isRegex: false,
          },
        ],
        startsAt: expect.any(String),
        endsAt: endsAt.toISOString(),
        createdBy: 'user:default/jane',
        comment: 'Planned database failover',
        state: 'active',
        url: `https://alerts-east.example.com/#/silences/${silence.id}`,
      });

      const silenced = await eventually(
        () => service.alerts(checkout, 'component:default/checkout'),
        result =>
          byAlertname(result.alerts, 'CheckoutDown')?.alertmanager
            ?.silencedBy[0] === silence.id,
        { description: 'the silence suppresses CheckoutDown' },
      );
      const down = byAlertname(silenced.alerts, 'CheckoutDown')!;
      expect(down.alertmanager?.state).toBe('suppressed');
      expect(down.links).toContainEqual({
        title: `Silence ${silence.id}`,
        url: `https://alerts-east.example.com/#/silences/${silence.id}`,
      });
      // The other checkout alerts are not silenced.
      expect(
        byAlertname(silenced.alerts, 'CheckoutDiskFilling')?.alertmanager
          ?.silencedBy,
      ).toEqual([]);

      const listed = await service.silences(checkout);
      expect(listed.instances.every(i => i.reachable)).toBe(true);
      expect(listed.silences.find(s => s.id === silence.id)).toMatchObject({
        state: 'active',
        createdBy: 'user:default/jane',
        comment: 'Planned database failover',
      });

      await service.expireSilence({
        instance: 'east',
        silenceId: silence.id,
        entityMatchers: checkout,
        expiredBy: 'user:default/jane',
      });
      const active = await eventually(
        () => service.alerts(checkout, 'component:default/checkout'),
        result =>
          byAlertname(result.alerts, 'CheckoutDown')?.alertmanager?.state ===
          'active',
        { description: 'CheckoutDown is active again' },
      );
      expect(
        byAlertname(active.alerts, 'CheckoutDown')?.alertmanager?.silencedBy,
      ).toEqual([]);
      expect(
        (await service.silences(checkout)).silences.find(
          s => s.id === silence.id,
        )?.state,
      ).toBe('expired');
      // Expiring it again changes nothing, as in Alertmanager.
      await service.expireSilence({
        instance: 'east',
        silenceId: silence.id,
        entityMatchers: checkout,
      });
    });

    it("Alertmanager integration: an entity's matchers cannot be bypassed to silence another service's alerts", async () => {
      const attempt = (matchers: AlertmanagerMatcher[]) =>
        rejection(
          service.createSilence({
            instance: 'east',
            entityMatchers: checkout,
            matchers,
            endsAt: new Date(Date.now() + 3600 * 1000),
            createdBy: 'user:default/jane',
            comment: 'quiet please',
          }),
        );
      const bypasses: AlertmanagerMatcher[][] = [
        [{ name: 'service', value: 'payments', isEqual: true, isRegex: false }],
        [{ name: 'service', value: '.*', isEqual: true, isRegex: true }],
        [{ name: 'service', value: 'checkout', isEqual: true, isRegex: true }],
        [
          {
            name: 'service',
            value: 'checkout',
            isEqual: false,
            isRegex: false,
          },
        ],
        [
          {
            name: 'alertname',
            value: 'PaymentsDown',
            isEqual: true,
            isRegex: false,
          },
        ],
      ];
      for (const matchers of bypasses) {
        const error = await attempt(matchers);
        expect(error).toBeInstanceOf(NotAllowedError);
        expect(error.message).toContain(
          'A silence for this entity must keep all of its matchers {service="checkout"}',
        );
      }
      expect(await east.get<unknown[]>('silences')).not.toContainEqual(
        expect.objectContaining({ comment: 'quiet please' }),
      );

      // A silence someone made in Alertmanager for payments is neither
      // listed for checkout nor expirable through it.
      const response = await fetch(`${east.url}/api/v2/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: [
            {
              name: 'service',
              value: 'payments',
              isEqual: true,
              isRegex: false,
            },
          ],
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 3600 * 1000).toISOString(),
          createdBy: 'payments-oncall',
          comment: 'payments maintenance',
        }),
      });
      const { silenceID } = await response.json();
      expect(
        (await service.silences(checkout)).silences.map(s => s.id),
      ).not.toContain(silenceID);
      const error = await rejection(
        service.expireSilence({
          instance: 'east',
          silenceId: silenceID,
          entityMatchers: checkout,
        }),
      );
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toContain(
        `Silence '${silenceID}' ({service="payments"}) is not limited to this entity's matchers {service="checkout"}`,
      );
      expect(
        await east.get<{ status: { state: string } }>(`silence/${silenceID}`),
      ).toMatchObject({ status: { state: 'active' } });
    });

    it('Alertmanager integration: refuses bad silences with an InputError that says why', async () => {
      const create = (
        request: Partial<Parameters<AlertmanagerService['createSilence']>[0]>,
      ) =>
        rejection(
          service.createSilence({
            instance: 'east',
            entityMatchers: checkout,
            matchers: checkout,
            endsAt: new Date(Date.now() + 3600 * 1000),
            createdBy: 'user:default/jane',
            comment: 'maintenance',
            ...request,
          }),
        );
      const cases: Array<[Error, string]> = [
        [
          await create({ endsAt: new Date(Date.now() - 1000) }),
          'A silence must end in the future',
        ],
        [
          await create({ endsAt: new Date(Date.now() + 31 * DAY) }),
          'A silence may last at most 30 days (multicloud.alerts.alertmanager.maxSilenceDuration)',
        ],
        [await create({ endsAt: new Date('not a date') }), 'a valid date'],
        [await create({ comment: '   ' }), 'A silence needs a comment'],
        [
          await create({ comment: 'x'.repeat(1001) }),
          'at most 1000 characters; it has 1001',
        ],
        [await create({ createdBy: '' }), 'A silence needs its creator'],
        [
          await create({
            matchers: [
              ...checkout,
              { name: 'env', value: '(', isEqual: true, isRegex: true },
            ],
          }),
          'Invalid silence matchers: the regex "(" is not valid',
        ],
      ];
      for (const [error, message] of cases) {
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(message);
      }

      // Alertmanager's own refusal: every matcher matches the empty string.
      const anything: AlertmanagerMatcher[] = [
        { name: 'service', value: '.*', isEqual: true, isRegex: true },
      ];
      const refused = await rejection(
        service.createSilence({
          instance: 'east',
          entityMatchers: anything,
          matchers: anything,
          endsAt: new Date(Date.now() + 3600 * 1000),
          createdBy: 'user:default/jane',
          comment: 'everything',
        }),
      );
      expect(refused).toBeInstanceOf(InputError);
      expect(refused.message).toContain(
        `Alertmanager 'east' at ${east.url} refused the silence`,
      );
      expect(refused.message).toContain(
        'at least one matcher must not match the empty string',
      );
    });

    it('Alertmanager integration: an unknown instance or silence is a NotFoundError', async () => {
      const unknownInstance = await rejection(
        service.createSilence({
          instance: 'north',
          entityMatchers: checkout,
          matchers: checkout,
          endsAt: new Date(Date.now() + 3600 * 1000),
          createdBy: 'user:default/jane',
          comment: 'maintenance',
        }),
      );
      expect(unknownInstance).toBeInstanceOf(NotFoundError);
      expect(unknownInstance.message).toBe(
        "No Alertmanager instance 'north'; the configured ones are 'east', 'west'",
      );
      await expect(
        service.expireSilence({
          instance: 'north',
          silenceId: '5b4b4e8c-0c1f-4d6e-9a53-2f0f6d7b1e2a',
          entityMatchers: checkout,
        }),
      ).rejects.toThrow(NotFoundError);

      const unknownSilence = await rejection(
        service.expireSilence({
          instance: 'west',
          silenceId: '5b4b4e8c-0c1f-4d6e-9a53-2f0f6d7b1e2a',
          entityMatchers: checkout,
        }),
      );
      expect(unknownSilence).toBeInstanceOf(NotFoundError);
      expect(unknownSilence.message).toBe(
        `Alertmanager 'west' at ${west.url} has no silence '5b4b4e8c-0c1f-4d6e-9a53-2f0f6d7b1e2a'`,
      );
      await expect(
        service.expireSilence({
          instance: 'west',
          silenceId: '../alerts',
          entityMatchers: checkout,
        }),
      ).rejects.toThrow(
        new InputError(
          "'../alerts' is not a silence id; Alertmanager's silence ids are UUIDs such as 5b4b4e8c-0c1f-4d6e-9a53-2f0f6d7b1e2a",
        ),
      );
    });

    // Last: it stops west.
    it("Alertmanager integration: an instance stopped mid-test is reported unreachable while the other instance's alerts are still returned", async () => {
      const before = await service.alerts(
        checkout,
        'component:default/checkout',
      );
      expect(before.alerts.some(a => a.alertmanager?.instance === 'west')).toBe(
        true,
      );

      await west.stop();

      const after = await service.alerts(
        checkout,
        'component:default/checkout',
      );
      expect(after.alerts.map(a => a.rule)).toEqual([
        'CheckoutDiskFilling',
        'CheckoutDown',
        'CheckoutLatencyHigh',
      ]);
      expect(after.instances).toEqual([
        {
          id: 'east',
          url: 'https://alerts-east.example.com',
          reachable: true,
        },
        {
          id: 'west',
          url: west.url,
          reachable: false,
          error: `Alertmanager 'west' at ${west.url} refused the connection: check that it is running and that its url under multicloud.alerts.alertmanager.instances is right`,
        },
      ]);
      const silences = await service.silences(checkout);
      expect(silences.instances.map(i => i.reachable)).toEqual([true, false]);
      await expect(
        service.createSilence({
          instance: 'west',
          entityMatchers: checkout,
          matchers: checkout,
          endsAt: new Date(Date.now() + 3600 * 1000),
          createdBy: 'user:default/jane',
          comment: 'maintenance',
        }),
      ).rejects.toThrow(ServiceUnavailableError);
      // Logged once when it went down, not on every read.
      expect(logged().match(/'west'[^"]*refused the connection/g)).toHaveLength(
        1,
      );
    });
  });

  describe('against an Alertmanager that asks for credentials', () => {
    let am: RunningAlertmanager;

    beforeAll(async () => {
      am = await startAlertmanager({ basicAuth: true });
      await am.postAlerts([
        { labels: { alertname: 'CheckoutDown', service: 'checkout' } },
      ]);
    });

    afterAll(async () => {
      await am?.stop();
    });

    it('Alertmanager integration: sends the configured headers, and reports refused credentials without logging them', async () => {
      const { service, logged } = serviceFor([
        instance('with-token', am.url, {
          headers: { Authorization: TEST_BASIC_AUTH.header },
        }),
        instance('wrong-token', am.url, {
          headers: {
            Authorization: `Basic ${Buffer.from('ops:wrong-secret').toString(
              'base64',
            )}`,
          },
        }),
      ]);
      const matchers = service.matchersFor({ metadata: { name: 'checkout' } });
      const { alerts, instances } = await service.alerts(
        matchers,
        'component:default/checkout',
      );
      expect(alerts.map(a => a.id)).toEqual([
        expect.stringMatching(/^alertmanager:with-token:[0-9a-f]+$/),
      ]);
      expect(instances[0].reachable).toBe(true);
      expect(instances[1]).toEqual({
        id: 'wrong-token',
        url: am.url,
        reachable: false,
        error: `Alertmanager 'wrong-token' at ${am.url} refused the list of alerts (HTTP 401): check the credentials in its headers under multicloud.alerts.alertmanager.instances`,
      });
      const log = logged();
      expect(log).toContain('refused the list of alerts (HTTP 401)');
      expect(log).not.toContain(TEST_BASIC_AUTH.header.split(' ')[1]);
      expect(log).not.toContain(
        Buffer.from('ops:wrong-secret').toString('base64'),
      );
    });
  });

  describe('against servers that are not a working Alertmanager', () => {
    const servers: http.Server[] = [];

    async function serve(handler: http.RequestListener): Promise<string> {
      const server = http.createServer(handler);
      servers.push(server);
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    afterAll(async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise(resolve => server.close(resolve));
      }
    });

    it('reports one that does not answer in time, answers something else or has no API v2 as unreachable', async () => {
      const silent = await serve(() => {
        // Never answers.
      });
      const html = await serve((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Welcome to nginx</body></html>');
      });
      const missing = await serve((_req, res) => {
        res.statusCode = 404;
        res.end('404 page not found');
      });
      const { service } = serviceFor([
        instance('silent', silent, { timeoutMs: 300 }),
        instance('html', html),
        instance('missing', missing),
      ]);
      const { alerts, instances } = await service.alerts(
        [{ name: 'service', value: 'checkout', isEqual: true, isRegex: false }],
        'component:default/checkout',
      );
      expect(alerts).toEqual([]);
      expect(instances).toEqual([
        {
          id: 'silent',
          url: silent,
          reachable: false,
          error: `Alertmanager 'silent' at ${silent} did not answer within 300 ms: check that it is up and reachable from the backend, or raise its timeout under multicloud.alerts.alertmanager.instances`,
        },
        {
          id: 'html',
          url: html,
          reachable: false,
          error: `Alertmanager 'html' at ${html} answered something that is not an Alertmanager API v2 list of alerts: <html><body>Welcome to nginx</body></html>. Check that its url points at Alertmanager`,
        },
        {
          id: 'missing',
          url: missing,
          reachable: false,
          error: `Alertmanager 'missing' at ${missing} has no API for the list of alerts (HTTP 404): its url must be Alertmanager's base URL, including any --web.route-prefix`,
        },
      ]);
    });
  });
});
