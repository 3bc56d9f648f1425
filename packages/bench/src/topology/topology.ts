/*
 * `yarn bench:topology`: how fast GET /api/multicloud/topology answers for a
 * System whose graph has ~1,000 nodes and ~2,000 edges, in a real catalog of
 * 20,000 Resources, on SQLite and PostgreSQL; then how long Chromium takes
 * to draw that answer as the Topology tab does (topologyBrowser.ts). Prints
 * figures; asserts nothing about time. See README.md in this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/bench/src/topology/topology.ts [--engines=sqlite,postgres]
 *     [--resources=20000] [--system-nodes=1000] [--requests=200] [--renders=5]
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TopologyResponse } from '@multicloud/plugin-multicloud-common';
import {
  BENCH_DIR,
  ENGINES,
  Engine,
  UsageError,
  int,
  loadAverage,
  mib,
  ms,
  percentile,
  seconds,
  table,
} from './lib';
import {
  LAYOUTS,
  Layout,
  RenderResult,
  Spread,
  measureRendering,
} from './topologyBrowser';
import { TopologyPhaseInput, TopologyPhaseReady } from './topologyPhase';

const TARGET_P95_MS = 200;
/** Drawn in Chromium, median: the default (collapsed) answer, and every group open. */
const TARGET_DRAWN_MS = { collapsed: 1_500, expanded: 8_000 };

const USAGE = `yarn bench:topology [--engines=sqlite,postgres] [--resources=N] [--system-nodes=N] [--requests=N] [--warmup=N] [--renders=N] [--layouts=dagre,elk] [--profile] [--no-browser] [--fresh]
  --engines       comma-separated sqlite,postgres; default both (env BENCH_ENGINES)
  --resources     Resource entities in the catalog (default 20000; env BENCH_RESOURCES)
  --system-nodes  about how many nodes the measured System's graph has (default 1000)
  --requests      sequential requests measured per URL (default 200)
  --warmup        sequential warm-up requests per URL (default 20)
  --renders       drawings in Chromium per view and layout (default 5), on the
                  first engine's backend
  --layouts       Mermaid layouts to draw with, comma-separated, of
                  ${LAYOUTS.join(', ')} (default all)
  --profile       record a CPU profile of each drawing into <tmpdir>/multicloud-bench/
                  and print its heaviest functions (the times are then not the figures)
  --no-browser    no drawing in Chromium
  --chromium      the Chromium to drive (default /usr/bin/chromium; env CHROMIUM_PATH)
  --fresh         ingest the catalog afresh instead of copying the one kept from
                  an earlier run with the same entities (<tmpdir>/multicloud-bench/)
  --postgres      server URL; throw-away databases are created on it
                  (default postgresql://postgres@127.0.0.1:5432; env BENCH_POSTGRES)
  --out           where the JSON results go (default <tmpdir>/multicloud-bench/topology-results.json)`;

type Options = {
  help: boolean;
  fresh: boolean;
  engines: Engine[];
  resources: number;
  systemNodes: number;
  requests: number;
  warmup: number;
  renders: number;
  layouts: Layout[];
  profile: boolean;
  browser: boolean;
  chromium: string;
  postgres: string;
  out: string;
};

