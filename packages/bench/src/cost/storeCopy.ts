/*
 * Copies of the kept store for the parts that write to it (reattribute,
 * rebuild, replicas), so that the kept store stays what its key says:
 * PostgreSQL `CREATE DATABASE <copy> TEMPLATE <kept>` (a file copy), SQLite
 * a copy of the file. Each copy is named after the kept store and the part
 * (so removing the kept stores of a size removes stray copies too) and is
 * dropped when the part ends.
 */
import fs from 'node:fs';
import { DatabaseLocation, dropPostgresDatabase, psql } from './lib';

export type StoreCopy = {
  location: DatabaseLocation;
  /** How long the copy took. */
  ms: number;
  drop(): Promise<void>;
};

/**
 * Copies the kept store `kept` for `part` (a lower-case word). Nothing may
 * be connected to a PostgreSQL store while it is copied.
 */
export async function copyStore(
  kept: DatabaseLocation,
  part: string,
): Promise<StoreCopy> {
  const started = performance.now();
  if (kept.engine === 'sqlite') {
    const file = kept.sqliteFile!.replace(/\.sqlite$/, `.${part}.sqlite`);
    await fs.promises.copyFile(kept.sqliteFile!, file);
    return {
      location: { engine: 'sqlite', sqliteFile: file },
      ms: performance.now() - started,
      // The journal too: a server stopped mid-transaction leaves it.
      drop: async () => {
        for (const name of [file, `${file}-journal`, `${file}-wal`]) {
          await fs.promises.rm(name, { force: true });
        }
      },
    };
  }
  const serverUrl = kept.serverUrl!;
  const database = `${kept.database}_${part}`;
  // A copy left by a run that stopped half-way.
  await dropPostgresDatabase(serverUrl, database);
  // FILE_COPY (PostgreSQL 15) copies the files as earlier releases did;
  // the default since 15 writes every block through the WAL, which takes
  // several times longer for a store of gigabytes.
  const version = Number(
    await psql(serverUrl, 'postgres', 'SHOW server_version_num'),
  );
  await psql(
    serverUrl,
    'postgres',
    `CREATE DATABASE ${database} TEMPLATE ${kept.database}${
      version >= 150000 ? ' STRATEGY FILE_COPY' : ''
    }`,
  );
  return {
    location: { engine: 'postgres', serverUrl, database },
    ms: performance.now() - started,
    drop: () => dropPostgresDatabase(serverUrl, database),
  };
}
