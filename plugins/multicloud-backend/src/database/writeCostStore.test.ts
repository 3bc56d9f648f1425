import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from './migrations';
import { writeCostStore } from './writeCostStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();
const sqlite = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('SQLITE'));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('writeCostStore', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-store-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  describe.each(sqlite)('on %p', () => {
    it('holds the write lock of a SQLite file from its first statement: another process cannot write in between, only read', async () => {
      const file = path.join(directory, 'store.sqlite');
      // Another process on the same file; failing at once instead of
      // waiting, since both run in this one.
      const open = () =>
        knexFactory({
          client: 'better-sqlite3',
          connection: { filename: file },
          useNullAsDefault: true,
          pool: {
            afterCreate: (
              connection: { pragma(sql: string): unknown },
              done: (error: Error | null, connection: unknown) => void,
            ) => {
              connection.pragma('busy_timeout = 0');
              done(null, connection);
            },
          },
        });
      const [first, second] = [open(), open()];
      const release = deferred();
      let holding: Promise<void> | undefined;
      try {
        await applyDatabaseMigrations(first);
        const inside = deferred();
        holding = writeCostStore(first, async () => {
          inside.resolve();
          await release.promise;
        });
        await Promise.race([inside.promise, holding]);

        // better-sqlite3 makes its errors in the realm of the test file that
        // loaded it first, so they are compared by message, not by class.
        const attempt = await writeCostStore(
          second,
          async () => 'written',
        ).catch((error: Error) => error.message);
        expect(attempt).toMatch(/database is locked/);
        expect(await second('multicloud_cost_facts').count({ n: '*' })).toEqual(
          [{ n: 0 }],
        );
        release.resolve();
        await holding;
        await expect(
          writeCostStore(second, async () => 'written'),
        ).resolves.toBe('written');
      } finally {
        release.resolve();
        await holding?.catch(() => {});
        await Promise.all([first.destroy(), second.destroy()]);
      }
    });
  });
});
