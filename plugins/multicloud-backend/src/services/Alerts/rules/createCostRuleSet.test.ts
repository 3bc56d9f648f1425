import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { applyDatabaseMigrations } from '../../../database/migrations';
import { dayOfWeek } from '../../CostAnalytics/dates';
import { createCostQueryService } from '../../CostQuery/createCostQueryService';
import { AlertFinding } from '../types';
import {
  catalogEntity,
  cloudResource,
  costStore,
  dailyRows,
  mutableCatalog,
} from './__testUtils__/fixtures';
import { createCostRuleSet } from './createCostRuleSet';

jest.setTimeout(120_000);

const databases = TestDatabases.create();
/** Cost data ends the day before: the evaluation judges up to 2026-10-19. */
const now = new Date('2026-10-20T12:00:00Z');
const FIRST_DAY = '2026-06-20';
const LAST_DAY = '2026-10-19';

const ownedBy = (group: string) => ({
  type: 'ownedBy',
  targetRef: `group:default/${group}`,
});

const entities = [
  catalogEntity('group:default/checkout-team'),
  catalogEntity('group:default/data-team'),
  catalogEntity('system:default/checkout', {
    spec: { owner: 'checkout-team' },
    relations: [ownedBy('checkout-team')],
  }),
  catalogEntity('component:default/checkout-api', {
    title: 'Checkout API',
    spec: { owner: 'checkout-team', system: 'checkout' },
    relations: [
      ownedBy('checkout-team'),
      { type: 'partOf', targetRef: 'system:default/checkout' },
    ],
  }),
  catalogEntity('component:default/ingest', {
    spec: { owner: 'group:default/Data-Team' },
    relations: [ownedBy('data-team')],
  }),
  cloudResource('web-1', {
    type: 'ec2-instance',
    resourceId: 'i-web',
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/checkout-api' },
    ],
  }),
  cloudResource('batch-1', {
    type: 'ec2-instance',
    resourceId: 'i-batch',
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/checkout-api' },
    ],
  }),
  cloudResource('ingest-1', {
    type: 'ec2-instance',
    resourceId: 'i-ingest',
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/ingest' },
    ],
  }),
];

/** A weekly pattern with a little week-to-week noise, around `level`. */
const steady = (level: number) => (date: string, index: number) =>
  level * (1 + [0.1, 0, 0, 0.05, 0, -0.05, -0.1][dayOfWeek(date)]) +
  ((index * 7919) % 5) -
  2;

const costRows = [
  ...dailyRows(FIRST_DAY, LAST_DAY, steady(100), {
    ResourceId: 'i-web',
    ResourceName: 'checkout-web-1',
  }),
  // A batch job that ran away on 2026-10-17 (and once before, long ago).
  ...dailyRows(
    FIRST_DAY,
    LAST_DAY,
    (date, i) =>
      date === '2026-10-17' || date === '2026-08-12'
        ? 400
        : steady(20)(date, i),
    {
      ResourceId: 'i-batch',
      ResourceName: 'checkout-batch-1',
      ServiceName: 'AWS Batch',
    },
  ),
  // Ingestion stopped billing on 2026-10-18.
  ...dailyRows(
    FIRST_DAY,
    LAST_DAY,
    (date, i) => (date >= '2026-10-18' ? 0 : steady(200)(date, i)),
    { ResourceId: 'i-ingest', ResourceName: 'ingest-1' },
  ),
];

const key = (f: AlertFinding) => `${f.rule} ${f.entityRef} ${f.subject}`;
const CHECKOUT_API = 'component:default/checkout-api';

