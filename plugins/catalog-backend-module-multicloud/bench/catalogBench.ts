/*
 * Part 2, catalog side: M precomputed cloud resources go through this module
 * into a real catalog on a file-backed SQLite database, compared with a
 * trivial provider that applies the same entities (the floor: what the
 * catalog itself costs).
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  coreServices,
  createBackendModule,
  DatabaseService,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  CloudSource,
  createInMemorySourceStatus,
  multicloudSourcesExtensionPoint,
} from '@multicloud/plugin-multicloud-node';
import catalogModuleMulticloud from '../src';
import { MulticloudEntityProvider } from '../src/providers/MulticloudEntityProvider';
import { startCloudServersProcess } from './cloudServersProcess';
import {
  createBenchSources,
  DEFAULT_OWNER,
  groupEntities,
  int,
  MAX_REMOVAL_SHARE,
  OWNER_TAG_KEYS,
  perSecond,
  quietLogger,
  seconds,
  sleep,
  table,
} from './lib';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const SOURCE_ID = 'bench';
const TASK_ID = `MulticloudEntityProvider:${SOURCE_ID}:refresh`;
const PROGRESS_EVERY_MS = 10_000;
const POLL_EVERY_MS = 1_000;
const GIVE_UP_WITHOUT_PROGRESS_MS = 5 * 60_000;

// ---------------------------------------------------------------------------
// Precomputing the input

/** M cloud resources, read once through the real adapters from the local APIs. */
async function precomputeResources(total: number): Promise<CloudResource[]> {
  const servers = await startCloudServersProcess(total);
  try {
    const logger = quietLogger();
    const lists = await Promise.all(
      createBenchSources(servers, logger).map(({ source }) =>
        source
          .readResources()
          .then(read => (Array.isArray(read) ? read : read.resources)),
      ),
    );
    // The Kubernetes source adds its cluster; keep exactly `total`.
    return lists.flat().slice(0, total);
  } finally {
    await servers.close();
  }
}

const staticSource = (resources: CloudResource[]): CloudSource => ({
  id: SOURCE_ID,
  readResources: async () => resources,
});

/** The entities our provider makes of the resources, given the same groups the catalog will hold. */
async function precomputeEntities(
  resources: CloudResource[],
): Promise<DeferredEntity[]> {
  let task: SchedulerServiceTaskInvocationDefinition | undefined;
  let entities: DeferredEntity[] | undefined;
  const sourceStatus = createInMemorySourceStatus();
  const source = staticSource(resources);
  sourceStatus.register({ id: source.id, type: 'aws' });
  const provider = new MulticloudEntityProvider(
    source,
    {
      defaultOwner: DEFAULT_OWNER,
      ownerTagKeys: OWNER_TAG_KEYS,
      maxRemovalShare: MAX_REMOVAL_SHARE,
    },
    { run: async t => void (task = t) },
    quietLogger(),
    catalogServiceMock({ entities: groupEntities() }),
    mockServices.auth(),
    sourceStatus,
  );
  await provider.connect({
    applyMutation: async mutation => {
      entities = mutation.type === 'full' ? mutation.entities : undefined;
    },
    refresh: async () => {},
  });
  await task!.fn(new AbortController().signal);
  if (!entities) {
    throw new Error('precomputing the entities produced no full mutation');
  }
  return entities;
}

// ---------------------------------------------------------------------------
// Backend pieces

/** The catalog's groups, applied once at startup by a plain provider (same in both backends). */
const orgModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'bench-org',
  register(reg) {
    reg.registerInit({
      deps: { catalogProcessing: catalogProcessingExtensionPoint },
      async init({ catalogProcessing }) {
        const provider: EntityProvider = {
          getProviderName: () => 'BenchOrgProvider',
          connect: async connection => {
            await connection.applyMutation({
              type: 'full',
              entities: groupEntities().map(entity => ({
                entity,
                locationKey: 'bench:org',
              })),
            });
          },
        };
        catalogProcessing.addEntityProvider(provider);
      },
    });
  },
});

