/*
 * The browser part of `yarn bench:topology`: how long Chromium takes to draw
 * a System's topology as the Topology tab draws it, and how much memory it
 * takes. A page (topologyRender.html) served on 127.0.0.1 loads Mermaid's
 * browser build from node_modules, reads an answer of the topology API and
 * draws its Mermaid text with the tab's own settings (`topologyMermaidConfig`
 * of `@multicloud/plugin-multicloud`). Each drawing runs in a fresh
 * Chromium, so that its peak memory is its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { CDPSession, chromium } from '@playwright/test';
import { build } from 'esbuild';
// The tab's own settings, from the frontend plugin's public entry point:
// what the benchmark measures is what the tab draws.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { topologyMermaidConfig } from '@multicloud/plugin-multicloud';
import { int, mib, ms, seconds } from './lib';

/** As the end-to-end tests start Chromium (playwright.config.ts). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
/** A drawing that takes longer has missed any target: the layout's other runs are skipped. */
const RENDER_TIMEOUT_MS = 180_000;
const SAMPLE_EVERY_MS = 50;

const VIEWS = ['collapsed', 'expanded'] as const;
export type View = (typeof VIEWS)[number];
/**
 * The layouts the bench can draw with: the tab's grouped layout (its own,
 * registered with Mermaid), and Mermaid's dagre, ELK, layered and grid; the
 * tab offers the first three.
 */
export const LAYOUTS = ['grouped', 'dagre', 'elk', 'layered', 'grid'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** What the page measures of one drawing (topologyRender.html). */
type PageTimings = {
  renderMs: number;
  drawnMs: number;
  mermaidChars: number;
  visibleNodes: number;
  visibleEdges: number;
  nodesDrawn: number;
  edgesDrawn: number;
  svgChars: number;
  width: number;
  height: number;
};

type BenchWindow = {
  prepareTopology(args: {
    answerUrl: string;
    layout: Layout;
    settings: typeof topologyMermaidConfig;
  }): Promise<number>;
  drawTopology(): Promise<PageTimings>;
};

export type RenderRun = PageTimings & {
  /** Loading Mermaid's chunks and drawing a two-node diagram, before the measured drawing. */
  warmUpMs: number;
  /** CPU time (user + system) of the page's renderer process while it drew. */
  rendererCpuMs: number;
  /** VmHWM of the page's renderer process: its peak RSS since it started. */
  rendererPeakRss: number;
  /**
   * Sum of the PSS of every process of the browser once drawn (the SVG in
   * the page): shared pages (Chromium's own code) counted once.
   */
  browserPss: number;
  /** Largest JSHeapUsedSize of the page (CDP Performance.getMetrics), sampled every 50 ms. */
  jsHeapUsedPeak: number;
  /** JSHeapTotalSize at the end. */
  jsHeapTotal: number;
};

export type Spread = { min: number; median: number; max: number };

export type RenderResult = {
  view: View;
  layout: Layout;
  runs: RenderRun[];
  /** Set when a drawing failed or timed out; `runs` holds those before it. */
  error?: string;
  renderMs?: Spread;
  drawnMs?: Spread;
  rendererCpuMs?: Spread;
  rendererPeakRss?: Spread;
  browserPss?: Spread;
  jsHeapUsedPeak?: Spread;
};

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0],
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    max: sorted[sorted.length - 1],
  };
}

/** The plugin's grouped layout as one ES module for the page. */
async function bundleGroupedLayout(pluginDirectory: string): Promise<string> {
  const result = await build({
    entryPoints: [
      path.join(
        pluginDirectory,
        'src/components/TopologyTab/groupedLayout/groupedLayout.ts',
      ),
    ],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/**
 * Serves the page, Mermaid's browser build, and the API's answers, read
 * once before any drawing so that the backend does no work meanwhile.
 */
async function startPageServer(answers: Record<View, Buffer>) {
  // The Mermaid the frontend plugin depends on: the one the app bundles.
  const pluginDirectory = path.dirname(
    require.resolve('@multicloud/plugin-multicloud/package.json'),
  );
  const mermaidDist = path.join(
    path.dirname(
      require.resolve('mermaid/package.json', { paths: [pluginDirectory] }),
    ),
    'dist',
  );
  const page = fs.readFileSync(
    resolvePackagePath('@multicloud/bench', 'src/topology/topologyRender.html'),
  );
  const types: Record<string, string> = {
    '.mjs': 'text/javascript',
    '.js': 'text/javascript',
    '.map': 'application/json',
  };
  // The Topology tab's own Mermaid layout (`groupedLayoutLoader`), bundled
  // for the page from the plugin's source, as the app's bundler would.
  const groupedLayout = await bundleGroupedLayout(pluginDirectory);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const view = url.pathname.slice('/topology/'.length) as View;
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page);
      } else if (url.pathname === '/grouped-layout.mjs') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(groupedLayout);
      } else if (url.pathname.startsWith('/topology/') && answers[view]) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(answers[view]);
      } else if (url.pathname.startsWith('/mermaid/')) {
        const file = path.join(
          mermaidDist,
          path.normalize(url.pathname.slice('/mermaid/'.length)),
        );
        if (!file.startsWith(`${mermaidDist}${path.sep}`)) {
          res.writeHead(404).end();
          return;
        }
        const body = await fs.promises.readFile(file);
        res.writeHead(200, {
          'content-type': types[path.extname(file)] ?? 'text/plain',
        });
        res.end(body);
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const getconf = (name: string) =>
  Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
const CLOCK_TICKS_PER_SECOND = getconf('CLK_TCK');
const PAGE_SIZE = getconf('PAGESIZE');

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Chromium rewrites its children's titles: arguments joined by spaces, not NULs. */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

type BrowserProcess = { pid: number; renderer: boolean };

/**
 * Every process of the Chromium that Playwright started (our child with
 * `--remote-debugging-pipe`) and of its descendants.
 */
function browserProcesses(): BrowserProcess[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    const fields = /^\d+$/.test(entry) ? statFields(Number(entry)) : undefined;
    if (fields) {
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
  }
  const found: BrowserProcess[] = [];
  const pending = (children.get(process.pid) ?? []).filter(pid =>
    commandLine(pid).includes('--remote-debugging-pipe'),
  );
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    found.push({
      pid,
      renderer: commandLine(pid).includes('--type=renderer'),
    });
    pending.push(...(children.get(pid) ?? []));
  }
  return found;
}

