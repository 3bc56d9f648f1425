/*
 * The query part for one engine in its own Node process (forked by
 * queryBench.ts): builds the store, runs the real attribution refresh (the
 * full rollup rebuild), then serves the real router on 127.0.0.1 until the
 * parent, which sends the requests, says stop. Messages over IPC:
 *   child -> parent: { type: 'ready', ... }, { type: 'profile', statements }
 *   parent -> child: { type: 'profile-start' | 'profile-stop' | 'stop' }
 */
import { ConfigReader } from '@backstage/config';
import express from 'express';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { readCostConfig } from '../src/config';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { createRouter } from '../src/router';
import { createCostAttributionService } from '../src/services/CostAttribution/createCostAttributionService';
import { createCostImportService } from '../src/services/CostImport/createCostImportService';
import { createCostQueryService } from '../src/services/CostQuery/createCostQueryService';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import { createHealthService } from '../src/services/Health/createHealthService';
import { DEFAULT_NODE_BUDGET } from '../src/services/Topology/config';
import { createTopologyService } from '../src/services/Topology/createTopologyService';
import {
  Engine,
  createKnex,
  fakeAuth,
  fakeCatalog,
  fakeHttpAuth,
  fakeAuditor,
  fakePermissions,
  printingLogger,
  seconds,
  sleep,
} from './lib';
import { buildStore, planEstate, storeSize } from './queryStore';
import { StatementTime, timeStatements } from './sqlTimer';

export type QueryPhaseInput = {
  engine: Engine;
  facts: number;
  tempDirectory: string;
  serverUrl?: string;
  database?: string;
  sqliteFile?: string;
};

export type QueryPhaseReady = {
  engine: Engine;
  counts: Record<string, number>;
  entities: number;
  factRows: number;
  from: string;
  to: string;
  loadMs: number;
  indexMs: number;
  refreshMs: number;
  refreshStatements: StatementTime[];
  analyzeMs: number | null;
  rollupRows: number;
  dimensionRows: number;
  rollupResourceRows: number;
  entityRollupRows: number;
  sizes: Record<string, number>;
  baseUrl: string;
  entityRef: string;
};

function send(message: object): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, error => (error ? reject(error) : resolve())),
  );
}

