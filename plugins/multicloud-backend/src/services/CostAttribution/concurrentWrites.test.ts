import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { catalogEntity, demoCatalog } from '../../testUtils/catalog';
import {
  FocusRow,
  focusCsv,
  focusRow,
  writeFile,
} from '../../testUtils/focusFiles';
import { testImportLimits } from '../../testUtils/importLimits';
import { createCostImportService } from '../CostImport/createCostImportService';
import { DEFAULT_TAG_KEYS, EVERYTHING } from './attributionModel';
import { createCostAttributionService } from './createCostAttributionService';
import { CostAttributionService } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
const sqlite = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('SQLITE'));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/** September: what the store holds before the race. */
const SEPTEMBER: FocusRow[] = [
  focusRow({
    BillingPeriodStart: '2026-09-01T00:00:00Z',
    ChargePeriodStart: '2026-09-10T00:00:00Z',
    ChargePeriodEnd: '2026-09-10T01:00:00Z',
    EffectiveCost: 40,
  }),
  focusRow({
    BillingPeriodStart: '2026-09-01T00:00:00Z',
    ChargePeriodStart: '2026-09-10T00:00:00Z',
    ChargePeriodEnd: '2026-09-10T01:00:00Z',
    ResourceId: 'i-0old',
    EffectiveCost: 10,
  }),
];

/** October: resources and tags the store has never seen (new attribution pairs). */
const OCTOBER: FocusRow[] = [
  focusRow({ ResourceId: 'i-0oct-1', EffectiveCost: 30 }),
  focusRow({
    ResourceId: 'i-0oct-2',
    Tags: '{"component":"checkout-api"}',
    EffectiveCost: 20,
  }),
  focusRow({
    ProviderName: 'Microsoft',
    BillingAccountId: 'ea-1',
    SubAccountId: 's1',
    ResourceId:
      '/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Sql/servers/oct-db',
    EffectiveCost: 50,
  }),
];

/** EffectiveCost per provider, as the file says. */
function fileSums(...files: FocusRow[][]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of files.flat()) {
    const provider = String(row.ProviderName);
    sums[provider] = (sums[provider] ?? 0) + Number(row.EffectiveCost);
  }
  return sums;
}

/** EffectiveCost per provider in the facts and in the organisation's rollups, and the organisation total. */
async function storeSums(knex: Knex) {
  const byProvider = async (query: Knex.QueryBuilder, column: string) =>
    Object.fromEntries(
      (
        (await query
          .groupBy(column)
          .select({ key: column })
          .sum({ cost: 'effective_cost' })) as Array<{
          key: string;
          cost: number | string;
        }>
      ).map(r => [r.key, Number(r.cost)]),
    );
  const [{ total }] = await knex('multicloud_cost_rollup_daily')
    .where({ entity_ref: EVERYTHING })
    .sum({ total: 'effective_cost' });
  return {
    facts: await byProvider(knex('multicloud_cost_facts'), 'provider'),
    rollups: await byProvider(
      knex('multicloud_cost_rollup_dimensions').where({
        entity_ref: EVERYTHING,
        dimension: 'provider',
      }),
      'value',
    ),
    organisation: Number(total),
  };
}

function expectStoreToHold(
  sums: Awaited<ReturnType<typeof storeSums>>,
  expected: Record<string, number>,
) {
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  expect(sums).toEqual({
    facts: expected,
    rollups: expected,
    organisation: total,
  });
}

/** A catalog service over `entities`, answering only once `ready` resolves. */
function catalogAfter(
  ready: Promise<void>,
  entities: Entity[],
): CatalogService {
  const catalog = catalogServiceMock({ entities });
  return {
    ...catalog,
    queryEntities: async (
      ...args: Parameters<CatalogService['queryEntities']>
    ) => {
      await ready;
      return catalog.queryEntities(...args);
    },
  } as CatalogService;
}