function layoutsOption(value: string | undefined): Layout[] {
  if (value === undefined) {
    return [...LAYOUTS];
  }
  return value.split(',').map(name => {
    const layout = name.trim();
    if (!LAYOUTS.includes(layout as Layout)) {
      throw new UsageError(
        `--layouts takes ${LAYOUTS.join(', ')}, got '${name}'`,
      );
    }
    return layout as Layout;
  });
}

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
) {
  if (value === undefined || value === '') {
    return fallback;
  }
  const number = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(number) || number < min) {
    throw new UsageError(
      `${name} must be a whole number of at least ${min}, got '${value}'`,
    );
  }
  return number;
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new UsageError(`Unknown argument '${arg}'`);
    }
    args.set(match[1], match[2] ?? '');
  }
  const known = [
    'help',
    'fresh',
    'engines',
    'resources',
    'system-nodes',
    'requests',
    'warmup',
    'renders',
    'layouts',
    'profile',
    'no-browser',
    'chromium',
    'postgres',
    'out',
  ];
  for (const key of args.keys()) {
    if (!known.includes(key)) {
      throw new UsageError(`Unknown option '--${key}'`);
    }
  }
  const engines: Engine[] = [];
  for (const name of (
    args.get('engines') ??
    env.BENCH_ENGINES ??
    ENGINES.join(',')
  ).split(',')) {
    const engine = name.trim() === 'pg' ? 'postgres' : name.trim();
    if (!ENGINES.includes(engine as Engine)) {
      throw new UsageError(
        `--engines takes sqlite and/or postgres, got '${name}'`,
      );
    }
    engines.push(engine as Engine);
  }
  return {
    help: args.has('help'),
    fresh: args.has('fresh'),
    engines,
    resources: wholeNumber(
      '--resources',
      args.get('resources') ?? env.BENCH_RESOURCES,
      20_000,
      100,
    ),
    systemNodes: wholeNumber(
      '--system-nodes',
      args.get('system-nodes'),
      1_000,
      50,
    ),
    requests: wholeNumber('--requests', args.get('requests'), 200, 10),
    warmup: wholeNumber('--warmup', args.get('warmup'), 20, 0),
    renders: wholeNumber('--renders', args.get('renders'), 5, 1),
    layouts: layoutsOption(args.get('layouts')),
    profile: args.has('profile'),
    browser: !args.has('no-browser'),
    chromium: args.get('chromium') || env.CHROMIUM_PATH || '/usr/bin/chromium',
    postgres: (
      args.get('postgres') ??
      env.BENCH_POSTGRES ??
      'postgresql://postgres@127.0.0.1:5432'
    ).replace(/\/+$/, ''),
    out: args.get('out') || path.join(BENCH_DIR, 'topology-results.json'),
  };
}

function startPhase(input: TopologyPhaseInput) {
  const child = fork(
    require.resolve('./topologyPhase'),
    [JSON.stringify(input)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const ready = new Promise<TopologyPhaseReady>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        resolve(m as TopologyPhaseReady);
      }
    });
    exited.then(code =>
      reject(new Error(`the ${input.engine} phase exited with ${code}`)),
    );
  });
  return { child, exited, ready };
}

async function get(url: string) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

type Latency = {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: number;
};

/** Sequential requests with a keep-alive client: warm-up, then measured. */
async function measure(url: string, options: Options): Promise<Latency> {
  for (let i = 0; i < options.warmup; i++) {
    await get(url);
  }
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.requests; i++) {
    const r = await get(url);
    if (r.status !== 200) {
      throw new Error(
        `GET ${url} returned ${r.status}: ${r.body.slice(0, 300)}`,
      );
    }
    bytes = r.body.length;
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1],
    bytes,
  };
}

type EngineResult = {
  engine: Engine;
  ingestMs: number;
  restored: boolean;
  costRows: number;
  graph: {
    totalNodes: number;
    visibleNodes: number;
    visibleEdges: number;
    groups: number;
    edges: number;
  };
  collapsed: Latency;
  expanded: Latency;
  /** Query strings of GET /topology: the default answer, and every group open. */
  views: { collapsed: string; expanded: string };
};

