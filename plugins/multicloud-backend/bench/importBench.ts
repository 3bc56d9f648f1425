/* Part 1: importing a large FOCUS CSV into SQLite and PostgreSQL, against the COPY floor. */
import { fork } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { FOCUS_1_0_COLUMNS, ensureFocusFile } from './focusFile';
import { ImportPhaseInput, ImportPhaseResult } from './importPhase';
import {
  BenchOptions,
  createPostgresDatabase,
  dropPostgresDatabase,
  int,
  mib,
  psql,
  seconds,
} from './lib';

export type ImportResults = {
  file: {
    path: string;
    rows: number;
    bytes: number;
    generatedMs: number | null;
  };
  floor?: { copyMs: number; rowsPerSecond: number; tableBytes: number };
  engines: ImportPhaseResult[];
};

const run = promisify(execFile);

/** `\copy` of the file into 44 text columns: what PostgreSQL itself takes. */
async function measureFloor(
  serverUrl: string,
  file: string,
  rows: number,
): Promise<NonNullable<ImportResults['floor']>> {
  const database = await createPostgresDatabase(serverUrl, 'floor');
  try {
    await psql(
      serverUrl,
      database,
      `CREATE TABLE bench_floor (${FOCUS_1_0_COLUMNS.map(
        c => `"${c}" text`,
      ).join(', ')})`,
    );
    await psql(serverUrl, database, 'CHECKPOINT');
    const started = performance.now();
    await run('psql', [
      `${serverUrl}/${database}`,
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy bench_floor FROM '${file.replace(
        /'/g,
        "''",
      )}' WITH (FORMAT csv, HEADER true)`,
    ]);
    const copyMs = performance.now() - started;
    const counted = Number(
      await psql(serverUrl, database, 'SELECT count(*) FROM bench_floor'),
    );
    if (counted !== rows) {
      throw new Error(`COPY loaded ${counted} rows, expected ${rows}`);
    }
    const tableBytes = Number(
      await psql(
        serverUrl,
        database,
        `SELECT pg_total_relation_size('bench_floor')`,
      ),
    );
    return { copyMs, rowsPerSecond: (rows * 1000) / copyMs, tableBytes };
  } finally {
    await dropPostgresDatabase(serverUrl, database);
  }
}

/** Runs importPhase.ts in a fresh Node process; resolves with its result. */
function runImportPhase(input: ImportPhaseInput): Promise<ImportPhaseResult> {
  const child = fork(
    path.join(__dirname, 'importPhase.ts'),
    [JSON.stringify(input)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    let result: ImportPhaseResult | undefined;
    child.on(
      'message',
      (message: { type?: string; result?: ImportPhaseResult }) => {
        if (message?.type === 'result') {
          result = message.result;
        }
      },
    );
    child.once('exit', code =>
      result && code === 0
        ? resolve(result)
        : reject(new Error(`the ${input.engine} import exited with ${code}`)),
    );
  });
}

export async function runImportBench(
  options: BenchOptions,
): Promise<ImportResults> {
  console.log(
    `\n== Part 1: import ${int(options.rows)} FOCUS 1.0 rows from CSV ==`,
  );
  const file = await ensureFocusFile(options.rows);
  console.log(
    `  file: ${file.file}, ${mib(file.bytes)} (${int(file.bytes)} bytes), ${
      FOCUS_1_0_COLUMNS.length
    } columns; ${
      file.generatedMs === null
        ? 'cached from an earlier run'
        : `generated in ${seconds(file.generatedMs)}`
    }`,
  );
  const results: ImportResults = {
    file: {
      path: file.file,
      rows: options.rows,
      bytes: file.bytes,
      generatedMs: file.generatedMs,
    },
    engines: [],
  };
  // Read it once so that every measurement starts with the file in the page cache.
  await pipeline(
    fs.createReadStream(file.file, { highWaterMark: 1024 * 1024 }),
    new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  );

  if (options.engines.includes('postgres')) {
    results.floor = await measureFloor(
      options.postgres,
      file.file,
      options.rows,
    );
    console.log(
      `  floor: psql \\copy into 44 text columns: ${seconds(
        results.floor.copyMs,
      )}, ${int(results.floor.rowsPerSecond)} rows/s (table ${mib(
        results.floor.tableBytes,
      )})`,
    );
  }

  for (const engine of options.engines) {
    console.log(`  -- ${engine}: importFile in a fresh process`);
    const tempDirectory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), `multicloud-bench-import-${engine}-`),
    );
    let database: string | undefined;
    try {
      const input: ImportPhaseInput = {
        engine,
        file: file.file,
        tempDirectory,
      };
      if (engine === 'postgres') {
        database = await createPostgresDatabase(options.postgres, 'import');
        input.serverUrl = options.postgres;
        input.database = database;
      } else {
        input.sqliteFile = path.join(tempDirectory, 'multicloud.sqlite');
      }
      const result = await runImportPhase(input);
      results.engines.push(result);
      console.log(
        `  ${engine}: ${seconds(result.wallMs)} for ${int(
          result.rows,
        )} rows -> ${int(result.dailyRows)} daily facts: ${int(
          result.rowsPerSecond,
        )} rows/s (CPU ${seconds(result.cpuMs)}); peak RSS ${mib(
          result.peakRssBytes,
        )} (VmHWM; sampled every 50 ms: ${mib(
          result.sampledPeakRssBytes,
        )}, of which V8 heap ${mib(
          result.heapAtPeakBytes,
        )}; before the import ${mib(result.rssBeforeBytes)})${
          engine === 'postgres' && results.floor
            ? `; ${(result.wallMs / results.floor.copyMs).toFixed(
                2,
              )}x the COPY floor`
            : ''
        }`,
      );
      for (const s of result.slowStatements.slice(0, 6)) {
        console.log(
          `     ${seconds(s.totalMs).padStart(8)} ${String(s.count).padStart(
            5,
          )}x  ${s.sql}`,
        );
      }
    } finally {
      if (database) {
        await dropPostgresDatabase(options.postgres, database);
      }
      await fs.promises.rm(tempDirectory, { recursive: true, force: true });
    }
  }
  return results;
}
