/*
 * One import measurement in its own Node process (forked by importBench.ts),
 * so that peak RSS is this engine's alone:
 *   importPhase.ts <json: { engine, file, serverUrl?, database?, sqliteFile? }>
 * Sends the result over IPC and exits.
 */
import { ConfigReader } from '@backstage/config';
import { readCostConfig } from '../src/config';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { createCostAttributionService } from '../src/services/CostAttribution/createCostAttributionService';
import { createCostImportService } from '../src/services/CostImport/createCostImportService';
import {
  Engine,
  createKnex,
  fakeAuth,
  fakeCatalog,
  peakRssBytes,
  printingLogger,
  rssSampler,
} from './lib';
import { timeStatements } from './sqlTimer';

export type ImportPhaseInput = {
  engine: Engine;
  file: string;
  tempDirectory: string;
  serverUrl?: string;
  database?: string;
  sqliteFile?: string;
};

export type ImportPhaseResult = {
  engine: Engine;
  wallMs: number;
  /** CPU time of this process (all its threads, DuckDB's included). */
  cpuMs: number;
  rows: number;
  dailyRows: number;
  rowsPerSecond: number;
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  /** V8 heap (total) when the sampled RSS peaked. */
  heapAtPeakBytes: number;
  rssBeforeBytes: number;
  limits: { memoryLimit: string; threads: number };
  slowStatements: Array<{ sql: string; count: number; totalMs: number }>;
  factRows: number;
  rollupRows: number;
};

async function main() {
  const input: ImportPhaseInput = JSON.parse(process.argv[2]);
  const knex = createKnex(input.engine, input);
  try {
    await applyDatabaseMigrations(knex);
    const logger = printingLogger(input.engine, true);
    // The production defaults, unless BENCH_MEMORY_LIMIT / BENCH_THREADS
    // try others (as multicloud.cost.imports.memoryLimit / threads would).
    const imports: Record<string, string | number> = {};
    if (process.env.BENCH_MEMORY_LIMIT) {
      imports.memoryLimit = process.env.BENCH_MEMORY_LIMIT;
    }
    if (process.env.BENCH_THREADS) {
      imports.threads = Number(process.env.BENCH_THREADS);
    }
    const { limits, tagKeys } = readCostConfig(
      new ConfigReader({ multicloud: { cost: { imports } } }),
      input.tempDirectory,
    );
    const attribution = createCostAttributionService({
      knex,
      catalog: fakeCatalog([]),
      auth: fakeAuth,
      logger,
      tagKeys,
    });
    const importer = createCostImportService({
      knex,
      logger,
      attribution,
      limits,
    });
    const timer = timeStatements(knex);
    const rssBefore = process.memoryUsage.rss();
    const sampler = rssSampler(50);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await importer.importFile({
      path: input.file,
      source: 'bench',
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const sampled = sampler.stop();
    const peak = peakRssBytes();
    const slowStatements = timer.stop().filter(s => s.totalMs >= 200);
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    const output: ImportPhaseResult = {
      engine: input.engine,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rows: result.rows,
      dailyRows: result.dailyRows,
      rowsPerSecond: (result.rows * 1000) / wallMs,
      peakRssBytes: peak,
      sampledPeakRssBytes: sampled.rss,
      heapAtPeakBytes: sampled.heapTotal,
      rssBeforeBytes: rssBefore,
      limits: { memoryLimit: limits.memoryLimit, threads: limits.threads },
      slowStatements,
      factRows: await count('multicloud_cost_facts'),
      rollupRows: await count('multicloud_cost_rollup_daily'),
    };
    await new Promise<void>((resolve, reject) =>
      process.send!({ type: 'result', result: output }, error =>
        error ? reject(error) : resolve(),
      ),
    );
  } finally {
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
