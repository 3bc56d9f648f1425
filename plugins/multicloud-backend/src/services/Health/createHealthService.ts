import { readFile } from 'node:fs/promises';
import { AuthService, resolvePackagePath } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MulticloudCostFolderHealth,
  MulticloudCostHealth,
  MulticloudHealth,
  MulticloudSourceHealth,
} from '@multicloud/plugin-multicloud-common';
import { MulticloudSourceStatusService } from '@multicloud/plugin-multicloud-node';
import { Knex } from 'knex';
import { FolderRunCounts, HealthService } from './types';

type Refresh = NonNullable<
  MulticloudCostHealth['attribution']['lastRefresh']
> & {
  /** Whether every source's last applied run was in the catalog at the start. */
  catalogCaughtUp: boolean;
};

function databaseKind(knex: Knex): MulticloudHealth['database'] {
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    return 'sqlite';
  }
  if (client === 'pg' || client.includes('postgres')) {
    return 'postgres';
  }
  if (client.includes('mysql')) {
    return 'mysql';
  }
  throw new Error(`Unsupported database client '${client}'`);
}

/** Whether the run resolved owners against fewer or other groups than the catalog has now. */
function ownersBehind(
  run: MulticloudSourceHealth['lastAppliedRun'],
  groups: number | undefined,
): boolean {
  return Boolean(
    run?.unresolvedOwners && groups !== undefined && groups !== run.groups,
  );
}

function pendingOfSource(source: MulticloudSourceHealth): string | undefined {
  if (source.ingested) {
    return undefined;
  }
  const applied = source.lastAppliedRun;
  if (applied && applied.entities === source.catalogEntities) {
    return `cloud source '${source.id}' resolved owner tags against ${applied.groups} groups and the catalog's groups have changed since: waiting for its next run to resolve ${applied.unresolvedOwners} owner tags again`;
  }
  if (!applied) {
    return source.lastRun?.error
      ? `cloud source '${source.id}' has not applied a run yet: ${source.lastRun.error}`
      : `cloud source '${source.id}' has not completed a run yet`;
  }
  return `the catalog serves ${source.catalogEntities} of the ${applied.entities} entities of cloud source '${source.id}'`;
}

/**
 * Creates the health service: the database round trip, the sources' runs as
 * the entity provider reported them next to what the catalog serves, the
 * cost folders' runs and whether attribution has caught up.
 *
 * @remarks
 * Folder runs and attribution refreshes are recorded in this process, so in a
 * deployment of several replicas each replica reports the runs its
 * scheduler executed; the last import comes from the database.
 */
