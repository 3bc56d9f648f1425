import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import {
  EntityCostResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import { addDays } from './services/CostAnalytics/dates';
import {
  backtestMape,
  forecastCoverage,
} from './services/CostAnalytics/forecast';
import {
  DEMO_CATALOG_FILES,
  EXAMPLES,
  demoCatalogConfig,
  schedulerProbe,
  until,
} from './testUtils/testBackend';

// The issue asks for 80% intervals that hold 75-85% of the time in rolling
// backtests on the demo data: this measures them on the series the cost API
// answers for the demo catalog after importing the demo export, as the
// portal imports it.

jest.setTimeout(300_000);

/** A fixed last day, so the export and the figures are the same every run. */
const LAST_DAY = '2026-12-06';
const COST_KINDS = ['Component', 'System', 'Domain', 'Group'];
/** More than the demo export spans: three months and one to date. */
const EXPORT_DAYS = 130;

/** Writes the demo export ending on LAST_DAY into `folder`, as `make start` does for yesterday. */
async function generateDemoExport(folder: string): Promise<void> {
  await promisify(execFile)(process.execPath, [
    resolve(EXAMPLES, 'cost/generate.mjs'),
    `--last-day=${LAST_DAY}`,
    `--out=${join(folder, 'focus-demo.csv.gz')}`,
  ]);
}

/** Refs of the entities the demo catalog files describe. */
async function catalogFileRefs(files: string[]): Promise<string[]> {
  const refs: string[] = [];
  for (const file of files) {
    const results = parseEntityYaml(await readFile(file), {
      type: 'file',
      target: file,
    });
    for (const result of results) {
      if (result.type === 'entity') {
        refs.push(stringifyEntityRef(result.entity).toLocaleLowerCase('en-US'));
      }
    }
  }
  return refs;
}

describe('forecast intervals on the demo data', () => {
  let exportFolder: string | undefined;
  afterAll(async () => {
    if (exportFolder) {
      await rm(exportFolder, { recursive: true, force: true });
    }
  });

  it('hold 75-85% of the days and month totals at the 80% level', async () => {
    exportFolder = await mkdtemp(join(tmpdir(), 'multicloud-forecast-demo-'));
    // Generated while the catalog ingests the demo catalog.
    const generated = generateDemoExport(exportFolder);
    const { probe, module } = schedulerProbe();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMulticloud,
        multicloudPlugin,
        module,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            catalog: demoCatalogConfig(),
            multicloud: {
              cost: {
                imports: {
                  folders: [
                    {
                      id: 'demo',
                      path: exportFolder,
                      settleTime: { seconds: 0 },
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });
    const scheduler = probe.scheduler!;
    const health = async () =>
      (await request(server).get('/api/multicloud/health'))
        .body as MulticloudHealth;

    // The groups first, so that the provider resolves the owner tags the
    // way it does in a running portal.
    const expected = await catalogFileRefs(DEMO_CATALOG_FILES);
    await until(
      async () =>
        (
          await request(server)
            .post('/api/catalog/entities/by-refs')
            .send({ entityRefs: expected, fields: ['kind'] })
        ).body.items as unknown[],
      items => items.every(Boolean),
      'the catalog to serve the demo catalog files',
    );
    await scheduler.triggerTask('MulticloudEntityProvider:demo:refresh');
    await until(
      health,
      h => h.sources[0]?.ingested,
      'the catalog to serve the demo inventory',
    );
    await generated;
    await scheduler.triggerTask('multicloud-cost-import:demo');
    await scheduler.triggerTask('multicloud-cost-attribution');
    const ready = await health();
    expect({ ready: ready.ready, pending: ready.pending }).toEqual({
      ready: true,
      pending: [],
    });

    const entities = (
      await request(server).get(
        `/api/catalog/entities?${COST_KINDS.map(
          kind => `filter=kind=${kind}`,
        ).join('&')}&fields=kind,metadata.namespace,metadata.name`,
      )
    ).body as Entity[];
    let series = 0;
    let days = 0;
    let daysHeld = 0;
    let months = 0;
    let monthsHeld = 0;
    const mapes: number[] = [];
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const res = await request(server)
        .get('/api/multicloud/cost/entity')
        .query({
          entityRef,
          from: addDays(LAST_DAY, -EXPORT_DAYS),
          to: LAST_DAY,
        });
      expect({ entityRef, status: res.status }).toEqual({
        entityRef,
        status: 200,
      });
      const body = res.body as EntityCostResponse;
      // Without cost, every zero forecast would hold its zero and count.
      if (body.daily.every(day => day.cost === 0)) {
        continue;
      }
      const coverage = forecastCoverage(body.daily);
      // What the cost API reports of the same series.
      expect({ entityRef, coverage: body.forecast?.coverage }).toEqual({
        entityRef,
        coverage: {
          level: coverage.level,
          day: coverage.day,
          month: coverage.month,
        },
      });
      if (coverage.days > 0) {
        series++;
        days += coverage.days;
        daysHeld += Math.round(coverage.day! * coverage.days);
        months += coverage.months;
        monthsHeld += Math.round(coverage.month! * coverage.months);
        mapes.push(backtestMape(body.daily)!);
      }
    }
    const figures = {
      series,
      days,
      months,
      day: daysHeld / days,
      month: monthsHeld / months,
      meanMape: mapes.reduce((sum, mape) => sum + mape, 0) / mapes.length,
    };
    // A share outside 75-85% shows as itself, with the other figures.
    const within = (share: number) =>
      share >= 0.75 && share <= 0.85 ? '75-85%' : share;
    expect({
      ...figures,
      day: within(figures.day),
      month: within(figures.month),
    }).toEqual({ ...figures, day: '75-85%', month: '75-85%' });
    expect(series).toBeGreaterThanOrEqual(20);
  });
});
