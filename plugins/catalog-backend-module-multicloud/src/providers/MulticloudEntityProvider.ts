import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  CloudResource,
  MULTICLOUD_ANNOTATIONS,
  MulticloudSourceRun,
} from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  CloudSourceReadResult,
  MulticloudSourceStatusService,
  resourceEntityName,
} from '@multicloud/plugin-multicloud-node';
import {
  createMulticloudSourceMetrics,
  measuredSourceStatus,
} from '../lib/metrics';
import { createCloudSourceFromConfig } from '../sources/createCloudSourceFromConfig';
import { countGroups, createOwnerResolver, OwnerResolver } from './owners';
import { resourceToEntity } from './resourceToEntity';

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};

/**
 * Per-source behaviour of a {@link MulticloudEntityProvider}, read from the
 * source's block under `catalog.providers.multicloud`.
 *
 * @public
 */
export type MulticloudProviderOptions = {
  /** Owner when no owner tag names a known group. */
  defaultOwner: string;
  /** Tag keys that name the owner, first match wins. */
  ownerTagKeys: string[];
  /**
   * Largest share of the source's entities one run may remove; a run that
   * would remove more is refused, so a cloud API answering with a fraction of
   * the estate cannot wipe the catalog.
   */
  maxRemovalShare: number;
  /**
   * After a run in which owner tags named groups the catalog did not have,
   * how often and how many times to look whether the catalog's groups have
   * changed, and run again as soon as they have: on a fresh start the
   * organisation is often still being processed when the first run resolves
   * owners. Default every 10 s, 60 times.
   */
  ownerRecheck?: { intervalMs: number; attempts: number };
};

const DEFAULT_OWNER_RECHECK = { intervalMs: 10_000, attempts: 60 };
const OWN_ENTITIES_PAGE = 1000;

/**
 * The source's entities in the catalog before a run: their names, and the
 * part that read each (only when the run has failed parts).
 */
type PreviousEntities = {
  names: Set<string>;
  partOf: Map<string, string>;
};

/**
 * Of the source's entities in the catalog, those a run that read
 * `readNames` must remove, and how many it keeps because their part failed:
 * a failed part `p` covers the parts `p` and `p:...`.
 */
function keptEntities(
  previous: PreviousEntities,
  readNames: Set<string>,
  failedParts: CloudSourceReadResult['failedParts'],
): { removed: string[]; kept: number } {
  const failed = failedParts.map(({ part }) => part);
  const covered = (part: string | undefined) =>
    part !== undefined &&
    failed.some(key => part === key || part.startsWith(`${key}:`));
  const removed: string[] = [];
  let kept = 0;
  for (const name of previous.names) {
    if (readNames.has(name)) {
      continue;
    }
    if (covered(previous.partOf.get(name))) {
      kept++;
    } else {
      removed.push(name);
    }
  }
  return { removed, kept };
}

function readProviderOptions(
  config: Config | undefined,
): MulticloudProviderOptions {
  return {
    defaultOwner: config?.getOptionalString('defaultOwner') ?? 'unknown',
    ownerTagKeys: config?.getOptionalStringArray('ownerTagKeys') ?? [
      'owner',
      'team',
    ],
    maxRemovalShare: config?.getOptionalNumber('maxRemovalShare') ?? 0.5,
  };
}

/**
 * Turns the resources of one cloud source into `Resource` entities.
 *
 * @remarks
 * Each source gets its own provider and so its own mutation scope: a source
 * that fails keeps the entities of its last good run, and never touches the
 * entities of other sources.
 *
 * @public
 */
