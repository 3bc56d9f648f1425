/*
 * The server of the reattribute part for one engine, in its own Node
 * process (forked by reattributeBench.ts): the plugin on a copy of the kept
 * store, reading the catalog the parent serves over HTTP, with a scheduler
 * that runs nothing on its own (bench:alerts' RecordingScheduler): the
 * bench runs the attribution task's function itself and times it, from the
 * call until it returns, as the scheduler would run it. Serves the API in
 * between (the parent reads the cost through it and asks for the rebuild).
 * Messages over IPC:
 *   child -> parent: { type: 'ready', baseUrl }, AttributedMessage
 *   parent -> child: { type: 'attribute' | 'stop' }
 */
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingScheduler } from '../alerts/alertsBackend';
import { StatementTime, timeStatements } from '../shared/sqlTimer';
import { startCostBackend } from './costBackend';
import {
  DatabaseLocation,
  createKnex,
  drainPool,
  runPhase,
  sendToParent,
} from './lib';

/**
 * Id of the plugin's attribution task (plugins/multicloud-backend/src/plugin.ts),
 * which runs the attribution refresh.
 */
export const ATTRIBUTION_TASK_ID = 'multicloud-cost-attribution';

export type ReattributePhaseInput = {
  store: DatabaseLocation;
  /** `http://127.0.0.1:<port>/api/catalog` */
  catalogUrl: string;
};

export type AttributedMessage = {
  type: 'attributed';
  /** From calling the task's function until it returned. */
  ms: number;
  /** The plugin's "Cost attribution ..." log lines meanwhile. */
  lines: string[];
  /** The slowest SQL statements meanwhile. */
  statements: StatementTime[];
  error?: string;
};

/** Statements at least this long are printed as they end, so a slow task shows where it is. */
const SLOW_STATEMENT_MS = 5_000;

/** Prints each statement of `knex` that takes `SLOW_STATEMENT_MS` or more, as it ends. */
function printSlowStatements(knex: Knex, prefix: string) {
  const started = new Map<string, { at: number; sql: string }>();
  knex.on('query', (data: { __knexQueryUid: string; sql: string }) => {
    started.set(data.__knexQueryUid, { at: performance.now(), sql: data.sql });
  });
  const ended = (_: unknown, data: { __knexQueryUid: string }) => {
    const start = started.get(data.__knexQueryUid);
    started.delete(data.__knexQueryUid);
    const ms = start ? performance.now() - start.at : 0;
    if (start && ms >= SLOW_STATEMENT_MS) {
      console.log(
        `  ${prefix} slow SQL, ${(ms / 1000).toFixed(1)} s: ${start.sql
          .replace(/\s+/g, ' ')
          .slice(0, 300)}`,
      );
    }
  };
  knex.on('query-response', ended);
  knex.on('query-error', ended);
}

async function main() {
  const input: ReattributePhaseInput = JSON.parse(process.argv[2]);
  const { engine } = input.store;
  const tempDirectory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), `multicloud-bench-reattribute-${engine}-`),
  );
  const knex = createKnex(input.store);
  printSlowStatements(knex, `${engine} reattribute`);
  const scheduler = new RecordingScheduler();
  let lines: string[] = [];
  try {
    const backend = await startCostBackend({
      knex,
      catalog: { baseUrl: input.catalogUrl },
      tempDirectory,
      runTasksAtStart: false,
      logPrefix: `${engine} reattribute`,
      scheduler,
      onInfo: message => {
        if (message.startsWith('Cost attribution')) {
          lines.push(message);
        }
      },
    });
    try {
      const attribute = scheduler.taskFunction(ATTRIBUTION_TASK_ID);
      let queue = Promise.resolve();
      const stopped = new Promise<void>(resolve => {
        process.on('message', (message: { type?: string }) => {
          if (message?.type === 'attribute') {
            queue = queue.then(async () => {
              lines = [];
              const timer = timeStatements(knex);
              const started = performance.now();
              let error: string | undefined;
              try {
                await attribute();
              } catch (e) {
                error = String(e);
              }
              const ms = performance.now() - started;
              await sendToParent({
                type: 'attributed',
                ms,
                lines,
                statements: timer.stop().slice(0, 6),
                ...(error ? { error } : {}),
              } satisfies AttributedMessage);
            });
          } else if (message?.type === 'stop') {
            queue.then(() => resolve());
          }
        });
      });
      await sendToParent({ type: 'ready', baseUrl: backend.baseUrl });
      await stopped;
    } finally {
      await backend.stop();
    }
    await drainPool(knex);
  } finally {
    await knex.destroy();
    await fs.promises.rm(tempDirectory, { recursive: true, force: true });
  }
}

runPhase(main);
