/*
 * Part 1, provider side: the MulticloudEntityProviders that
 * `MulticloudEntityProvider.fromConfig` builds of four sources configured
 * against the local cloud APIs read N resources and hand full mutations to
 * recording connections.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import { MulticloudEntityProvider } from '@multicloud/plugin-catalog-backend-module-multicloud';
import { startCloudServersProcess } from './cloudServersProcess';
import {
  benchConfig,
  Cloud,
  cloudOf,
  createBenchProviders,
  DEFAULT_OWNER,
  int,
  mib,
  peakRssBytes,
  perSecond,
  quietLogger,
  seconds,
  table,
  useLocalCredentials,
} from './lib';

type Run = {
  cloud: Cloud;
  provider: MulticloudEntityProvider;
  /** Set by the connection: the last full mutation. */
  mutation?: DeferredEntity[];
  /** When the provider's refresh returned, from the start of the pass. */
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
    cloud: Cloud;
    entities: number;
    doneMs: number;
  }>;
};

async function runPass(runs: Run[]): Promise<Pass> {
  for (const run of runs) {
    run.mutation = undefined;
    run.doneMs = undefined;
  }
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  let maxHeapUsed = 0;
  let maxExternal = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    maxHeapUsed = Math.max(maxHeapUsed, usage.heapUsed);
    maxExternal = Math.max(maxExternal, usage.external);
  };
  const sampler = setInterval(sample, 100);
  const t0 = performance.now();
  // All providers refresh at once, as the scheduler would run them.
  await Promise.all(
    runs.map(async run => {
      await run.provider.refresh();
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
    )} (Cloud Asset REST, ${servers.gcp.endpoint}), Kubernetes ${int(
      sizes.kubernetes,
    )} (+1 cluster entity)`,
  );
  const logger = quietLogger();
  useLocalCredentials(servers);
  try {
    const runs = new Map<MulticloudEntityProvider, Run>();
    const providers = await createBenchProviders(
      benchConfig(servers),
      logger,
      (provider, mutation) => {
        if (mutation.type !== 'full') {
          throw new Error('expected a full mutation');
        }
        runs.get(provider)!.mutation = mutation.entities;
      },
    );
    for (const provider of providers) {
      runs.set(provider, { cloud: cloudOf(provider), provider });
    }
    const list = [...runs.values()];
    const first = await runPass(list);
    const firstPrint = fingerprint(list);
    const firstShapes = shapes(list);
    const firstStats = await servers.stats();
    for (const run of list) {
      run.mutation = undefined;
    }

    const second = await runPass(list);
    const secondPrint = fingerprint(list);
    for (const run of list) {
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

    const served = (cloud: Cloud) => firstStats.stats[cloud];
    console.log(
      `\n  Per provider (all refreshed concurrently; "done" = refresh returned, from the start of the run: the source read and the mapping):`,
    );
    console.log(
      table(
        [
          'provider',
          'served',
          'entities',
          'requests',
          'MB sent',
          'done 1st',
          'entities/s',
          'done 2nd',
        ],
        [
          ...first.perProvider.map((p, i) => [
            p.cloud,
            int(served(p.cloud).items),
            int(p.entities),
            int(served(p.cloud).requests),
            (served(p.cloud).bytes / 1e6).toFixed(1),
            seconds(p.doneMs),
            perSecond(p.entities, p.doneMs),
            seconds(second.perProvider[i].doneMs),
          ]),
          [
            'all',
            int(total),
            int(first.entities),
            '',
            '',
            seconds(first.wallMs),
            perSecond(first.entities, first.wallMs),
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
