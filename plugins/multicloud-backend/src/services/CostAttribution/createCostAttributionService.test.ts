import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { catalogEntity, demoCatalog } from '../../testUtils/catalog';
import { focusCsv, focusRow, writeFile } from '../../testUtils/focusFiles';
import { testImportLimits } from '../../testUtils/importLimits';
import { createCostImportService } from '../CostImport/createCostImportService';
import { DEFAULT_TAG_KEYS, EVERYTHING, UNALLOCATED } from './attributionModel';
import { createCostAttributionService } from './createCostAttributionService';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

/** Billed cost per entity in the daily rollup, rounded to cents. */
async function costByEntity(knex: Knex): Promise<Record<string, number>> {
  const rows: Array<{ entity_ref: string; cost: number | string }> = await knex(
    'multicloud_cost_rollup_daily',
  )
    .groupBy('entity_ref')
    .select('entity_ref')
    .sum({ cost: 'billed_cost' });
  return Object.fromEntries(
    rows.map(r => [r.entity_ref, Math.round(Number(r.cost) * 100) / 100]),
  );
}

async function dimension(knex: Knex, entityRef: string, name: string) {
  const rows = (await knex('multicloud_cost_rollup_dimensions')
    .where({ entity_ref: entityRef, dimension: name })
    .groupBy('value')
    .select('value')
    .sum({ cost: 'billed_cost' })
    .orderBy('value')) as Array<{ value: string; cost: number | string }>;
  return rows.map(r => [r.value, Number(r.cost)]);
}

/** Every row of the three rollups, costs rounded to 1e-6, sorted: comparable across a rebuild. */
async function rollupRows(knex: Knex): Promise<Record<string, string[]>> {
  const tables = {
    daily: 'multicloud_cost_rollup_daily',
    dimensions: 'multicloud_cost_rollup_dimensions',
    resources: 'multicloud_cost_rollup_resources',
  };
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(tables)) {
    const rows: Array<Record<string, unknown>> = await knex(table).select();
    out[name] = rows
      .map(row =>
        Object.keys(row)
          .sort()
          .map(column =>
            typeof row[column] === 'number' || column.endsWith('_cost')
              ? `${column}=${Number(row[column]).toFixed(6)}`
              : `${column}=${row[column]}`,
          )
          .join(' '),
      )
      .sort();
  }
  return out;
}