async function main() {
  const input: QueryPhaseInput = JSON.parse(process.argv[2]);
  const { engine } = input;
  const log = (message: string) => console.log(`  ${engine}: ${message}`);
  const knex = createKnex(engine, input);
  let server: Server | undefined;
  try {
    await applyDatabaseMigrations(knex);
    const estate = planEstate(input.facts);
    log(
      `estate: ${estate.counts.linesPerDay} facts a day, ${estate.counts.resources} resources (${estate.counts.resourceEntities} Resource entities, ${estate.counts.taggedForComponent} tagged with a component, ${estate.counts.unattributable} neither), ${estate.counts.components} components, ${estate.counts.systems} systems, ${estate.counts.domains} domains, ${estate.counts.groups} groups; ${estate.entities.length} catalog entities`,
    );
    const built = await buildStore(knex, engine, estate, input.facts, log);
    log(
      `store: ${built.factRows.toLocaleString('en-US')} facts ${built.from}..${
        built.to
      } loaded in ${seconds(built.loadMs)} + indexes ${seconds(built.indexMs)}`,
    );
    let analyzeMs: number | null = null;
    if (engine === 'postgres') {
      // What autovacuum does after a large load; the planner needs the stats.
      const started = performance.now();
      await knex.raw('VACUUM ANALYZE multicloud_cost_facts');
      await knex.raw('VACUUM ANALYZE multicloud_cost_attribution');
      analyzeMs = performance.now() - started;
      log(`VACUUM ANALYZE of the facts: ${seconds(analyzeMs)}`);
    }

    const logger = printingLogger(engine);
    const { limits, tagKeys } = readCostConfig(
      new ConfigReader({}),
      input.tempDirectory,
    );
    const catalog = fakeCatalog(estate.entities);
    const attribution = createCostAttributionService({
      knex,
      catalog,
      auth: fakeAuth,
      logger,
      tagKeys,
    });
    log('attribution refresh (full rollup rebuild) ...');
    const timer = timeStatements(knex);
    const refreshStarted = performance.now();
    const { changed } = await attribution.refresh();
    const refreshMs = performance.now() - refreshStarted;
    const refreshStatements = timer.stop();
    if (!changed) {
      throw new Error('refresh() found nothing to change');
    }
    log(
      `attribution refresh took ${seconds(refreshMs)}; its slowest statements:`,
    );
    for (const s of refreshStatements.slice(0, 5)) {
      console.log(
        `     ${seconds(s.totalMs).padStart(8)} ${String(s.count).padStart(
          5,
        )}x  ${s.sql}`,
      );
    }
    if (engine === 'postgres') {
      const started = performance.now();
      await knex.raw('VACUUM ANALYZE multicloud_cost_rollup_daily');
      await knex.raw('VACUUM ANALYZE multicloud_cost_rollup_dimensions');
      await knex.raw('VACUUM ANALYZE multicloud_cost_rollup_resources');
      await knex.raw('VACUUM ANALYZE multicloud_cost_ancestors');
      log(
        `VACUUM ANALYZE of the rollups: ${seconds(
          performance.now() - started,
        )}`,
      );
    }
    const count = async (table: string, where?: Record<string, string>) =>
      Number(
        (
          await knex(table)
            .where(where ?? {})
            .count({ n: '*' })
        )[0].n,
      );

    const costImport = createCostImportService({
      knex,
      logger,
      attribution,
      limits,
    });
    const costQuery = createCostQueryService({
      knex,
      lastImportAt: costImport.lastImportAt,
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
      costQuery,
      topology: createTopologyService({
        knex,
        catalog,
        nodeBudget: DEFAULT_NODE_BUDGET,
      }),
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
    server = await new Promise<Server>(resolve => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    server.keepAliveTimeout = 60_000;
    const { port } = server.address() as AddressInfo;

    const ready: QueryPhaseReady = {
      engine,
      counts: estate.counts,
      entities: estate.entities.length,
      factRows: built.factRows,
      from: built.from,
      to: built.to,
      loadMs: built.loadMs,
      indexMs: built.indexMs,
      refreshMs,
      refreshStatements: refreshStatements.slice(0, 12),
      analyzeMs,
      rollupRows: await count('multicloud_cost_rollup_daily'),
      dimensionRows: await count('multicloud_cost_rollup_dimensions'),
      rollupResourceRows: await count('multicloud_cost_rollup_resources'),
      entityRollupRows: await count('multicloud_cost_rollup_daily', {
        entity_ref: estate.largestSystem,
      }),
      sizes: await storeSize(knex, engine),
      baseUrl: `http://127.0.0.1:${port}/api/multicloud`,
      entityRef: estate.largestSystem,
    };
    let profile: ReturnType<typeof timeStatements> | undefined;
    const stopped = new Promise<void>(resolve => {
      process.on('message', (message: { type?: string }) => {
        if (message?.type === 'profile-start') {
          profile = timeStatements(knex);
        } else if (message?.type === 'profile-stop') {
          const statements = profile?.stop() ?? [];
          profile = undefined;
          send({ type: 'profile', statements }).catch(() => undefined);
        } else if (message?.type === 'stop') {
          resolve();
        }
      });
    });
    await send({ type: 'ready', ready });
    await stopped;
  } finally {
    if (server) {
      // Let requests still running (autocannon stops mid-flight) finish first.
      const closed = new Promise(resolve => server!.close(resolve));
      const idle = setInterval(() => server!.closeIdleConnections(), 100);
      server.closeIdleConnections();
      await Promise.race([closed, sleep(60_000)]);
      clearInterval(idle);
      server.closeAllConnections();
      // Requests whose clients gave up (autocannon's timeouts) still run;
      // let them finish before the pool goes, for up to five minutes.
      const pool = (
        knex.client as {
          pool?: { numUsed(): number; numPendingAcquires(): number };
        }
      ).pool;
      const drainEnd = Date.now() + 300_000;
      let quiet = 0;
      while (pool && quiet < 5 && Date.now() < drainEnd) {
        await sleep(100);
        quiet =
          pool.numUsed() + pool.numPendingAcquires() === 0 ? quiet + 1 : 0;
      }
    }
    await knex.destroy();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
