import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import { createHealthService } from './createHealthService';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const resource = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    annotations: { 'backstage.io/managed-by-location': 'multicloud:aws' },
  },
  spec: { type: 'ec2-instance', owner: 'group:platform-team' },
});

async function setup() {
  const knex = await databases.init('SQLITE_3');
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const now = () => new Date((clock += 1000));
  let catalogEntities: Entity[] = [];
  let groups: Entity[] = [];
  // The catalog as it is at each call: tests change what it serves.
  const catalog = {
    queryEntities: (...args: Parameters<CatalogService['queryEntities']>) =>
      catalogServiceMock({
        entities: [...catalogEntities, ...groups],
      }).queryEntities(...args),
  } as CatalogService;
  const sourceStatus = createInMemorySourceStatus();
  sourceStatus.register({ id: 'aws', type: 'aws' });
  let lastImportAt: string | null = null;
  const health = await createHealthService({
    knex,
    catalog,
    auth: mockServices.auth(),
    sourceStatus,
    folderIds: ['exports'],
    lastImportAt: async () => lastImportAt,
    now,
  });
  const applyRun = (
    entities: number,
    owners?: { groups: number; unresolvedOwners: number },
  ) => {
    const startedAt = now().toISOString();
    sourceStatus.recordRun('aws', {
      startedAt,
      finishedAt: now().toISOString(),
      outcome: 'applied',
      resources: entities,
      entities,
      ...owners,
    });
  };
  return {
    health,
    applyRun,
    serve: (count: number) => {
      catalogEntities = Array.from({ length: count }, (_, i) =>
        resource(`r-${i}`),
      );
    },
    addGroups: (count: number) => {
      groups = Array.from({ length: count }, (_, i) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: `team-${i}` },
        spec: { type: 'team', children: [] },
      }));
    },
    importNow: () => {
      lastImportAt = now().toISOString();
    },
    recordFailedRun: (error: string) => {
      const startedAt = now().toISOString();
      sourceStatus.recordRun('aws', {
        startedAt,
        finishedAt: now().toISOString(),
        outcome: 'failed',
        error,
      });
    },
  };
}

const refreshed = async () => ({ changed: true });
const folderRan = async () => ({ imported: 1, skipped: 0, failed: 0 });

describe('issue 9 case 7: attribution counts as up to date only after the catalog caught up', () => {
  it('waits for a run that resolves owners again when the catalog got groups after the run resolved them', async () => {
    const { health, applyRun, serve, addGroups } = await setup();
    // The first run came before the organisation: owner tags named no group.
    applyRun(3, { groups: 0, unresolvedOwners: 2 });
    serve(3);
    addGroups(4);
    let report = await health.check();
    expect(report.sources[0].ingested).toBe(false);
    expect(report.pending).toContainEqual(
      expect.stringMatching(
        /^cloud source 'aws' resolved owner tags against 0 groups and the catalog's groups have changed since: waiting for its next run/,
      ),
    );
    // The provider ran again against the four groups; one tag names a team
    // that does not exist (a deleted team), which is no reason to wait.
    applyRun(3, { groups: 4, unresolvedOwners: 1 });
    report = await health.check();
    expect(report.sources[0].ingested).toBe(true);
  });

  it('does not count a refresh that ran while the catalog was still processing a source', async () => {
    const { health, applyRun, serve } = await setup();
    await health.trackFolderRun('exports', folderRan);
    applyRun(2);
    serve(1);

    await health.trackRefresh(refreshed);
    let report = await health.check();
    expect(report.sources[0]).toMatchObject({
      catalogEntities: 1,
      ingested: false,
    });
    expect(report.pending).toEqual([
      "the catalog serves 1 of the 2 entities of cloud source 'aws'",
      'cost attribution has not caught up yet',
    ]);

    // The catalog catches up, but the refresh before it does not count.
    serve(2);
    report = await health.check();
    expect(report.sources[0].ingested).toBe(true);
    expect(report.cost.attribution.upToDate).toBe(false);

    await health.trackRefresh(refreshed);
    report = await health.check();
    expect(report).toMatchObject({
      ready: true,
      pending: [],
      cost: { attribution: { upToDate: true } },
    });
  });

  it('is no longer up to date after a new source run or a new import, until the next refresh', async () => {
    const { health, applyRun, serve, importNow } = await setup();
    await health.trackFolderRun('exports', folderRan);
    applyRun(1);
    serve(1);
    await health.trackRefresh(refreshed);
    expect((await health.check()).ready).toBe(true);

    applyRun(1);
    expect((await health.check()).cost.attribution.upToDate).toBe(false);
    await health.trackRefresh(refreshed);
    expect((await health.check()).ready).toBe(true);

    importNow();
    expect((await health.check()).cost.attribution.upToDate).toBe(false);
    await health.trackRefresh(refreshed);
    expect((await health.check()).ready).toBe(true);
  });

  it('reports failed runs with their errors and never as ready', async () => {
    const { health, recordFailedRun } = await setup();
    recordFailedRun(
      'AuthFailure: AWS was not able to validate the credentials',
    );
    await expect(
      health.trackFolderRun('exports', async () => {
        throw new Error('/exports does not exist');
      }),
    ).rejects.toThrow('/exports does not exist');
    await expect(
      health.trackRefresh(async () => {
        throw new Error('catalog unreachable');
      }),
    ).rejects.toThrow('catalog unreachable');

    const report = await health.check();
    expect(report.ready).toBe(false);
    expect(report.pending).toEqual([
      "cloud source 'aws' has not applied a run yet: AuthFailure: AWS was not able to validate the credentials",
      "cost folder 'exports' failed: Error: /exports does not exist",
      'cost attribution has not caught up yet',
    ]);
    expect(report.cost.folders[0].lastRun).toMatchObject({
      imported: 0,
      error: 'Error: /exports does not exist',
    });
    expect(report.cost.attribution.lastRefresh).toMatchObject({
      changed: false,
      error: 'Error: catalog unreachable',
    });
  });
});

describe('runs, for the sources list that polls them', () => {
  it('reports the sources and cost folders as check() does', async () => {
    const { health, applyRun, serve } = await setup();
    applyRun(3);
    serve(2);
    await health.trackFolderRun('exports', folderRan);

    const runs = await health.runs();
    const report = await health.check();
    expect(runs).toEqual({
      sources: report.sources,
      folders: report.cost.folders,
    });
    expect(runs.sources[0]).toMatchObject({
      id: 'aws',
      catalogEntities: 2,
      ingested: false,
    });
    expect(runs.folders[0].lastRun).toMatchObject({ imported: 1 });
  });
});

describe('attribution lag, for the multicloud.cost.attribution.lag gauge', () => {
  it('is 0 when attribution is up to date, else the seconds since the oldest change it has not caught up with', async () => {
    const { health, applyRun, serve, importNow } = await setup();
    applyRun(2);
    serve(2);
    // Never refreshed: behind since the run finished, one tick (1 s) ago.
    expect(await health.attributionLagSeconds()).toBe(1);

    await health.trackRefresh(async () => ({ changed: true }));
    expect((await health.check()).cost.attribution.upToDate).toBe(true);
    expect(await health.attributionLagSeconds()).toBe(0);

    importNow();
    expect(await health.attributionLagSeconds()).toBe(1);
    applyRun(2);
    // The import is still the oldest change not attributed.
    expect(await health.attributionLagSeconds()).toBe(4);

    await health.trackRefresh(async () => ({ changed: false }));
    expect(await health.attributionLagSeconds()).toBe(0);
  });
});
