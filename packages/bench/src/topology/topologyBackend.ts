/*
 * A backend for the topology benchmarks: the real catalog and the multicloud
 * plugin in one test backend, on better-sqlite3 files or on PostgreSQL
 * (throw-away databases), holding the benchmark catalog
 * (topologyFixture.ts) and 60 days of daily cost rollups for every entity.
 * Reusable: a browser benchmark starts the same backend and points the app
 * at `baseUrl`.
 *
 * The catalog takes a long time to ingest 20,000 entities (about 28 a
 * second on SQLite files on an idle 2-core machine), so the catalog's
 * database is kept once ingested (a file in <tmpdir>/multicloud-bench/, a
 * PostgreSQL template database), keyed by a hash of the entities, and
 * copied in on the next start: the catalog then finds every entity
 * unchanged. `cache: false` ingests afresh.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { TopologyResponse } from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
// The bench starts the plugin as a backend does, through its public entry point.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import multicloudPlugin from '@multicloud/plugin-multicloud-backend';
import {
  BENCH_DIR,
  Engine,
  addDays,
  dropPostgresDatabase,
  int,
  psql,
  seconds,
  sleep,
} from './lib';
import { BENCH_LOCATION, TopologyBenchCatalog } from './topologyFixture';

/** Days of cost written per entity, ending yesterday. */
const COST_DAYS = 60;
const POLL_MS = 2_000;
const PROGRESS_EVERY_MS = 15_000;
const GIVE_UP_WITHOUT_PROGRESS_MS = 5 * 60_000;

export type TopologyBenchBackend = {
  /** `http://127.0.0.1:<port>/api/multicloud` (no token needed: the test backend's auth). */
  baseUrl: string;
  /** `http://127.0.0.1:<port>/api/catalog`. */
  catalogUrl: string;
  /** From start until the catalog served every resource and the System's whole graph. */
  ingestMs: number;
  /** Whether the catalog database came from the cache (else it was ingested afresh). */
  restored: boolean;
  costRows: number;
  stop(): Promise<void>;
};

/** Provides the catalog's entities as one full mutation, and hands out the multicloud plugin's database. */
function benchModules(catalog: TopologyBenchCatalog) {
  const captured: { knex?: Knex } = {};
  const provider = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'topology-bench-entities',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'TopologyBenchProvider',
            connect: async connection => {
              await connection.applyMutation({
                type: 'full',
                entities: catalog.entities.map(entity => ({
                  entity,
                  locationKey: BENCH_LOCATION,
                })),
              });
            },
          });
        },
      });
    },
  });
  const databaseProbe = createBackendModule({
    pluginId: 'multicloud',
    moduleId: 'topology-bench-database',
    register(reg) {
      reg.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          captured.knex = await database.getClient();
        },
      });
    },
  });
  return { provider, databaseProbe, captured };
}

/** Daily costs for every Resource, Component and System: what attribution would leave in the rollup. */
async function writeCosts(knex: Knex, catalog: TopologyBenchCatalog) {
  const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
  const days = Array.from({ length: COST_DAYS }, (_, i) =>
    addDays(yesterday, -i),
  );
  const entities = catalog.entities.filter(e =>
    ['Resource', 'Component', 'System'].includes(e.kind),
  );
  let rows: object[] = [];
  let written = 0;
  const flush = async (trx: Knex.Transaction) => {
    if (rows.length > 0) {
      await trx('multicloud_cost_rollup_daily').insert(rows);
      written += rows.length;
      rows = [];
    }
  };
  await knex.transaction(async trx => {
    for (const [i, entity] of entities.entries()) {
      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      const daily =
        entity.kind === 'Resource' ? 0.5 + (i % 17) * 0.75 : 20 + (i % 5);
      for (const [d, day] of days.entries()) {
        rows.push({
          entity_ref: ref,
          entity_kind: entity.kind.toLocaleLowerCase('en-US'),
          usage_date: day,
          currency: 'USD',
          via: 'resource',
          billed_cost: daily,
          effective_cost: daily * (1 - (d % 3) * 0.01),
          list_cost: daily * 1.2,
        });
        if (rows.length === 500) {
          await flush(trx);
        }
      }
    }
    await flush(trx);
  });
  if (knex.client.config.client === 'pg') {
    // As autovacuum would after such a load.
    await knex.raw('ANALYZE multicloud_cost_rollup_daily');
  }
  return written;
}

/** Where an ingested catalog is kept: a file (SQLite) or a template database (PostgreSQL). */
function catalogCache(catalog: TopologyBenchCatalog) {
  const key = createHash('sha256')
    .update(JSON.stringify(catalog.entities))
    .digest('hex')
    .slice(0, 16);
  return {
    file: path.join(BENCH_DIR, `topology-catalog-${key}.sqlite`),
    database: `mc_bench_topology_cache_${key}`,
  };
}

async function postgresDatabaseExists(serverUrl: string, name: string) {
  return (
    (await psql(
      serverUrl,
      'postgres',
      `SELECT 1 FROM pg_database WHERE datname = '${name}'`,
    )) === '1'
  );
}

