import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  CostFactsStore,
  CostLines,
  DailyCostRow,
  createCostFactsStore,
} from './CostFactsStore';
import { applyDatabaseMigrations, migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const EVERYTHING = '*';
const UNALLOCATED = 'unallocated';
const WEB = 'resource:default/web-1';
const DB = 'resource:default/db';
const API = 'component:default/api';
const SHOP = 'system:default/shop';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

const AWS_OCTOBER = {
  provider: 'AWS',
  billingAccountId: '1111',
  billingPeriodStart: '2026-10-01',
};
const AZURE_OCTOBER = {
  provider: 'Microsoft',
  billingAccountId: 'ea-1',
  billingPeriodStart: '2026-10-01',
};

/** A daily fact of the AWS account's October; billed cost as given, effective half, list double. */
function fact(
  overrides: Partial<DailyCostRow> & { billed_cost: number },
): DailyCostRow {
  const billed = overrides.billed_cost;
  return {
    usage_date: '2026-10-05',
    provider: 'AWS',
    billing_account_id: '1111',
    billing_period_start: '2026-10-01',
    sub_account_id: '1111',
    region: 'eu-west-1',
    service_name: 'EC2',
    service_category: 'Compute',
    resource_id: 'i-web',
    resource_key: 'i-web',
    resource_name: 'web-1',
    resource_type: null,
    charge_category: 'Usage',
    currency: 'USD',
    consumed_unit: 'Hours',
    effective_cost: billed / 2,
    list_cost: billed * 2,
    consumed_quantity: 1,
    tags: '{}',
    extra: '{}',
    attribution_key: 'k-web',
    ...overrides,
  };
}

const FACTS: DailyCostRow[] = [
  fact({ usage_date: '2026-10-04', billed_cost: 2 }),
  fact({ billed_cost: 10 }),
  fact({ usage_date: '2026-10-06', billed_cost: 5 }),
  fact({ currency: 'EUR', billed_cost: 4 }),
  fact({
    resource_id: 'i-tag',
    resource_key: 'i-tag',
    resource_name: 'tagged',
    region: 'us-east-1',
    tags: '{"component":"api"}',
    attribution_key: 'k-tag',
    billed_cost: 7,
  }),
  fact({
    usage_date: '2026-10-06',
    resource_id: '',
    resource_key: '',
    resource_name: null,
    region: '',
    service_name: 'Support',
    attribution_key: 'k-none',
    billed_cost: 3,
  }),
  fact({
    provider: 'Microsoft',
    billing_account_id: 'ea-1',
    sub_account_id: 's1',
    resource_id: '/subs/db',
    resource_key: '/subs/db',
    resource_name: 'db',
    region: 'westeurope',
    service_name: 'SQL',
    attribution_key: 'k-db',
    billed_cost: 20,
  }),
];

const ATTRIBUTION = [
  {
    key: 'k-web',
    resource: 'i-web',
    tags: '{}',
    entityRef: WEB,
    via: 'resource',
    tagged: false,
  },
  {
    key: 'k-tag',
    resource: 'i-tag',
    tags: '{"component":"api"}',
    entityRef: API,
    via: 'tag',
    tagged: true,
  },
  {
    key: 'k-none',
    resource: '',
    tags: '{}',
    entityRef: UNALLOCATED,
    via: 'none',
    tagged: false,
  },
  {
    key: 'k-db',
    resource: '/subs/db',
    tags: '{}',
    entityRef: DB,
    via: 'resource',
    tagged: false,
  },
].map(a => ({
  attributionKey: a.key,
  resourceKey: a.resource,
  tags: a.tags,
  entityRef: a.entityRef,
  via: a.via,
  tagged: a.tagged,
}));

const ANCESTORS = Object.entries({
  [WEB]: {
    [EVERYTHING]: 'all',
    [WEB]: 'resource',
    [API]: 'component',
    [SHOP]: 'system',
    [TEAM_A]: 'group',
  },
  [API]: {
    [EVERYTHING]: 'all',
    [API]: 'component',
    [SHOP]: 'system',
    [TEAM_A]: 'group',
  },
  [UNALLOCATED]: { [EVERYTHING]: 'all', [UNALLOCATED]: UNALLOCATED },
  [DB]: { [EVERYTHING]: 'all', [DB]: 'resource', [TEAM_B]: 'group' },
}).flatMap(([entityRef, ancestors]) =>
  Object.entries(ancestors).map(([ancestorRef, ancestorKind]) => ({
    entityRef,
    ancestorRef,
    ancestorKind,
  })),
);

const ENTITIES = [
  {
    entityRef: API,
    kind: 'component',
    title: 'API',
    annotationBudget: 100,
    annotationBudgetCurrency: 'USD',
  },
  {
    entityRef: SHOP,
    kind: 'system',
    title: 'Shop',
    annotationBudget: null,
    annotationBudgetCurrency: null,
  },
  {
    entityRef: TEAM_A,
    kind: 'group',
    title: 'Team A',
    annotationBudget: null,
    annotationBudgetCurrency: null,
  },
  {
    entityRef: TEAM_B,
    kind: 'group',
    title: 'Team B',
    annotationBudget: null,
    annotationBudgetCurrency: null,
  },
];

/** The period the reads ask about, and the one before it. */
const PERIOD = { from: '2026-10-05', to: '2026-10-06' };
const PREVIOUS = { from: '2026-10-03', to: '2026-10-04' };

const byKeyAndCurrency = <T extends { key: string; currency: string }>(
  rows: T[],
) =>
  [...rows].sort(
    (a, b) =>
      a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency),
  );

