import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CostSummaryResponse,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';
import { ServiceFactory } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import { demoCatalog } from './testUtils/catalog';
import {
  FocusRow,
  focusCsv,
  focusRow,
  gzip,
  writeFile,
  writeParquet,
} from './testUtils/focusFiles';
import { addDays, eachDay } from './services/CostAnalytics/dates';

jest.setTimeout(60_000);

type JsonObject = NonNullable<
  Parameters<typeof mockServices.rootConfig.factory>[0]
>['data'] &
  object;

const databases = TestDatabases.create();

const FIRST_DAY = '2026-09-01';
const LAST_DAY = '2026-10-30';

/**
 * Sixty days of cost: the checkout web server (by resource id), the
 * checkout database (Azure, id in other case), a checkout-api charge found
 * by tag only, a data-team charge by owner tag, and an untagged one.
 */
function demoExport(): string {
  const rows: FocusRow[] = [];
  for (const day of eachDay(FIRST_DAY, LAST_DAY)) {
    const period = {
      ChargePeriodStart: `${day}T00:00:00Z`,
      ChargePeriodEnd: `${addDays(day, 1)}T00:00:00Z`,
      BillingPeriodStart: `${day.slice(0, 7)}-01T00:00:00Z`,
    };
    rows.push(
      focusRow({ ...period, BilledCost: 10, EffectiveCost: 10, ListCost: 12 }),
      focusRow({
        ...period,
        ProviderName: 'Microsoft',
        BillingAccountId: 'ea-1',
        SubAccountId: 's1',
        RegionId: 'westeurope',
        ServiceName: 'Azure SQL Database',
        ResourceId:
          '/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.SQL/SERVERS/CHECKOUT-DB',
        ResourceName: 'checkout-db',
        BilledCost: 5,
        EffectiveCost: 5,
        ListCost: 5,
      }),
      focusRow({
        ...period,
        ResourceId: 'i-0tagged',
        ResourceName: 'batch-1',
        Tags: '{"Component":"checkout-api"}',
        BilledCost: 2,
        EffectiveCost: 2,
        ListCost: 2,
      }),
      focusRow({
        ...period,
        ResourceId: 'bucket-data',
        ServiceName: 'Amazon Simple Storage Service',
        Tags: '{"team":"data-team"}',
        BilledCost: 3,
        EffectiveCost: 3,
        ListCost: 3,
      }),
      focusRow({
        ...period,
        ResourceId: 'i-0nobody',
        BilledCost: 1,
        EffectiveCost: 1,
        ListCost: 1,
      }),
    );
  }
  return focusCsv(rows);
}

