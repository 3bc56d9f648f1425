import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import {
  EntityCostResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import { focusCsv, focusRow } from './testUtils/focusFiles';
import {
  databasePerPlugin,
  schedulerProbe,
  until,
} from './testUtils/testBackend';

// Issue 9, case 7: the end-to-end test raced ingestion, because nothing told
// it when the catalog had ingested the inventory and attribution had caught
// up. /health now says so; this drives the real catalog, entity provider and
// cost plugin one scheduled task at a time and checks what it reports.

jest.setTimeout(300_000);

const databases = TestDatabases.create();

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: checkout-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout-api }
spec: { type: service, lifecycle: production, owner: group:checkout-team }
`;

const INSTANCES = {
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-0abc',
          InstanceType: 't3.small',
          State: { Code: 16, Name: 'running' },
          Placement: { AvailabilityZone: 'eu-west-1a' },
          Tags: [
            { Key: 'Name', Value: 'checkout-web-1' },
            { Key: 'team', Value: 'checkout-team' },
            { Key: 'component', Value: 'checkout-api' },
          ],
        },
      ],
    },
  ],
};

async function writeFixtures() {
  const root = await mkdtemp(join(tmpdir(), 'multicloud-readiness-'));
  const region = join(root, 'inventory/aws/111122223333/eu-west-1');
  await mkdir(region, { recursive: true });
  await mkdir(join(root, 'cost'));
  await Promise.all([
    writeFile(join(root, 'catalog.yaml'), CATALOG),
    writeFile(
      join(region, 'describe-instances.json'),
      JSON.stringify(INSTANCES),
    ),
    writeFile(
      join(root, 'cost/export.csv'),
      focusCsv([
        focusRow({ ResourceId: 'i-0abc', BilledCost: 7, EffectiveCost: 7 }),
      ]),
    ),
  ]);
  return root;
}

describe('issue 9 case 7: readiness the tests can wait on', () => {
  it.each(databases.eachSupportedId())(
    '/health reports each source, the cost folder and attribution until all have caught up, on %p',
    async databaseId => {
      const [catalogDb, multicloudDb] = [
        await databases.init(databaseId),
        await databases.init(databaseId),
      ];
      const root = await writeFixtures();
      const { probe, module } = schedulerProbe();
      const { server } = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleMulticloud,
          multicloudPlugin,
          module,
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          databasePerPlugin({ catalog: catalogDb, multicloud: multicloudDb }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                processingInterval: { seconds: 1 },
                rules: [
                  { allow: ['Component', 'Group', 'Resource', 'Location'] },
                ],
                locations: [
                  { type: 'file', target: join(root, 'catalog.yaml') },
                ],
                providers: {
                  multicloud: {
                    demo: {
                      type: 'inventory',
                      path: join(root, 'inventory'),
                      defaultOwner: 'group:checkout-team',
                    },
                  },
                },
              },
              multicloud: {
                cost: {
                  imports: {
                    folders: [
                      // Written just now, and complete: no settling wait.
                      {
                        id: 'demo',
                        path: join(root, 'cost'),
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
      const health = async () => {
        const res = await request(server).get('/api/multicloud/health');
        expect(res.status).toBe(200);
        return res.body as MulticloudHealth;
      };

      // Nothing has run yet.
      const initial = await health();
      expect(initial).toMatchObject({
        ready: false,
        pending: [
          "cloud source 'demo' has not completed a run yet",
          "cost folder 'demo' has not run yet",
          'cost attribution has not caught up yet',
        ],
        sources: [
          {
            id: 'demo',
            type: 'inventory',
            catalogEntities: 0,
            ingested: false,
          },
        ],
        cost: { folders: [{ id: 'demo' }], attribution: { upToDate: false } },
      });

      await until(
        () =>
          request(server).get(
            '/api/catalog/entities/by-name/component/default/checkout-api',
          ),
        res => res.status === 200,
        'the catalog to serve checkout-api',
      );
      await scheduler.triggerTask('multicloud-cost-import:demo');
      await scheduler.triggerTask('MulticloudEntityProvider:demo:refresh');

      // The provider has applied its run; the catalog processes it on its own
      // time, and the source counts as ingested once the catalog serves it.
      const ingested = await until(
        health,
        h => h.sources[0].ingested,
        'the catalog to serve the source’s entities',
      );
      expect(ingested.sources[0]).toMatchObject({
        lastRun: { outcome: 'applied', resources: 1, entities: 1 },
        catalogEntities: 1,
      });
      expect(ingested.cost.folders[0].lastRun).toMatchObject({
        imported: 1,
        failed: 0,
      });
      // The import attributed its rows before the resource was in the
      // catalog: attribution is not up to date until a refresh ran after it.
      expect(ingested.ready).toBe(false);
      expect(ingested.pending).toEqual([
        'cost attribution has not caught up yet',
      ]);

      await scheduler.triggerTask('multicloud-cost-attribution');
      const ready = await health();
      expect(ready).toMatchObject({
        ready: true,
        pending: [],
        cost: {
          attribution: { upToDate: true, lastRefresh: { changed: true } },
        },
      });

      // What the end-to-end test then looks at: the component's cost by
      // resource links to the Resource entity.
      const cost = await request(server).get(
        '/api/multicloud/cost/entity?entityRef=component:default/checkout-api&groupBy=resource&from=2026-10-01&to=2026-10-31',
      );
      expect(cost.status).toBe(200);
      const body = cost.body as EntityCostResponse;
      expect(body.total).toBe(7);
      expect(body.breakdown).toEqual([
        expect.objectContaining({
          key: 'i-0abc',
          entityRef: expect.stringMatching(
            /^resource:default\/checkout-web-1-/,
          ),
        }),
      ]);
    },
  );
});
