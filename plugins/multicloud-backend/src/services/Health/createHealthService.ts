import { readFile } from 'node:fs/promises';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { MulticloudHealth } from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { HealthService } from './types';

function databaseKind(knex: Knex): MulticloudHealth['database'] {
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    return 'sqlite';
  }
  if (client === 'pg' || client.includes('postgres')) {
    return 'postgres';
  }
  if (client.includes('mysql')) {
    return 'mysql';
  }
  throw new Error(`Unsupported database client '${client}'`);
}

/** Creates the health service over the plugin's own database. */
export async function createHealthService(options: {
  knex: Knex;
}): Promise<HealthService> {
  const { knex } = options;
  const packageJson = JSON.parse(
    await readFile(
      resolvePackagePath(
        '@multicloud/plugin-multicloud-backend',
        'package.json',
      ),
      'utf8',
    ),
  );
  const version: string = packageJson.version;
  const database = databaseKind(knex);
  return {
    async check() {
      // A round trip proves the connection works, not only that it was configured.
      await knex.raw('select 1');
      return { status: 'ok', version, database };
    },
  };
}
