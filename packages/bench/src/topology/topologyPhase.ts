/*
 * One engine of the topology benchmark in its own Node process (forked by
 * topology.ts): builds the catalog, starts the backend, waits until the
 * catalog serves it, and serves until the parent, which sends the requests,
 * says stop. Messages over IPC:
 *   child -> parent: { type: 'ready', ... }
 *   parent -> child: { type: 'stop' }
 */
import { Engine } from './lib';
import {
  TopologyBenchBackend,
  startTopologyBenchBackend,
} from './topologyBackend';
import { TopologyBenchCatalog, topologyBenchCatalog } from './topologyFixture';

export type TopologyPhaseInput = {
  engine: Engine;
  resources: number;
  systemNodes: number;
  postgres: string;
  cache: boolean;
};

export type TopologyPhaseReady = {
  type: 'ready';
  baseUrl: string;
  systemRef: string;
  expected: TopologyBenchCatalog['expected'];
  counts: TopologyBenchCatalog['counts'];
  ingestMs: number;
  restored: boolean;
  costRows: number;
};

async function main() {
  const input = JSON.parse(process.argv[2]) as TopologyPhaseInput;
  const catalog = topologyBenchCatalog({
    resources: input.resources,
    systemNodes: input.systemNodes,
  });
  let backend: TopologyBenchBackend | undefined;
  const stopped = new Promise<void>(resolve =>
    process.on('message', (m: { type?: string }) => {
      if (m?.type === 'stop') {
        resolve();
      }
    }),
  );
  try {
    backend = await startTopologyBenchBackend({
      engine: input.engine,
      catalog,
      postgres: input.postgres,
      cache: input.cache,
    });
    const ready: TopologyPhaseReady = {
      type: 'ready',
      baseUrl: backend.baseUrl,
      systemRef: catalog.systemRef,
      expected: catalog.expected,
      counts: catalog.counts,
      ingestMs: backend.ingestMs,
      restored: backend.restored,
      costRows: backend.costRows,
    };
    process.send!(ready);
    await stopped;
  } finally {
    await backend?.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
