/*
 * The server of one import measurement, in its own Node process (forked by
 * importBench.ts) so that its memory is this engine's alone: the plugin on
 * an empty database with an empty catalog. The parent uploads the file;
 * this process measures itself around it. Messages over IPC:
 *   child -> parent: { type: 'ready', baseUrl }, { type: 'measuring' },
 *                    { type: 'measured', result }
 *   parent -> child: { type: 'measure-start' | 'measure-stop' }
 *   importPhase.ts <json: ImportPhaseInput>
 */
import { startCostBackend } from './costBackend';
import {
  DatabaseLocation,
  createKnex,
  drainPool,
  peakRssBytes,
  resetPeakRss,
  rssSampler,
  runPhase,
  sendToParent,
} from './lib';
import { StatementTime, timeStatements } from '../shared/sqlTimer';

export type ImportPhaseInput = {
  database: DatabaseLocation;
  tempDirectory: string;
};

/** What the server process measured around one import. */
export type ImportServerMeasures = {
  /** CPU time of this process (all its threads, DuckDB's included). */
  cpuMs: number;
  /** VmHWM since the measurement started (since the process started where it cannot be reset). */
  peakRssBytes: number;
  peakRssReset: boolean;
  sampledPeakRssBytes: number;
  /** V8 heap (total) when the sampled RSS peaked. */
  heapAtPeakBytes: number;
  rssBeforeBytes: number;
  /** DuckDB's limits as the bench configured them (else the plugin's defaults). */
  limits: { memoryLimit: string; threads: string };
  slowStatements: StatementTime[];
};

async function main() {
  const input: ImportPhaseInput = JSON.parse(process.argv[2]);
  const { engine } = input.database;
  const knex = createKnex(input.database);
  try {
    const backend = await startCostBackend({
      knex,
      catalog: { entities: [] },
      tempDirectory: input.tempDirectory,
      runTasksAtStart: false,
      logPrefix: engine,
      logRss: true,
    });
    try {
      const measured = new Promise<ImportServerMeasures>(resolve => {
        let stop: (() => ImportServerMeasures) | undefined;
        process.on('message', (message: { type?: string }) => {
          if (message?.type === 'measure-start') {
            const rssBefore = process.memoryUsage.rss();
            const peakRssReset = resetPeakRss();
            const sampler = rssSampler(50);
            const timer = timeStatements(knex);
            const cpuBefore = process.cpuUsage();
            stop = () => {
              const cpu = process.cpuUsage(cpuBefore);
              const sampled = sampler.stop();
              return {
                cpuMs: (cpu.user + cpu.system) / 1000,
                peakRssBytes: peakRssBytes(),
                peakRssReset,
                sampledPeakRssBytes: sampled.rss,
                heapAtPeakBytes: sampled.heapTotal,
                rssBeforeBytes: rssBefore,
                limits: {
                  memoryLimit:
                    process.env.BENCH_MEMORY_LIMIT ?? 'default (256MB)',
                  threads: process.env.BENCH_THREADS ?? 'default (2)',
                },
                slowStatements: timer.stop().filter(s => s.totalMs >= 200),
              };
            };
            sendToParent({ type: 'measuring' }).catch(() => undefined);
          } else if (message?.type === 'measure-stop' && stop) {
            resolve(stop());
          }
        });
      });
      await sendToParent({ type: 'ready', baseUrl: backend.baseUrl });
      await sendToParent({ type: 'measured', result: await measured });
    } finally {
      await backend.stop();
    }
    await drainPool(knex);
  } finally {
    await knex.destroy();
  }
}

runPhase(main);
