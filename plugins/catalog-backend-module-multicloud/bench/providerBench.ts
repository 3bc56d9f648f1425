/*
 * Part 1, provider side: four MulticloudEntityProviders read N resources from
 * the local cloud APIs through the real adapters and hand full mutations to a
 * recording connection.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CloudSource,
  createInMemorySourceStatus,
} from '@multicloud/plugin-multicloud-node';
import { MulticloudEntityProvider } from '../src/providers/MulticloudEntityProvider';
import { startCloudServersProcess } from './cloudServersProcess';
import {
  createBenchSources,
  DEFAULT_OWNER,
  groupEntities,
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

type Run = {
  cloud: string;
  provider: MulticloudEntityProvider;
  task?: SchedulerServiceTaskInvocationDefinition;
  /** Set by the connection: the last full mutation and when it was applied. */
  mutation?: DeferredEntity[];
  readMs?: number;
  appliedMs?: number;
  doneMs?: number;
};

type Pass = {
  wallMs: number;
  cpuMs: number;
  rssBefore: number;
  rssAfter: number;
  peakRss: number;
  /** Largest heapUsed / external seen by a 100 ms sampler (a blocked event loop samples less). */
  maxHeapUsed: number;
  maxExternal: number;
  entities: number;
  perProvider: Array<{
    cloud: string;
    entities: number;
    readMs: number;
    doneMs: number;
  }>;
};

/** Times every `readResources`, so the table can split reading from mapping. */
function timed(
  source: CloudSource,
  onRead: (ms: number) => void,
  start: () => number,
): CloudSource {
  return {
    id: source.id,
    async readResources(options) {
      const resources = await source.readResources(options);
      onRead(performance.now() - start());
      return resources;
    },
  };
}

/** When the current pass started (performance.now()). */
let passStart = 0;

