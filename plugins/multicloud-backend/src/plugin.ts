import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { isError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { multicloudPermissions } from '@multicloud/plugin-multicloud-common';
import { multicloudSourceStatusServiceRef } from '@multicloud/plugin-multicloud-node';
import fs from 'node:fs';
import os from 'node:os';
import { createMulticloudActions } from './actions/createMulticloudActions';
import { applyDatabaseMigrations } from './database/migrations';
import { createAccess } from './lib/access';
import { createMulticloudMetrics } from './lib/metrics';
import { createRouter } from './router';
import { readCostConfig } from './config';
import { readAlertmanagerConfig } from './services/Alertmanager/config';
import { createAlertmanagerService } from './services/Alertmanager/createAlertmanagerService';
import {
  DIGEST_TASK_ID,
  EVALUATION_TASK_ID,
  readAlertsConfig,
} from './services/Alerts/config';
import { countOpenAlertsBySeverity } from './services/Alerts/alertRows';
import { createAlertsService } from './services/Alerts/createAlertsService';
import {
  createCostRuleSet,
  createHygieneRuleSet,
  createSavingsRuleSet,
} from './services/Alerts/rules';
import { CostImportService } from './services/CostImport/types';
import { createCostAttributionService } from './services/CostAttribution/createCostAttributionService';
import { createCostImportService } from './services/CostImport/createCostImportService';
import { createCostQueryService } from './services/CostQuery/createCostQueryService';
import { createHealthService } from './services/Health/createHealthService';
import { createInventoryService } from './services/Inventory/createInventoryService';
import {
  costFolderTaskId,
  createSourcesService,
} from './services/Sources/createSourcesService';
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
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        actionsRegistry: actionsRegistryServiceRef,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        metricsService: metricsServiceRef,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        sourceStatus: multicloudSourceStatusServiceRef,
      },
      async init({
        actionsRegistry,
        auditor,
        auth,
        catalog,
        config,
        database,
        discovery,
        httpAuth,
        httpRouter,
        logger,
        metricsService,
        notifications,
        permissions,
        permissionsRegistry,
        scheduler,
        sourceStatus,
      }) {
        permissionsRegistry.addPermissions(multicloudPermissions);
        const knex = await database.getClient();
        await applyDatabaseMigrations(knex, database);
        const costConfig = readCostConfig(config, os.tmpdir());
        const metrics = createMulticloudMetrics(metricsService);

        const attribution = createCostAttributionService({
          knex,
          catalog,
          auth,
          logger,
          tagKeys: costConfig.tagKeys,
          metrics,
        });
        const costImport = createCostImportService({
          knex,
          logger,
          attribution,
          limits: costConfig.limits,
          metrics,
        });
        const costQuery = createCostQueryService({
          knex,
          lastImportAt: costImport.lastImportAt,
          exchangeRates: costConfig.exchangeRates,
        });

        const alertsConfig = readAlertsConfig(config);
        const alertmanager = createAlertmanagerService({
          config: readAlertmanagerConfig(config),
          logger,
        });
        const alerts = createAlertsService({
          knex,
          catalog,
          auth,
          logger,
          ruleSets: [
            createCostRuleSet({ catalog, auth, config, logger }),
            createHygieneRuleSet({ catalog, auth, config, logger }),
            createSavingsRuleSet({ catalog, auth, config, logger }),
          ],
          alertmanager,
          notifications: alertsConfig.notifications.enabled
            ? notifications
            : undefined,
          maxNotificationsPerEvaluation:
            alertsConfig.notifications.maxPerEvaluation,
          resolvedRetentionDays: alertsConfig.resolvedRetentionDays,
        });

        // An evaluation asked for while one runs in this process runs right
        // after it, so that an import that finished meanwhile is seen.
        let evaluationRequested = false;
        await scheduler.scheduleTask({
          id: EVALUATION_TASK_ID,
          ...alertsConfig.evaluationSchedule,
          fn: async () => {
            for (let round = 0; round < 3; round++) {
              evaluationRequested = false;
              const counts = await metrics.timeAlertsEvaluation(() =>
                alerts.evaluate(),
              );
              logger.info(
                `Alerts evaluated: ${counts.opened} opened, ${counts.resolved} resolved, ${counts.open} open`,
              );
              if (!evaluationRequested) {
                break;
              }
            }
          },
        });
        /** Runs the evaluation soon, on whichever replica picks it up. */
        const requestEvaluation = () => {
          scheduler.triggerTask(EVALUATION_TASK_ID).catch(error => {
            if (isError(error) && error.name === 'ConflictError') {
              evaluationRequested = true;
              return;
            }
            logger.warn(`Could not trigger the alert evaluation: ${error}`);
          });
        };
        if (alertsConfig.notifications.weeklyDigest) {
          await scheduler.scheduleTask({
            id: DIGEST_TASK_ID,
            ...alertsConfig.notifications.digestSchedule,
            fn: async () => {
              const { owners } = await alerts.sendWeeklyDigest();
              logger.info(`Weekly alert digest sent to ${owners} owner(s)`);
            },
          });
        }
        // Every change to the cost store is followed by an evaluation.
        const importsThenEvaluate: CostImportService = {
          ...costImport,
          async importUpload(body, importOptions) {
            const result = await costImport.importUpload(body, importOptions);
            requestEvaluation();
            return result;
          },
          async rebuild() {
            const result = await costImport.rebuild();
            requestEvaluation();
            return result;
          },
        };

        const health = await createHealthService({
          knex,
          catalog,
          auth,
          sourceStatus,
          folderIds: costConfig.folders.map(f => f.id),
          lastImportAt: costImport.lastImportAt,
        });
        metrics.observeLastImport(costImport.lastImportAt);
        metrics.observeAttributionLag(health.attributionLagSeconds);
        metrics.observeOpenAlerts(() => countOpenAlertsBySeverity(knex));

        await scheduler.scheduleTask({
          id: 'multicloud-cost-attribution',
          ...costConfig.attributionSchedule,
          fn: () =>
            health.trackRefresh(async () => {
              const result = await metrics.timeAttributionRefresh(() =>
                attribution.refresh(),
              );
              if (result.changed) {
                requestEvaluation();
              }
              return result;
            }),
        });
        for (const folder of costConfig.folders) {
          await scheduler.scheduleTask({
            id: costFolderTaskId(folder.id),
            ...folder.schedule,
            fn: () =>
              health.trackFolderRun(folder.id, async () => {
                if (!fs.existsSync(folder.path)) {
                  throw new Error(
                    `Cost import folder ${folder.id}: ${folder.path} does not exist; create it or correct multicloud.cost.imports.folders`,
                  );
                }
                const counts = await costImport.importFolder(folder);
                if (counts.imported > 0) {
                  requestEvaluation();
                }
                if (counts.imported + counts.failed > 0) {
                  logger.info(
                    `Cost import folder ${folder.id}: ${counts.imported} imported, ${counts.failed} rejected, ${counts.skipped} already known`,
                  );
                }
                return counts;
              }),
          });
        }

        const sources = createSourcesService({
          health,
          sourceStatus,
          folderIds: costConfig.folders.map(f => f.id),
          scheduler,
          discovery,
          auth,
          logger,
        });
        const topology = createTopologyService({
          knex,
          catalog,
          nodeBudget: readTopologyConfig(config).nodeBudget,
        });
        httpRouter.use(
          await createRouter({
            auditor,
            auth,
            httpAuth,
            permissions,
            catalog,
            health,
            costImport: importsThenEvaluate,
            costQuery,
            alerts,
            alertmanager,
            sources,
            inventory: createInventoryService({ catalog, sourceStatus }),
            topology,
            metrics,
          }),
        );
        createMulticloudActions({
          actionsRegistry,
          access: createAccess({ permissions, catalog }),
          auditor,
          auth,
          costQuery,
          topology,
          alerts,
          sources,
        });
      },
    });
  },
});
