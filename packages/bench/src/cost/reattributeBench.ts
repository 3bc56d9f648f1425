/*
 * Part 3: re-attribution. On a copy of the kept store, the plugin reads its
 * catalog from the bench's HTTP catalog server (reattributeCatalog.ts);
 * the bench runs the attribution task once on the catalog the store was
 * built with (nothing to move), then moves 1% of the resources that bill to
 * another Component or owner in the served catalog and runs the task again,
 * timed from the call until it returns (reattributePhase.ts). Then it checks
 * the result: the cost per owner and per system over the store's days
 * (`GET /cost/summary`) and the totals of the Components the resources left
 * and joined (`GET /cost/entity`) must equal, to the cent, what they are
 * after a full rebuild from the facts (`POST /cost/rebuild`).
 */
import { MulticloudHealth } from '@multicloud/plugin-multicloud-common';
import { startCatalogServer } from '../alerts/catalogServer';
import {
  CostTotals,
  TotalsComparison,
  compareTotals,
  getJson,
  readCostTotals,
} from './costTotals';
import { post } from './httpClient';
import {
  BenchOptions,
  Engine,
  forkPhase,
  int,
  killPhase,
  ms,
  seconds,
} from './lib';
import { ensureStore } from './queryBench';
import { StatementTime } from '../shared/sqlTimer';
import { RebuildAnswer } from './queryBuild';
import { printRebuildTotals } from './rebuildBench';
import { planEstate } from './queryEstate';
import {
  CatalogMove,
  MOVED_SHARE,
  moveResources,
  servedCatalog,
} from './reattributeCatalog';
import { AttributedMessage, ReattributePhaseInput } from './reattributePhase';
import { copyStore } from './storeCopy';

/** Components whose `GET /cost/entity` totals are compared, at most. */
const COMPARED_COMPONENTS = 8;

const UPDATED_LINE =
  /^Cost attribution updated in (\d+) ms: (\d+) of (\d+) resource\/tag pairs moved/;
const REBUILT_LINE =
  /^Cost attribution rebuilt in (\d+) ms: (\d+) resource\/tag pairs/;

export type ReattributeEngineResult = {
  engine: Engine;
  store: {
    key: string;
    factRows: number;
    from: string;
    to: string;
    builtThisRun: boolean;
  };
  copyMs: number;
  catalog: { entities: number; resources: number; resourcesThatBill: number };
  moves: { component: number; owner: number; list: CatalogMove[] };
  /** The task on the catalog the store was built with. */
  unchanged: { ms: number; changed: boolean | null };
  /** The task after the moves. */
  refresh: {
    /** Until the task returned, or the timeout when it did not. */
    ms: number;
    /** It had not returned after `--attribution-timeout`: the server was stopped. */
    timedOut: boolean;
    /** From the plugin's log line: moved incrementally, or rebuilt whole. */
    mode: 'updated' | 'rebuilt' | null;
    serverMs: number | null;
    movedPairs: number | null;
    pairs: number | null;
    line: string | null;
    /** Its slowest SQL statements. */
    statements: StatementTime[];
  };
  /** What follows the task, unless it timed out. */
  rebuild: { ms: number; answer: RebuildAnswer } | null;
  /** The refresh's figures against the full rebuild's. */
  check: TotalsComparison | null;
  /** Figures the moves changed (before the refresh against after it). */
  moved: TotalsComparison | null;
};

/**
 * Runs the attribution task in the phase and reads what it logged;
 * undefined when it has not returned after `timeoutMs`.
 */
