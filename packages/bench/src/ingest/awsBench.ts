/*
 * Part 3, AWS: N resources of every type the AWS source reads, read once
 * through an AWS Config aggregator and once through the per-service listers,
 * each in a fresh process (so that each path's peak RSS is its own), by the
 * MulticloudEntityProvider that `fromConfig` builds of an `aws` source
 * configured against the local AWS, into a recording connection. The local
 * AWS (the module's wire-format fake, serving the generated estate of
 * awsEstate.ts) runs in a third process, as in part 1.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import {
  endpointsOf,
  serveAwsWorld,
  ServerStats,
  startFakeAwsServer,
} from '@multicloud/plugin-catalog-backend-module-multicloud/testUtils';
import { createAwsBenchWorld } from './awsEstate';
import {
  AWS_INTEGRATION_CONFIG,
  createBenchProviders,
  DEFAULT_OWNER,
  int,
  MAX_REMOVAL_SHARE,
  mib,
  OWNER_TAG_KEYS,
  peakRssBytes,
  perSecond,
  quietLogger,
  seconds,
  table,
} from './lib';

type Path = 'config' | 'services';

/** What one path's process measured. */
type Measured = {
  type: 'measured';
  path: Path;
  wallMs: number;
  cpuMs: number;
  peakRss: number;
  rssBefore: number;
  entities: number;
  byType: Record<string, number>;
  relations: number;
  warnings: number;
  errors: number;
};

type ServerReply =
  | { type: 'ready'; endpoint: string }
  | {
      type: 'stats';
      stats: ServerStats;
      byAction: Record<string, number>;
      cpuMs: number;
    };

