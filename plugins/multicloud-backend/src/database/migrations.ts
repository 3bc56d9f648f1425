import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDirectory = resolvePackagePath(
  '@multicloud/plugin-multicloud-backend',
  'migrations',
);

/**
 * Brings the plugin's database to the latest schema, unless the operator
 * runs migrations separately (`backend.database.skipMigrations`).
 */
export async function applyDatabaseMigrations(
  knex: Knex,
  database?: DatabaseService,
): Promise<void> {
  if (database?.migrations?.skip) {
    return;
  }
  await knex.migrate.latest({ directory: migrationsDirectory });
}

export { migrationsDirectory };