async function measureEngine(
  engine: Engine,
  options: Options,
  ready: TopologyPhaseReady,
): Promise<EngineResult> {
  const query = `entityRef=${encodeURIComponent(ready.systemRef)}`;
  const url = `${ready.baseUrl}/topology?${query}`;
  const first = await get(url);
  if (first.status !== 200) {
    throw new Error(
      `GET ${url} returned ${first.status}: ${first.body.slice(0, 300)}`,
    );
  }
  const body = JSON.parse(first.body) as TopologyResponse;
  // Every group open: the whole graph, to check it and to time the largest answer.
  const expandedQuery = `${query}&${body.groups
    .map(g => `expand=${g.id}`)
    .join('&')}`;
  const expandedUrl = `${ready.baseUrl}/topology?${expandedQuery}`;
  const whole = JSON.parse((await get(expandedUrl)).body) as TopologyResponse;
  if (
    whole.visibleNodes !== ready.expected.nodes ||
    whole.edges.length !== ready.expected.edges
  ) {
    throw new Error(
      `${engine}: the whole graph has ${whole.visibleNodes} nodes and ${whole.edges.length} edges; the fixture says ${ready.expected.nodes} and ${ready.expected.edges}`,
    );
  }
  console.log(
    `  ${engine}: ${ready.systemRef}: ${int(body.totalNodes)} nodes, ${int(
      whole.edges.length,
    )} edges, ${body.groups.length} groups; ` +
      `default answer ${body.visibleNodes} visible nodes (budget ${
        body.nodeBudget
      }), ${body.edges.length} edges, ${int(first.body.length)} bytes`,
  );
  const collapsed = await measure(url, options);
  console.log(
    `  ${engine}: default (collapsed to the budget): p50 ${ms(
      collapsed.p50,
    )}, p95 ${ms(collapsed.p95)}, p99 ${ms(collapsed.p99)}, max ${ms(
      collapsed.max,
    )}`,
  );
  const expanded = await measure(expandedUrl, options);
  console.log(
    `  ${engine}: every group open (${int(expanded.bytes)} bytes): p50 ${ms(
      expanded.p50,
    )}, p95 ${ms(expanded.p95)}, p99 ${ms(expanded.p99)}, max ${ms(
      expanded.max,
    )}`,
  );
  return {
    engine,
    ingestMs: ready.ingestMs,
    restored: ready.restored,
    costRows: ready.costRows,
    graph: {
      totalNodes: body.totalNodes,
      visibleNodes: body.visibleNodes,
      visibleEdges: body.edges.length,
      groups: body.groups.length,
      edges: whole.edges.length,
    },
    collapsed,
    expanded,
    views: { collapsed: query, expanded: expandedQuery },
  };
}

const msSpread = (s: Spread) => `${ms(s.min)} / ${ms(s.median)} / ${ms(s.max)}`;
const mibSpread = (s: Spread) =>
  `${mib(s.min)} / ${mib(s.median)} / ${mib(s.max)}`;

/** Rows of the results table for the drawings in Chromium: min / median / max of the runs. */
function renderingRows(rendering: RenderResult[]): string[][] {
  return rendering.flatMap(r => {
    const what = `chromium ${r.view} (${
      r.runs[0]
        ? `${r.runs[0].visibleNodes} nodes, ${r.runs[0].visibleEdges} edges`
        : 'not drawn'
    }), ${r.layout}`;
    const target = `median < ${seconds(TARGET_DRAWN_MS[r.view])}`;
    if (
      !r.drawnMs ||
      !r.renderMs ||
      !r.rendererCpuMs ||
      !r.rendererPeakRss ||
      !r.browserPss ||
      !r.jsHeapUsedPeak
    ) {
      return [[`${what}: drawn`, '-', r.error ?? 'no run', target, 'MISSED']];
    }
    return [
      [
        `${what}: drawn (${r.runs.length} runs)`,
        '-',
        msSpread(r.drawnMs),
        target,
        !r.error && r.drawnMs.median < TARGET_DRAWN_MS[r.view]
          ? 'met'
          : 'MISSED',
      ],
      [`${what}: mermaid.render`, '-', msSpread(r.renderMs), '-', ''],
      [`${what}: renderer CPU`, '-', msSpread(r.rendererCpuMs), '-', ''],
      [
        `${what}: renderer peak RSS`,
        '-',
        mibSpread(r.rendererPeakRss),
        '-',
        '',
      ],
      [`${what}: browser PSS, drawn`, '-', mibSpread(r.browserPss), '-', ''],
      [`${what}: JS heap peak`, '-', mibSpread(r.jsHeapUsedPeak), '-', ''],
    ];
  });
}

