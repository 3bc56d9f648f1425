import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { multicloudPermissions } from '@multicloud/plugin-multicloud-common';
import { multicloudSourceStatusServiceRef } from '@multicloud/plugin-multicloud-node';
import fs from 'node:fs';
import os from 'node:os';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';
import { readCostConfig } from './config';
import { createCostAttributionService } from './services/CostAttribution/createCostAttributionService';
import { createCostImportService } from './services/CostImport/createCostImportService';
import { createCostQueryService } from './services/CostQuery/createCostQueryService';
import { createHealthService } from './services/Health/createHealthService';
import { readTopologyConfig } from './services/Topology/config';
import { createTopologyService } from './services/Topology/createTopologyService';

/**
 * The multicloud backend plugin: cost, topology and alerts for catalog entities.
 *
 * @public
 */
export const multicloudPlugin = createBackendPlugin({
  pluginId: 'multicloud',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        sourceStatus: multicloudSourceStatusServiceRef,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        permissions,
        permissionsRegistry,
        scheduler,
        sourceStatus,
      }) {
        permissionsRegistry.addPermissions(multicloudPermissions);
        const knex = await database.getClient();
        await applyDatabaseMigrations(knex, database);
        const costConfig = readCostConfig(config, os.tmpdir());

        const attribution = createCostAttributionService({
          knex,
          catalog,
          auth,
          logger,
          tagKeys: costConfig.tagKeys,
        });
        const costImport = createCostImportService({
          knex,
          logger,
          attribution,
          limits: costConfig.limits,
        });
        const costQuery = createCostQueryService({
          knex,
          lastImportAt: costImport.lastImportAt,
        });

        const health = await createHealthService({
          knex,
          catalog,
          auth,
          sourceStatus,
          folderIds: costConfig.folders.map(f => f.id),
          lastImportAt: costImport.lastImportAt,
        });

        await scheduler.scheduleTask({
          id: 'multicloud-cost-attribution',
          ...costConfig.attributionSchedule,
          fn: () => health.trackRefresh(() => attribution.refresh()),
        });
        for (const folder of costConfig.folders) {
          await scheduler.scheduleTask({
            id: `multicloud-cost-import:${folder.id}`,
            ...folder.schedule,
            fn: () =>
              health.trackFolderRun(folder.id, async () => {
                if (!fs.existsSync(folder.path)) {
                  throw new Error(
                    `Cost import folder ${folder.id}: ${folder.path} does not exist; create it or correct multicloud.cost.imports.folders`,
                  );
                }
                const counts = await costImport.importFolder(folder);
                if (counts.imported + counts.failed > 0) {
                  logger.info(
                    `Cost import folder ${folder.id}: ${counts.imported} imported, ${counts.failed} rejected, ${counts.skipped} already known`,
                  );
                }
                return counts;
              }),
          });
        }

        httpRouter.use(
          await createRouter({
            auth,
            httpAuth,
            permissions,
            catalog,
            health,
            costImport,
            costQuery,
            topology: createTopologyService({
              knex,
              catalog,
              nodeBudget: readTopologyConfig(config).nodeBudget,
            }),
          }),
        );
      },
    });
  },
});
