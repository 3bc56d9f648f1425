/*
 * Part 2, catalog side: M resources read from the local cloud APIs by this
 * module, configured as a user configures it, into a real catalog on a
 * file-backed SQLite database, compared with a trivial provider that applies
 * the same entities (the floor: what the catalog itself costs).
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
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import { startCloudServersProcess } from './cloudServersProcess';
import {
  benchConfig,
  Cloud,
  cloudOf,
  createBenchProviders,
  groupEntities,
  int,
  JsonObject,
  perSecond,
  quietLogger,
  seconds,
  ServerAddresses,
  sleep,
  SOURCE_IDS,
  table,
  useLocalCredentials,
} from './lib';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** The scheduler task of each configured source. */
const TASK_IDS = Object.values(SOURCE_IDS).map(
  id => `MulticloudEntityProvider:${id}:refresh`,
);
const PROGRESS_EVERY_MS = 10_000;
const POLL_EVERY_MS = 1_000;
const GIVE_UP_WITHOUT_PROGRESS_MS = 5 * 60_000;

// ---------------------------------------------------------------------------
// Precomputing the floor's input

/**
 * The entities the module's providers make of the estate, read once from the
 * local APIs through `MulticloudEntityProvider.fromConfig`, given the same
 * groups the catalog will hold.
 */
async function precomputeEntities(servers: ServerAddresses): Promise<{
  entities: DeferredEntity[];
  perCloud: Map<Cloud, number>;
}> {
  const entities: DeferredEntity[] = [];
  const perCloud = new Map<Cloud, number>();
  const providers = await createBenchProviders(
    benchConfig(servers),
    quietLogger(),
    (provider, mutation) => {
      if (mutation.type === 'full') {
        entities.push(...mutation.entities);
        perCloud.set(cloudOf(provider), mutation.entities.length);
      }
    },
  );
  await Promise.all(providers.map(provider => provider.refresh()));
  if (entities.length === 0) {
    throw new Error('precomputing the entities produced no full mutation');
  }
  return { entities, perCloud };
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

/** Captures the catalog's scheduler and database, to trigger the sources' tasks and read refresh_state. */
function captureModule(captured: Captured) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-capture',
    register(reg) {
      reg.registerInit({
        deps: {
          scheduler: coreServices.scheduler,
          database: coreServices.database,
        },
        async init({ scheduler, database }) {
          captured.scheduler = scheduler;
          captured.knex = await database.getClient();
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

/**
 * Production-like: the default database service on better-sqlite3 files in
 * `directory`, plus `sources` (the bench's sources, for our backend).
 */
function rootConfig(directory: string, sources: JsonObject = {}) {
  return mockServices.rootConfig.factory({
    data: {
      ...sources,
      backend: {
        database: { client: 'better-sqlite3', connection: { directory } },
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

/** Runs every source's task at once, as the scheduler would; resolves when all returned. */
function triggerSources(scheduler: SchedulerService): Promise<void> {
  return Promise.all(TASK_IDS.map(id => scheduler.triggerTask(id))).then(
    () => undefined,
  );
}

/**
 * This module with the bench's sources configured against the local cloud
 * APIs; then a second, unchanged run.
 */
export async function measureOurs(
  servers: ServerAddresses,
  total: number,
  dirs: string[],
): Promise<OursResult> {
  const dir = await mkdtemp(join(tmpdir(), 'multicloud-bench-ours-'));
  dirs.push(dir);
  useLocalCredentials(servers);
  const ours: Captured = {};
  let backend: Backend | undefined;
  try {
    backend = await startBackend([
      catalogPlugin,
      catalogModuleMulticloud,
      captureModule(ours),
      orgModule,
      rootConfig(dir, benchConfig(servers)),
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
      )}; triggering ${TASK_IDS.join(', ')}`,
    );

    let t = performance.now();
    let appliedMs = 0;
    const run = triggerSources(ours.scheduler!).then(() => {
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
      )} (every refresh returned after ${seconds(appliedMs)})`,
    );

    // Second, unchanged run: which refresh_state rows change?
    const before = await snapshotRefreshState(ours.knex!);
    t = performance.now();
    await triggerSources(ours.scheduler!);
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

/** What a phase process reads: where the local cloud APIs listen, and the floor's entities. */
export type PhaseInput = {
  servers: ServerAddresses;
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
    require.resolve('./catalogPhase'),
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
  const servers = await startCloudServersProcess(total);
  const inputDir = await mkdtemp(join(tmpdir(), 'multicloud-bench-input-'));
  const inputFile = join(inputDir, 'input.json');
  let expected: number;
  let ours: OursResult;
  let floor: FloorResult;
  try {
    const t = performance.now();
    useLocalCredentials(servers);
    const { entities, perCloud } = await precomputeEntities(servers);
    expected = entities.length;
    console.log(
      `  precomputed the floor's entities through the module's providers in ${seconds(
        performance.now() - t,
      )} (not measured): the ${int(total)} resources served map to ${int(
        expected,
      )} entities (${[...perCloud]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([cloud, count]) => `${cloud} ${int(count)}`)
        .join(', ')})`,
    );
    const { aws, azure, gcp, kubernetes } = servers;
    await writeFile(
      inputFile,
      JSON.stringify({
        servers: { aws, azure, gcp, kubernetes },
        entities,
      } satisfies PhaseInput),
    );
    console.log(
      '  each backend runs in a fresh Node process, one after the other',
    );
    try {
      ours = await runPhase<OursResult>('ours', inputFile, expected);
    } finally {
      await servers.close();
    }
    floor = await runPhase<FloorResult>('floor', inputFile, expected);
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }

  const ratio = ours.ms / floor.ms;
  console.log(
    `\n  Results (${int(
      expected,
    )} Resource entities, until GET /entities/by-query?filter=kind=resource reports them all):`,
  );
  console.log(
    table(
      [
        'run',
        'until readable',
        'entities/s',
        'refreshes / applyMutation returned',
      ],
      [
        [
          'ours (trigger -> readable)',
          seconds(ours.ms),
          perSecond(expected, ours.ms),
          seconds(ours.appliedMs),
        ],
        [
          'floor (applyMutation -> readable)',
          seconds(floor.ms),
          perSecond(expected, floor.ms),
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
    `\n  second, unchanged run: every refresh returned after ${seconds(
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