describe('createCostFactsStore', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: CostFactsStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      store = createCostFactsStore(knex);
    });

    /** The facts imported, attributed and rolled up, as an import and a refresh leave them. */
    async function seed() {
      await store.write(async writer => {
        expect(
          await writer.replacePartitions([AWS_OCTOBER, AZURE_OCTOBER]),
        ).toBeNull();
        await writer.insertFacts(FACTS, 'import-1');
        await writer.replaceAttribution(ATTRIBUTION);
        await writer.replaceAncestors(ANCESTORS);
        await writer.replaceEntities(ENTITIES);
        await writer.rebuildRollups();
      });
    }

    describe('import records', () => {
      it('records an import from running to completed, and tells its file is known', async () => {
        await store.importStarted({
          id: 'i-1',
          source: 'upload',
          fileName: 'oct.csv',
          fileSha256: 'sha-oct',
          createdBy: 'user:default/finops',
        });
        expect(await store.lastImportAt()).toBeNull();
        expect(await store.wasFileImportedOrRejected('sha-oct')).toBe(false);
        expect(
          await knex('multicloud_cost_imports')
            .where({ id: 'i-1' })
            .first('status', 'source', 'file_name', 'created_by', 'format'),
        ).toEqual({
          status: 'running',
          source: 'upload',
          file_name: 'oct.csv',
          created_by: 'user:default/finops',
          format: null,
        });

        const before = Date.now();
        await store.importCompleted('i-1', {
          format: 'csv',
          focusVersion: '1.0',
          rows: 12,
          dailyRows: 7,
          billingPeriods: [AWS_OCTOBER],
          totals: [
            {
              provider: 'AWS',
              currency: 'USD',
              billedCost: 27,
              effectiveCost: 13.5,
              listCost: 54,
            },
          ],
        });
        const after = Date.now();

        const lastImportAt = await store.lastImportAt();
        expect(lastImportAt).toMatch(
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
        );
        const at = Date.parse(lastImportAt!);
        expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(at).toBeLessThanOrEqual(after);
        expect(await store.wasFileImportedOrRejected('sha-oct')).toBe(true);
        const row = await knex('multicloud_cost_imports')
          .where({ id: 'i-1' })
          .first();
        expect({
          status: row.status,
          format: row.format,
          focusVersion: row.focus_version,
          rows: Number(row.rows),
          dailyRows: Number(row.daily_rows),
          billingPeriods: JSON.parse(row.billing_periods),
          totals: JSON.parse(row.totals)[0].billedCost,
        }).toEqual({
          status: 'completed',
          format: 'csv',
          focusVersion: '1.0',
          rows: 12,
          dailyRows: 7,
          billingPeriods: [AWS_OCTOBER],
          totals: 27,
        });
      });

      it('keeps a rejected file known and a failed one unknown, with the error cut to 4000 characters', async () => {
        for (const [id, sha] of [
          ['i-rejected', 'sha-bad'],
          ['i-failed', 'sha-retry'],
        ]) {
          await store.importStarted({
            id,
            source: 'folder:exports',
            fileName: `${id}.csv`,
            fileSha256: sha,
          });
        }
        await store.importFailed('i-rejected', {
          status: 'rejected',
          format: 'csv',
          error: 'line 2: BilledCost is not a number',
        });
        await store.importFailed('i-failed', {
          status: 'failed',
          format: null,
          error: 'x'.repeat(5000),
        });

        expect(await store.wasFileImportedOrRejected('sha-bad')).toBe(true);
        expect(await store.wasFileImportedOrRejected('sha-retry')).toBe(false);
        expect(await store.lastImportAt()).toBeNull();
        const rows = await knex('multicloud_cost_imports')
          .select('id', 'status', 'format', 'error', 'created_by')
          .orderBy('id');
        expect(rows.map(r => ({ ...r, error: r.error.length }))).toEqual([
          {
            id: 'i-failed',
            status: 'failed',
            format: null,
            error: 4000,
            created_by: null,
          },
          {
            id: 'i-rejected',
            status: 'rejected',
            format: 'csv',
            error: 34,
            created_by: null,
          },
        ]);
      });
    });

    describe('writes', () => {
      it('rebuilds the whole rollups into the same tables: same rows, same indexes and comments, migrations still walk down', async () => {
        /** The rollups' indexes as the engine's catalog defines them. */
        const indexes = async () => {
          if (knex.client.config.client === 'pg') {
            const { rows } = await knex.raw(
              `SELECT tablename, indexname, indexdef FROM pg_indexes
               WHERE tablename LIKE 'multicloud_cost_rollup%'
               ORDER BY indexname`,
            );
            return rows;
          }
          return knex.raw(
            `SELECT tbl_name, name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name LIKE 'multicloud_cost_rollup%'
             ORDER BY name`,
          );
        };
        const rollups = async () =>
          Promise.all(
            [
              'multicloud_cost_rollup_daily',
              'multicloud_cost_rollup_dimensions',
              'multicloud_cost_rollup_resources',
            ].map(table =>
              knex(table)
                .select()
                .then(rows =>
                  rows
                    .map(row => JSON.stringify(row))
                    .sort()
                    .map(row => JSON.parse(row)),
                ),
            ),
          );
        const indexesBefore = await indexes();
        expect(indexesBefore.length).toBeGreaterThanOrEqual(4);
        await seed();
        const first = await rollups();
        expect(first[0].length).toBeGreaterThan(0);
        await store.write(writer => writer.rebuildRollups());
        expect(await rollups()).toEqual(first);
        expect(await indexes()).toEqual(indexesBefore);
        // PostgreSQL's rebuild swaps tables: their comments come along, and
        // no new table is left behind. (SQLite keeps its tables.)
        const swapped =
          knex.client.config.client === 'pg'
            ? (
                await knex.raw(
                  `SELECT obj_description(to_regclass('multicloud_cost_rollup_daily'), 'pg_class') AS comment,
                     (SELECT count(*) FROM pg_tables WHERE tablename LIKE '%_rebuilt') AS leftovers`,
                )
              ).rows[0]
            : {
                comment: 'Daily cost per entity (and * for everything)',
                leftovers: '0',
              };
        expect(swapped).toEqual({
          comment: 'Daily cost per entity (and * for everything)',
          leftovers: '0',
        });
        await knex.migrate.rollback({ directory: migrationsDirectory }, true);
        expect(await knex.schema.hasTable('multicloud_cost_rollup_daily')).toBe(
          false,
        );
      });

      it('holds what was written: facts, pairs, attribution, ancestors and entities', async () => {
        await seed();

        const read = await store.write(async writer => ({
          facts: await writer.countFacts(),
          factPairs: await writer.factPairs(),
          attributedPairs: await writer.attributedPairs(),
          attributionKeys: await writer.attributionKeys(),
          attribution: await writer.attribution(),
          ancestors: await writer.ancestors(),
          withAncestors: await writer.entitiesWithAncestors(),
          entities: await writer.entities(),
        }));

        const byKey = <T extends { attributionKey: string }>(rows: T[]) =>
          [...rows].sort((a, b) =>
            a.attributionKey.localeCompare(b.attributionKey),
          );
        const pairs = byKey(
          ATTRIBUTION.map(({ attributionKey, resourceKey, tags }) => ({
            attributionKey,
            resourceKey,
            tags,
          })),
        );
        expect(read.facts).toBe(FACTS.length);
        expect(byKey(read.factPairs)).toEqual(pairs);
        expect(byKey(read.attributedPairs)).toEqual(pairs);
        expect(read.attributionKeys).toEqual(
          new Set(['k-web', 'k-tag', 'k-none', 'k-db']),
        );
        expect(byKey(read.attribution)).toEqual(
          byKey(
            ATTRIBUTION.map(({ attributionKey, entityRef, via, tagged }) => ({
              attributionKey,
              entityRef,
              via,
              tagged,
            })),
          ),
        );
        expect(read.ancestors).toHaveLength(ANCESTORS.length);
        expect(read.ancestors).toEqual(expect.arrayContaining(ANCESTORS));
        expect(read.withAncestors).toEqual(
          new Set([WEB, API, UNALLOCATED, DB]),
        );
        expect(
          [...read.entities].sort((a, b) =>
            a.entityRef.localeCompare(b.entityRef),
          ),
        ).toEqual(
          [...ENTITIES].sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
        );
      });

      it('sums EffectiveCost per currency of the facts and of the organisation rollup', async () => {
        await seed();
        const totals = await store.write(async writer => ({
          facts: await writer.effectiveCostByCurrency('facts'),
          organisation: await writer.effectiveCostByCurrency('organisation'),
        }));
        // Billed 2 + 10 + 5 + 7 + 3 + 20 in USD, 4 in EUR; effective is half.
        const expected = new Map([
          ['USD', 23.5],
          ['EUR', 2],
        ]);
        expect(totals).toEqual({ facts: expected, organisation: expected });
      });

      it('replaces billing periods: deletes their facts and says which days they covered', async () => {
        await seed();
        const replaced = await store.write(async writer => ({
          aws: await writer.replacePartitions([AWS_OCTOBER]),
          again: await writer.replacePartitions([AWS_OCTOBER]),
          facts: await writer.countFacts(),
          pairs: await writer.factPairs(),
        }));
        expect(replaced).toEqual({
          aws: { from: '2026-10-04', to: '2026-10-06' },
          again: null,
          facts: 1,
          pairs: [
            { attributionKey: 'k-db', resourceKey: '/subs/db', tags: '{}' },
          ],
        });
      });

      it('finds the pairs of some days that have no attribution, adds them and rebuilds only those days', async () => {
        await seed();
        const newFact = fact({
          usage_date: '2026-10-07',
          resource_id: 'i-new',
          resource_key: 'i-new',
          attribution_key: 'k-new',
          billed_cost: 8,
        });
        // A marker on a day outside the rebuild shows it was left alone.
        await knex('multicloud_cost_rollup_daily')
          .where({ entity_ref: EVERYTHING, usage_date: '2026-10-04' })
          .update({ list_cost: -1 });

        const unattributed = await store.write(async writer => {
          await writer.insertFacts([newFact], 'import-2');
          const pairs = await writer.unattributedPairs({
            from: '2026-10-07',
            to: '2026-10-07',
          });
          const before = await writer.unattributedPairs({
            from: '2026-10-01',
            to: '2026-10-06',
          });
          await writer.addAttribution(
            pairs.map(p => ({
              ...p,
              entityRef: API,
              via: 'tag',
              tagged: true,
            })),
          );
          await writer.rebuildRollups({ from: '2026-10-07', to: '2026-10-07' });
          return { pairs, before };
        });

        expect(unattributed).toEqual({
          pairs: [
            { attributionKey: 'k-new', resourceKey: 'i-new', tags: '{}' },
          ],
          before: [],
        });
        expect(
          await store.dailyCosts({
            entityRef: API,
            days: { from: '2026-10-07', to: '2026-10-07' },
            metric: 'billed',
          }),
        ).toEqual([{ usage_date: '2026-10-07', currency: 'USD', cost: 8 }]);
        expect(
          await knex('multicloud_cost_rollup_daily')
            .where({ entity_ref: EVERYTHING, usage_date: '2026-10-04' })
            .first('list_cost'),
        ).toEqual({ list_cost: -1 });
      });

      it('adds ancestors to those there are, and replaces entities whole', async () => {
        await seed();
        const read = await store.write(async writer => {
          await writer.addAncestors([
            { entityRef: TEAM_B, ancestorRef: EVERYTHING, ancestorKind: 'all' },
          ]);
          await writer.replaceEntities([ENTITIES[0]]);
          return {
            withAncestors: await writer.entitiesWithAncestors(),
            entities: await writer.entities(),
          };
        });
        expect(read.withAncestors).toEqual(
          new Set([WEB, API, UNALLOCATED, DB, TEAM_B]),
        );
        expect(read.entities).toEqual([ENTITIES[0]]);
      });

      it('writes nothing when the work fails', async () => {
        await seed();
        await expect(
          store.write(async writer => {
            await writer.replacePartitions([AWS_OCTOBER]);
            await writer.insertFacts([fact({ billed_cost: 99 })], 'import-2');
            await writer.replaceAttribution([]);
            throw new Error('disk full');
          }),
        ).rejects.toThrow('disk full');
        expect(
          await store.write(async writer => ({
            facts: await writer.countFacts(),
            attribution: (await writer.attributionKeys()).size,
          })),
        ).toEqual({ facts: FACTS.length, attribution: 4 });
      });
    });

    describe('rollup reads', () => {
      it('answers the last day with data, and each day of an entity per currency in the metric asked for', async () => {
        expect(await store.lastUsageDate()).toBeNull();
        await seed();
        expect(await store.lastUsageDate()).toBe('2026-10-06');

        const daily = async (metric: CostLines['metric']) =>
          (
            await store.dailyCosts({
              entityRef: API,
              days: { from: '2026-10-01', to: '2026-10-31' },
              metric,
            })
          ).sort(
            (a, b) =>
              a.usage_date.localeCompare(b.usage_date) ||
              a.currency.localeCompare(b.currency),
          );
        expect(await daily('billed')).toEqual([
          { usage_date: '2026-10-04', currency: 'USD', cost: 2 },
          { usage_date: '2026-10-05', currency: 'EUR', cost: 4 },
          { usage_date: '2026-10-05', currency: 'USD', cost: 17 },
          { usage_date: '2026-10-06', currency: 'USD', cost: 5 },
        ]);
        expect((await daily('list')).map(d => d.cost)).toEqual([4, 8, 34, 10]);
        expect((await daily('effective')).map(d => d.cost)).toEqual([
          1, 2, 8.5, 2.5,
        ]);
        expect(
          await store.dailyCosts({
            entityRef: API,
            days: { from: '2026-10-06', to: '2026-10-07' },
            metric: 'billed',
          }),
        ).toEqual([{ usage_date: '2026-10-06', currency: 'USD', cost: 5 }]);
      });

      it("sums an entity's lines by dimension over the period and the one before", async () => {
        await seed();
        const lines = (groupBy: CostLines['groupBy'], entityRef = API) =>
          store.lineTotals(
            { scope: { entityRef }, groupBy, metric: 'billed' },
            PERIOD,
            PREVIOUS,
          );

        expect(byKeyAndCurrency(await lines('region'))).toEqual([
          {
            key: 'eu-west-1',
            currency: 'EUR',
            cost: 4,
            previousCost: 0,
            label: null,
            entityRef: null,
            provider: 'AWS',
          },
          {
            key: 'eu-west-1',
            currency: 'USD',
            cost: 15,
            previousCost: 2,
            label: null,
            entityRef: null,
            provider: 'AWS',
          },
          {
            key: 'us-east-1',
            currency: 'USD',
            cost: 7,
            previousCost: 0,
            label: null,
            entityRef: null,
            provider: 'AWS',
          },
        ]);
        expect(byKeyAndCurrency(await lines('provider', EVERYTHING))).toEqual([
          {
            key: 'AWS',
            currency: 'EUR',
            cost: 4,
            previousCost: 0,
            label: null,
            entityRef: null,
            provider: null,
          },
          {
            key: 'AWS',
            currency: 'USD',
            cost: 25,
            previousCost: 2,
            label: null,
            entityRef: null,
            provider: null,
          },
          {
            key: 'Microsoft',
            currency: 'USD',
            cost: 20,
            previousCost: 0,
            label: null,
            entityRef: null,
            provider: null,
          },
        ]);
        // The account is the sub account, else the billing account.
        expect(
          byKeyAndCurrency(await lines('account', EVERYTHING)).map(l => [
            l.key,
            l.currency,
            l.cost,
          ]),
        ).toEqual([
          ['1111', 'EUR', 4],
          ['1111', 'USD', 25],
          ['s1', 'USD', 20],
        ]);
        expect(
          byKeyAndCurrency(await lines('service', SHOP)).map(l => [
            l.key,
            l.currency,
            l.cost,
            l.previousCost,
          ]),
        ).toEqual([
          ['EC2', 'EUR', 4, 0],
          ['EC2', 'USD', 22, 2],
        ]);
      });

      it("reads an entity's resources from their rollup, and the organisation's from the facts", async () => {
        await seed();
        const resources = async (entityRef: string) =>
          byKeyAndCurrency(
            (
              await store.lineTotals(
                { scope: { entityRef }, groupBy: 'resource', metric: 'billed' },
                PERIOD,
                PREVIOUS,
              )
            ).filter(l => l.currency === 'USD'),
          );

        expect(await resources(SHOP)).toEqual([
          {
            key: 'i-tag',
            currency: 'USD',
            cost: 7,
            previousCost: 0,
            label: 'tagged',
            entityRef: null,
            provider: 'AWS',
          },
          {
            key: 'i-web',
            currency: 'USD',
            cost: 15,
            previousCost: 2,
            label: 'web-1',
            entityRef: WEB,
            provider: 'AWS',
          },
        ]);
        expect(await resources(EVERYTHING)).toEqual([
          {
            key: '',
            currency: 'USD',
            cost: 3,
            previousCost: 0,
            label: null,
            entityRef: null,
            provider: 'AWS',
          },
          {
            key: '/subs/db',
            currency: 'USD',
            cost: 20,
            previousCost: 0,
            label: 'db',
            entityRef: DB,
            provider: 'Microsoft',
          },
          {
            key: 'i-tag',
            currency: 'USD',
            cost: 7,
            previousCost: 0,
            label: 'tagged',
            entityRef: null,
            provider: 'AWS',
          },
          {
            key: 'i-web',
            currency: 'USD',
            cost: 15,
            previousCost: 2,
            label: 'web-1',
            entityRef: WEB,
            provider: 'AWS',
          },
        ]);
      });

      it('sums the organisation by owner, system or domain, with titles, and refuses dimensions without an entity', async () => {
        await seed();
        const owners: CostLines = {
          scope: { entityKind: 'group' },
          groupBy: 'owner',
          metric: 'billed',
        };
        expect(
          byKeyAndCurrency(await store.lineTotals(owners, PERIOD, PREVIOUS)),
        ).toEqual([
          {
            key: TEAM_A,
            currency: 'EUR',
            cost: 4,
            previousCost: 0,
            label: 'Team A',
            entityRef: TEAM_A,
            provider: null,
            taggedCost: 0,
          },
          {
            key: TEAM_A,
            currency: 'USD',
            cost: 22,
            previousCost: 2,
            label: 'Team A',
            entityRef: TEAM_A,
            provider: null,
            // k-tag (a component tag) is tagged; k-web is not.
            taggedCost: 7,
          },
          {
            key: TEAM_B,
            currency: 'USD',
            cost: 20,
            previousCost: 0,
            label: 'Team B',
            entityRef: TEAM_B,
            provider: null,
            taggedCost: 0,
          },
        ]);
        expect(
          (
            await store.lineTotals(
              {
                scope: { entityKind: 'system' },
                groupBy: 'system',
                metric: 'effective',
              },
              PERIOD,
              PREVIOUS,
            )
          ).map(l => [l.key, l.currency, l.cost]),
        ).toEqual(expect.arrayContaining([[SHOP, 'USD', 11]]));
        await expect(
          store.lineTotals(
            {
              scope: { entityKind: 'group' },
              groupBy: 'service',
              metric: 'billed',
            },
            PERIOD,
            PREVIOUS,
          ),
        ).rejects.toThrow('Breakdowns by service are per entity');
      });

      it("reads some lines' daily costs, and what all lines cover of each day", async () => {
        await seed();
        const regions: CostLines = {
          scope: { entityRef: API },
          groupBy: 'region',
          metric: 'billed',
        };
        const daily = await store.lineDailyCosts(
          regions,
          ['eu-west-1'],
          PERIOD,
          'USD',
        );
        expect(daily.sort((a, b) => a.date.localeCompare(b.date))).toEqual([
          { date: '2026-10-05', key: 'eu-west-1', cost: 10 },
          { date: '2026-10-06', key: 'eu-west-1', cost: 5 },
        ]);
        expect(
          await store.lineDailyCosts(regions, ['eu-west-1'], PERIOD, 'EUR'),
        ).toEqual([{ date: '2026-10-05', key: 'eu-west-1', cost: 4 }]);

        // The unallocated 3 of the 6th is no group's.
        expect(
          await store.coveredDailyCosts(
            {
              scope: { entityKind: 'group' },
              groupBy: 'owner',
              metric: 'billed',
            },
            PERIOD,
            'USD',
          ),
        ).toEqual(
          new Map([
            ['2026-10-05', 37],
            ['2026-10-06', 5],
          ]),
        );
      });

      it('sums entities over a period in one currency, and an entity per attribution path', async () => {
        await seed();
        expect(
          await store.entityTotals({
            entityRefs: [EVERYTHING, UNALLOCATED],
            period: PERIOD,
            currency: 'USD',
            metric: 'billed',
          }),
        ).toEqual(
          new Map([
            [EVERYTHING, 45],
            [UNALLOCATED, 3],
          ]),
        );
        expect(
          await store.entityTotals({
            entityRefs: [EVERYTHING, UNALLOCATED],
            period: PERIOD,
            currency: 'EUR',
            metric: 'list',
          }),
        ).toEqual(new Map([[EVERYTHING, 8]]));
        expect(
          await store.costByPath({
            entityRef: API,
            period: PERIOD,
            currency: 'USD',
            metric: 'billed',
          }),
        ).toEqual(
          new Map([
            ['resource', 15],
            ['tag', 7],
          ]),
        );
      });
    });
  });
});
