import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from '../../../../database/migrations';
import {
  FocusRow,
  focusCsv,
  focusRow,
  writeFile,
} from '../../../../testUtils/focusFiles';
import { testImportLimits } from '../../../../testUtils/importLimits';
import { addDays, eachDay } from '../../../CostAnalytics/dates';
import { DEFAULT_TAG_KEYS } from '../../../CostAttribution/attributionModel';
import { createCostAttributionService } from '../../../CostAttribution/createCostAttributionService';
import { createCostImportService } from '../../../CostImport/createCostImportService';

type Relation = { type: string; targetRef: string };

/** A Resource as the multicloud entity provider writes it. */
export function cloudResource(
  name: string,
  options: {
    type: string;
    owner?: string;
    title?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    dependsOn?: string[];
    relations?: Relation[];
    resourceId?: string;
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      ...(options.title ? { title: options.title } : {}),
      annotations: {
        'multicloud.io/provider': 'aws',
        'multicloud.io/region': 'eu-west-1',
        ...(options.resourceId
          ? { 'multicloud.io/resource-id': options.resourceId }
          : {}),
        ...options.annotations,
      },
      labels: {
        'multicloud.io/provider': 'aws',
        'multicloud.io/region': 'eu-west-1',
        ...options.labels,
      },
    },
    spec: {
      type: options.type,
      owner: options.owner ?? 'platform-team',
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    },
    relations: options.relations ?? [],
  };
}

/** Any other catalog entity, with its spec and relations. */
export function catalogEntity(
  ref: string,
  options: {
    title?: string;
    spec?: Entity['spec'];
    annotations?: Record<string, string>;
    relations?: Relation[];
  } = {},
): Entity {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: kind[0].toUpperCase() + kind.slice(1),
    metadata: {
      name,
      namespace,
      ...(options.title ? { title: options.title } : {}),
      annotations: options.annotations ?? {},
    },
    spec: options.spec ?? {},
    relations: options.relations ?? [],
  };
}

/** The catalog as it is when asked: tests change `entities` between evaluations. */
export function mutableCatalog(entities: Entity[]) {
  const state = { entities };
  const calls: Array<Parameters<CatalogService['queryEntities']>[0]> = [];
  const catalog = {
    queryEntities: (...args: Parameters<CatalogService['queryEntities']>) => {
      calls.push(args[0]);
      return catalogServiceMock({ entities: state.entities }).queryEntities(
        ...args,
      );
    },
    getEntitiesByRefs: (
      ...args: Parameters<CatalogService['getEntitiesByRefs']>
    ) =>
      catalogServiceMock({ entities: state.entities }).getEntitiesByRefs(
        ...args,
      ),
  } as unknown as CatalogService;
  return { catalog, state, calls };
}

/** One usage row per day from `from` to `to` (daily charge periods), cost from `cost(date, index)`. */
export function dailyRows(
  from: string,
  to: string,
  cost: (date: string, index: number) => number,
  overrides: FocusRow = {},
): FocusRow[] {
  return eachDay(from, to).map((date, index) => {
    const value = cost(date, index);
    return focusRow({
      BilledCost: value,
      EffectiveCost: value,
      ListCost: value,
      BillingPeriodStart: `${date.slice(0, 8)}01T00:00:00Z`,
      BillingPeriodEnd: `${date.slice(0, 8)}01T00:00:00Z`,
      ChargePeriodStart: `${date}T00:00:00Z`,
      ChargePeriodEnd: `${addDays(date, 1)}T00:00:00Z`,
      ...overrides,
    });
  });
}

/**
 * A migrated database with the cost store filled from FOCUS rows through
 * the real import and attribution, against the catalog `entities`.
 */
export async function costStore(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
  catalog: CatalogService,
): Promise<{
  knex: Knex;
  importRows: (rows: FocusRow[]) => Promise<void>;
  cleanUp: () => void;
}> {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations(knex);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-rules-'));
  const logger = mockServices.logger.mock();
  const attribution = createCostAttributionService({
    knex,
    catalog,
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
  let files = 0;
  return {
    knex,
    importRows: async rows => {
      files += 1;
      await importer.importFile({
        path: writeFile(directory, `cost-${files}.csv`, focusCsv(rows)),
        source: 'test',
      });
    },
    cleanUp: () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}