export async function startTopologyBenchBackend(options: {
  engine: Engine;
  catalog: TopologyBenchCatalog;
  /** PostgreSQL server URL (engine `postgres`). */
  postgres?: string;
  /** Reuse (and keep) the ingested catalog database. Default true. */
  cache?: boolean;
  log?: (line: string) => void;
}): Promise<TopologyBenchBackend> {
  const { engine, catalog } = options;
  const log = options.log ?? (line => console.log(line));
  const t0 = performance.now();
  const directory = fs.mkdtempSync(
    path.join(os.tmpdir(), 'multicloud-bench-topology-'),
  );
  const prefix = `mc_bench_topology_${process.pid}_`;
  const catalogDatabase = `${prefix}catalog`;
  const cache = options.cache === false ? undefined : catalogCache(catalog);
  let restored = false;
  if (cache && engine === 'sqlite' && fs.existsSync(cache.file)) {
    fs.copyFileSync(cache.file, path.join(directory, 'catalog.sqlite'));
    restored = true;
  }
  if (
    cache &&
    engine === 'postgres' &&
    (await postgresDatabaseExists(options.postgres!, cache.database))
  ) {
    await psql(
      options.postgres!,
      'postgres',
      `CREATE DATABASE ${catalogDatabase} TEMPLATE ${cache.database}`,
    );
    restored = true;
  }
  log(
    `  [${engine}] ${
      restored
        ? 'catalog database copied from the cache'
        : 'ingesting the catalog afresh'
    }`,
  );
  const databaseConfig =
    engine === 'sqlite'
      ? { client: 'better-sqlite3', connection: { directory } }
      : { client: 'pg', connection: options.postgres, prefix };
  const modules = benchModules(catalog);
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      multicloudPlugin,
      modules.provider,
      modules.databaseProbe,
      mockServices.rootLogger.factory({ level: 'warn' }),
      // No attribution runs: it would rebuild the rollups from (empty) facts.
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: databaseConfig },
          catalog: {
            // No refresh rounds while ingesting and measuring: with the
            // default interval (100-150 s) the catalog would reprocess the
            // 20,000 entities all the time (it processes a few dozen a
            // second), competing with both.
            processingInterval: { hours: 24 },
            rules: [
              { allow: ['Component', 'System', 'Domain', 'Resource', 'Group'] },
            ],
          },
        },
      }),
    ],
  });
  let ingested = false;
  const stop = async () => {
    await backend.stop();
    const keep = cache && ingested && !restored;
    if (keep && engine === 'sqlite') {
      fs.mkdirSync(BENCH_DIR, { recursive: true });
      fs.copyFileSync(
        path.join(directory, 'catalog.sqlite'),
        `${cache.file}.tmp`,
      );
      fs.renameSync(`${cache.file}.tmp`, cache.file);
    }
    if (engine === 'postgres') {
      try {
        if (keep) {
          // The stopped backend's pool may still hold idle sessions, and a
          // database with sessions cannot be a template.
          await psql(
            options.postgres!,
            'postgres',
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${catalogDatabase}' AND pid <> pg_backend_pid()`,
          );
          await psql(
            options.postgres!,
            'postgres',
            `CREATE DATABASE ${cache.database} TEMPLATE ${catalogDatabase}`,
          );
        }
      } finally {
        for (const plugin of ['catalog', 'multicloud']) {
          await dropPostgresDatabase(options.postgres!, `${prefix}${plugin}`);
        }
      }
    }
    fs.rmSync(directory, { recursive: true, force: true });
  };

  try {
    const root = `http://127.0.0.1:${backend.server.port()}/api`;
    const baseUrl = `${root}/multicloud`;
    const catalogUrl = `${root}/catalog`;
    const resourcesReadable = async () => {
      const res = await fetch(
        `${catalogUrl}/entities/by-query?filter=kind=resource&limit=1`,
      );
      return ((await res.json()) as { totalItems: number }).totalItems;
    };
    const systemNodes = async () => {
      const res = await fetch(
        `${baseUrl}/topology?entityRef=${encodeURIComponent(
          catalog.systemRef,
        )}`,
      );
      return res.ok ? ((await res.json()) as TopologyResponse).totalNodes : 0;
    };

    // Ready when every resource is readable and the System's graph is
    // whole (relations are stitched after the entities appear).
    let lastPrint = performance.now();
    let lastProgress = performance.now();
    let last = '';
    for (;;) {
      const resources = await resourcesReadable();
      // The graph only once every resource is readable: a 1,000-node
      // request every poll would slow the ingestion it waits for.
      const nodes =
        resources === catalog.counts.resources ? await systemNodes() : 0;
      const now = performance.now();
      if (
        resources === catalog.counts.resources &&
        nodes === catalog.expected.nodes
      ) {
        break;
      }
      const state = `${resources} ${nodes}`;
      if (state !== last) {
        last = state;
        lastProgress = now;
      } else if (now - lastProgress > GIVE_UP_WITHOUT_PROGRESS_MS) {
        throw new Error(
          `${engine}: no progress for 5 minutes at ${int(resources)} of ${int(
            catalog.counts.resources,
          )} resources, ${nodes} of ${catalog.expected.nodes} graph nodes`,
        );
      }
      if (now - lastPrint >= PROGRESS_EVERY_MS) {
        lastPrint = now;
        log(
          `  [${engine}] ${seconds(now - t0)}: ${int(resources)} of ${int(
            catalog.counts.resources,
          )} resources readable${
            nodes
              ? `; the System's graph has ${nodes} of ${catalog.expected.nodes} nodes`
              : ''
          }`,
        );
      }
      await sleep(POLL_MS);
    }
    const ingestMs = performance.now() - t0;
    ingested = true;
    log(
      `  [${engine}] catalog ready after ${seconds(
        ingestMs,
      )}; writing ${COST_DAYS} days of cost rollups`,
    );
    const tc = performance.now();
    const costRows = await writeCosts(modules.captured.knex!, catalog);
    log(
      `  [${engine}] ${int(costRows)} rollup rows written in ${seconds(
        performance.now() - tc,
      )}`,
    );
    return { baseUrl, catalogUrl, ingestMs, restored, costRows, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