function rssOf(pid: number): number {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, 'utf8');
    return Number(statm.split(' ')[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

function peakRssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Too slow to sample (~30 ms for a process of 1 GB): read once. */
function pssOf(pid: number): number {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)\s+kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  // utime and stime, the 14th and 15th fields of stat.
  return fields
    ? ((Number(fields[11]) + Number(fields[12])) * 1000) /
        CLOCK_TICKS_PER_SECOND
    : 0;
}

/**
 * Samples the RSS of the browser's renderer processes and the page's JS
 * heap every 50 ms while the page draws. The page answers CDP between its
 * tasks only, so the heap is sampled whenever Mermaid yields (and once at
 * the end). The page's renderer is the renderer process that grew the most.
 */
function memorySampler(cdp: CDPSession) {
  const processes = browserProcesses();
  const renderers = processes.filter(p => p.renderer);
  const startRss = new Map(renderers.map(p => [p.pid, rssOf(p.pid)]));
  const startCpu = new Map(renderers.map(p => [p.pid, cpuMsOf(p.pid)]));
  const largestRss = new Map(startRss);
  let jsHeapUsedPeak = 0;
  let jsHeapTotal = 0;
  let heapRequest: Promise<void> | undefined;
  const sampleHeap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string) =>
      metrics.find(metric => metric.name === name)?.value ?? 0;
    jsHeapUsedPeak = Math.max(jsHeapUsedPeak, value('JSHeapUsedSize'));
    jsHeapTotal = value('JSHeapTotalSize');
  };
  const sample = () => {
    for (const { pid } of renderers) {
      largestRss.set(pid, Math.max(largestRss.get(pid) ?? 0, rssOf(pid)));
    }
    heapRequest ??= sampleHeap().finally(() => {
      heapRequest = undefined;
    });
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      sample();
      await heapRequest;
      await sampleHeap();
      const growth = (pid: number) =>
        (largestRss.get(pid) ?? 0) - (startRss.get(pid) ?? 0);
      const page = [...renderers].sort(
        (a, b) => growth(b.pid) - growth(a.pid),
      )[0];
      if (!page) {
        throw new Error(
          'Found no renderer process of the browser in /proc: the figures need Linux',
        );
      }
      return {
        rendererCpuMs: cpuMsOf(page.pid) - (startCpu.get(page.pid) ?? 0),
        rendererPeakRss: peakRssOf(page.pid),
        browserPss: processes.reduce((sum, p) => sum + pssOf(p.pid), 0),
        jsHeapUsedPeak,
        jsHeapTotal,
      };
    },
  };
}

/** What of a CDP `Profiler.Profile` the summary reads. */
type CpuProfile = {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples?: number[];
};

/**
 * Writes a CPU profile and prints its heaviest functions by self time
 * (samples of a function summed over every call site).
 */
