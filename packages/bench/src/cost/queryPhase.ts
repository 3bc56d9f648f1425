/*
 * The server of the query part for one engine, in its own Node process
 * (forked by queryBench.ts): the plugin on the kept store, with the
 * estate's catalog; its scheduled tasks run once at start (the attribution
 * refresh among them, which the parent waits for through
 * `GET /api/multicloud/health`). Serves until the parent, which sends the
 * requests, says stop. Messages over IPC:
 *   child -> parent: { type: 'ready', baseUrl }, { type: 'profile', statements }
 *   parent -> child: { type: 'profile-start' | 'profile-stop' | 'stop' }
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCostBackend } from './costBackend';
import {
  DatabaseLocation,
  createKnex,
  drainPool,
  runPhase,
  sendToParent,
} from './lib';
import { planEstate } from './queryEstate';
import { timeStatements } from '../shared/sqlTimer';

export type QueryPhaseInput = {
  facts: number;
  store: DatabaseLocation;
};

async function main() {
  const input: QueryPhaseInput = JSON.parse(process.argv[2]);
  const { engine } = input.store;
  const estate = planEstate(input.facts);
  const tempDirectory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), `multicloud-bench-query-${engine}-`),
  );
  const knex = createKnex(input.store);
  try {
    const backend = await startCostBackend({
      knex,
      catalog: { entities: estate.entities },
      tempDirectory,
      runTasksAtStart: true,
      logPrefix: engine,
    });
    try {
      let profile: ReturnType<typeof timeStatements> | undefined;
      const stopped = new Promise<void>(resolve => {
        process.on('message', (message: { type?: string }) => {
          if (message?.type === 'profile-start') {
            profile = timeStatements(knex);
          } else if (message?.type === 'profile-stop') {
            const statements = profile?.stop() ?? [];
            profile = undefined;
            sendToParent({ type: 'profile', statements }).catch(
              () => undefined,
            );
          } else if (message?.type === 'stop') {
            resolve();
          }
        });
      });
      await sendToParent({ type: 'ready', baseUrl: backend.baseUrl });
      await stopped;
    } finally {
      await backend.stop();
    }
    // Requests whose clients gave up (timeouts of the concurrent run) may
    // still run; let them finish before the pool goes.
    await drainPool(knex);
  } finally {
    await knex.destroy();
    await fs.promises.rm(tempDirectory, { recursive: true, force: true });
  }
}

runPhase(main);