describe('createCostRuleSet', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(config: object = {}) {
      const { catalog, state } = mutableCatalog(entities);
      const store = await costStore(databases, databaseId, catalog);
      await store.importRows(costRows);
      const rules = createCostRuleSet({
        catalog,
        auth: mockServices.auth(),
        config: new ConfigReader(config),
        logger: mockServices.logger.mock(),
      });
      const costQuery = createCostQueryService({
        knex: store.knex,
        lastImportAt: async () => null,
      });
      return { ...store, rules, costQuery, state };
    }

    it('raises budget alerts by the forecast interval, as the Cost tab shows it', async () => {
      const { knex, rules, costQuery, cleanUp } = await setUp();
      try {
        // What the Cost tab shows for the month so far.
        const tab = await costQuery.entityCost({
          entityRef: CHECKOUT_API,
          period: { from: '2026-10-01', to: '2026-10-20' },
          groupBy: 'service',
          metric: 'effective',
        });
        const actual = tab.total;
        const { monthLower, monthTotal, monthUpper } = tab.forecast!;
        expect(monthLower).toBeGreaterThan(actual + 100);
        expect(monthTotal).toBeGreaterThan(monthLower + 10);

        const budgetFindings = async (amount: number) => {
          await costQuery.setBudget({
            entityRef: CHECKOUT_API,
            amount,
            currency: 'USD',
          });
          return (await rules.evaluate({ now, knex })).filter(
            f => f.entityRef === CHECKOUT_API && /budget/.test(f.rule),
          );
        };

        // Only the point forecast is over: a warning.
        const pointOnly = await budgetFindings((monthLower + monthTotal) / 2);
        expect(pointOnly).toHaveLength(1);
        expect(pointOnly[0]).toMatchObject({
          source: 'cost',
          rule: 'forecast-may-exceed-budget',
          subject: '2026-10',
          severity: 'warning',
          entityTitle: 'Checkout API',
          ownerRef: 'group:default/checkout-team',
          driver: 'Amazon Elastic Compute Cloud',
          links: [
            {
              url: '/catalog/default/component/checkout-api/cost?from=2026-10-01&to=2026-10-31&groupBy=service',
            },
          ],
        });
        expect(pointOnly[0].amount!.amount).toBeCloseTo(
          monthTotal - (monthLower + monthTotal) / 2,
          1,
        );
        expect(pointOnly[0].description).toContain('checkout-web-1');

        // Even the low end of the interval is over: critical.
        const lowerOver = await budgetFindings((actual + monthLower) / 2);
        expect(lowerOver.map(f => [f.rule, f.severity])).toEqual([
          ['forecast-over-budget', 'critical'],
        ]);

        // Spent already.
        const exceeded = await budgetFindings(actual * 0.9);
        expect(exceeded.map(f => [f.rule, f.severity])).toEqual([
          ['budget-exceeded', 'critical'],
        ]);
        expect(exceeded[0].amount!.amount).toBeCloseTo(actual * 0.1, 1);
        expect(exceeded[0].title).toContain('Over budget');

        // Even the high end is within the budget: nothing.
        expect(await budgetFindings(monthUpper * 1.1)).toEqual([]);
      } finally {
        cleanUp();
      }
    });

    it('reads budgets from the annotation and skips entities gone from the catalog', async () => {
      const { knex, rules, costQuery, state, cleanUp } = await setUp();
      try {
        await costQuery.setBudget({
          entityRef: 'component:default/deleted',
          amount: 1,
          currency: 'USD',
        });
        await knex('multicloud_cost_entities')
          .where({ entity_ref: 'component:default/ingest' })
          .update({
            annotation_budget: 1000,
            annotation_budget_currency: null,
          });
        const findings = (await rules.evaluate({ now, knex })).filter(f =>
          /budget/.test(f.rule),
        );
        expect(findings.map(key)).toEqual([
          'budget-exceeded component:default/ingest 2026-10',
        ]);
        expect(findings[0]).toMatchObject({
          ownerRef: 'group:default/data-team',
          amount: { currency: 'USD' },
        });
        expect(findings[0].description).toContain(
          'multicloud.io/monthly-budget',
        );

        state.entities = entities.filter(e => e.metadata.name !== 'ingest');
        expect(
          (await rules.evaluate({ now, knex })).filter(
            f => f.entityRef === 'component:default/ingest',
          ),
        ).toEqual([]);
      } finally {
        cleanUp();
      }
    });

    it('raises recent anomalies with the service and resource that drive them', async () => {
      const { knex, rules, cleanUp } = await setUp();
      try {
        const findings = (await rules.evaluate({ now, knex })).filter(f =>
          /^cost-/.test(f.rule),
        );
        expect(findings.map(key).sort()).toEqual(
          [
            'cost-anomaly component:default/checkout-api 2026-10-17',
            'cost-anomaly system:default/checkout 2026-10-17',
            'cost-drop component:default/ingest 2026-10-18',
            'cost-drop component:default/ingest 2026-10-19',
          ].sort(),
        );
        const spike = findings.find(
          f =>
            key(f) === 'cost-anomaly component:default/checkout-api 2026-10-17',
        )!;
        expect(spike).toMatchObject({
          severity: 'warning',
          driver: 'AWS Batch',
          ownerRef: 'group:default/checkout-team',
          entityTitle: 'Checkout API',
          links: [
            {
              url: '/catalog/default/component/checkout-api/cost?from=2026-09-20&to=2026-10-17&groupBy=service',
            },
          ],
        });
        expect(spike.amount!.amount).toBeGreaterThan(350);
        expect(spike.amount!.amount).toBeLessThan(400);
        expect(spike.description).toContain('checkout-batch-1');

        const drop = findings.find(
          f => key(f) === 'cost-drop component:default/ingest 2026-10-18',
        )!;
        expect(drop).toMatchObject({
          severity: 'info',
          ownerRef: 'group:default/data-team',
          driver: 'Amazon Elastic Compute Cloud',
        });
        expect(drop.amount).toBeUndefined();
      } finally {
        cleanUp();
      }
    });

    it('turns rules off, changes severities and the entity kinds from config', async () => {
      const { knex, rules, costQuery, cleanUp } = await setUp({
        multicloud: {
          alerts: {
            rules: {
              cost: {
                'budget-exceeded': { enabled: false },
                'cost-drop': { severity: 'warning' },
                anomalies: { kinds: ['component'] },
              },
            },
          },
        },
      });
      try {
        await costQuery.setBudget({
          entityRef: CHECKOUT_API,
          amount: 10,
          currency: 'USD',
        });
        const findings = await rules.evaluate({ now, knex });
        expect(findings.map(key).sort()).toEqual(
          [
            'cost-anomaly component:default/checkout-api 2026-10-17',
            'cost-drop component:default/ingest 2026-10-18',
            'cost-drop component:default/ingest 2026-10-19',
          ].sort(),
        );
        expect(
          findings.filter(f => f.rule === 'cost-drop').map(f => f.severity),
        ).toEqual(['warning', 'warning']);
      } finally {
        cleanUp();
      }
    });

    it('raises nothing before any cost is imported', async () => {
      const { catalog } = mutableCatalog(entities);
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const rules = createCostRuleSet({
        catalog,
        auth: mockServices.auth(),
        config: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      });
      expect(await rules.evaluate({ now, knex })).toEqual([]);
    });
  });
});