describe('createCostAttributionService', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-attribution-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  async function setUp(
    databaseId: Parameters<typeof databases.init>[0],
    options: { fullRebuildShare?: number } = {},
  ) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const catalog = { entities: demoCatalog() };
    // The catalog as it is when asked: tests change it between refreshes.
    const catalogService = {
      queryEntities: (...args: Parameters<CatalogService['queryEntities']>) =>
        catalogServiceMock({ entities: catalog.entities }).queryEntities(
          ...args,
        ),
    } as unknown as CatalogService;
    const logger = mockServices.logger.mock();
    const attribution = createCostAttributionService({
      knex,
      catalog: catalogService,
      auth: mockServices.auth(),
      logger,
      tagKeys: DEFAULT_TAG_KEYS,
      ...options,
    });
    const importer = createCostImportService({
      knex,
      logger,
      attribution,
      limits: testImportLimits(directory, { threads: 1 }),
    });
    return { knex, catalog, attribution, importer, logger };
  }

  const rows = [
    // i-0abc: Resource checkout-web-1 -> component checkout-api -> system
    // checkout -> domain commerce; owner checkout-team (the component's).
    focusRow({ ResourceId: 'i-0abc', BilledCost: 10 }),
    focusRow({
      ResourceId: 'i-0abc',
      BilledCost: 5,
      ChargePeriodStart: '2026-10-06T00:00:00Z',
      ChargePeriodEnd: '2026-10-06T01:00:00Z',
    }),
    // Known by no entity, tagged with a component: attributed by tag.
    focusRow({
      ResourceId: 'i-0tagged',
      BilledCost: 7,
      RegionId: 'us-east-1',
      Tags: '{"component":"checkout-api"}',
    }),
    // Known by nothing yet.
    focusRow({
      ResourceId: 'i-0new',
      BilledCost: 3,
      ServiceName: 'Amazon Elastic Block Store',
    }),
  ];

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('rolls cost up to components, systems, domains and owners, and keeps the rest unallocated', async () => {
      const { knex, importer } = await setUp(databaseId);
      await importer.importFile({
        path: writeFile(directory, 'oct.csv', focusCsv(rows)),
        source: 'test',
      });

      expect(await costByEntity(knex)).toEqual({
        [EVERYTHING]: 25,
        [UNALLOCATED]: 3,
        'resource:default/checkout-web-1': 15,
        'component:default/checkout-api': 22,
        'system:default/checkout': 22,
        'domain:default/commerce': 22,
        'group:default/checkout-team': 22,
      });
      expect(
        await dimension(knex, 'component:default/checkout-api', 'region'),
      ).toEqual([
        ['eu-west-1', 15],
        ['us-east-1', 7],
      ]);
      expect(await dimension(knex, EVERYTHING, 'service')).toEqual([
        ['Amazon Elastic Block Store', 3],
        ['Amazon Elastic Compute Cloud', 22],
      ]);
      const via = (await knex('multicloud_cost_rollup_daily')
        .where({ entity_ref: 'component:default/checkout-api' })
        .groupBy('via')
        .select('via')
        .sum({ cost: 'billed_cost' })
        .orderBy('via')) as Array<{ via: string; cost: number | string }>;
      expect(via.map(v => [v.via, Number(v.cost)])).toEqual([
        ['resource', 15],
        ['tag', 7],
      ]);
    });

    it('re-attributes when the catalog gains a resource, and does nothing when nothing changed', async () => {
      const { knex, catalog, attribution, importer } = await setUp(databaseId);
      await importer.importFile({
        path: writeFile(directory, 'oct.csv', focusCsv(rows)),
        source: 'test',
      });
      expect(await attribution.refresh()).toEqual({ changed: false });

      catalog.entities = [
        ...catalog.entities,
        catalogEntity('resource:default/data-volume', {
          annotations: { 'multicloud.io/resource-id': 'I-0NEW' },
          relations: [
            { type: 'ownedBy', targetRef: 'group:default/data-team' },
            { type: 'partOf', targetRef: 'system:default/data-platform' },
          ],
        }),
      ];
      expect(await attribution.refresh()).toEqual({ changed: true });

      const costs = await costByEntity(knex);
      expect(costs[UNALLOCATED]).toBeUndefined();
      expect(costs).toMatchObject({
        [EVERYTHING]: 25,
        'resource:default/data-volume': 3,
        'system:default/data-platform': 3,
        'group:default/data-team': 3,
        'component:default/checkout-api': 22,
      });
      expect(await attribution.refresh()).toEqual({ changed: false });
    });

    it("moves only the changed pairs' cost when the catalog changes, ending where a full rebuild ends", async () => {
      // Every change moved pair by pair, however many pairs move.
      const { knex, catalog, attribution, importer, logger } = await setUp(
        databaseId,
        { fullRebuildShare: 1 },
      );
      const many = [
        ...rows,
        // A second day and more resources, so that rollup rows hold the
        // cost of moved and unmoved pairs together.
        ...rows.map(row => ({
          ...row,
          ChargePeriodStart: '2026-10-07T00:00:00Z',
          ChargePeriodEnd: '2026-10-08T00:00:00Z',
        })),
        focusRow({
          ResourceId: 'i-0data',
          BilledCost: 11,
          Tags: '{"system":"data-platform"}',
        }),
        focusRow({
          ResourceId:
            '/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Sql/servers/checkout-db',
          BilledCost: 13,
          ProviderName: 'Microsoft',
          ServiceName: 'Azure SQL Database',
          RegionId: 'westeurope',
        }),
      ];
      await importer.importFile({
        path: writeFile(directory, 'oct.csv', focusCsv(many)),
        source: 'test',
      });
      expect(await attribution.refresh()).toEqual({ changed: false });

      const change = (edit: (entities: Entity[]) => Entity[]) => {
        catalog.entities = edit(catalog.entities);
      };
      const steps: Array<[string, (entities: Entity[]) => Entity[]]> = [
        [
          'a resource appears for an unallocated cost',
          entities => [
            ...entities,
            catalogEntity('resource:default/data-volume', {
              annotations: { 'multicloud.io/resource-id': 'i-0new' },
              relations: [
                { type: 'ownedBy', targetRef: 'group:default/data-team' },
                { type: 'partOf', targetRef: 'system:default/data-platform' },
              ],
            }),
          ],
        ],
        [
          'a component moves to another system and owner',
          entities =>
            entities.map(e =>
              e.metadata.name === 'checkout-api'
                ? catalogEntity('component:default/checkout-api', {
                    relations: [
                      {
                        type: 'partOf',
                        targetRef: 'system:default/data-platform',
                      },
                      {
                        type: 'ownedBy',
                        targetRef: 'group:default/data-team',
                      },
                    ],
                  })
                : e,
            ),
        ],
        [
          'a resource entity is renamed: the same id under the same component',
          entities =>
            entities.map(e =>
              e.metadata.name === 'checkout-db'
                ? catalogEntity('resource:default/checkout-database', {
                    annotations: e.metadata.annotations,
                    relations: e.relations,
                  })
                : e,
            ),
        ],
        [
          'a resource entity goes: its cost falls back to tags or nobody',
          entities =>
            entities.filter(e => e.metadata.name !== 'checkout-web-1'),
        ],
      ];
      for (const [, edit] of steps) {
        change(edit);
        expect(await attribution.refresh()).toEqual({ changed: true });
        const incremental = await rollupRows(knex);
        const { totals } = await attribution.rebuild();
        expect(await rollupRows(knex)).toEqual(incremental);
        for (const total of totals) {
          expect(total.rollupBefore).toBeCloseTo(total.facts, 6);
        }
      }
      const moved = logger.info.mock.calls
        .map(([message]) =>
          /: (\d+) of \d+ resource\/tag pairs moved$/.exec(message),
        )
        .filter(Boolean)
        .map(match => Number(match![1]));
      // i-0new's pair; the three under checkout-api (i-0abc through
      // checkout-web-1, checkout-db, i-0tagged by tag); checkout-db's;
      // i-0abc's.
      expect(moved).toEqual([1, 3, 1, 1]);
    });

    it('updates titles without rebuilding the rollups', async () => {
      const { knex, catalog, attribution, importer } = await setUp(databaseId);
      await importer.importFile({
        path: writeFile(directory, 'oct.csv', focusCsv(rows)),
        source: 'test',
      });
      const before = await knex('multicloud_cost_rollup_daily')
        .select()
        .orderBy(['entity_ref', 'usage_date', 'via']);
      // A rebuild would write these rows again; a marker shows it did not.
      await knex('multicloud_cost_rollup_daily')
        .where({ entity_ref: EVERYTHING })
        .update({ list_cost: -1 });

      catalog.entities = catalog.entities.map((e: Entity) =>
        e.metadata.name === 'checkout'
          ? { ...e, metadata: { ...e.metadata, title: 'Checkout (new)' } }
          : e,
      );
      expect(await attribution.refresh()).toEqual({ changed: true });

      expect(
        await knex('multicloud_cost_entities')
          .where({ entity_ref: 'system:default/checkout' })
          .first('title'),
      ).toEqual({ title: 'Checkout (new)' });
      const after = await knex('multicloud_cost_rollup_daily')
        .select()
        .orderBy(['entity_ref', 'usage_date', 'via']);
      expect(after).toHaveLength(before.length);
      const everything = after.filter(r => r.entity_ref === EVERYTHING);
      expect(everything.length).toBeGreaterThan(0);
      expect(everything.every(r => Number(r.list_cost) === -1)).toBe(true);
    });
  });
});
