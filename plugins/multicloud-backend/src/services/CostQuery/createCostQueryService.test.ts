import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { demoCatalog } from '../../testUtils/catalog';
import {
  FocusRow,
  focusCsv,
  focusRow,
  writeFile,
} from '../../testUtils/focusFiles';
import { testImportLimits } from '../../testUtils/importLimits';
import { DEFAULT_TAG_KEYS } from '../CostAttribution/attributionModel';
import { createCostAttributionService } from '../CostAttribution/createCostAttributionService';
import { createCostImportService } from '../CostImport/createCostImportService';
import { createCostQueryService } from './createCostQueryService';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const API = 'component:default/checkout-api';
const WEB = 'resource:default/checkout-web-1';
const TEAM = 'group:default/checkout-team';

/** A row of `day` (`YYYY-MM-DD`) with billed, effective and list cost. */
function costRow(
  day: string,
  costs: [billed: number, effective: number, list: number],
  overrides: FocusRow = {},
): FocusRow {
  return focusRow({
    ChargePeriodStart: `${day}T00:00:00Z`,
    ChargePeriodEnd: `${day}T01:00:00Z`,
    BilledCost: costs[0],
    EffectiveCost: costs[1],
    ListCost: costs[2],
    ...overrides,
  });
}

const WEB_ROW = { ResourceId: 'i-0abc', ResourceName: 'checkout-web-1' };

/**
 * October: checkout-web-1 (a Resource of checkout-api) on the 3rd, 5th and
 * 6th, a resource tagged with checkout-api and one known by nothing on the
 * 5th, and a charge in euros on the 6th.
 */
const OCTOBER: FocusRow[] = [
  costRow('2026-10-03', [4, 2, 5], WEB_ROW),
  costRow('2026-10-05', [10, 8, 12], WEB_ROW),
  costRow('2026-10-06', [5, 4, 6], WEB_ROW),
  costRow('2026-10-05', [7, 7, 7], {
    ResourceId: 'i-0tagged',
    ResourceName: 'tagged-1',
    RegionId: 'us-east-1',
    Tags: '{"component":"checkout-api"}',
  }),
  costRow('2026-10-05', [3, 3, 3], {
    ResourceId: 'i-0new',
    ResourceName: 'new-volume',
    ServiceName: 'Amazon Elastic Block Store',
  }),
  costRow('2026-10-06', [2, 2, 2], { ...WEB_ROW, BillingCurrency: 'EUR' }),
];

/** Two days, and the two before them that the change compares with. */
const PERIOD = { from: '2026-10-05', to: '2026-10-06' };
const PREVIOUS = { from: '2026-10-03', to: '2026-10-04' };

