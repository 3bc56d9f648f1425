import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CostSummaryResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import knexFactory, { Knex } from 'knex';
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
  settle,
  writeFile,
} from './testUtils/focusFiles';
import { schedulerProbe, until } from './testUtils/testBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});
const FOLDER_TASK = 'multicloud-cost-import:shared';

/** A month of daily cost over five resources, some known to the catalog. */
function month(yearMonth: string, days: number, scale: number): FocusRow[] {
  const [year, monthNumber] = yearMonth.split('-').map(Number);
  const next = new Date(Date.UTC(year, monthNumber, 1))
    .toISOString()
    .slice(0, 10);
  const rows: FocusRow[] = [];
  for (let day = 1; day <= days; day++) {
    const date = `${yearMonth}-${String(day).padStart(2, '0')}`;
    ['i-0abc', 'i-0tagged', 'i-0new', 'i-0data', 'i-0batch'].forEach(
      (resource, index) =>
        rows.push(
          focusRow({
            BillingPeriodStart: `${yearMonth}-01T00:00:00Z`,
            BillingPeriodEnd: `${next}T00:00:00Z`,
            ChargePeriodStart: `${date}T00:00:00Z`,
            ChargePeriodEnd: `${date}T01:00:00Z`,
            ResourceId: resource,
            BilledCost: scale * (index + 1) + day / 100,
            EffectiveCost: scale * (index + 1) + day / 100,
            Tags:
              resource === 'i-0tagged' ? '{"component":"checkout-api"}' : null,
          }),
        ),
    );
  }
  return rows;
}

type Replica = {
  server: Parameters<typeof request>[0];
  triggerFolder(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * One backend replica: the multicloud plugin with Backstage's own scheduler
 * (tasks coordinated through the database, as in production) on its own
 * connection pool to the shared PostgreSQL database.
 */
async function startReplica(knex: Knex, folder: string): Promise<Replica> {
  const { probe, module } = schedulerProbe();
  const backend = await startTestBackend({
    features: [
      multicloudPlugin,
      module,
      schedulerServiceFactory,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: demoCatalog() }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          multicloud: {
            cost: {
              imports: {
                folders: [
                  {
                    id: 'shared',
                    path: folder,
                    // Once when the first replica starts, then when asked.
                    schedule: {
                      frequency: { hours: 24 },
                      timeout: { minutes: 5 },
                    },
                  },
                ],
              },
            },
            alerts: { notifications: { enabled: false } },
          },
        },
      }),
    ],
  });
  return {
    server: backend.server,
    triggerFolder: () => probe.scheduler!.triggerTask(FOLDER_TASK),
    stop: () => backend.stop(),
  };
}

/** The second replica's pool: the same database, its own connections. */
function secondPool(knex: Knex): Knex {
  const { client, connection } = knex.client.config;
  return knexFactory({ client, connection });
}

async function factsTotal(knex: Knex): Promise<number> {
  const [row] = await knex('multicloud_cost_facts').sum({
    cost: 'effective_cost',
  });
  return Number(row.cost);
}