describe.each(databases.eachSupportedId())('cost API on %p', databaseId => {
  async function startBackend(
    options: {
      result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      knex?: Knex;
      config?: JsonObject;
      catalog?: ServiceFactory;
      /** Replaces the permissions mock that answers every request with `result`. */
      permissions?: ServiceFactory;
      auditor?: ServiceFactory;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(databaseId));
    const { server } = await startTestBackend({
      features: [
        multicloudPlugin,
        mockServices.database.factory({ knex }),
        options.catalog ??
          catalogServiceMock.factory({ entities: demoCatalog() }),
        options.permissions ??
          mockServices.permissions.factory({
            result: options.result ?? AuthorizeResult.ALLOW,
          }),
        ...(options.auditor ? [options.auditor] : []),
        ...(options.config
          ? [mockServices.rootConfig.factory({ data: options.config })]
          : []),
      ],
    });
    return server;
  }

  async function importDemo(server: Awaited<ReturnType<typeof startBackend>>) {
    const res = await request(server)
      .post('/api/multicloud/cost/imports?fileName=demo.csv')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(demoExport()));
    expect(res.status).toBe(201);
    return res.body;
  }

  const entityCost = async (
    server: Awaited<ReturnType<typeof startBackend>>,
    query: Record<string, string>,
  ) =>
    request(server)
      .get('/api/multicloud/cost/entity')
      .query({ from: '2026-10-01', to: LAST_DAY, ...query });

  it('imports, attributes and answers for a component, its system, domain and owner', async () => {
    const server = await startBackend();
    const imported = await importDemo(server);
    expect(imported).toMatchObject({
      focusVersion: '1.0',
      format: 'csv',
      rows: 300,
      dailyRows: 300,
      billingPeriods: [
        {
          provider: 'AWS',
          billingAccountId: '111122223333',
          billingPeriodStart: '2026-09-01',
        },
        {
          provider: 'AWS',
          billingAccountId: '111122223333',
          billingPeriodStart: '2026-10-01',
        },
        {
          provider: 'Microsoft',
          billingAccountId: 'ea-1',
          billingPeriodStart: '2026-09-01',
        },
        {
          provider: 'Microsoft',
          billingAccountId: 'ea-1',
          billingPeriodStart: '2026-10-01',
        },
      ],
    });

    // October has 30 days here: 10 + 5 by resource id, 2 by tag per day.
    for (const ref of [
      'component:default/checkout-api',
      'system:default/checkout',
      'domain:default/commerce',
      'group:default/checkout-team',
    ]) {
      const res = await entityCost(server, { entityRef: ref });
      expect({ ref, status: res.status, total: res.body.total }).toEqual({
        ref,
        status: 200,
        total: 510,
      });
    }

    const res = await entityCost(server, {
      entityRef: 'component:default/checkout-api',
    });
    const body: EntityCostResponse = res.body;
    expect(body).toMatchObject({
      entityRef: 'component:default/checkout-api',
      currency: 'USD',
      metric: 'effective',
      groupBy: 'service',
      attribution: { byResource: 450, byTag: 60 },
      previous: {
        from: '2026-09-01',
        to: '2026-09-30',
        total: 510,
        change: 0,
        changePercent: 0,
      },
      budget: {
        amount: 500,
        currency: 'USD',
        source: 'annotation',
        month: '2026-10',
        actual: 510,
      },
      otherCurrencies: [],
    });
    expect(body.daily).toHaveLength(30);
    expect(body.daily.every(d => d.cost === 17)).toBe(true);
    expect(body.breakdown.map(b => [b.label, b.cost])).toEqual([
      ['Amazon Elastic Compute Cloud', 360],
      ['Azure SQL Database', 150],
    ]);
    expect(
      body.breakdownSeries.map(s => [s.label, s.values.length, s.values[0]]),
    ).toEqual([
      ['Amazon Elastic Compute Cloud', 30, 12],
      ['Azure SQL Database', 30, 5],
    ]);
    // Organisation-wide: 3 + 1 of 21 a day is not a component's, 1 a day is nobody's.
    expect(body.unallocated.cost).toBe(30);
    expect(body.unallocated.share).toBeCloseTo(30 / 630, 10);
    expect(body.forecast).toMatchObject({ periodEnd: '2026-10-31' });
    expect(body.forecast!.monthTotal).toBeCloseTo(527, 0);
    expect(body.lastImportAt).toMatch(/^\d{4}-/);

    // The resource owner (platform-team) is not the one who pays: the component's team does.
    const platform = await entityCost(server, {
      entityRef: 'group:default/platform-team',
    });
    expect(platform.body.total).toBe(0);
    const dataTeam = await entityCost(server, {
      entityRef: 'group:default/data-team',
    });
    expect(dataTeam.body).toMatchObject({
      total: 90,
      attribution: { byResource: 0, byTag: 90 },
    });

    const byResource = await entityCost(server, {
      entityRef: 'system:default/checkout',
      groupBy: 'resource',
    });
    expect(
      byResource.body.breakdown.map(
        (b: { label: string; cost: number; entityRef?: string }) => [
          b.label,
          b.cost,
          b.entityRef,
        ],
      ),
    ).toEqual([
      ['checkout-web-1', 300, 'resource:default/checkout-web-1'],
      ['checkout-db', 150, 'resource:default/checkout-db'],
      ['batch-1', 60, undefined],
    ]);
  });

  /** The October summary by owner, billed cost. */
  const summaryByOwner = async (
    server: Awaited<ReturnType<typeof startBackend>>,
  ): Promise<CostSummaryResponse> => {
    const res = await request(server)
      .get('/api/multicloud/cost/summary')
      .query({
        from: '2026-10-01',
        to: LAST_DAY,
        groupBy: 'owner',
        metric: 'billed',
      });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('sums the organisation by owner with the unallocated share shown', async () => {
    const server = await startBackend();
    await importDemo(server);

    const body = await summaryByOwner(server);
    expect(body.total).toBe(630);
    expect(body.breakdown.map(b => [b.key, b.cost])).toEqual([
      ['group:default/checkout-team', 510],
      ['group:default/data-team', 90],
      ['unallocated', 30],
    ]);
    expect(body.breakdown.find(b => b.key.startsWith('group:'))?.label).toBe(
      'Checkout team',
    );
    expect(body.unallocated).toEqual({ cost: 30, share: 30 / 630 });
    // Each day's stack adds up to the day, the unallocated part included.
    expect(body.breakdownSeries.map(s => [s.key, s.values[0]])).toEqual([
      ['group:default/checkout-team', 17],
      ['group:default/data-team', 3],
      ['unallocated', 1],
    ]);
    const providers = await request(server)
      .get('/api/multicloud/cost/summary')
      .query({ from: '2026-10-01', to: LAST_DAY, groupBy: 'provider' });
    expect(
      providers.body.breakdown.map((b: { key: string; cost: number }) => [
        b.key,
        b.cost,
      ]),
    ).toEqual([
      ['AWS', 480],
      ['Microsoft', 150],
    ]);
  });

  it('names in the summary only the teams whose cost the caller may read, and sums the others in one line', async () => {
    const asked: string[] = [];
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => {
          const resourceRef = (r as { resourceRef?: string }).resourceRef;
          if (resourceRef) {
            asked.push(`${r.permission.name} ${resourceRef}`);
          }
          return {
            result:
              resourceRef === undefined ||
              resourceRef === 'group:default/checkout-team'
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
    });
    const server = await startBackend({ permissions: permissions.factory });
    await importDemo(server);

    const body = await summaryByOwner(server);
    expect(asked.sort()).toEqual([
      'multicloud.cost.read group:default/checkout-team',
      'multicloud.cost.read group:default/data-team',
    ]);
    expect(body.total).toBe(630);
    expect(body.breakdown.map(b => [b.key, b.label, b.cost])).toEqual([
      ['group:default/checkout-team', 'Checkout team', 510],
      ['unallocated', expect.any(String), 30],
      ['not-visible', 'Teams you may not see', 90],
    ]);
    expect(body.breakdownSeries.map(s => [s.key, s.values[0]])).toEqual([
      ['group:default/checkout-team', 17],
      ['unallocated', 1],
      ['not-visible', 3],
    ]);
    expect(JSON.stringify(body)).not.toContain('data-team');
  });

  it('writes an audit event for every import and budget change, with the actor', async () => {
    const events: Array<{
      eventId: string;
      meta?: unknown;
      outcome?: unknown;
      withRequest?: boolean;
    }> = [];
    const auditor = mockServices.auditor.mock({
      createEvent: async options => {
        const event: (typeof events)[number] = {
          eventId: options.eventId,
          meta: options.meta,
        };
        // The auditor finds the actor in the request's credentials.
        event.withRequest = options.request !== undefined;
        events.push(event);
        return {
          success: async result => void (event.outcome = result?.meta ?? {}),
          fail: async ({ error }) => void (event.outcome = String(error)),
        };
      },
    });
    const server = await startBackend({ auditor: auditor.factory });
    await importDemo(server);
    await request(server)
      .put('/api/multicloud/cost/budgets')
      .send({ entityRef: 'component:default/checkout-api', amount: 1500 })
      .expect(200);
    await request(server)
      .delete('/api/multicloud/cost/budgets')
      .query({ entityRef: 'component:default/checkout-api' })
      .expect(204);
    await request(server)
      .delete('/api/multicloud/cost/budgets')
      .query({ entityRef: 'component:default/checkout-api' })
      .expect(404);

    expect(events).toEqual([
      {
        eventId: 'cost-import',
        meta: { fileName: 'demo.csv', contentType: 'text/csv' },
        withRequest: true,
        outcome: {
          importId: expect.any(String),
          rows: 300,
          dailyRows: 300,
          periodsReplaced: expect.arrayContaining([
            {
              provider: 'AWS',
              billingAccountId: '111122223333',
              billingPeriodStart: '2026-10-01',
            },
          ]),
        },
      },
      {
        eventId: 'budget-set',
        meta: {
          entityRef: 'component:default/checkout-api',
          amount: 1500,
          currency: 'USD',
        },
        withRequest: true,
        outcome: {},
      },
      {
        eventId: 'budget-delete',
        meta: { entityRef: 'component:default/checkout-api' },
        withRequest: true,
        outcome: { deleted: true },
      },
      {
        eventId: 'budget-delete',
        meta: { entityRef: 'component:default/checkout-api' },
        withRequest: true,
        outcome: { deleted: false },
      },
    ]);
  });

  it('answers bad parameters with a 400 or 404 that says what is wrong', async () => {
    const server = await startBackend();
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{}, 400, /entityRef is required/],
      [
        { entityRef: 'component:default/checkout-api', from: '2026-13-01' },
        400,
        /from "2026-13-01" is not a real calendar date/,
      ],
      [
        { entityRef: 'component:default/checkout-api', from: '01/10/2026' },
        400,
        /from must be a date like 2026-11-01/,
      ],
      [
        {
          entityRef: 'component:default/checkout-api',
          from: '2026-10-30',
          to: '2026-10-01',
        },
        400,
        /from \(2026-10-30\) is after to \(2026-10-01\)/,
      ],
      [
        {
          entityRef: 'component:default/checkout-api',
          from: '2020-01-01',
          to: '2026-10-01',
        },
        400,
        /at most 732/,
      ],
      [
        { entityRef: 'component:default/checkout-api', groupBy: 'team' },
        400,
        /groupBy must be one of service, provider, account, region, resource/,
      ],
      [
        { entityRef: 'component:default/checkout-api', metric: 'amortized' },
        400,
        /metric must be one of billed, effective, list/,
      ],
      [{ entityRef: 'not a ref' }, 400, /is not an entity ref/],
      [
        { entityRef: 'component:default/nope' },
        404,
        /No entity component:default\/nope in the catalog/,
      ],
    ];
    for (const [query, status, message] of cases) {
      const res = await request(server)
        .get('/api/multicloud/cost/entity')
        .query(query);
      expect({
        query,
        status: res.status,
        message: res.body.error?.message,
      }).toEqual({
        query,
        status,
        message: expect.stringMatching(message),
      });
    }
    const summary = await request(server)
      .get('/api/multicloud/cost/summary')
      .query({ groupBy: 'galaxy' });
    expect(summary.status).toBe(400);

    const filterCases: Array<[string, RegExp]> = [
      ['tag=component', /tag must be key=value, like tag=team=payments/],
      ['tag==checkout', /tag must be key=value/],
      ['tag=a%22b=c', /Tag key "a"b" cannot be filtered on/],
      ['tag=team=a&tag=team=b', /tag team is given twice/],
      [
        Array.from({ length: 6 }, (_, i) => `tag=k${i}=v`).join('&'),
        /At most 5 tag filters, got 6/,
      ],
      ['provider=AWS&provider=Microsoft', /provider must be given once/],
      [`region=${'x'.repeat(300)}`, /region must be at most 255 characters/],
    ];
    for (const [filterQuery, message] of filterCases) {
      for (const endpoint of [
        '/api/multicloud/cost/entity?entityRef=component:default/checkout-api&',
        '/api/multicloud/cost/summary?',
      ]) {
        const res = await request(server).get(`${endpoint}${filterQuery}`);
        expect({
          filterQuery,
          endpoint,
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          filterQuery,
          endpoint,
          status: 400,
          message: expect.stringMatching(message),
        });
      }
    }
    const filtered = await request(server).get(
      '/api/multicloud/cost/summary?groupBy=service&provider=AWS&tag=component=checkout-api',
    );
    expect(filtered.status).toBe(200);
    expect(filtered.body.filters).toEqual({
      provider: 'AWS',
      tags: [{ key: 'component', value: 'checkout-api' }],
    });
  });

  it('rejects a bad upload with its first errors and keeps what was there', async () => {
    const server = await startBackend();
    await importDemo(server);

    const wrongType = await request(server)
      .post('/api/multicloud/cost/imports')
      .set('Content-Type', 'application/json')
      .send({ hello: 'world' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/Content-Type text\/csv/);

    const bad = await request(server)
      .post('/api/multicloud/cost/imports')
      .set('Content-Type', 'text/csv')
      .send(
        Buffer.from(
          focusCsv([
            focusRow({
              BillingPeriodStart: '2026-10-01T00:00:00Z',
              EffectiveCost: 'lots',
            }),
          ]),
        ),
      );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      badRows: 1,
      errors: [
        {
          line: 2,
          column: 'EffectiveCost',
          message: 'EffectiveCost "lots" is not a number',
        },
      ],
    });

    const after = await entityCost(server, {
      entityRef: 'component:default/checkout-api',
    });
    expect(after.body.total).toBe(510);
  });

  it('answers a question it answered before with a 304 until an import or a budget changes the answer', async () => {
    const knex = await databases.init(databaseId);
    const server = await startBackend({ knex });
    await importDemo(server);
    const ask = (etag?: string) =>
      request(server)
        .get('/api/multicloud/cost/entity')
        .query({
          entityRef: 'component:default/checkout-api',
          from: '2026-10-01',
          to: LAST_DAY,
        })
        .set(etag ? { 'If-None-Match': etag } : {});

    const first = await ask();
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"/);

    const again = await ask(etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Another question is another answer.
    const other = await request(server)
      .get('/api/multicloud/cost/entity')
      .query({
        entityRef: 'component:default/checkout-api',
        from: '2026-10-02',
        to: LAST_DAY,
      })
      .set({ 'If-None-Match': etag });
    expect(other.status).toBe(200);

    // A budget changes the answer.
    const set = await request(server)
      .put('/api/multicloud/cost/budgets')
      .send({ entityRef: 'component:default/checkout-api', amount: 900 });
    expect(set.status).toBe(200);
    const afterBudget = await ask(etag);
    expect(afterBudget.status).toBe(200);
    expect(afterBudget.body.budget).toMatchObject({ amount: 900 });
    expect(afterBudget.headers.etag).not.toBe(etag);
    expect((await ask(afterBudget.headers.etag)).status).toBe(304);

    // So does an import, even of the same month again.
    await importDemo(server);
    expect((await ask(afterBudget.headers.etag)).status).toBe(200);

    // The permission is still asked every time: a replica that denies it,
    // on the same data, answers 403 to a question with the current ETag.
    const current = (await ask()).headers.etag;
    expect((await ask(current)).status).toBe(304);
    const denied = await startBackend({ knex, result: AuthorizeResult.DENY });
    const refused = await request(denied)
      .get('/api/multicloud/cost/entity')
      .query({
        entityRef: 'component:default/checkout-api',
        from: '2026-10-01',
        to: LAST_DAY,
      })
      .set({ 'If-None-Match': current });
    expect(refused.status).toBe(403);
  });

  it('sets and removes a budget through the API, which wins over the annotation', async () => {
    const server = await startBackend();
    await importDemo(server);

    const invalid = await request(server)
      .put('/api/multicloud/cost/budgets')
      .send({ entityRef: 'component:default/checkout-api', amount: -5 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(
      /amount must be a positive number/,
    );

    const set = await request(server).put('/api/multicloud/cost/budgets').send({
      entityRef: 'component:default/checkout-api',
      amount: 1000,
      currency: 'usd',
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      entityRef: 'component:default/checkout-api',
      amount: 1000,
      currency: 'USD',
    });

    const withBudget = await entityCost(server, {
      entityRef: 'component:default/checkout-api',
    });
    expect(withBudget.body.budget).toMatchObject({
      amount: 1000,
      source: 'api',
      actualShare: 0.51,
    });

    expect(
      (
        await request(server)
          .delete('/api/multicloud/cost/budgets')
          .query({ entityRef: 'component:default/checkout-api' })
      ).status,
    ).toBe(204);
    expect(
      (
        await request(server)
          .delete('/api/multicloud/cost/budgets')
          .query({ entityRef: 'component:default/checkout-api' })
      ).status,
    ).toBe(404);
    const back = await entityCost(server, {
      entityRef: 'component:default/checkout-api',
    });
    expect(back.body.budget).toMatchObject({
      amount: 500,
      source: 'annotation',
    });
  });

  it('checks permissions and authentication on every cost endpoint', async () => {
    const server = await startBackend({ result: AuthorizeResult.DENY });
    const calls = [
      request(server)
        .get('/api/multicloud/cost/entity')
        .query({ entityRef: 'component:default/checkout-api' }),
      request(server)
        .post('/api/multicloud/cost/imports')
        .set('Content-Type', 'text/csv')
        .send('x'),
      request(server).post('/api/multicloud/cost/rebuild'),
      request(server)
        .put('/api/multicloud/cost/budgets')
        .send({ entityRef: 'component:default/checkout-api', amount: 1 }),
      request(server)
        .delete('/api/multicloud/cost/budgets')
        .query({ entityRef: 'component:default/checkout-api' }),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /^You need the permission multicloud\.[a-z]+\.[a-z]+( on component:default\/checkout-api; ask its owners or your Backstage admins|; ask your Backstage admins for it)$/,
      );
    }
    const anonymous = await request(server)
      .get('/api/multicloud/cost/summary')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
  const summaryTotal = async (
    server: Awaited<ReturnType<typeof startBackend>>,
  ) =>
    (
      await request(server)
        .get('/api/multicloud/cost/summary')
        .query({ from: FIRST_DAY, to: LAST_DAY, metric: 'billed' })
    ).body.total;

  /** What a person reading the error must never see: SQL, DuckDB internals, server paths. */
  const INTERNALS =
    /SELECT|read_csv|read_parquet|LINE \d|Parser Error|Binder Error|\/tmp\/|multicloud-(read|upload)-/;

  describe('issue 9 case 4: a repair re-derives every rollup from the facts', () => {
    it('POST /cost/rebuild restores cost missing from the rollups and says what it did', async () => {
      const knex = await databases.init(databaseId);
      const server = await startBackend({ knex });
      await importDemo(server);
      expect(await summaryTotal(server)).toBe(1260);
      // What an import lost to an overlapping refresh looked like: pairs
      // without attribution, and rollups without their cost.
      await knex('multicloud_cost_attribution').where({ via: 'tag' }).delete();
      for (const table of [
        'multicloud_cost_rollup_daily',
        'multicloud_cost_rollup_dimensions',
        'multicloud_cost_rollup_resources',
      ]) {
        await knex(table).where('usage_date', '>=', '2026-10-01').delete();
      }
      expect(await summaryTotal(server)).toBe(630);

      const res = await request(server).post('/api/multicloud/cost/rebuild');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        facts: 300,
        pairs: 5,
        unattributedPairs: 2,
        totals: [
          {
            currency: 'USD',
            facts: 1260,
            rollupBefore: 630,
            rollupAfter: 1260,
          },
        ],
        durationMs: expect.any(Number),
      });
      expect(await summaryTotal(server)).toBe(1260);
      const byOwner = await request(server)
        .get('/api/multicloud/cost/summary')
        .query({ from: '2026-10-01', to: LAST_DAY, groupBy: 'owner' });
      expect(
        byOwner.body.breakdown.map((b: { key: string; cost: number }) => [
          b.key,
          b.cost,
        ]),
      ).toEqual([
        ['group:default/checkout-team', 510],
        ['group:default/data-team', 90],
        ['unallocated', 30],
      ]);
    });
  });

  describe('issue 9 case 5: uploads over a limit or unreadable get a 4xx that says what to do', () => {
    const limit = (imports: JsonObject): JsonObject => ({
      multicloud: { cost: { imports } },
    });

    it('refuses a gzip bomb of a few KB with a 413 naming maxDecompressedBytes, and keeps what was there', async () => {
      const server = await startBackend({
        config: limit({ maxDecompressedBytes: 1024 * 1024 }),
      });
      await importDemo(server);
      const bomb = gzip(
        focusCsv(Array.from({ length: 12_000 }, () => focusRow())),
      );
      expect(bomb.length).toBeLessThan(16 * 1024);

      const res = await request(server)
        .post('/api/multicloud/cost/imports?fileName=bomb.csv.gz')
        .set('Content-Type', 'application/gzip')
        .send(bomb);

      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(
        /more than 1048576 bytes \(1 MiB\) once decompressed, the limit multicloud\.cost\.imports\.maxDecompressedBytes sets; raise it to import this file\. Nothing was written\./,
      );
      expect(await summaryTotal(server)).toBe(1260);
    });

    it('refuses a file that needs more memory than memoryLimit with a 413 naming it and the temp directory, and keeps what was there', async () => {
      const knex = await databases.init(databaseId);
      await importDemo(await startBackend({ knex }));
      const server = await startBackend({
        knex,
        config: limit({ memoryLimit: '1MB' }),
      });

      const res = await request(server)
        .post('/api/multicloud/cost/imports?fileName=revised.csv')
        .set('Content-Type', 'text/csv')
        .send(Buffer.from(demoExport()));

      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(
        /^Reading the file needed more than multicloud\.cost\.imports\.memoryLimit \(1MB\) of memory besides what it could spill to the temp directory \(multicloud\.cost\.imports\.tempDirectory\); raise memoryLimit, or make room in the temp directory, and import the file again\. Nothing was written\./,
      );
      expect(res.body.error.message).not.toMatch(INTERNALS);
      expect(await summaryTotal(server)).toBe(1260);
    });

    it('refuses more rows than maxRows with a 400 naming it', async () => {
      const server = await startBackend({ config: limit({ maxRows: 400 }) });

      const res = await request(server)
        .post('/api/multicloud/cost/imports')
        .set('Content-Type', 'text/csv')
        .send(
          Buffer.from(focusCsv(Array.from({ length: 401 }, () => focusRow()))),
        );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /more than 400 rows, the limit multicloud\.cost\.imports\.maxRows sets; raise it or split the export/,
      );
    });

    it('stops an import that runs past the timeout with a 400 naming it', async () => {
      const server = await startBackend({
        config: limit({ timeout: '500ms' }),
        // The catalog never answers the import's read of it.
        catalog: catalogServiceMock.mock({
          queryEntities: () => new Promise(() => {}),
        }).factory,
      });

      const res = await request(server)
        .post('/api/multicloud/cost/imports')
        .set('Content-Type', 'text/csv')
        .send(Buffer.from(focusCsv([focusRow()])));

      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /took longer than 500 ms, the limit multicloud\.cost\.imports\.timeout sets, and was stopped/,
      );
    });

    it('answers NUL-byte and duplicated headers, garbage, truncated gzip and broken Parquet with a 400 and a human message', async () => {
      const server = await startBackend();
      const good = focusCsv(
        Array.from({ length: 50 }, (_, i) => focusRow({ BilledCost: i })),
      );
      const gzipped = gzip(good);
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-api-'));
      const wrongTypes = path.join(directory, 'wrong.parquet');
      try {
        await writeParquet(
          writeFile(directory, 'plain.csv', focusCsv([focusRow()])),
          wrongTypes,
          { ChargePeriodStart: 'CAST(1 AS BOOLEAN)' },
        );
        const cases: Array<[string, string, Buffer, RegExp]> = [
          [
            'NUL byte in the header',
            'text/csv',
            Buffer.from(good.replace('"ProviderName"', '"Provider\u0000Name"')),
            /The header line holds a NUL byte \(column 13\)/,
          ],
          [
            'duplicated header column',
            'text/csv',
            Buffer.from(good.replace('"RegionId"', '"ServiceName"')),
            /The header names column "ServiceName" twice \(columns 14 and 18\)/,
          ],
          [
            'binary garbage',
            'application/octet-stream',
            Buffer.from(
              Array.from({ length: 4096 }, (_, i) => 1 + ((i * 7919) % 255)),
            ),
            /Not a FOCUS 1\.0-1\.2 file|could not be read|not valid CSV|has no name|twice/,
          ],
          [
            'truncated gzip',
            'application/gzip',
            gzipped.subarray(0, Math.floor(gzipped.length / 2)),
            /could not be read as gzipped CSV: the gzip data is truncated/,
          ],
          [
            'broken Parquet',
            'application/vnd.apache.parquet',
            Buffer.concat([
              Buffer.from('PAR1'),
              Buffer.alloc(64, 7),
              Buffer.from('PAR1'),
            ]),
            /could not be read as FOCUS CSV, gzipped CSV or Parquet/,
          ],
          [
            'Parquet with a wrong column type',
            'application/vnd.apache.parquet',
            fs.readFileSync(wrongTypes),
            /Column ChargePeriodStart holds BOOLEAN values; FOCUS needs a date and time there/,
          ],
        ];
        for (const [what, contentType, body, message] of cases) {
          const res = await request(server)
            .post('/api/multicloud/cost/imports')
            .set('Content-Type', contentType)
            .send(body);
          expect({
            what,
            status: res.status,
            message: res.body.error?.message,
          }).toEqual({
            what,
            status: 400,
            message: expect.stringMatching(message),
          });
          expect(res.body.error.message).not.toMatch(INTERNALS);
        }
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });
  });
});
