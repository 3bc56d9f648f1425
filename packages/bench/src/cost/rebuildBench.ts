/*
 * Part 4: the full rebuild. On a copy of the kept store, the plugin (in a
 * child process, queryPhase.ts, with the catalog the store was built with)
 * is asked for `POST /cost/rebuild`: every resource/tag pair attributed
 * again and every rollup derived again from the facts. Timed as the
 * request's round trip and as the answer's `durationMs`; the answer's
 * totals say whether the rollups held the facts' cost before and after.
 */
import { post } from './httpClient';
import {
  BenchOptions,
  Engine,
  forkPhase,
  int,
  killPhase,
  seconds,
} from './lib';
import { ensureStore, waitForAttribution } from './queryBench';
import { RebuildAnswer } from './queryBuild';
import { QueryPhaseInput } from './queryPhase';
import { copyStore } from './storeCopy';

export type RebuildEngineResult = {
  engine: Engine;
  store: { key: string; factRows: number; builtThisRun: boolean };
  copyMs: number;
  /** The request's round trip. */
  ms: number;
  answer: RebuildAnswer;
};

/** Prints the rebuild answer's totals: the facts' sum against the organisation rollup. */
export function printRebuildTotals(
  log: (line: string) => void,
  answer: RebuildAnswer,
) {
  for (const t of answer.totals) {
    log(
      `  ${t.currency}: facts ${t.facts.toFixed(
        2,
      )}, organisation rollup before ${t.rollupBefore.toFixed(
        2,
      )}, after ${t.rollupAfter.toFixed(2)}`,
    );
  }
}

async function measureEngine(
  engine: Engine,
  options: BenchOptions,
): Promise<RebuildEngineResult> {
  const log = (line: string) => console.log(`  ${engine}: ${line}`);
  const { info, built, input } = await ensureStore(engine, options);
  const copy = await copyStore(input.store, 'rebuild');
  log(`copied the kept store in ${seconds(copy.ms)}`);
  const phase = forkPhase(
    require.resolve('./queryPhase'),
    { ...input, store: copy.location } satisfies QueryPhaseInput,
    `the ${engine} rebuild server`,
  );
  try {
    const { baseUrl } = await phase.message<{ baseUrl: string }>('ready');
    await waitForAttribution(baseUrl);
    log('POST /cost/rebuild ...');
    const rebuilt = await post<RebuildAnswer>(`${baseUrl}/cost/rebuild`, {
      expected: 200,
    });
    log(
      `full rebuild over ${int(rebuilt.body.facts)} facts (${int(
        rebuilt.body.pairs,
      )} resource/tag pairs): ${seconds(rebuilt.ms)} round trip, ${seconds(
        rebuilt.body.durationMs,
      )} by the server`,
    );
    printRebuildTotals(log, rebuilt.body);
    phase.child.send({ type: 'stop' });
    await phase.exited;
    return {
      engine,
      store: { key: info.key, factRows: info.factRows, builtThisRun: built },
      copyMs: copy.ms,
      ms: rebuilt.ms,
      answer: rebuilt.body,
    };
  } finally {
    await killPhase(phase.child);
    await copy.drop();
  }
}

export async function runRebuildBench(
  options: BenchOptions,
): Promise<RebuildEngineResult[]> {
  console.log(
    `\n== Part 4: full rebuild, POST /cost/rebuild over ${int(
      options.facts,
    )} daily facts ==`,
  );
  const results: RebuildEngineResult[] = [];
  for (const engine of options.engines) {
    console.log(`  -- ${engine}`);
    results.push(await measureEngine(engine, options));
  }
  return results;
}
