/*
 * The alerts API of the alerts benchmark: the plugin's real router (with the
 * real cost, health and topology services beside the alerts) on an express
 * app on 127.0.0.1, with fake auth and permissions (ALLOW) from lib.ts and
 * the catalog the evaluation used.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import express from 'express';
import { Server } from 'node:http';
import { Knex } from 'knex';
import { readCostConfig } from '../src/config';
import { createRouter } from '../src/router';
import { AlertsService } from '../src/services/Alerts/types';
import { createCostAttributionService } from '../src/services/CostAttribution/createCostAttributionService';
import { createCostImportService } from '../src/services/CostImport/createCostImportService';
import { createCostQueryService } from '../src/services/CostQuery/createCostQueryService';
import { createHealthService } from '../src/services/Health/createHealthService';
import { DEFAULT_NODE_BUDGET } from '../src/services/Topology/config';
import { createTopologyService } from '../src/services/Topology/createTopologyService';
import {
  BENCH_DIR,
  Engine,
  fakeAuth,
  fakeHttpAuth,
  fakeAuditor,
  fakePermissions,
} from './lib';

/** Serves `/api/multicloud` until the returned server is closed. */
export async function serveAlertsApi(options: {
  engine: Engine;
  knex: Knex;
  catalog: CatalogService;
  logger: LoggerService;
  alerts: AlertsService;
  now: Date;
}): Promise<Server> {
  const { engine, knex, catalog, logger, alerts, now } = options;
  const { limits, tagKeys } = readCostConfig(new ConfigReader({}), BENCH_DIR);
  const attribution = createCostAttributionService({
    knex,
    catalog,
    auth: fakeAuth,
    logger,
    tagKeys,
  });
  const costImport = createCostImportService({
    knex,
    logger,
    attribution,
    limits,
  });
  const router = await createRouter({
    auth: fakeAuth,
    httpAuth: fakeHttpAuth,
    permissions: fakePermissions,
    auditor: fakeAuditor,
    catalog,
    health: await createHealthService({
      knex,
      catalog,
      auth: fakeAuth,
      sourceStatus: createInMemorySourceStatus(),
      folderIds: [],
      lastImportAt: costImport.lastImportAt,
    }),
    costImport,
    costQuery: createCostQueryService({
      knex,
      lastImportAt: costImport.lastImportAt,
    }),
    topology: createTopologyService({
      knex,
      catalog,
      nodeBudget: DEFAULT_NODE_BUDGET,
    }),
    alerts,
    now: () => now,
  });
  const app = express();
  app.use('/api/multicloud', router);
  let errors = 0;
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      errors += 1;
      if (errors <= 5) {
        console.error(`  ${engine}: request failed: ${error.stack}`);
      }
      const status =
        { InputError: 400, NotAllowedError: 403, NotFoundError: 404 }[
          error.name
        ] ?? 500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server = await new Promise<Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