function writeProfile(options: {
  profile: CpuProfile;
  file: string;
  log: (line: string) => void;
}) {
  const { profile, file, log } = options;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) {
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const selfByFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${path.basename(
      frame.url || '',
    )}:${frame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + count);
    total += count;
  }
  log(`  profile: ${file}; heaviest functions by self time:`);
  for (const [name, count] of [...selfByFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)) {
    log(`    ${((count / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}

/** One drawing in a fresh Chromium. */
async function renderOnce(options: {
  pageUrl: string;
  view: View;
  layout: Layout;
  chromiumPath: string;
  /** Records a CPU profile of the drawing and hands it over. */
  profile?: (profile: CpuProfile) => void;
}): Promise<RenderRun> {
  const browser = await chromium.launch({
    executablePath: options.chromiumPath,
    args: CHROMIUM_ARGS,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(options.pageUrl);
    await page.waitForFunction('window.benchPageReady === true');
    const warmUpMs = await page.evaluate(
      args => (window as unknown as BenchWindow).prepareTopology(args),
      {
        answerUrl: `/topology/${options.view}`,
        layout: options.layout,
        settings: topologyMermaidConfig,
      },
    );
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (options.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const sampler = memorySampler(cdp);
    const timings = await Promise.race([
      page.evaluate(() => (window as unknown as BenchWindow).drawTopology()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `gave up: not drawn after ${seconds(RENDER_TIMEOUT_MS)}`,
              ),
            ),
          RENDER_TIMEOUT_MS,
        );
      }),
    ]);
    const memory = await sampler.stop();
    if (options.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      options.profile(profile);
    }
    return { ...timings, warmUpMs, ...memory };
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}

/**
 * Draws each view `runs` times per layout, each in a fresh Chromium, and
 * prints every run. `views` are the query strings of GET /topology.
 */
export async function measureRendering(options: {
  apiUrl: string;
  views: Record<View, string>;
  runs: number;
  layouts: readonly Layout[];
  chromiumPath: string;
  /**
   * Where to write a CPU profile of each drawing (Chrome's `.cpuprofile`,
   * opened by DevTools' Performance panel); its heaviest functions are
   * printed. Profiling slows the drawing down: its times are not the figures.
   */
  profileDir?: string;
  log?: (line: string) => void;
}): Promise<RenderResult[]> {
  const log = options.log ?? (line => console.log(line));
  const answers = {} as Record<View, Buffer>;
  for (const view of VIEWS) {
    const url = `${options.apiUrl}/topology?${options.views[view]}`;
    const response = await fetch(url);
    answers[view] = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(
        `GET ${url} returned ${response.status}: ${answers[view]
          .toString('utf8')
          .slice(0, 300)}`,
      );
    }
  }
  if (options.profileDir) {
    // Kept with the profiles: the Mermaid text they drew.
    for (const view of VIEWS) {
      fs.writeFileSync(
        path.join(options.profileDir, `topology-${view}.json`),
        answers[view],
      );
    }
  }
  const server = await startPageServer(answers);
  const results: RenderResult[] = [];
  try {
    for (const view of VIEWS) {
      for (const layout of options.layouts) {
        const result: RenderResult = { view, layout, runs: [] };
        results.push(result);
        for (let i = 0; i < options.runs; i++) {
          let run: RenderRun;
          try {
            run = await renderOnce({
              pageUrl: `${server.url}/`,
              view,
              layout,
              chromiumPath: options.chromiumPath,
              profile:
                options.profileDir === undefined
                  ? undefined
                  : profile =>
                      writeProfile({
                        profile,
                        file: path.join(
                          options.profileDir!,
                          `topology-${view}-${layout}-${i + 1}.cpuprofile`,
                        ),
                        log,
                      }),
            });
          } catch (error) {
            result.error = String((error as Error).message ?? error).split(
              '\n',
            )[0];
            log(`  chromium: ${view}, ${layout}: ${result.error}`);
            break;
          }
          if (run.nodesDrawn !== run.visibleNodes) {
            throw new Error(
              `${view}, ${layout}: ${run.nodesDrawn} nodes drawn of ${run.visibleNodes}`,
            );
          }
          result.runs.push(run);
          log(
            `  chromium: ${view} (${int(run.visibleNodes)} nodes, ${int(
              run.visibleEdges,
            )} edges, ${int(run.mermaidChars)} chars), ${layout}, run ${
              i + 1
            }: mermaid.render ${ms(run.renderMs)}, in the page and painted ${ms(
              run.drawnMs,
            )}, renderer CPU ${ms(
              run.rendererCpuMs,
            )} (loading chunks and warm-up before: ${ms(
              run.warmUpMs,
            )}); renderer peak RSS ${mib(
              run.rendererPeakRss,
            )}, browser PSS once drawn ${mib(run.browserPss)}, JS heap ${mib(
              run.jsHeapUsedPeak,
            )} (of ${mib(run.jsHeapTotal)}); SVG ${int(run.svgChars)} chars, ${
              run.width
            } x ${run.height} px`,
          );
        }
        if (result.runs.length > 0) {
          const of = (key: keyof RenderRun) =>
            spread(result.runs.map(run => run[key] as number));
          result.renderMs = of('renderMs');
          result.drawnMs = of('drawnMs');
          result.rendererCpuMs = of('rendererCpuMs');
          result.rendererPeakRss = of('rendererPeakRss');
          result.browserPss = of('browserPss');
          result.jsHeapUsedPeak = of('jsHeapUsedPeak');
        }
      }
    }
  } finally {
    await server.close();
  }
  return results;
}