type Captured = {
  scheduler?: SchedulerService;
  knex?: Knex;
  floorConnection?: EntityProviderConnection;
};

/** Adds the precomputed source to this module and captures the scheduler and the catalog's database. */
function benchSourceModule(resources: CloudResource[], captured: Captured) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'multicloud-bench-source',
    register(reg) {
      reg.registerInit({
        deps: {
          sources: multicloudSourcesExtensionPoint,
          scheduler: coreServices.scheduler,
          database: coreServices.database,
        },
        async init({ sources, scheduler, database }) {
          captured.scheduler = scheduler;
          captured.knex = await database.getClient();
          sources.addSource(staticSource(resources));
        },
      });
    },
  });
}

/** The floor: a plain provider whose connection the bench drives itself. */
function floorModule(captured: Captured) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-floor',
    register(reg) {
      reg.registerInit({
        deps: {
          catalogProcessing: catalogProcessingExtensionPoint,
          database: coreServices.database,
        },
        async init({ catalogProcessing, database }) {
          captured.knex = await database.getClient();
          catalogProcessing.addEntityProvider({
            getProviderName: () => 'BenchFloorProvider',
            connect: async connection => {
              captured.floorConnection = connection;
            },
          });
        },
      });
    },
  });
}

/** Production-like: the default database service on better-sqlite3 files in `directory`. */
function rootConfig(directory: string) {
  return mockServices.rootConfig.factory({
    data: {
      backend: {
        database: { client: 'better-sqlite3', connection: { directory } },
      },
      catalog: {
        providers: {
          multicloud: { [SOURCE_ID]: { defaultOwner: DEFAULT_OWNER } },
        },
      },
    },
  });
}

// ---------------------------------------------------------------------------
// Measuring

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

async function countReadable(backend: Backend, kind: string): Promise<number> {
  const response = await fetch(
    `http://127.0.0.1:${backend.server.port()}/api/catalog/entities/by-query?filter=kind=${kind}&limit=1`,
  );
  if (!response.ok) {
    throw new Error(
      `entities/by-query answered ${response.status}: ${await response.text()}`,
    );
  }
  return ((await response.json()) as { totalItems: number }).totalItems;
}

/** Polls until `expected` entities of `kind` are readable; prints progress every 10 s. */
async function waitReadable(
  label: string,
  backend: Backend,
  kind: string,
  expected: number,
  t0: number,
  knex?: Knex,
): Promise<number> {
  let lastPrint = t0;
  let lastCount = -1;
  let lastProgress = performance.now();
  for (;;) {
    const count = await countReadable(backend, kind);
    const now = performance.now();
    if (count >= expected) {
      return now - t0;
    }
    if (count !== lastCount) {
      lastCount = count;
      lastProgress = now;
    } else if (now - lastProgress > GIVE_UP_WITHOUT_PROGRESS_MS) {
      const errors = knex
        ? await knex('refresh_state')
            .whereNotIn('errors', ['', '[]'])
            .select('entity_ref', 'errors')
            .limit(3)
        : [];
      throw new Error(
        `${label}: stuck at ${count} of ${expected} ${kind} entities for 5 minutes; ` +
          `first processing errors: ${JSON.stringify(errors)}`,
      );
    }
    if (kind === 'resource' && now - lastPrint >= PROGRESS_EVERY_MS) {
      lastPrint = now;
      console.log(
        `  [${label}] ${seconds(now - t0).padStart(7)}: ${int(count).padStart(
          7,
        )} of ${int(expected)} readable (${perSecond(count, now - t0)})`,
      );
    }
    await sleep(POLL_EVERY_MS);
  }
}

async function snapshotRefreshState(knex: Knex): Promise<Map<string, string>> {
  const rows: Array<{ entity_ref: string; unprocessed_hash: string | null }> =
    await knex('refresh_state').select('entity_ref', 'unprocessed_hash');
  return new Map(rows.map(row => [row.entity_ref, row.unprocessed_hash ?? '']));
}

