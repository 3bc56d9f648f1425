/*
 * Part 1: a large FOCUS CSV uploaded to `POST /api/multicloud/cost/imports`
 * on SQLite and PostgreSQL, against the COPY floor. The server runs in a
 * child process (importPhase.ts) per engine; the upload comes from here.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { CostImportResult } from '@multicloud/plugin-multicloud-common';
import { FOCUS_1_0_COLUMNS, ensureFocusFile } from './focusFile';
import { post } from './httpClient';
import { ImportPhaseInput, ImportServerMeasures } from './importPhase';
import {
  BenchOptions,
  DatabaseLocation,
  Engine,
  createPostgresDatabase,
  dropPostgresDatabase,
  forkPhase,
  int,
  killPhase,
  mib,
  psql,
  seconds,
} from './lib';

export type ImportEngineResult = ImportServerMeasures & {
  engine: Engine;
  /** The HTTP round trip of the upload: sending the file, importing it, the answer. */
  wallMs: number;
  rows: number;
  dailyRows: number;
  rowsPerSecond: number;
};

export type ImportResults = {
  file: {
    path: string;
    rows: number;
    bytes: number;
    generatedMs: number | null;
  };
  floor?: { copyMs: number; rowsPerSecond: number; tableBytes: number };
  engines: ImportEngineResult[];
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

/** Starts the engine's server process, uploads the file, and collects both sides' measures. */
async function importOnce(
  input: ImportPhaseInput,
  file: string,
): Promise<ImportEngineResult> {
  const { engine } = input.database;
  const phase = forkPhase(
    require.resolve('./importPhase'),
    input,
    `the ${engine} import`,
  );
  try {
    const { baseUrl } = await phase.message<{ baseUrl: string }>('ready');
    const measuring = phase.message('measuring');
    phase.child.send({ type: 'measure-start' });
    await measuring;
    const answer = await post<CostImportResult>(
      `${baseUrl}/cost/imports?fileName=${encodeURIComponent(
        path.basename(file),
      )}`,
      { file, contentType: 'text/csv', expected: 201 },
    );
    const measured = phase.message<{ result: ImportServerMeasures }>(
      'measured',
    );
    phase.child.send({ type: 'measure-stop' });
    const { result } = await measured;
    await phase.exited;
    return {
      ...result,
      engine,
      wallMs: answer.ms,
      rows: answer.body.rows,
      dailyRows: answer.body.dailyRows,
      rowsPerSecond: (answer.body.rows * 1000) / answer.ms,
    };
  } finally {
    await killPhase(phase.child);
  }
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
    console.log(
      `  -- ${engine}: POST /cost/imports to the plugin in a fresh process`,
    );
    const tempDirectory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), `multicloud-bench-import-${engine}-`),
    );
    let database: DatabaseLocation;
    if (engine === 'postgres') {
      database = {
        engine,
        serverUrl: options.postgres,
        database: await createPostgresDatabase(options.postgres, 'import'),
      };
    } else {
      database = {
        engine,
        sqliteFile: path.join(tempDirectory, 'multicloud.sqlite'),
      };
    }
    try {
      const result = await importOnce({ database, tempDirectory }, file.file);
      results.engines.push(result);
      console.log(
        `  ${engine}: ${seconds(result.wallMs)} for ${int(
          result.rows,
        )} rows -> ${int(result.dailyRows)} daily facts: ${int(
          result.rowsPerSecond,
        )} rows/s (server CPU ${seconds(result.cpuMs)}); peak RSS ${mib(
          result.peakRssBytes,
        )} (VmHWM${
          result.peakRssReset ? ' over the import' : ' of the process'
        }; sampled every 50 ms: ${mib(
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
      if (database.engine === 'postgres') {
        await dropPostgresDatabase(options.postgres, database.database!);
      }
      await fs.promises.rm(tempDirectory, { recursive: true, force: true });
    }
  }
  return results;
}
