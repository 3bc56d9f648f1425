/*
 * One measurement of part 2 in its own Node process (forked by catalogBench.ts):
 * `catalogPhase.ts ours|floor <input.json> <total>`. Prints progress, sends the
 * result over IPC and exits.
 */
import { readFile, rm } from 'node:fs/promises';
import {
  FloorResult,
  measureFloor,
  measureOurs,
  OursResult,
  PhaseInput,
} from './catalogBench';

async function main() {
  const [phase, inputFile, totalArg] = process.argv.slice(2);
  const input: PhaseInput = JSON.parse(await readFile(inputFile, 'utf8'));
  const total = Number(totalArg);
  const dirs: string[] = [];
  let result: OursResult | FloorResult;
  try {
    result =
      phase === 'ours'
        ? await measureOurs(input.servers, total, dirs)
        : await measureFloor(input.entities, total, dirs);
  } finally {
    await Promise.all(
      dirs.map(dir => rm(dir, { recursive: true, force: true })),
    );
  }
  await new Promise<void>((resolve, reject) =>
    process.send!({ type: 'result', result }, error =>
      error ? reject(error) : resolve(),
    ),
  );
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