async function processingErrors(knex: Knex): Promise<number> {
  const [{ count }] = await knex('refresh_state')
    .whereNotIn('errors', ['', '[]'])
    .count({ count: '*' });
  return Number(count);
}

function diffCount(
  before: Map<string, string>,
  after: Map<string, string>,
): number {
  let changed = 0;
  for (const [ref, hash] of after) {
    if (before.get(ref) !== hash) {
      changed++;
    }
  }
  for (const ref of before.keys()) {
    if (!after.has(ref)) {
      changed++;
    }
  }
  return changed;
}

async function startBackend(
  features: Parameters<typeof startTestBackend>[0]['features'],
) {
  return startTestBackend({
    features: [
      ...(features ?? []),
      mockServices.rootLogger.factory({ level: 'warn' }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
    ],
  });
}

// ---------------------------------------------------------------------------

export type OursResult = {
  ms: number;
  appliedMs: number;
  second: { changed: number; rows: number; applyMs: number; errors: number };
};

/** This module with a source returning the precomputed resources; then a second, unchanged run. */
export async function measureOurs(
  resources: CloudResource[],
  total: number,
  dirs: string[],
): Promise<OursResult> {
  const dir = await mkdtemp(join(tmpdir(), 'multicloud-bench-ours-'));
  dirs.push(dir);
  const ours: Captured = {};
  let backend: Backend | undefined;
  try {
    backend = await startBackend([
      catalogPlugin,
      catalogModuleMulticloud,
      benchSourceModule(resources, ours),
      orgModule,
      rootConfig(dir),
    ]);
    await waitReadable(
      'ours',
      backend,
      'group',
      groupEntities().length,
      performance.now(),
    );
    console.log(
      `  [ours] backend up on ${join(
        dir,
        'catalog.sqlite',
      )}; triggering ${TASK_ID}`,
    );

    let t = performance.now();
    let appliedMs = 0;
    const run = ours.scheduler!.triggerTask(TASK_ID).then(() => {
      appliedMs = performance.now() - t;
    });
    const ms = await waitReadable(
      'ours',
      backend,
      'resource',
      total,
      t,
      ours.knex,
    );
    await run;
    console.log(
      `  [ours] all ${int(total)} readable after ${seconds(
        ms,
      )} (applyMutation returned after ${seconds(appliedMs)})`,
    );

    // Second, unchanged run: which refresh_state rows change?
    const before = await snapshotRefreshState(ours.knex!);
    t = performance.now();
    await ours.scheduler!.triggerTask(TASK_ID);
    const applyMs = performance.now() - t;
    await sleep(5_000);
    const after = await snapshotRefreshState(ours.knex!);
    return {
      ms,
      appliedMs,
      second: {
        changed: diffCount(before, after),
        rows: after.size,
        applyMs,
        errors: await processingErrors(ours.knex!),
      },
    };
  } finally {
    await backend?.stop();
  }
}

/** The floor: the same entities applied by a trivial provider in one full mutation. */
export async function measureFloor(
  entities: DeferredEntity[],
  total: number,
  dirs: string[],
): Promise<FloorResult> {
  const dir = await mkdtemp(join(tmpdir(), 'multicloud-bench-floor-'));
  dirs.push(dir);
  const floor: Captured = {};
  let backend: Backend | undefined;
  try {
    backend = await startBackend([
      catalogPlugin,
      floorModule(floor),
      orgModule,
      rootConfig(dir),
    ]);
    await waitReadable(
      'floor',
      backend,
      'group',
      groupEntities().length,
      performance.now(),
    );
    console.log(
      `  [floor] backend up on ${join(dir, 'catalog.sqlite')}; applying ${int(
        entities.length,
      )} entities`,
    );
    const t = performance.now();
    let applyMs = 0;
    const apply = floor
      .floorConnection!.applyMutation({ type: 'full', entities })
      .then(() => {
        applyMs = performance.now() - t;
      });
    const ms = await waitReadable(
      'floor',
      backend,
      'resource',
      total,
      t,
      floor.knex,
    );
    await apply;
    console.log(
      `  [floor] all ${int(total)} readable after ${seconds(
        ms,
      )} (applyMutation returned after ${seconds(applyMs)})`,
    );
    return { ms, applyMs };
  } finally {
    await backend?.stop();
  }
}

export type FloorResult = { ms: number; applyMs: number };

/** What a phase process reads: the precomputed input. */
export type PhaseInput = {
  resources: CloudResource[];
  entities: DeferredEntity[];
};

/**
 * Runs one measurement in a fresh Node process (catalogPhase.ts), so that
 * neither backend profits from the JIT warm-up, loaded modules or heap of
 * the other: in one process, whichever backend runs second is markedly faster.
 */
async function runPhase<T>(
  phase: 'ours' | 'floor',
  inputFile: string,
  total: number,
): Promise<T> {
  const child = fork(
    join(__dirname, 'catalogPhase.ts'),
    [phase, inputFile, String(total)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined;
    child.on('message', (message: { type?: string; result?: T }) => {
      if (message?.type === 'result') {
        result = message.result;
      }
    });
    child.once('exit', code =>
      result !== undefined && code === 0
        ? resolve(result)
        : reject(new Error(`the ${phase} phase exited with ${code}`)),
    );
  });
}

export async function runCatalogBench(total: number): Promise<void> {
  console.log(
    `\n== Part 2: catalog side, ${int(total)} entities, file-backed SQLite ==`,
  );
  const t = performance.now();
  const resources = await precomputeResources(total);
  const entities = await precomputeEntities(resources);
  console.log(
    `  precomputed ${int(
      resources.length,
    )} cloud resources through the adapters and ${int(
      entities.length,
    )} entities through the provider in ${seconds(
      performance.now() - t,
    )} (not measured)`,
  );
  const inputDir = await mkdtemp(join(tmpdir(), 'multicloud-bench-input-'));
  const inputFile = join(inputDir, 'input.json');
  let ours: OursResult;
  let floor: FloorResult;
  try {
    await writeFile(
      inputFile,
      JSON.stringify({ resources, entities } satisfies PhaseInput),
    );
    console.log(
      '  each backend runs in a fresh Node process, one after the other',
    );
    ours = await runPhase<OursResult>('ours', inputFile, total);
    floor = await runPhase<FloorResult>('floor', inputFile, total);
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }

  const ratio = ours.ms / floor.ms;
  console.log(
    `\n  Results (${int(
      total,
    )} Resource entities, until GET /entities/by-query?filter=kind=resource reports them all):`,
  );
  console.log(
    table(
      ['run', 'until readable', 'entities/s', 'applyMutation returned'],
      [
        [
          'ours (trigger -> readable)',
          seconds(ours.ms),
          perSecond(total, ours.ms),
          seconds(ours.appliedMs),
        ],
        [
          'floor (applyMutation -> readable)',
          seconds(floor.ms),
          perSecond(total, floor.ms),
          seconds(floor.applyMs),
        ],
      ],
    ),
  );
  console.log(
    `  ratio ours/floor: ${ratio.toFixed(2)} (target <= 1.20: ${
      ratio <= 1.2 ? 'met' : 'MISSED'
    })`,
  );
  console.log(
    `\n  second, unchanged run: applyMutation returned after ${seconds(
      ours.second.applyMs,
    )}; ` +
      `${ours.second.changed} of ${int(
        ours.second.rows,
      )} refresh_state rows changed ` +
      `(entity_ref + unprocessed_hash, 5 s after; target 0: ${
        ours.second.changed === 0 ? 'met' : 'MISSED'
      }); ` +
      `rows with processing errors: ${ours.second.errors}`,
  );
}