async function runPass(runs: Run[]): Promise<Pass> {
  for (const run of runs) {
    run.mutation = undefined;
    run.readMs = run.appliedMs = run.doneMs = undefined;
  }
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const abort = new AbortController();
  let maxHeapUsed = 0;
  let maxExternal = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    maxHeapUsed = Math.max(maxHeapUsed, usage.heapUsed);
    maxExternal = Math.max(maxExternal, usage.external);
  };
  const sampler = setInterval(sample, 100);
  const t0 = performance.now();
  passStart = t0;
  // All four providers refresh at once, as the scheduler would run them.
  await Promise.all(
    runs.map(async run => {
      await run.task!.fn(abort.signal);
      run.doneMs = performance.now() - t0;
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  sample();
  clearInterval(sampler);
  const failed = runs.filter(run => !run.mutation);
  if (failed.length) {
    throw new Error(
      `no mutation from ${failed
        .map(r => r.cloud)
        .join(', ')}: the provider logged why above`,
    );
  }
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBefore,
    rssAfter: process.memoryUsage().rss,
    peakRss: peakRssBytes(),
    maxHeapUsed,
    maxExternal,
    entities: runs.reduce((sum, run) => sum + run.mutation!.length, 0),
    perProvider: runs.map(run => ({
      cloud: run.cloud,
      entities: run.mutation!.length,
      readMs: run.readMs!,
      doneMs: run.doneMs!,
    })),
  };
}

type Shape = {
  ownerFromTag: number;
  dependsOn: number;
  relations: number;
  system: number;
  labels: number;
};

/** What the mapping produced: owners resolved from tags, relations, systems, labels. */
function shapes(runs: Run[]): Map<string, Shape> {
  return new Map(
    runs.map(run => {
      const shape: Shape = {
        ownerFromTag: 0,
        dependsOn: 0,
        relations: 0,
        system: 0,
        labels: 0,
      };
      for (const { entity } of run.mutation!) {
        const spec = entity.spec as {
          owner?: string;
          system?: string;
          dependsOn?: string[];
        };
        if (spec.owner !== DEFAULT_OWNER) {
          shape.ownerFromTag++;
        }
        if (spec.dependsOn?.length) {
          shape.dependsOn++;
          shape.relations += spec.dependsOn.length;
        }
        if (spec.system) {
          shape.system++;
        }
        shape.labels += Object.keys(entity.metadata.labels ?? {}).length;
      }
      return [run.cloud, shape];
    }),
  );
}

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((100 * part) / whole)}%` : '-';
}

/** Entity JSON per name (as a hash), plus the order and location keys. */
function fingerprint(runs: Run[]) {
  const byName = new Map<string, string>();
  const order: string[] = [];
  for (const run of runs) {
    for (const { entity, locationKey } of run.mutation!) {
      const name = entity.metadata.name;
      const json = JSON.stringify({ entity, locationKey });
      byName.set(name, createHash('sha256').update(json).digest('base64'));
      order.push(name);
    }
  }
  return { byName, order };
}

export async function runProviderBench(total: number): Promise<void> {
  console.log(`\n== Part 1: provider side, ${int(total)} resources ==`);
  const servers = await startCloudServersProcess(total);
  const { sizes } = servers;
  console.log(
    `  local APIs: AWS ${int(sizes.aws)} (EC2 Query/XML, ${
      servers.aws.endpoint
    }), Azure ${int(sizes.azure)} (ARM over https), GCP ${int(
      sizes.gcp,
    )} (Cloud Asset REST), Kubernetes ${int(
      sizes.kubernetes,
    )} (+1 cluster entity)`,
  );
  const logger = quietLogger();
  const catalog = catalogServiceMock({ entities: groupEntities() });
  const auth = mockServices.auth();
  const sourceStatus = createInMemorySourceStatus();

  const runs: Run[] = createBenchSources(servers, logger).map(
    ({ cloud, source }) => {
      const run = { cloud } as Run;
      const connection: EntityProviderConnection = {
        async applyMutation(mutation: EntityProviderMutation) {
          if (mutation.type !== 'full') {
            throw new Error('expected a full mutation');
          }
          run.mutation = mutation.entities;
          run.appliedMs = performance.now() - passStart;
        },
        async refresh() {},
      };
      run.provider = new MulticloudEntityProvider(
        timed(
          source,
          ms => (run.readMs = ms),
          () => passStart,
        ),
        {
          defaultOwner: DEFAULT_OWNER,
          ownerTagKeys: OWNER_TAG_KEYS,
          maxRemovalShare: MAX_REMOVAL_SHARE,
        },
        { run: async task => void (run.task = task) },
        logger.child({ provider: cloud }),
        catalog,
        auth,
        sourceStatus,
      );
      sourceStatus.register({ id: source.id, type: cloud });
      void run.provider.connect(connection);
      return run;
    },
  );
  await Promise.resolve();

  try {
    const first = await runPass(runs);
    const firstPrint = fingerprint(runs);
    const firstShapes = shapes(runs);
    const firstStats = await servers.stats();
    for (const run of runs) {
      run.mutation = undefined;
    }

    const second = await runPass(runs);
    const secondPrint = fingerprint(runs);
    for (const run of runs) {
      run.mutation = undefined;
    }
    const stats = await servers.stats();

    let changed = 0;
    for (const [name, hash] of secondPrint.byName) {
      if (firstPrint.byName.get(name) !== hash) {
        changed++;
      }
    }
    for (const name of firstPrint.byName.keys()) {
      if (!secondPrint.byName.has(name)) {
        changed++;
      }
    }
    const sameOrder =
      firstPrint.order.length === secondPrint.order.length &&
      firstPrint.order.every((name, i) => secondPrint.order[i] === name);

    const served = (cloud: keyof typeof sizes) => firstStats.stats[cloud];
    console.log(
      `\n  Per provider (all four refreshed concurrently; times from the start of the run; "read" = readResources returned, "applied" = applyMutation returned):`,
    );
    console.log(
      table(
        [
          'provider',
          'served',
          'entities',
          'requests',
          'MB sent',
          'read 1st',
          'applied 1st',
          'entities/s',
          'read 2nd',
          'applied 2nd',
        ],
        [
          ...first.perProvider.map((p, i) => [
            p.cloud,
            int(served(p.cloud as keyof typeof sizes).items),
            int(p.entities),
            int(served(p.cloud as keyof typeof sizes).requests),
            (served(p.cloud as keyof typeof sizes).bytes / 1e6).toFixed(1),
            seconds(p.readMs),
            seconds(p.doneMs),
            perSecond(p.entities, p.doneMs),
            seconds(second.perProvider[i].readMs),
            seconds(second.perProvider[i].doneMs),
          ]),
          [
            'all',
            int(total),
            int(first.entities),
            '',
            '',
            '',
            seconds(first.wallMs),
            perSecond(first.entities, first.wallMs),
            '',
            seconds(second.wallMs),
          ],
        ],
      ),
    );
    console.log(`\n  Mapping (first run):`);
    console.log(
      table(
        [
          'provider',
          'owner from tag',
          'with dependsOn',
          'dependsOn refs',
          'with system',
          'labels/entity',
        ],
        first.perProvider.map(p => {
          const shape = firstShapes.get(p.cloud)!;
          return [
            p.cloud,
            percent(shape.ownerFromTag, p.entities),
            percent(shape.dependsOn, p.entities),
            int(shape.relations),
            percent(shape.system, p.entities),
            (shape.labels / p.entities).toFixed(1),
          ];
        }),
      ),
    );
    console.log(`\n  Summary:`);
    console.log(
      table(
        [
          'run',
          'wall',
          'resources/s',
          'CPU (bench)',
          'RSS before',
          'RSS after',
          'peak RSS',
          'RSS delta (peak - before)',
          'max heapUsed',
          'max external',
        ],
        [first, second].map((pass, i) => [
          i === 0 ? 'first' : 'second',
          seconds(pass.wallMs),
          perSecond(total, pass.wallMs),
          seconds(pass.cpuMs),
          mib(pass.rssBefore),
          mib(pass.rssAfter),
          mib(pass.peakRss),
          mib(pass.peakRss - pass.rssBefore),
          mib(pass.maxHeapUsed),
          mib(pass.maxExternal),
        ]),
      ),
    );
    console.log(
      `  CPU of the fake-API process over both runs: ${seconds(
        stats.cpuMs,
      )} (not part of the bench process)`,
    );
    console.log(
      `  warnings: ${logger.counts.warn}, errors: ${logger.counts.error}`,
    );
    console.log(
      `\n  second run: ${changed} changed entities (of ${int(
        second.entities,
      )}; compared entity JSON per name; same order: ${
        sameOrder ? 'yes' : 'no'
      })`,
    );
    const gib = 1024 ** 3;
    const rss = (bytes: number) =>
      `${mib(bytes)} = ${(bytes / 1e9).toFixed(2)} GB`;
    console.log(
      `  targets: wall < 60 s: ${
        first.wallMs < 60_000 ? 'met' : 'MISSED'
      } (${seconds(first.wallMs)}); ` +
        `peak RSS < 1 GiB: first run ${
          first.peakRss < gib ? 'met' : 'MISSED'
        } (${rss(first.peakRss)}), ` +
        `whole process incl. the second run ${
          second.peakRss < gib ? 'met' : 'MISSED'
        } (${rss(second.peakRss)}); ` +
        `unchanged second run: ${changed === 0 ? 'met' : 'MISSED'}`,
    );
  } finally {
    await servers.close();
  }
}