async function main() {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  console.log(
    `== GET /topology for a System of ~${int(
      options.systemNodes,
    )} nodes in a catalog of ${int(options.resources)} Resources ==`,
  );
  console.log(`  load average before: ${loadAverage()}`);
  const results: EngineResult[] = [];
  let rendering: RenderResult[] = [];
  for (const engine of options.engines) {
    console.log(
      `  -- ${engine}: building the catalog (the real catalog backend ingests it; minutes)`,
    );
    const started = performance.now();
    const phase = startPhase({
      engine,
      resources: options.resources,
      systemNodes: options.systemNodes,
      postgres: options.postgres,
      cache: !options.fresh,
    });
    let child: ChildProcess | undefined = phase.child;
    try {
      const ready = await phase.ready;
      console.log(
        `  ${engine}: ${int(ready.counts.resources)} resources, ${int(
          ready.counts.components,
        )} components, ${ready.counts.systems} systems; ` +
          `ready after ${seconds(ready.ingestMs)}${
            ready.restored
              ? ' (catalog database from the cache)'
              : ' (ingested afresh)'
          }, ${int(ready.costRows)} cost rollup rows`,
      );
      const result = await measureEngine(engine, options, ready);
      results.push(result);
      if (options.browser && results.length === 1) {
        // The same Mermaid text whatever the engine: drawn once.
        console.log(
          `  -- drawing the answers in Chromium (${options.chromium}), ${options.renders} times per view and layout, each in a fresh browser`,
        );
        rendering = await measureRendering({
          apiUrl: ready.baseUrl,
          views: result.views,
          runs: options.renders,
          layouts: options.layouts,
          profileDir: options.profile ? BENCH_DIR : undefined,
          chromiumPath: options.chromium,
        });
      }
      phase.child.send({ type: 'stop' });
      await phase.exited;
      child = undefined;
      console.log(
        `  ${engine}: part took ${seconds(performance.now() - started)}`,
      );
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise(resolve => child!.once('exit', resolve));
      }
    }
  }

  console.log(`\n== Results (load average after: ${loadAverage()}) ==`);
  console.log(
    table(
      ['figure', 'engine', 'value', 'target', ''],
      results
        .flatMap(r => [
          [
            r.restored
              ? 'catalog ready (database from the cache)'
              : 'catalog ingested afresh (entities readable, graph whole)',
            r.engine,
            seconds(r.ingestMs),
            '-',
            '',
          ],
          [
            'graph: nodes / edges / groups',
            r.engine,
            `${r.graph.totalNodes} / ${r.graph.edges} / ${r.graph.groups}`,
            '-',
            '',
          ],
          [
            'default answer: visible nodes / edges',
            r.engine,
            `${r.graph.visibleNodes} / ${r.graph.visibleEdges}`,
            '-',
            '',
          ],
          [
            `default: p50 / p95 / p99 (${r.collapsed.requests} requests)`,
            r.engine,
            `${ms(r.collapsed.p50)} / ${ms(r.collapsed.p95)} / ${ms(
              r.collapsed.p99,
            )}`,
            `p95 < ${TARGET_P95_MS} ms`,
            r.collapsed.p95 < TARGET_P95_MS ? 'met' : 'MISSED',
          ],
          [
            `every group open: p50 / p95 / p99`,
            r.engine,
            `${ms(r.expanded.p50)} / ${ms(r.expanded.p95)} / ${ms(
              r.expanded.p99,
            )}`,
            '-',
            '',
          ],
        ])
        .concat(renderingRows(rendering)),
    ),
  );
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(
    options.out,
    JSON.stringify({ options, results, rendering }, null, 2),
  );
  console.log(`\n  JSON: ${options.out}`);
}

main().catch(error => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
