import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { CloudSource } from '@multicloud/plugin-multicloud-node';
import { resourceEntityName } from '@multicloud/plugin-multicloud-node';
import { ResourceMappingOptions, resourceToEntity } from './resourceToEntity';

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

  constructor(
    private readonly source: CloudSource,
    private readonly mapping: Omit<ResourceMappingOptions, 'sourceId'>,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return `MulticloudEntityProvider:${this.source.id}`;
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

  /** Reads the source and replaces its entities; on failure logs and keeps them. */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected`);
    }
    let resources;
    try {
      resources = await this.source.readResources({ signal });
    } catch (error) {
      this.logger.error(
        `Reading cloud source '${this.source.id}' failed; keeping its previous entities: ${error}`,
      );
      return;
    }

    const names = new Map(
      resources.map(r => [r.nativeId, resourceEntityName(r.name, r.nativeId)]),
    );
    const options = { ...this.mapping, sourceId: this.source.id };
    const entities = resources.map(resource => ({
      entity: resourceToEntity(resource, options, id => names.get(id)),
      locationKey: this.getProviderName(),
    }));
    await this.connection.applyMutation({ type: 'full', entities });
    this.logger.info(
      `Applied ${entities.length} resources from cloud source '${this.source.id}'`,
    );
  }
}
