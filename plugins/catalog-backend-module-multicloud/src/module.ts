import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  CloudSource,
  multicloudSourcesExtensionPoint,
  multicloudSourceStatusServiceRef,
} from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from './providers/MulticloudEntityProvider';

/**
 * Catalog module that ingests cloud resources as `Resource` entities: one
 * provider per source configured under `catalog.providers.multicloud` or
 * added through {@link @multicloud/plugin-multicloud-node#multicloudSourcesExtensionPoint}.
 *
 * @public
 */
export const catalogModuleMulticloud = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'multicloud',
  register(reg) {
    const extraSources = new Map<string, CloudSource>();
    reg.registerExtensionPoint(multicloudSourcesExtensionPoint, {
      addSource(...added) {
        for (const source of added) {
          if (extraSources.has(source.id)) {
            throw new Error(`Duplicate multicloud source id '${source.id}'`);
          }
          extraSources.set(source.id, source);
        }
      },
    });

    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        catalogProcessing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
        scheduler: coreServices.scheduler,
        sourceStatus: multicloudSourceStatusServiceRef,
      },
      async init({
        auth,
        catalog,
        catalogProcessing,
        config,
        logger,
        metrics,
        scheduler,
        sourceStatus,
      }) {
        const providers = MulticloudEntityProvider.fromConfig(config, {
          auth,
          catalog,
          logger,
          scheduler,
          sourceStatus,
          extraSources: [...extraSources.values()],
          metrics,
        });
        catalogProcessing.addEntityProvider(providers);
        logger.info(
          `Registered ${providers.length} multicloud source(s): ${providers
            .map(p => p.getProviderName())
            .join(', ')}`,
        );
      },
    });
  },
});