export async function createHealthService(options: {
  knex: Knex;
  catalog: CatalogService;
  auth: AuthService;
  sourceStatus: MulticloudSourceStatusService;
  folderIds: string[];
  lastImportAt: () => Promise<string | null>;
  now?: () => Date;
}): Promise<HealthService> {
  const { knex, catalog, auth, sourceStatus } = options;
  const now = options.now ?? (() => new Date());
  const packageJson = JSON.parse(
    await readFile(
      resolvePackagePath(
        '@multicloud/plugin-multicloud-backend',
        'package.json',
      ),
      'utf8',
    ),
  );
  const version: string = packageJson.version;
  const database = databaseKind(knex);
  const folderRuns = new Map<string, MulticloudCostFolderHealth['lastRun']>();
  let lastRefresh: Refresh | undefined;
  let lastCaughtUpRefresh: Refresh | undefined;
  const createdAt = now().toISOString();

  async function sources(): Promise<MulticloudSourceHealth[]> {
    const credentials = await auth.getOwnServiceCredentials();
    const runs = sourceStatus.list();
    // A run that gave resources the default owner because their owner tags
    // named groups the catalog did not have yet is caught up only once the
    // provider has run again against the groups the catalog has now.
    const groups = runs.some(s => s.lastAppliedRun?.unresolvedOwners)
      ? (
          await catalog.queryEntities(
            { filter: { kind: 'Group' }, fields: ['metadata.name'], limit: 1 },
            { credentials },
          )
        ).totalItems
      : undefined;
    return Promise.all(
      runs.map(async source => {
        const { totalItems } = await catalog.queryEntities(
          {
            filter: {
              kind: 'Resource',
              [`metadata.annotations.${ANNOTATION_LOCATION}`]: `multicloud:${source.id}`,
            },
            fields: ['metadata.name'],
            limit: 1,
          },
          { credentials },
        );
        return {
          ...source,
          catalogEntities: totalItems,
          ingested:
            source.lastAppliedRun?.entities === totalItems &&
            !ownersBehind(source.lastAppliedRun, groups),
        };
      }),
    );
  }

  /**
   * Attribution is up to date when a successful refresh started after every
   * source's last applied run had reached the catalog and after the last
   * import.
   */
  function attributionUpToDate(
    current: MulticloudSourceHealth[],
    lastImportAt: string | null,
  ): boolean {
    const refresh = lastCaughtUpRefresh;
    if (!refresh || current.some(s => !s.ingested)) {
      return false;
    }
    const after = (time?: string) => !time || time <= refresh.startedAt;
    return (
      after(lastImportAt ?? undefined) &&
      current.every(s => after(s.lastAppliedRun?.finishedAt))
    );
  }

  const folderHealth = (): MulticloudCostFolderHealth[] =>
    options.folderIds.map(id => ({ id, lastRun: folderRuns.get(id) }));

  return {
    async runs() {
      return { sources: await sources(), folders: folderHealth() };
    },

    async check() {
      // A round trip proves the connection works, not only that it was configured.
      await knex.raw('select 1');
      const [current, lastImportAt] = await Promise.all([
        sources(),
        options.lastImportAt(),
      ]);
      const folders = folderHealth();
      const upToDate = attributionUpToDate(current, lastImportAt);
      const pending = [
        ...current.map(pendingOfSource),
        ...folders.map(({ id, lastRun }) => {
          if (!lastRun) {
            return `cost folder '${id}' has not run yet`;
          }
          return lastRun.error
            ? `cost folder '${id}' failed: ${lastRun.error}`
            : undefined;
        }),
        upToDate ? undefined : 'cost attribution has not caught up yet',
      ].filter((line): line is string => Boolean(line));
      const shownRefresh = lastRefresh && {
        startedAt: lastRefresh.startedAt,
        finishedAt: lastRefresh.finishedAt,
        changed: lastRefresh.changed,
        ...(lastRefresh.error ? { error: lastRefresh.error } : {}),
      };
      return {
        status: 'ok',
        version,
        database,
        ready: pending.length === 0,
        pending,
        sources: current,
        cost: {
          ...(lastImportAt ? { lastImportAt } : {}),
          folders,
          attribution: {
            ...(shownRefresh ? { lastRefresh: shownRefresh } : {}),
            upToDate,
          },
        },
      };
    },

    async attributionLagSeconds() {
      const [current, lastImportAt] = await Promise.all([
        sources(),
        options.lastImportAt(),
      ]);
      if (attributionUpToDate(current, lastImportAt)) {
        return 0;
      }
      const since = lastCaughtUpRefresh?.startedAt;
      const [oldestChange] = [
        lastImportAt ?? undefined,
        ...current.map(s => s.lastAppliedRun?.finishedAt),
      ]
        .filter((time): time is string => !!time && (!since || time > since))
        .sort();
      // Behind without a newer change (the catalog is still processing a
      // run): since attribution last caught up, or since this process started.
      const from = oldestChange ?? lastCaughtUpRefresh?.finishedAt ?? createdAt;
      return Math.max(0, (now().getTime() - Date.parse(from)) / 1000);
    },

    async trackRefresh(refresh) {
      const startedAt = now().toISOString();
      const catalogCaughtUp = (await sources()).every(s => s.ingested);
      const record = (fields: { changed: boolean; error?: string }) => ({
        startedAt,
        finishedAt: now().toISOString(),
        catalogCaughtUp,
        ...fields,
      });
      try {
        const { changed } = await refresh();
        lastRefresh = record({ changed });
        if (catalogCaughtUp) {
          lastCaughtUpRefresh = lastRefresh;
        }
      } catch (error) {
        lastRefresh = record({ changed: false, error: String(error) });
        throw error;
      }
    },

    async trackFolderRun(
      folderId: string,
      run: () => Promise<FolderRunCounts>,
    ) {
      const startedAt = now().toISOString();
      try {
        const counts = await run();
        folderRuns.set(folderId, {
          startedAt,
          finishedAt: now().toISOString(),
          ...counts,
        });
      } catch (error) {
        folderRuns.set(folderId, {
          startedAt,
          finishedAt: now().toISOString(),
          imported: 0,
          skipped: 0,
          failed: 0,
          error: String(error),
        });
        throw error;
      }
    },
  };
}