export class MulticloudEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  /**
   * One provider per source: every key under `catalog.providers.multicloud`
   * with a `type`, plus the sources other modules added through the
   * extension point (configured by a key of the same id, if any).
   */
  static fromConfig(
    rootConfig: Config,
    deps: {
      logger: LoggerService;
      scheduler: SchedulerService;
      catalog: CatalogService;
      auth: AuthService;
      sourceStatus: MulticloudSourceStatusService;
      extraSources?: CloudSource[];
      /** Where run durations, outcomes and API requests are measured (docs/metrics.md). */
      metrics?: MetricsService;
    },
  ): MulticloudEntityProvider[] {
    const providersConfig = rootConfig.getOptionalConfig(
      'catalog.providers.multicloud',
    );
    const extraSources = new Map((deps.extraSources ?? []).map(s => [s.id, s]));
    const ids = new Set([
      ...(providersConfig?.keys() ?? []),
      ...extraSources.keys(),
    ]);

    const sourceMetrics =
      deps.metrics && createMulticloudSourceMetrics(deps.metrics);
    return [...ids].map(id => {
      const sourceConfig = providersConfig?.getOptionalConfig(id);
      const logger = deps.logger.child({ sourceId: id });
      const type = extraSources.has(id)
        ? 'extension'
        : sourceConfig!.getString('type');
      const metrics = sourceMetrics?.forSource(id, type);
      const source =
        extraSources.get(id) ??
        createCloudSourceFromConfig({
          id,
          config: sourceConfig!,
          rootConfig,
          logger,
          apiRequests: metrics?.apiRequests,
        });
      const schedule = sourceConfig?.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            sourceConfig.getConfig('schedule'),
          )
        : DEFAULT_SCHEDULE;
      deps.sourceStatus.register({ id, type });
      return new MulticloudEntityProvider(
        source,
        readProviderOptions(sourceConfig),
        deps.scheduler.createScheduledTaskRunner(schedule),
        logger,
        deps.catalog,
        deps.auth,
        metrics
          ? measuredSourceStatus(deps.sourceStatus, metrics)
          : deps.sourceStatus,
      );
    });
  }

  /**
   * Builds a provider for one source; {@link MulticloudEntityProvider.fromConfig}
   * does this for every configured source, so call it directly only to wire
   * a source by hand.
   */
  constructor(
    private readonly source: CloudSource,
    private readonly options: MulticloudProviderOptions,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly logger: LoggerService,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly sourceStatus: MulticloudSourceStatusService,
  ) {}

  /** The provider's unique name, `MulticloudEntityProvider:<sourceId>`. */
  getProviderName(): string {
    return `MulticloudEntityProvider:${this.source.id}`;
  }

  private get location(): string {
    return `multicloud:${this.source.id}`;
  }

  /**
   * Called by the catalog once: keeps the connection and schedules the
   * recurring refresh of the source's entities.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async abortSignal => {
        await this.refresh(abortSignal);
      },
    });
  }

  /**
   * Reads the source and replaces its entities; on any failure logs and keeps
   * them. Every run's outcome is reported to the source status service.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    // One run at a time in this process: a re-check that fires while the
    // scheduled run is under way waits for it instead of running alongside.
    const previous = this.running;
    const run = previous.then(() => this.refreshOnce(signal));
    this.running = run.catch(() => undefined);
    return run;
  }

  private running: Promise<unknown> = Promise.resolve();
  private recheck?: ReturnType<typeof setTimeout>;

  private async refreshOnce(signal?: AbortSignal): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(`${this.getProviderName()} is not connected`);
    }
    const started = new Date();
    const report = (
      run: Omit<MulticloudSourceRun, 'startedAt' | 'finishedAt'>,
    ) =>
      this.sourceStatus.recordRun(this.source.id, {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        ...run,
      });
    const read = await this.readEntities(signal);
    if (!('entities' in read)) {
      report(read);
      return;
    }
    const { entities, owners, failedParts, keep, changes } = read;
    try {
      await connection.applyMutation(
        keep
          ? {
              type: 'delta',
              added: entities,
              removed: keep.removed.map(name => ({
                entityRef: `resource:default/${name}`,
                locationKey: this.getProviderName(),
              })),
            }
          : { type: 'full', entities },
      );
    } catch (error) {
      report({
        outcome: 'failed',
        resources: entities.length,
        error: `The catalog did not accept the entities: ${error}`,
      });
      throw error;
    }
    const kept = keep?.kept ?? 0;
    report({
      outcome: 'applied',
      resources: entities.length,
      entities: entities.length + kept,
      ...changes,
      groups: owners.groups,
      unresolvedOwners: owners.unresolved(),
      ...(failedParts.length ? { failedParts } : {}),
    });
    this.watchGroups(owners);
    this.logger.info(
      `Applied ${entities.length} resources from cloud source '${
        this.source.id
      }' in ${Date.now() - started.getTime()} ms${
        failedParts.length
          ? `; ${failedParts.length} parts failed and keep their ${kept} other entities`
          : ''
      }`,
    );
  }

  /**
   * The entities of the source's resources, or why this run must keep the
   * previous ones (also logged). The resources are garbage once it returns,
   * so they are not held while the catalog applies the mutation.
   */
  private async readEntities(signal?: AbortSignal): Promise<
    | {
        entities: DeferredEntity[];
        owners: OwnerResolver;
        failedParts: CloudSourceReadResult['failedParts'];
        /** When parts failed: what the delta mutation removes, and how many entities of the failed parts it keeps. */
        keep?: { removed: string[]; kept: number };
        /** Entities the mutation adds to the catalog and removes from it. */
        changes: { added: number; removed: number };
      }
    | {
        outcome: 'failed' | 'refused';
        resources?: number;
        error: string;
      }
  > {
    const sourceId = this.source.id;
    let resources: CloudResource[];
    let failedParts: CloudSourceReadResult['failedParts'];
    let owners: OwnerResolver;
    let previous: PreviousEntities;
    try {
      const read = await this.source.readResources({ signal });
      ({ resources, failedParts } = Array.isArray(read)
        ? { resources: read, failedParts: [] }
        : read);
      const credentials = await this.auth.getOwnServiceCredentials();
      [owners, previous] = await Promise.all([
        createOwnerResolver(this.catalog, credentials),
        this.listOwnEntities(credentials, failedParts.length > 0),
      ]);
    } catch (error) {
      this.logger.error(
        `Reading cloud source '${sourceId}' failed; keeping its previous entities: ${error}`,
      );
      return { outcome: 'failed', error: String(error) };
    }

    const entityNames = resources.map(r =>
      resourceEntityName(r.name, r.nativeId),
    );
    const readNames = new Set(entityNames);
    const keep = failedParts.length
      ? keptEntities(previous, readNames, failedParts)
      : undefined;
    const previousCount = previous.names.size;
    // The guard weighs a full run by how many fewer resources it read, so
    // that renamed resources do not count as removals against it.
    const removed = keep
      ? keep.removed.length
      : previousCount - resources.length;
    if (
      previousCount > 0 &&
      removed / previousCount > this.options.maxRemovalShare
    ) {
      const error =
        `Cloud source '${sourceId}' returned ${resources.length} resources where the catalog holds ${previousCount}; ` +
        `refusing to remove more than ${Math.round(
          this.options.maxRemovalShare * 100,
        )}% of its entities in one run ` +
        `(raise catalog.providers.multicloud.${sourceId}.maxRemovalShare if this is intended)`;
      this.logger.warn(error);
      return { outcome: 'refused', resources: resources.length, error };
    }

    const namesByNativeId = new Map(
      resources.map((r, index) => [r.nativeId, entityNames[index]]),
    );
    const sharedStrings = new Map<string, string>();
    const lookups = {
      nameOf: (nativeId: string, name?: string) =>
        namesByNativeId.get(nativeId) ??
        (name ? resourceEntityName(name, nativeId) : undefined),
      ownerOf: owners.resolve,
      shared: (value: string) => {
        const known = sharedStrings.get(value);
        if (known !== undefined) {
          return known;
        }
        sharedStrings.set(value, value);
        return value;
      },
    };
    // One string and one options object for all entities, not one each.
    const mappingOptions = { location: this.location, ...this.options };
    const locationKey = this.getProviderName();
    const entities = resources.map((resource, index) => ({
      entity: resourceToEntity(
        resource,
        entityNames[index],
        mappingOptions,
        lookups,
      ),
      locationKey,
    }));
    let added = 0;
    for (const name of readNames) {
      if (!previous.names.has(name)) {
        added++;
      }
    }
    let gone = 0;
    if (keep) {
      gone = keep.removed.length;
    } else {
      for (const name of previous.names) {
        if (!readNames.has(name)) {
          gone++;
        }
      }
    }
    return {
      entities,
      owners,
      failedParts,
      keep,
      changes: { added, removed: gone },
    };
  }

  /**
   * When owner tags of the run named no known group, looks every
   * `ownerRecheck.intervalMs` whether the catalog's groups have changed since
   * the run loaded them, and runs again as soon as they have.
   */
  private watchGroups(owners: OwnerResolver) {
    clearTimeout(this.recheck);
    if (owners.unresolved() === 0) {
      return;
    }
    const { intervalMs, attempts } =
      this.options.ownerRecheck ?? DEFAULT_OWNER_RECHECK;
    let attempt = 0;
    const check = async (): Promise<boolean> => {
      attempt++;
      try {
        const credentials = await this.auth.getOwnServiceCredentials();
        const groups = await countGroups(this.catalog, credentials);
        if (groups !== owners.groups) {
          this.logger.info(
            `The catalog has ${groups} groups where cloud source '${this.source.id}' resolved owners against ${owners.groups}; running it again`,
          );
          await this.refresh();
          return true;
        }
      } catch (error) {
        this.logger.warn(
          `Re-checking the owners of cloud source '${this.source.id}' failed: ${error}`,
        );
      }
      return attempt >= attempts;
    };
    const schedule = () => {
      this.recheck = setTimeout(async () => {
        if (!(await check())) {
          schedule();
        }
      }, intervalMs);
      this.recheck.unref?.();
    };
    schedule();
  }

  /**
   * The names of the source's entities in the catalog, and with `withParts`
   * the part that read each: only the names otherwise, so that a source of
   * 100,000 entities costs a Set of names.
   */
  private async listOwnEntities(
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
    withParts: boolean,
  ): Promise<PreviousEntities> {
    const previous: PreviousEntities = { names: new Set(), partOf: new Map() };
    const fields = withParts
      ? ['metadata.name', 'metadata.annotations']
      : ['metadata.name'];
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, fields, limit: OWN_ENTITIES_PAGE }
          : {
              filter: {
                kind: 'Resource',
                [`metadata.annotations.${ANNOTATION_LOCATION}`]: this.location,
              },
              fields,
              limit: OWN_ENTITIES_PAGE,
            },
        { credentials },
      );
      for (const entity of page.items) {
        const { name } = entity.metadata;
        previous.names.add(name);
        const part =
          entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.sourcePart];
        if (part !== undefined) {
          previous.partOf.set(name, part);
        }
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return previous;
  }
}