/** Forks this file in `mode` with the same TypeScript loader. */
function forkSelf(args: string[]) {
  return fork(__filename, args, {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function nextMessage<T extends { type: string }>(
  child: ReturnType<typeof fork>,
  type: T['type'],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`bench process exited with ${code}`));
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
}

/** The server process: the local AWS over the generated estate. */
async function serve(total: number) {
  const server = await startFakeAwsServer(
    serveAwsWorld(createAwsBenchWorld(total)),
  );
  process.on('message', async message => {
    if (message === 'stats') {
      const usage = process.cpuUsage();
      process.send!({
        type: 'stats',
        stats: server.stats,
        byAction: server.requestsByAction(),
        cpuMs: Math.round((usage.user + usage.system) / 1000),
      } satisfies ServerReply);
    } else if (message === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({
    type: 'ready',
    endpoint: server.endpoint,
  } satisfies ServerReply);
}

/** A measuring process: one refresh of one provider over one path. */
async function measure(path: Path, endpoint: string) {
  const logger = quietLogger();
  let entities: DeferredEntity[] = [];
  const [provider] = await createBenchProviders(
    {
      aws: AWS_INTEGRATION_CONFIG,
      catalog: {
        providers: {
          multicloud: {
            [`aws-${path}`]: {
              type: 'aws',
              defaultOwner: DEFAULT_OWNER,
              ownerTagKeys: OWNER_TAG_KEYS,
              maxRemovalShare: MAX_REMOVAL_SHARE,
              endpoints: endpointsOf(endpoint),
              ...(path === 'config'
                ? {
                    configAggregator: {
                      name: 'bench-org',
                      region: 'us-east-1',
                    },
                  }
                : {}),
            },
          },
        },
      },
    },
    logger,
    (_provider, mutation) => {
      if (mutation.type === 'full') {
        entities = mutation.entities;
      }
    },
  );
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await provider.refresh();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const byType: Record<string, number> = {};
  let relations = 0;
  for (const { entity } of entities) {
    const type = String(entity.spec?.type);
    byType[type] = (byType[type] ?? 0) + 1;
    relations += (entity.spec?.dependsOn as string[] | undefined)?.length ?? 0;
  }
  process.send!({
    type: 'measured',
    path,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRss: peakRssBytes(),
    rssBefore,
    entities: entities.length,
    byType,
    relations,
    warnings: logger.counts.warn,
    errors: logger.counts.error,
  } satisfies Measured);
}

/** Requests per service between two stats snapshots. */
function requestsPerService(
  before: Record<string, number>,
  after: Record<string, number>,
): Map<string, number> {
  const perService = new Map<string, number>();
  for (const [action, count] of Object.entries(after)) {
    const service = action.split(':')[0];
    const delta = count - (before[action] ?? 0);
    if (delta > 0) {
      perService.set(service, (perService.get(service) ?? 0) + delta);
    }
  }
  return perService;
}

export async function runAwsBench(total: number): Promise<void> {
  console.log(
    `\n== Part 3: AWS, ${int(
      total,
    )} resources of every type, through Config and per service ==`,
  );
  const server = forkSelf(['serve', String(total)]);
  const exited = new Promise<void>(resolve =>
    server.once('exit', () => resolve()),
  );
  const stats = async () => {
    const answer = nextMessage<Extract<ServerReply, { type: 'stats' }>>(
      server,
      'stats',
    );
    server.send('stats');
    return answer;
  };
  try {
    const { endpoint } = await nextMessage<
      Extract<ServerReply, { type: 'ready' }>
    >(server, 'ready');
    console.log(
      `  local AWS: ${endpoint} (Query XML, JSON 1.0 / 1.1 and REST, one account, two regions)`,
    );
    const results: Array<{
      measured: Measured;
      requests: Map<string, number>;
    }> = [];
    for (const path of ['config', 'services'] as Path[]) {
      const before = (await stats()).byAction;
      const child = forkSelf(['measure', path, endpoint]);
      const measured = await nextMessage<Measured>(child, 'measured');
      child.kill();
      results.push({
        measured,
        requests: requestsPerService(before, (await stats()).byAction),
      });
    }

    console.log(`\n  Summary (each path in a fresh process):`);
    console.log(
      table(
        [
          'path',
          'entities',
          'wall',
          'entities/s',
          'CPU',
          'RSS before',
          'peak RSS',
          'dependsOn refs',
          'requests',
          'warnings',
          'errors',
        ],
        results.map(({ measured: m, requests }) => [
          m.path,
          int(m.entities),
          seconds(m.wallMs),
          perSecond(m.entities, m.wallMs),
          seconds(m.cpuMs),
          mib(m.rssBefore),
          mib(m.peakRss),
          int(m.relations),
          int([...requests.values()].reduce((a, b) => a + b, 0)),
          int(m.warnings),
          int(m.errors),
        ]),
      ),
    );
    const services = [
      ...new Set(results.flatMap(r => [...r.requests.keys()])),
    ].sort();
    console.log(`\n  Requests per service:`);
    console.log(
      table(
        ['service', ...results.map(r => r.measured.path)],
        services.map(service => [
          service,
          ...results.map(r => int(r.requests.get(service) ?? 0)),
        ]),
      ),
    );
    const types = [
      ...new Set(results.flatMap(r => Object.keys(r.measured.byType))),
    ].sort();
    console.log(`\n  Entities per type:`);
    console.log(
      table(
        ['type', ...results.map(r => r.measured.path)],
        types.map(type => [
          type,
          ...results.map(r => int(r.measured.byType[type] ?? 0)),
        ]),
      ),
    );
    const gb = 1e9;
    console.log(
      `\n  targets: ${results
        .map(
          ({ measured: m }) =>
            `${m.path}: wall < 30 s ${
              m.wallMs < 30_000 ? 'met' : 'MISSED'
            } (${seconds(m.wallMs)}), peak RSS < 1 GB ${
              m.peakRss < gb ? 'met' : 'MISSED'
            } (${(m.peakRss / gb).toFixed(2)} GB)`,
        )
        .join('; ')}`,
    );
    console.log(
      `  CPU of the local AWS process: ${seconds(
        (await stats()).cpuMs,
      )} (not part of the measured processes)`,
    );
  } finally {
    server.send('stop');
    await exited;
  }
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  const run =
    mode === 'serve'
      ? serve(Number(args[0]))
      : measure(args[0] as Path, args[1]);
  run.catch(error => {
    console.error(error);
    process.exit(1);
  });
}
