import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
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
  MulticloudSourceRun,
} from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  createCloudSourceFromConfig,
  MulticloudSourceStatusService,
  resourceEntityName,
} from '@multicloud/plugin-multicloud-node';
import { createOwnerResolver } from './owners';
import { resourceToEntity } from './resourceToEntity';

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};

/** Per-source behaviour of the provider, from its config block. */
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
};

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

    return [...ids].map(id => {
      const sourceConfig = providersConfig?.getOptionalConfig(id);
      const logger = deps.logger.child({ sourceId: id });
      const source =
        extraSources.get(id) ??
        createCloudSourceFromConfig({ id, config: sourceConfig!, logger });
      const schedule = sourceConfig?.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            sourceConfig.getConfig('schedule'),
          )
        : DEFAULT_SCHEDULE;
      deps.sourceStatus.register({
        id,
        type: extraSources.has(id)
          ? 'extension'
          : sourceConfig!.getString('type'),
      });
      return new MulticloudEntityProvider(
        source,
        readProviderOptions(sourceConfig),
        deps.scheduler.createScheduledTaskRunner(schedule),
        logger,
        deps.catalog,
        deps.auth,
        deps.sourceStatus,
      );
    });
  }

  constructor(
    private readonly source: CloudSource,
    private readonly options: MulticloudProviderOptions,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly logger: LoggerService,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly sourceStatus: MulticloudSourceStatusService,
  ) {}

  getProviderName(): string {
    return `MulticloudEntityProvider:${this.source.id}`;
  }

  private get location(): string {
    return `multicloud:${this.source.id}`;
  }

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
    const { entities } = read;
    try {
      await connection.applyMutation({ type: 'full', entities });
    } catch (error) {
      report({
        outcome: 'failed',
        resources: entities.length,
        error: `The catalog did not accept the entities: ${error}`,
      });
      throw error;
    }
    report({
      outcome: 'applied',
      resources: entities.length,
      entities: entities.length,
    });
    this.logger.info(
      `Applied ${entities.length} resources from cloud source '${
        this.source.id
      }' in ${Date.now() - started.getTime()} ms`,
    );
  }

  /**
   * The entities of the source's resources, or why this run must keep the
   * previous ones (also logged). The resources are garbage once it returns,
   * so they are not held while the catalog applies the mutation.
   */
  private async readEntities(signal?: AbortSignal): Promise<
    | { entities: DeferredEntity[] }
    | {
        outcome: 'failed' | 'refused';
        resources?: number;
        error: string;
      }
  > {
    const sourceId = this.source.id;
    let resources: CloudResource[];
    let resolveOwner: (value: string | undefined) => string | undefined;
    let previousCount: number;
    try {
      resources = await this.source.readResources({ signal });
      const credentials = await this.auth.getOwnServiceCredentials();
      [resolveOwner, previousCount] = await Promise.all([
        createOwnerResolver(this.catalog, credentials),
        this.countOwnEntities(credentials),
      ]);
    } catch (error) {
      this.logger.error(
        `Reading cloud source '${sourceId}' failed; keeping its previous entities: ${error}`,
      );
      return { outcome: 'failed', error: String(error) };
    }

    const removed = previousCount - resources.length;
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

    const entityNames = resources.map(r =>
      resourceEntityName(r.name, r.nativeId),
    );
    const namesByNativeId = new Map(
      resources.map((r, index) => [r.nativeId, entityNames[index]]),
    );
    const sharedStrings = new Map<string, string>();
    const lookups = {
      nameOf: (nativeId: string) => namesByNativeId.get(nativeId),
      ownerOf: resolveOwner,
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
    return { entities };
  }

  private async countOwnEntities(
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
  ): Promise<number> {
    const { totalItems } = await this.catalog.queryEntities(
      {
        filter: {
          kind: 'Resource',
          [`metadata.annotations.${ANNOTATION_LOCATION}`]: this.location,
        },
        fields: ['metadata.name'],
        limit: 1,
      },
      { credentials },
    );
    return totalItems;
  }
}
