/*
 * The multicloud backend plugin as a user runs it, in a Backstage test
 * backend: the plugin's public entry point (its default export) on a knex
 * the bench creates, with Backstage's in-memory catalog holding the bench's
 * entities (or, for bench:alerts' store, the catalog served over HTTP by
 * its parent process), permissions that allow everything, and a config that
 * raises the upload size limits and turns the alert rules off. Requests
 * need no token (the test backend's auth takes them as a user's).
 */
import {
  SchedulerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The bench starts the plugin as a backend does, through its public entry point.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import multicloudPlugin from '@multicloud/plugin-multicloud-backend';
import { Knex } from 'knex';
import { ALERT_RULES } from '../shared/alertRules';
import { remoteCatalogDiscovery } from '../shared/discovery';
import { printingLogger } from './lib';

/** Larger than any file the bench generates. */
const BENCH_UPLOAD_LIMIT_BYTES = 256 * 1024 ** 3;

/**
 * The bench's `multicloud` config: the plugin's defaults, except upload and
 * decompressed sizes (raised, so that `--rows` can go past 2 GiB of CSV),
 * the directory uploads go to, and the alert rules, which are off: the
 * plugin evaluates alerts after every import, and bench:alerts measures
 * that, not this bench. BENCH_MEMORY_LIMIT / BENCH_THREADS set DuckDB's
 * `memoryLimit` / `threads` to try other values than the defaults.
 */
export function benchConfig(tempDirectory: string) {
  const imports: Record<string, string | number> = {
    tempDirectory,
    maxUploadBytes: BENCH_UPLOAD_LIMIT_BYTES,
    maxDecompressedBytes: BENCH_UPLOAD_LIMIT_BYTES,
  };
  if (process.env.BENCH_MEMORY_LIMIT) {
    imports.memoryLimit = process.env.BENCH_MEMORY_LIMIT;
  }
  if (process.env.BENCH_THREADS) {
    imports.threads = Number(process.env.BENCH_THREADS);
  }
  const rules = Object.fromEntries(
    Object.entries(ALERT_RULES).map(([source, names]) => [
      source,
      Object.fromEntries(names.map(name => [name, { enabled: false }])),
    ]),
  );
  return {
    multicloud: {
      cost: { imports },
      alerts: { notifications: { enabled: false }, rules },
    },
  };
}

export type CostBackend = {
  /** `http://127.0.0.1:<port>/api/multicloud` */
  baseUrl: string;
  stop(): Promise<void>;
};

/**
 * The catalog the plugin reads: Backstage's in-memory one holding
 * `entities`, or the one served over HTTP at `baseUrl`
 * (`http://127.0.0.1:<port>/api/catalog`). The in-memory catalog flattens
 * every entity on every page it serves, which is fine for bench:cost's
 * 4,499 entities but takes seconds a page with bench:alerts' 100,000.
 */
export type CostBackendCatalog = { entities: Entity[] } | { baseUrl: string };

/** The feature that gives the plugin its catalog, and what to call once the backend listens. */
function catalogFeature(catalog: CostBackendCatalog) {
  if ('entities' in catalog) {
    return {
      factory: catalogServiceMock.factory({ entities: catalog.entities }),
      listening: () => {},
    };
  }
  return remoteCatalogDiscovery(catalog.baseUrl);
}

/**
 * Starts the plugin on `knex`. With `runTasksAtStart`, the plugin's
 * scheduled tasks (the attribution refresh, the alert evaluation) run once
 * while the backend starts, as Backstage's mock scheduler runs them;
 * otherwise none runs on its own. A `scheduler` of the bench's replaces
 * the mock one (the re-attribution part's, which keeps the tasks for the
 * bench to run). The plugin's log lines are printed with `logPrefix` (and
 * the process's RSS when `logRss`); `onInfo` sees each info line.
 */
export async function startCostBackend(options: {
  knex: Knex;
  catalog: CostBackendCatalog;
  tempDirectory: string;
  runTasksAtStart: boolean;
  logPrefix: string;
  logRss?: boolean;
  scheduler?: SchedulerService;
  onInfo?: (message: string) => void;
}): Promise<CostBackend> {
  const logger = printingLogger(
    options.logPrefix,
    options.logRss,
    options.onInfo,
  );
  const catalog = catalogFeature(options.catalog);
  const { scheduler } = options;
  const backend = await startTestBackend({
    features: [
      multicloudPlugin,
      mockServices.database.factory({ knex: options.knex }),
      catalog.factory,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      scheduler
        ? createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          })
        : mockServices.scheduler.factory(
            options.runTasksAtStart
              ? { includeInitialDelayedTasksOnStartup: true }
              : { skipTaskRunOnStartup: true },
          ),
      mockServices.rootConfig.factory({
        data: benchConfig(options.tempDirectory),
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
    ],
  });
  catalog.listening(backend.server.port());
  return {
    baseUrl: `http://127.0.0.1:${backend.server.port()}/api/multicloud`,
    stop: () => backend.stop(),
  };
}
