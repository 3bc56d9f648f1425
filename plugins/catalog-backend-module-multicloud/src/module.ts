import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  CloudSource,
  multicloudSourcesExtensionPoint,
} from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from './providers/MulticloudEntityProvider';

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};
const DEFAULT_OWNER_TAG_KEYS = ['owner', 'team'];

/**
 * Catalog module that ingests cloud resources as `Resource` entities.
 *
 * @public
 */
export const catalogModuleMulticloud = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'multicloud',
  register(reg) {
    const sources = new Map<string, CloudSource>();
    reg.registerExtensionPoint(multicloudSourcesExtensionPoint, {
      addSource(...added) {
        for (const source of added) {
          if (sources.has(source.id)) {
            throw new Error(`Duplicate multicloud source id '${source.id}'`);
          }
          sources.set(source.id, source);
        }
      },
    });

    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const providersConfig = config.getOptionalConfig(
          'catalog.providers.multicloud',
        );
        for (const source of sources.values()) {
          const sourceConfig = providersConfig?.getOptionalConfig(source.id);
          const schedule = sourceConfig?.has('schedule')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                sourceConfig.getConfig('schedule'),
              )
            : DEFAULT_SCHEDULE;
          catalog.addEntityProvider(
            new MulticloudEntityProvider(
              source,
              {
                defaultOwner:
                  sourceConfig?.getOptionalString('defaultOwner') ??
                  'unknown',
                ownerTagKeys:
                  sourceConfig?.getOptionalStringArray('ownerTagKeys') ??
                  DEFAULT_OWNER_TAG_KEYS,
              },
              scheduler.createScheduledTaskRunner(schedule),
              logger,
            ),
          );
        }
        logger.info(`Registered ${sources.size} multicloud source(s)`);
      },
    });
  },
});