describe('two backend replicas on one PostgreSQL database', () => {
  let directory: string;
  let folder: string;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'multicloud-replicas-'));
    folder = path.join(directory, 'exports');
    fs.mkdirSync(folder);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop();
    }
    fs.rmSync(directory, { recursive: true, force: true });
  });

  async function twoReplicas() {
    const knexA = await databases.init('POSTGRES_15');
    const knexB = secondPool(knexA);
    stops.push(() => knexB.destroy());
    const a = await startReplica(knexA, folder);
    stops.push(a.stop);
    const b = await startReplica(knexB, folder);
    stops.push(b.stop);
    return { knex: knexA, a, b };
  }

  const folderRun = async (replica: Replica) => {
    const res = await request(replica.server).get('/api/multicloud/health');
    const health = res.body as MulticloudHealth;
    return health.cost.folders.find(f => f.id === 'shared')?.lastRun;
  };

  it('runs the scheduled folder import on one of them, imports each file once, and imports nothing twice when asked again on the other', async () => {
    for (const [name, yearMonth] of [
      ['2026-09.csv', '2026-09'],
      ['2026-10.csv', '2026-10'],
      ['2026-11.csv', '2026-11'],
    ]) {
      settle(writeFile(folder, name, focusCsv(month(yearMonth, 28, 3))));
    }
    const { knex, a, b } = await twoReplicas();

    const runs = await until(
      () => Promise.all([folderRun(a), folderRun(b)]),
      ([runA, runB]) => Boolean(runA || runB),
      'a replica to report the folder run',
      100,
    );
    // The scheduler hands a global task to one replica at a time.
    const ran = runs.filter(Boolean);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ imported: 3, failed: 0, skipped: 0 });

    expect(await knex('multicloud_cost_imports').count({ n: '*' })).toEqual([
      { n: '3' },
    ]);
    expect(await knex('multicloud_cost_facts').count({ n: '*' })).toEqual([
      { n: String(3 * 28 * 5) },
    ]);

    // Asked again, on the other replica: whichever replica the scheduler
    // hands it to finds nothing new.
    const asked = new Date().toISOString();
    // The scheduler clears its run a moment after the task reported it:
    // until then it refuses the trigger as "currently running".
    await until(
      () =>
        (runs[0] ? b : a).triggerFolder().then(
          () => true,
          error => {
            if (error?.name === 'ConflictError') {
              return false;
            }
            throw error;
          },
        ),
      triggered => triggered,
      'the scheduler to take the second folder run',
    );
    const again = await until(
      () => Promise.all([folderRun(a), folderRun(b)]),
      both => both.some(run => run && run.startedAt >= asked),
      'a replica to report the second folder run',
    );
    expect(again.find(run => run && run.startedAt >= asked)).toMatchObject({
      imported: 0,
      skipped: 3,
    });
    expect(await knex('multicloud_cost_imports').count({ n: '*' })).toEqual([
      { n: '3' },
    ]);
  });

  it("takes uploads on both at once, and a rebuild on one while the other imports, and the organisation total stays the facts' sum", async () => {
    const { knex, a, b } = await twoReplicas();
    const upload = (replica: Replica, yearMonth: string, scale: number) =>
      request(replica.server)
        .post(`/api/multicloud/cost/imports?fileName=${yearMonth}.csv`)
        .set('Content-Type', 'text/csv')
        .send(focusCsv(month(yearMonth, 28, scale)));

    const first = await Promise.all([
      upload(a, '2026-09', 2),
      upload(b, '2026-10', 3),
      upload(a, '2026-11', 4),
      upload(b, '2026-08', 5),
    ]);
    expect(first.map(res => res.status)).toEqual([201, 201, 201, 201]);

    // A rebuild on A while B imports another month and A replaces one.
    const second = await Promise.all([
      request(a.server).post('/api/multicloud/cost/rebuild'),
      upload(b, '2026-07', 6),
      upload(a, '2026-09', 7),
    ]);
    expect(second.map(res => res.status)).toEqual([200, 201, 201]);

    const expected = await factsTotal(knex);
    // Six months of five resources; September replaced, not added.
    const perMonth = (scale: number) =>
      28 * scale * 15 + 5 * ((28 * 29) / 2 / 100);
    expect(expected).toBeCloseTo(
      [7, 3, 4, 5, 6].reduce((sum, scale) => sum + perMonth(scale), 0),
      6,
    );
    for (const replica of [a, b]) {
      const res = await request(replica.server).get(
        '/api/multicloud/cost/summary?from=2026-07-01&to=2026-11-30&groupBy=owner',
      );
      expect(res.status).toBe(200);
      const summary = res.body as CostSummaryResponse;
      expect(summary.total).toBeCloseTo(expected, 6);
    }
  });
});