describe('createCostQueryService', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-query-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(rows: FocusRow[] = OCTOBER) {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const logger = mockServices.logger.mock();
      const attribution = createCostAttributionService({
        knex,
        catalog: catalogServiceMock({ entities: demoCatalog() }),
        auth: mockServices.auth(),
        logger,
        tagKeys: DEFAULT_TAG_KEYS,
      });
      const importer = createCostImportService({
        knex,
        logger,
        attribution,
        limits: testImportLimits(directory, { threads: 1 }),
      });
      if (rows.length > 0) {
        await importer.importFile({
          path: writeFile(directory, 'oct.csv', focusCsv(rows)),
          source: 'test',
        });
      }
      const query = createCostQueryService({
        knex,
        lastImportAt: importer.lastImportAt,
      });
      return { query, lastImportAt: await importer.lastImportAt() };
    }

    it("answers an entity's cost: totals, change, breakdown and chart, attribution, unallocated share and other currencies", async () => {
      const { query, lastImportAt } = await setUp();

      const answer = await query.entityCost({
        entityRef: API,
        period: PERIOD,
        groupBy: 'region',
        metric: 'billed',
      });

      expect(answer).toMatchObject({
        entityRef: API,
        from: PERIOD.from,
        to: PERIOD.to,
        metric: 'billed',
        groupBy: 'region',
        currency: 'USD',
        total: 22,
        daily: [
          { date: '2026-10-05', cost: 17 },
          { date: '2026-10-06', cost: 5 },
        ],
        breakdown: [
          {
            key: 'eu-west-1',
            label: 'eu-west-1',
            cost: 15,
            share: 15 / 22,
            previousCost: 4,
            provider: 'AWS',
          },
          {
            key: 'us-east-1',
            label: 'us-east-1',
            cost: 7,
            share: 7 / 22,
            previousCost: 0,
            provider: 'AWS',
          },
        ],
        breakdownSeries: [
          { key: 'eu-west-1', label: 'eu-west-1', values: [10, 5] },
          { key: 'us-east-1', label: 'us-east-1', values: [7, 0] },
        ],
        previous: { ...PREVIOUS, total: 4, change: 18, changePercent: 4.5 },
        budget: null,
        // Nothing was billed on the weeks before.
        anomalies: [
          { date: '2026-10-05', direction: 'spike', cost: 17, expected: 0 },
        ],
        attribution: { byResource: 15, byTag: 7 },
        unallocated: { cost: 3, share: 3 / 25 },
        otherCurrencies: [{ currency: 'EUR', total: 2 }],
        lastImportAt,
      });
      expect(lastImportAt).not.toBeNull();
      expect(answer.forecast).toMatchObject({ periodEnd: '2026-10-31' });
    });

    it('breaks an entity down by resource, naming the catalog Resource a line is, in the metric asked for', async () => {
      const { query } = await setUp();

      const byResource = await query.entityCost({
        entityRef: API,
        period: PERIOD,
        groupBy: 'resource',
        metric: 'list',
      });

      expect(byResource.total).toBe(25);
      expect(byResource.breakdown).toEqual([
        {
          key: 'i-0abc',
          label: 'checkout-web-1',
          cost: 18,
          share: 18 / 25,
          previousCost: 5,
          entityRef: WEB,
          provider: 'AWS',
        },
        {
          key: 'i-0tagged',
          label: 'tagged-1',
          cost: 7,
          share: 7 / 25,
          previousCost: 0,
          provider: 'AWS',
        },
      ]);
      const byService = await query.entityCost({
        entityRef: WEB,
        period: PERIOD,
        groupBy: 'service',
        metric: 'effective',
      });
      expect(byService).toMatchObject({
        total: 12,
        breakdown: [
          {
            key: 'Amazon Elastic Compute Cloud',
            cost: 12,
            share: 1,
            previousCost: 2,
          },
        ],
        attribution: { byResource: 12, byTag: 0 },
        previous: { total: 2, change: 10, changePercent: 5 },
      });
    });

    it("measures the month against the entity's annotation budget, and a budget set through the API wins until it is deleted", async () => {
      const { query } = await setUp();
      const entityCost = () =>
        query.entityCost({
          entityRef: API,
          period: PERIOD,
          groupBy: 'service',
          metric: 'billed',
          annotationBudget: { amount: 500 },
        });

      const annotated = await entityCost();
      const monthTotal = annotated.forecast!.monthTotal;
      // October so far: 4 on the 3rd, 17 on the 5th, 5 on the 6th.
      expect(annotated.budget).toEqual({
        amount: 500,
        currency: 'USD',
        source: 'annotation',
        month: '2026-10',
        actual: 26,
        forecast: Math.round(monthTotal * 1e6) / 1e6,
        actualShare: 26 / 500,
        forecastShare: monthTotal / 500,
      });

      expect(
        await query.setBudget({
          entityRef: API,
          amount: 40,
          currency: 'EUR',
          updatedBy: 'user:default/finops',
        }),
      ).toEqual({ entityRef: API, amount: 40, currency: 'EUR' });
      expect((await entityCost()).budget).toMatchObject({
        amount: 40,
        currency: 'EUR',
        source: 'api',
        actual: 26,
        actualShare: 26 / 40,
      });

      expect(await query.deleteBudget(API)).toBe(true);
      expect(await query.deleteBudget(API)).toBe(false);
      expect((await entityCost()).budget).toMatchObject({
        amount: 500,
        source: 'annotation',
      });
    });

    it('sums the organisation by owner, showing the cost no group carries as its own line', async () => {
      const { query, lastImportAt } = await setUp();

      const summary = await query.summary({
        period: PERIOD,
        groupBy: 'owner',
        metric: 'billed',
      });

      expect(summary).toMatchObject({
        from: PERIOD.from,
        to: PERIOD.to,
        metric: 'billed',
        groupBy: 'owner',
        currency: 'USD',
        total: 25,
        daily: [
          { date: '2026-10-05', cost: 20 },
          { date: '2026-10-06', cost: 5 },
        ],
        breakdown: [
          {
            key: TEAM,
            label: 'Checkout team',
            cost: 22,
            share: 22 / 25,
            previousCost: 4,
            entityRef: TEAM,
            // i-0tagged carries a component tag; checkout-web-1 no tag.
            taggedCost: 7,
          },
          {
            key: 'unallocated',
            label: 'Unallocated (no owner)',
            cost: 3,
            share: 3 / 25,
            previousCost: 0,
          },
        ],
        breakdownSeries: [
          { key: TEAM, label: 'Checkout team', values: [17, 5] },
          {
            key: 'unallocated',
            label: 'Unallocated (no owner)',
            values: [3, 0],
          },
        ],
        previous: { ...PREVIOUS, total: 4, change: 21, changePercent: 5.25 },
        unallocated: { cost: 3, share: 3 / 25 },
        otherCurrencies: [{ currency: 'EUR', total: 2 }],
        lastImportAt,
      });
      expect(summary.movers.map(m => [m.key, m.cost - m.previousCost])).toEqual(
        [
          [TEAM, 18],
          ['unallocated', 3],
        ],
      );
    });

    it("sums the organisation's resources and services, with no line for what no entity carries", async () => {
      const { query } = await setUp();

      const resources = await query.summary({
        period: PERIOD,
        groupBy: 'resource',
        metric: 'billed',
      });
      expect(
        resources.breakdown.map(b => [b.key, b.label, b.cost, b.entityRef]),
      ).toEqual([
        ['i-0abc', 'checkout-web-1', 15, WEB],
        ['i-0tagged', 'tagged-1', 7, undefined],
        ['i-0new', 'new-volume', 3, undefined],
      ]);

      const services = await query.summary({
        period: PERIOD,
        groupBy: 'service',
        metric: 'effective',
      });
      expect(services).toMatchObject({
        total: 22,
        breakdown: [
          { key: 'Amazon Elastic Compute Cloud', cost: 19, previousCost: 2 },
          { key: 'Amazon Elastic Block Store', cost: 3, previousCost: 0 },
        ],
        movers: [
          { key: 'Amazon Elastic Compute Cloud' },
          { key: 'Amazon Elastic Block Store' },
        ],
        unallocated: { cost: 3, share: 3 / 22 },
      });
    });

    it('answers zeros, and no forecast, when nothing was imported', async () => {
      const { query } = await setUp([]);

      const answer = await query.entityCost({
        entityRef: API,
        period: PERIOD,
        groupBy: 'service',
        metric: 'billed',
      });
      expect(answer).toEqual({
        entityRef: API,
        from: PERIOD.from,
        to: PERIOD.to,
        metric: 'billed',
        groupBy: 'service',
        currency: 'USD',
        total: 0,
        daily: [
          { date: '2026-10-05', cost: 0 },
          { date: '2026-10-06', cost: 0 },
        ],
        breakdown: [],
        breakdownSeries: [],
        previous: { ...PREVIOUS, total: 0, change: 0, changePercent: null },
        forecast: null,
        budget: null,
        anomalies: [],
        attribution: { byResource: 0, byTag: 0 },
        unallocated: { cost: 0, share: 0 },
        otherCurrencies: [],
        lastImportAt: null,
      });
      expect(
        await query.summary({
          period: PERIOD,
          groupBy: 'system',
          metric: 'list',
        }),
      ).toMatchObject({ total: 0, breakdown: [], movers: [], forecast: null });
    });

    it('narrows an entity and the organisation to a provider, service, account, region or tag, from the facts', async () => {
      const { query } = await setUp();
      const groupings = [
        'service',
        'provider',
        'account',
        'region',
        'resource',
      ] as const;

      // A filter every row matches: the facts give what the rollups give.
      for (const groupBy of groupings) {
        const request = {
          entityRef: API,
          period: PERIOD,
          groupBy,
          metric: 'effective' as const,
        };
        const whole = await query.entityCost(request);
        const filtered = await query.entityCost({
          ...request,
          filters: { provider: 'AWS', account: '111122223333' },
        });
        const { budget, filters, ...figures } = filtered;
        expect(filters).toEqual({ provider: 'AWS', account: '111122223333' });
        // A budget is for all of the entity's cost.
        expect(budget).toBeNull();
        const { budget: _wholeBudget, ...wholeFigures } = whole;
        expect(figures).toEqual(wholeFigures);
      }

      // The resource tagged with checkout-api, in us-east-1.
      for (const filters of [
        { region: 'us-east-1' },
        { tags: [{ key: 'component', value: 'checkout-api' }] },
      ]) {
        const narrowed = await query.entityCost({
          entityRef: API,
          period: PERIOD,
          groupBy: 'resource',
          metric: 'billed',
          filters,
        });
        expect(narrowed).toMatchObject({
          total: 7,
          breakdown: [{ key: 'i-0tagged', label: 'tagged-1', cost: 7 }],
          attribution: { byResource: 0, byTag: 7 },
          filters,
        });
        expect(
          narrowed.daily.find(point => point.date === '2026-10-05')?.cost,
        ).toBe(7);
      }

      // A tag no row carries with that value.
      expect(
        await query.entityCost({
          entityRef: API,
          period: PERIOD,
          groupBy: 'service',
          metric: 'billed',
          filters: { tags: [{ key: 'component', value: 'payments' }] },
        }),
      ).toMatchObject({ total: 0, breakdown: [] });

      // The organisation's EBS cost: the unattributed volume, which no
      // owner carries.
      const storage = await query.summary({
        period: PERIOD,
        groupBy: 'owner',
        metric: 'billed',
        filters: { service: 'Amazon Elastic Block Store' },
      });
      expect(storage.total).toBe(3);
      expect(storage.breakdown.map(line => line.cost)).toEqual([3]);
      expect(storage.filters).toEqual({
        service: 'Amazon Elastic Block Store',
      });
      const compute = await query.summary({
        period: PERIOD,
        groupBy: 'owner',
        metric: 'billed',
        filters: { service: 'Amazon Elastic Compute Cloud' },
      });
      expect(compute.breakdown).toMatchObject([{ entityRef: TEAM, cost: 22 }]);
    });
  });
});
