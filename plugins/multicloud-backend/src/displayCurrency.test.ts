import { ConfigReader } from '@backstage/config';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CostSummaryResponse,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';
import request from 'supertest';
import { readExchangeRates } from './config';
import { applyDatabaseMigrations } from './database/migrations';
import { multicloudPlugin } from './plugin';
import { createCostQueryService } from './services/CostQuery/createCostQueryService';
import { addDays, eachDay } from './services/CostAnalytics/dates';
import { demoCatalog } from './testUtils/catalog';
import { FocusRow, focusCsv, focusRow } from './testUtils/focusFiles';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const API = 'component:default/checkout-api';

/**
 * Each day from September 25 to November 2: checkout-api's web server in
 * dollars (10), its database in euros (4), a resource tagged with it in
 * pounds (2) and one in Swiss francs (1), and an unattributed charge in
 * euros (2).
 */
function twoCurrencyExport(): string {
  const rows: FocusRow[] = [];
  for (const day of eachDay('2026-09-25', '2026-11-02')) {
    const period = {
      ChargePeriodStart: `${day}T00:00:00Z`,
      ChargePeriodEnd: `${addDays(day, 1)}T00:00:00Z`,
      BillingPeriodStart: `${day.slice(0, 7)}-01T00:00:00Z`,
    };
    const cost = (amount: number) => ({
      BilledCost: amount,
      EffectiveCost: amount,
      ListCost: amount,
    });
    rows.push(
      focusRow({ ...period, ...cost(10) }),
      focusRow({
        ...period,
        ...cost(4),
        BillingCurrency: 'EUR',
        ProviderName: 'Microsoft',
        BillingAccountId: 'ea-1',
        SubAccountId: 's1',
        RegionId: 'westeurope',
        ServiceName: 'Azure SQL Database',
        ResourceId:
          '/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Sql/servers/checkout-db',
        ResourceName: 'checkout-db',
      }),
      focusRow({
        ...period,
        ...cost(2),
        BillingCurrency: 'GBP',
        BillingAccountId: '444455556666',
        SubAccountId: '444455556666',
        ResourceId: 'i-0pounds',
        ResourceName: 'batch-gbp',
        Tags: '{"component":"checkout-api"}',
      }),
      focusRow({
        ...period,
        ...cost(1),
        BillingCurrency: 'CHF',
        BillingAccountId: '777788889999',
        SubAccountId: '777788889999',
        ResourceId: 'i-0francs',
        ResourceName: 'batch-chf',
        Tags: '{"component":"checkout-api"}',
      }),
      focusRow({
        ...period,
        ...cost(2),
        BillingCurrency: 'EUR',
        BillingAccountId: '222233334444',
        SubAccountId: '222233334444',
        ResourceId: 'i-0nobody',
        ResourceName: 'nobody',
      }),
    );
  }
  return focusCsv(rows);
}

/**
 * Euros at 1.5 dollars in October and 1.25 in November (none before);
 * pounds at 1.25 from October, which November takes too; no rate for francs.
 */
const CURRENCY_CONFIG = {
  multicloud: {
    cost: {
      currency: {
        display: 'USD',
        exchangeRates: {
          EUR: { '2026-10': 1.5, '2026-11': 1.25 },
          GBP: { '2026-10': 1.25 },
        },
      },
    },
  },
};

/** Two days of October and two of November. */
const PERIOD = { from: '2026-10-30', to: '2026-11-02' };

const byCurrency = <T extends { currency: string }>(items: T[]) =>
  [...items].sort((a, b) => a.currency.localeCompare(b.currency));