async function attribute(
  phase: ReturnType<typeof forkPhase>,
  timeoutMs: number,
): Promise<AttributedMessage | undefined> {
  const answer = phase.message<AttributedMessage>('attributed');
  phase.child.send({ type: 'attribute' });
  let timer: NodeJS.Timeout | undefined;
  const attributed = await Promise.race([
    answer,
    new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (attributed?.error) {
    throw new Error(`the attribution task failed: ${attributed.error}`);
  }
  return attributed;
}

function readRefreshLine(
  attributed: AttributedMessage,
): ReattributeEngineResult['refresh'] {
  const common = {
    ms: attributed.ms,
    timedOut: false,
    statements: attributed.statements,
  };
  for (const line of attributed.lines) {
    const updated = UPDATED_LINE.exec(line);
    if (updated) {
      return {
        ...common,
        mode: 'updated',
        serverMs: Number(updated[1]),
        movedPairs: Number(updated[2]),
        pairs: Number(updated[3]),
        line,
      };
    }
    const rebuilt = REBUILT_LINE.exec(line);
    if (rebuilt) {
      return {
        ...common,
        mode: 'rebuilt',
        serverMs: Number(rebuilt[1]),
        movedPairs: null,
        pairs: Number(rebuilt[2]),
        line,
      };
    }
  }
  return {
    ...common,
    mode: null,
    serverMs: null,
    movedPairs: null,
    pairs: null,
    line: attributed.lines[0] ?? null,
  };
}

function printDifferences(
  log: (line: string) => void,
  comparison: TotalsComparison,
  labels: [string, string],
) {
  for (const d of comparison.differing.slice(0, 10)) {
    log(
      `     ${d.key}: ${labels[0]} ${d.before.toFixed(2)}, ${
        labels[1]
      } ${d.after.toFixed(2)}`,
    );
  }
  if (comparison.differing.length > 10) {
    log(`     ... and ${comparison.differing.length - 10} more`);
  }
}

async function measureEngine(
  engine: Engine,
  options: BenchOptions,
): Promise<ReattributeEngineResult> {
  const log = (line: string) => console.log(`  ${engine}: ${line}`);
  const estate = planEstate(options.facts);
  const { info, built, input } = await ensureStore(engine, options);
  const copy = await copyStore(input.store, 'reattribute');
  log(`copied the kept store in ${seconds(copy.ms)}`);
  const entities = servedCatalog(estate, options.resources);
  const resources = entities.filter(e => e.kind === 'Resource').length;
  const catalog = await startCatalogServer(entities);
  log(
    `catalog served over HTTP: ${int(entities.length)} entities, ${int(
      resources,
    )} Resources (${int(
      estate.counts.resources,
    )} resources bill, of which ${int(
      estate.counts.resourceEntities,
    )} have a Resource entity)`,
  );
  const phase = forkPhase(
    require.resolve('./reattributePhase'),
    {
      store: copy.location,
      catalogUrl: catalog.baseUrl,
    } satisfies ReattributePhaseInput,
    `the ${engine} re-attribution server`,
  );
  try {
    const { baseUrl } = await phase.message<{ baseUrl: string }>('ready');
    const period = { from: info.from, to: info.to };

    const timeoutMs = options.attributionTimeout * 1000;
    const first = await attribute(phase, timeoutMs);
    if (!first) {
      throw new Error(
        `the attribution task with nothing to move took over ${options.attributionTimeout} s`,
      );
    }
    const health = await getJson<MulticloudHealth>(`${baseUrl}/health`);
    const unchanged = {
      ms: first.ms,
      changed: health.cost.attribution.lastRefresh?.changed ?? null,
    };
    log(
      `attribution task on the catalog the store was built with: ${seconds(
        unchanged.ms,
      )} (changed: ${unchanged.changed})`,
    );

    const moves = moveResources(entities, estate);
    const componentMoves = moves.filter(m => m.change === 'component');
    const ownerMoves = moves.filter(m => m.change === 'owner');
    const components = [
      ...new Set(componentMoves.flatMap(m => [m.from, m.to])),
    ].slice(0, COMPARED_COMPONENTS);
    // The store is as the task left it: these are the figures before the
    // moves, whatever the catalog says now.
    const before = await readCostTotals(baseUrl, period, components);
    log(
      `moved ${moves.length} of ${int(estate.counts.resources)} resources (${
        MOVED_SHARE * 100
      }%) in the served catalog: ${
        componentMoves.length
      } to another Component (${
        componentMoves.filter(m => m.fromSystem !== m.toSystem).length
      } of them in another System), ${
        ownerMoves.length
      } to another owner Group; each has one resource/tag pair, so ${
        componentMoves.length
      } pairs should move (a resource's cost is booked on its Component's owner, not its own)`,
    );

    const result = {
      engine,
      store: {
        key: info.key,
        factRows: info.factRows,
        from: info.from,
        to: info.to,
        builtThisRun: built,
      },
      copyMs: copy.ms,
      catalog: {
        entities: entities.length,
        resources,
        resourcesThatBill: estate.counts.resources,
      },
      moves: {
        component: componentMoves.length,
        owner: ownerMoves.length,
        list: moves,
      },
      unchanged,
    };
    const refreshed = await attribute(phase, timeoutMs);
    if (!refreshed) {
      log(
        `attribution task after the moves: not done after ${options.attributionTimeout} s (--attribution-timeout); stopping the server, nothing to compare`,
      );
      // Killed: a SQLite statement holds the server's only thread, and the
      // backend's SIGTERM handler would wait for it.
      phase.child.kill('SIGKILL');
      return {
        ...result,
        refresh: {
          ms: timeoutMs,
          timedOut: true,
          mode: null,
          serverMs: null,
          movedPairs: null,
          pairs: null,
          line: null,
          statements: [],
        },
        rebuild: null,
        check: null,
        moved: null,
      };
    }
    const refresh = readRefreshLine(refreshed);
    log(
      `attribution task after the moves: ${seconds(refresh.ms)}; plugin: ${
        refresh.line ?? 'no "Cost attribution ..." line'
      }; its slowest SQL:`,
    );
    for (const statement of refresh.statements) {
      log(
        `  ${ms(statement.totalMs).padStart(10)} ${String(
          statement.count,
        ).padStart(4)}x  ${statement.sql}`,
      );
    }
    const incremental = await readCostTotals(baseUrl, period, components);
    const moved = compareTotals(before, incremental);
    log(
      `${moved.differing.length} of ${moved.compared} figures (cost per owner, per system, ${components.length} Components) changed with the moves`,
    );

    log('POST /cost/rebuild, to compare with ...');
    const rebuilt = await post<RebuildAnswer>(`${baseUrl}/cost/rebuild`, {
      expected: 200,
    });
    log(
      `full rebuild: ${seconds(rebuilt.ms)} (server ${seconds(
        rebuilt.body.durationMs,
      )}), ${int(rebuilt.body.facts)} facts, ${int(rebuilt.body.pairs)} pairs`,
    );
    printRebuildTotals(log, rebuilt.body);
    const afterRebuild: CostTotals = await readCostTotals(
      baseUrl,
      period,
      components,
    );
    const check = compareTotals(incremental, afterRebuild);
    log(
      `after the task against after the rebuild: ${check.differing.length} of ${
        check.compared
      } figures differ by a cent or more (largest difference ${check.maxDifference.toPrecision(
        3,
      )})`,
    );
    printDifferences(log, check, ['task', 'rebuild']);

    phase.child.send({ type: 'stop' });
    await phase.exited;
    log(
      `unchanged ${ms(unchanged.ms)}, after the moves ${ms(
        refresh.ms,
      )}, rebuild ${ms(rebuilt.ms)}`,
    );
    return {
      ...result,
      refresh,
      rebuild: { ms: rebuilt.ms, answer: rebuilt.body },
      check,
      moved,
    };
  } finally {
    await killPhase(phase.child);
    await catalog.stop();
    await copy.drop();
  }
}

export async function runReattributeBench(
  options: BenchOptions,
): Promise<ReattributeEngineResult[]> {
  console.log(
    `\n== Part 3: re-attribution after ${
      MOVED_SHARE * 100
    }% of the resources that bill move, ${int(options.facts)} daily facts ==`,
  );
  const results: ReattributeEngineResult[] = [];
  for (const engine of options.engines) {
    console.log(`  -- ${engine}`);
    const started = performance.now();
    results.push(await measureEngine(engine, options));
    console.log(
      `  ${engine}: part took ${seconds(performance.now() - started)}`,
    );
  }
  return results;
}