/** The catalog a refresh reads: one more resource, so that it rewrites the attribution. */
function changedCatalog(): Entity[] {
  return [
    ...demoCatalog(),
    catalogEntity('resource:default/old-volume', {
      annotations: { 'multicloud.io/resource-id': 'i-0old' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/data-team' }],
    }),
  ];
}

describe('issue 9 case 4: imports and attribution refreshes that overlap lose no cost', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-store-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  function services(
    knex: Knex,
    options: {
      catalog?: CatalogService;
      wrap?: (attribution: CostAttributionService) => CostAttributionService;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    const attribution = createCostAttributionService({
      knex,
      catalog:
        options.catalog ?? catalogServiceMock({ entities: demoCatalog() }),
      auth: mockServices.auth(),
      logger,
      tagKeys: DEFAULT_TAG_KEYS,
    });
    const importer = createCostImportService({
      knex,
      logger,
      attribution: options.wrap ? options.wrap(attribution) : attribution,
      limits: testImportLimits(directory),
    });
    return { attribution, importer, logger };
  }

  /** Another backend replica: its own knex client on the same database. */
  function replicaOf(knex: Knex): Knex {
    const { client, connection } = knex.client.config;
    return knexFactory({ client, connection });
  }

  async function seeded(databaseId: (typeof postgres)[number][0]) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await services(knex).importer.importFile({
      path: writeFile(directory, 'sep.csv', focusCsv(SEPTEMBER)),
      source: 'test',
    });
    return knex;
  }

  describe.each(sqlite)('on %p', databaseId => {
    it('an import that writes between a refresh reading the store and writing it keeps its cost', async () => {
      const knex = await seeded(databaseId);
      const refresher = services(knex, {
        catalog: catalogServiceMock({ entities: changedCatalog() }),
      }).attribution;
      // SQLite has one connection per process (knex's pool for it holds
      // one): while the test holds it in a transaction, the refresh and then
      // the import queue for it, and get it in that order. The pool reports
      // each request.
      const pool = knex.client.pool as {
        on(event: 'acquireRequest', listener: () => void): void;
      };
      let requests = 0;
      let onRequest = () => {};
      pool.on('acquireRequest', () => {
        requests += 1;
        onRequest();
      });
      let refreshing: Promise<{ changed: boolean }> | undefined;
      const { importer } = services(knex, {
        wrap: attribution => ({
          ...attribution,
          // Called by the import after it recorded itself, before it reads the file.
          async loadSnapshot() {
            const snapshot = await attribution.loadSnapshot();
            const holder = await knex.transaction();
            const refreshQueued = deferred();
            const importQueued = deferred();
            const counted = requests;
            onRequest = () => {
              if (requests === counted + 1) refreshQueued.resolve();
              if (requests === counted + 2) importQueued.resolve();
            };
            importQueued.promise.then(() => holder.commit());
            refreshing = refresher.refresh();
            await refreshQueued.promise;
            return snapshot;
          },
        }),
      });

      const imported = await importer.importFile({
        path: writeFile(directory, 'oct.csv', focusCsv(OCTOBER)),
        source: 'test',
      });
      expect(await refreshing).toEqual({ changed: true });

      expect(imported.totals.map(t => [t.provider, t.effectiveCost])).toEqual(
        Object.entries(fileSums(OCTOBER)),
      );
      expectStoreToHold(await storeSums(knex), fileSums(SEPTEMBER, OCTOBER));
    });
  });

  describe.each(postgres)('on %p', databaseId => {
    it("a refresh on another replica that reads while an import is writing keeps the import's cost", async () => {
      const knex = await seeded(databaseId);
      const replica = replicaOf(knex);
      try {
        const importWriting = deferred();
        const refreshAnswered = deferred();
        // The refresh's replica reports each statement the database answered.
        replica.on('query-response', () => refreshAnswered.resolve());
        const refresher = services(replica, {
          catalog: catalogAfter(importWriting.promise, changedCatalog()),
        }).attribution;
        const { importer } = services(knex, {
          wrap: attribution => ({
            ...attribution,
            // Called inside the import's transaction, its facts written.
            async applyImport(tx, days, snapshot) {
              importWriting.resolve();
              await refreshAnswered.promise;
              return attribution.applyImport(tx, days, snapshot);
            },
          }),
        });

        const [imported, refreshed] = await Promise.all([
          importer.importFile({
            path: writeFile(directory, 'oct.csv', focusCsv(OCTOBER)),
            source: 'test',
          }),
          refresher.refresh(),
        ]);

        expect(refreshed).toEqual({ changed: true });
        expect(imported.rows).toBe(OCTOBER.length);
        expectStoreToHold(await storeSums(knex), fileSums(SEPTEMBER, OCTOBER));
      } finally {
        await replica.destroy();
      }
    });

    it('two imports of one billing period on two replicas count it once', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const replica = replicaOf(knex);
      try {
        const replicas = [knex, replica].map(() => ({
          inTransaction: deferred(),
          waiting: deferred(),
        }));
        const importers = [knex, replica].map((client, i) => {
          const other = replicas[1 - i];
          const { importer, logger } = services(client, {
            wrap: attribution => ({
              ...attribution,
              // Inside the transaction, facts written: each import goes on
              // once the other has written its facts too, or reports that
              // it waits for this one.
              async applyImport(tx, days, snapshot) {
                replicas[i].inTransaction.resolve();
                await Promise.race([
                  other.inTransaction.promise,
                  other.waiting.promise,
                ]);
                return attribution.applyImport(tx, days, snapshot);
              },
            }),
          });
          logger.info.mockImplementation((message: string) => {
            if (/waiting for another import/.test(message)) {
              replicas[i].waiting.resolve();
            }
          });
          return importer;
        });
        const file = writeFile(directory, 'oct.csv', focusCsv(OCTOBER));

        const results = await Promise.all(
          importers.map(importer =>
            importer.importFile({ path: file, source: 'test' }),
          ),
        );

        expect(results.map(r => r.dailyRows)).toEqual([3, 3]);
        expectStoreToHold(await storeSums(knex), fileSums(OCTOBER));
        expect(
          Number((await knex('multicloud_cost_facts').count({ n: '*' }))[0].n),
        ).toBe(3);
      } finally {
        await replica.destroy();
      }
    });
  });
});