describe.each(databases.eachSupportedId())(
  'display currency on %p',
  databaseId => {
    async function startBackend(config?: object) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          multicloudPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: demoCatalog() }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          ...(config
            ? [mockServices.rootConfig.factory({ data: config })]
            : []),
        ],
      });
      const imported = await request(server)
        .post('/api/multicloud/cost/imports?fileName=currencies.csv')
        .set('Content-Type', 'text/csv')
        .send(Buffer.from(twoCurrencyExport()));
      expect(imported.status).toBe(201);
      return server;
    }

    const get = async <T>(
      server: Awaited<ReturnType<typeof startBackend>>,
      path: string,
      query: Record<string, string>,
    ): Promise<T> => {
      const res = await request(server)
        .get(`/api/multicloud/cost/${path}`)
        .query({ ...PERIOD, ...query });
      expect(res.status).toBe(200);
      return res.body;
    };

    it("converts every figure of an entity's answer at its month's rate and says what it converted", async () => {
      const server = await startBackend(CURRENCY_CONFIG);
      const body = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
        groupBy: 'provider',
      });

      // October days: 10 + 4 × 1.5 + 2 × 1.25; November days: 10 + 4 × 1.25 + 2 × 1.25.
      expect(body.currency).toBe('USD');
      expect(body.daily).toEqual([
        { date: '2026-10-30', cost: 18.5 },
        { date: '2026-10-31', cost: 18.5 },
        { date: '2026-11-01', cost: 17.5 },
        { date: '2026-11-02', cost: 17.5 },
      ]);
      expect(body.total).toBe(72);
      expect(body.previous).toMatchObject({
        from: '2026-10-26',
        to: '2026-10-29',
        total: 74,
        change: -2,
      });
      expect(body.breakdown.map(b => [b.key, b.cost])).toEqual([
        ['AWS', 50],
        ['Microsoft', 22],
      ]);
      expect(body.breakdownSeries).toEqual([
        { key: 'AWS', label: 'AWS', values: [12.5, 12.5, 12.5, 12.5] },
        { key: 'Microsoft', label: 'Microsoft', values: [6, 6, 5, 5] },
      ]);
      expect(body.attribution).toEqual({ byResource: 62, byTag: 10 });
      // The organisation: checkout-api's 72 and the unattributed euros,
      // 2 × 2 × 1.5 + 2 × 2 × 1.25.
      expect(body.unallocated.cost).toBe(11);
      expect(body.unallocated.share).toBeCloseTo(11 / 83, 10);
      expect(byCurrency(body.converted!)).toEqual([
        {
          currency: 'EUR',
          amount: 16,
          convertedAmount: 22,
          rates: [
            { month: '2026-10', rate: 1.5 },
            { month: '2026-11', rate: 1.25 },
          ],
        },
        {
          currency: 'GBP',
          amount: 8,
          convertedAmount: 10,
          rates: [
            { month: '2026-10', rate: 1.25 },
            { month: '2026-11', rate: 1.25, rateMonth: '2026-10' },
          ],
        },
      ]);
      expect(body.otherCurrencies).toEqual([{ currency: 'CHF', total: 4 }]);
      // The forecast reads the converted history: 17.5 a day in November.
      expect(body.forecast).toMatchObject({ periodEnd: '2026-11-30' });
      expect(body.forecast!.monthTotal).toBeGreaterThan(400);
      // The annotation's 500 USD, against November so far.
      expect(body.budget).toMatchObject({
        amount: 500,
        currency: 'USD',
        source: 'annotation',
        month: '2026-11',
        actual: 35,
      });
      expect(body.budget).not.toHaveProperty('convertedFrom');
      expect(body).not.toHaveProperty('unconvertedBudget');
    });

    it('keeps the cost of months before any rate apart, with the currencies without one', async () => {
      const server = await startBackend(CURRENCY_CONFIG);
      const body = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
        from: '2026-09-29',
        to: '2026-10-02',
      });

      // September's euros and pounds have no rate; October's do.
      expect(body.daily.map(d => d.cost)).toEqual([10, 10, 18.5, 18.5]);
      expect(body.total).toBe(57);
      expect(byCurrency(body.otherCurrencies)).toEqual([
        { currency: 'CHF', total: 4 },
        { currency: 'EUR', total: 8 },
        { currency: 'GBP', total: 4 },
      ]);
      expect(byCurrency(body.converted!)).toEqual([
        {
          currency: 'EUR',
          amount: 8,
          convertedAmount: 12,
          rates: [{ month: '2026-10', rate: 1.5 }],
        },
        {
          currency: 'GBP',
          amount: 4,
          convertedAmount: 5,
          rates: [{ month: '2026-10', rate: 1.25 }],
        },
      ]);
      expect(body.attribution).toEqual({ byResource: 52, byTag: 5 });
    });

    it("compares a budget in another currency at its month's rate, and says when none converts it", async () => {
      const server = await startBackend(CURRENCY_CONFIG);
      const put = (amount: number, currency: string) =>
        request(server)
          .put('/api/multicloud/cost/budgets')
          .send({ entityRef: API, amount, currency });

      expect((await put(80, 'EUR')).status).toBe(200);
      const converted = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
      });
      expect(converted.budget).toEqual({
        amount: 100,
        currency: 'USD',
        source: 'api',
        month: '2026-11',
        actual: 35,
        forecast: converted.forecast!.monthTotal,
        actualShare: 0.35,
        forecastShare: converted.forecast!.monthTotal / 100,
        convertedFrom: {
          amount: 80,
          currency: 'EUR',
          rate: { month: '2026-11', rate: 1.25 },
        },
      });

      expect((await put(300, 'CHF')).status).toBe(200);
      const unconverted = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
      });
      expect(unconverted.budget).toBeNull();
      expect(unconverted.unconvertedBudget).toEqual({
        amount: 300,
        currency: 'CHF',
        source: 'api',
        month: '2026-11',
      });
    });

    it('converts the cost a filter narrows to', async () => {
      const server = await startBackend(CURRENCY_CONFIG);
      const azure = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
        groupBy: 'region',
        provider: 'Microsoft',
      });
      expect(azure).toMatchObject({
        currency: 'USD',
        total: 22,
        breakdown: [{ key: 'westeurope', cost: 22 }],
        attribution: { byResource: 22, byTag: 0 },
        otherCurrencies: [],
        budget: null,
      });
      expect(azure.converted).toEqual([
        {
          currency: 'EUR',
          amount: 16,
          convertedAmount: 22,
          rates: [
            { month: '2026-10', rate: 1.5 },
            { month: '2026-11', rate: 1.25 },
          ],
        },
      ]);
      // The unattributed euros are billed by AWS.
      expect(azure.unallocated).toEqual({ cost: 0, share: 0 });

      const aws = await get<CostSummaryResponse>(server, 'summary', {
        groupBy: 'account',
        provider: 'AWS',
      });
      expect(aws.total).toBe(61);
      expect(aws.breakdown.map(b => [b.key, b.cost])).toEqual([
        ['111122223333', 40],
        ['222233334444', 11],
        ['444455556666', 10],
      ]);
      expect(aws.unallocated.cost).toBe(11);
      expect(aws.otherCurrencies).toEqual([{ currency: 'CHF', total: 4 }]);
    });

    it("converts the organisation's summary, its groups' lines and what no group covers", async () => {
      const server = await startBackend(CURRENCY_CONFIG);
      const byProvider = await get<CostSummaryResponse>(server, 'summary', {
        groupBy: 'provider',
      });
      expect(byProvider).toMatchObject({
        currency: 'USD',
        total: 83,
        breakdown: [
          { key: 'AWS', cost: 61 },
          { key: 'Microsoft', cost: 22 },
        ],
        unallocated: { cost: 11 },
        otherCurrencies: [{ currency: 'CHF', total: 4 }],
      });
      expect(byCurrency(byProvider.converted!)).toMatchObject([
        { currency: 'EUR', amount: 24, convertedAmount: 33 },
        { currency: 'GBP', amount: 8, convertedAmount: 10 },
      ]);

      const byOwner = await get<CostSummaryResponse>(server, 'summary', {
        groupBy: 'owner',
      });
      expect(byOwner.total).toBe(83);
      const owners = Object.fromEntries(
        byOwner.breakdown.map(b => [b.key, b.cost]),
      );
      // checkout-team owns checkout-api; the unattributed euros are no group's.
      expect(owners).toEqual({
        'group:default/checkout-team': 72,
        unallocated: 11,
      });
      const other = byOwner.breakdownSeries.find(s => s.key === 'unallocated');
      expect(other?.values).toEqual([3, 3, 2.5, 2.5]);

      // The organisation's resources are read from the facts.
      const byResource = await get<CostSummaryResponse>(server, 'summary', {
        groupBy: 'resource',
      });
      expect(byResource.breakdown.map(b => [b.label, b.cost])).toEqual([
        ['checkout-web-1', 40],
        ['checkout-db', 22],
        ['nobody', 11],
        ['batch-gbp', 10],
      ]);
    });

    it('answers as before without a display currency', async () => {
      const server = await startBackend();
      const body = await get<EntityCostResponse>(server, 'entity', {
        entityRef: API,
      });
      expect(body.currency).toBe('USD');
      expect(body.total).toBe(40);
      expect(byCurrency(body.otherCurrencies)).toEqual([
        { currency: 'CHF', total: 4 },
        { currency: 'EUR', total: 16 },
        { currency: 'GBP', total: 8 },
      ]);
      expect(body).not.toHaveProperty('converted');
    });

    it('changes the data version the ETag names with the rates, so no answer outlives a restart with other ones', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const versionWith = (config?: object) =>
        createCostQueryService({
          knex,
          lastImportAt: async () => null,
          exchangeRates: config
            ? readExchangeRates(new ConfigReader(config))
            : undefined,
        }).dataVersion();
      const otherRates = {
        multicloud: {
          cost: {
            currency: {
              display: 'USD',
              exchangeRates: { EUR: { '2026-10': 1.5, '2026-11': 1.3 } },
            },
          },
        },
      };

      const without = await versionWith();
      const withRates = await versionWith(CURRENCY_CONFIG);
      expect(without).toMatch(/^\d+ $/);
      expect(withRates).not.toBe(without);
      expect(await versionWith(CURRENCY_CONFIG)).toBe(withRates);
      expect(await versionWith(otherRates)).not.toBe(withRates);
    });

    it('refuses to start with an exchange rate that is not a positive number', async () => {
      await expect(
        startBackend({
          multicloud: {
            cost: {
              currency: {
                display: 'USD',
                exchangeRates: { EUR: { '2026-10': -1 } },
              },
            },
          },
        }),
      ).rejects.toThrow(
        'multicloud.cost.currency.exchangeRates.EUR.2026-10 must be a positive number',
      );
    });
  },
);
