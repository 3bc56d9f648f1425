/*
 * Runs the fake cloud APIs of fakeClouds.ts in a child process, so that
 * generating and serializing the estate neither shares the event loop nor
 * counts in the memory of the process being measured: real cloud APIs run
 * on someone else's machine.
 */
import { fork } from 'node:child_process';
import { ServerStats } from '@multicloud/plugin-catalog-backend-module-multicloud/testUtils';
import { CloudServers, EstateSizes, startCloudServers } from './fakeClouds';

type Ready = {
  type: 'ready';
  servers: Omit<CloudServers, 'close' | 'stats'>;
};
type Stats = {
  type: 'stats';
  stats: Record<keyof EstateSizes, ServerStats>;
  cpuMs: number;
};

export type RemoteCloudServers = Omit<CloudServers, 'close' | 'stats'> & {
  /** Requests, items and bytes served so far, and the CPU time the server process used. */
  stats(): Promise<Stats>;
  close(): Promise<void>;
};

/** Forks this file with the same TypeScript loader and waits for the servers to listen. */
export async function startCloudServersProcess(
  total: number,
): Promise<RemoteCloudServers> {
  const child = fork(__filename, [String(total)], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  // The TypeScript loader also talks over IPC (`{ type: 'watch' }`); wait for ours.
  const next = <T extends Ready | Stats>(type: T['type']) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`cloud server process exited with ${code}`));
      const onMessage = (message: { type?: string }) => {
        if (message?.type === type) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<Ready>('ready');
  return {
    ...ready.servers,
    stats: async () => {
      const answer = next<Stats>('stats');
      child.send('stats');
      return answer;
    },
    close: async () => {
      child.send('stop');
      await exited;
    },
  };
}

async function main() {
  const servers = await startCloudServers(Number(process.argv[2]));
  const { close, stats, ...info } = servers;
  process.on('message', async message => {
    if (message === 'stats') {
      const usage = process.cpuUsage();
      process.send!({
        type: 'stats',
        stats,
        cpuMs: Math.round((usage.user + usage.system) / 1000),
      } satisfies Stats);
    } else if (message === 'stop') {
      await close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', servers: info } satisfies Ready);
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
