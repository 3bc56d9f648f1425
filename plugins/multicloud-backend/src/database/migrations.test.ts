import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const migrationFiles = fs
  .readdirSync(migrationsDirectory)
  .filter(name => name.endsWith('.js'))
  .sort();

async function tableNames(knex: import('knex').Knex): Promise<string[]> {
  const client = knex.client.config.client as string;
  const rows: Array<{ name: string }> = client.includes('sqlite')
    ? await knex('sqlite_master').where({ type: 'table' }).select('name')
    : await knex('information_schema.tables')
        .where({ table_schema: 'public' })
        .select('table_name as name');
  return rows
    .map(r => r.name)
    .filter(n => n.startsWith('multicloud_'))
    .sort();
}

describe('migrations', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'walks every migration up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      expect(migrationFiles.length).toBeGreaterThan(0);

      for (const _ of migrationFiles) {
        await knex.migrate.up({ directory: migrationsDirectory });
      }
      expect(await tableNames(knex)).toEqual([
        'multicloud_alert_evaluations',
        'multicloud_alert_events',
        'multicloud_alerts',
        'multicloud_cost_ancestors',
        'multicloud_cost_attribution',
        'multicloud_cost_budgets',
        'multicloud_cost_entities',
        'multicloud_cost_facts',
        'multicloud_cost_imports',
        'multicloud_cost_rollup_daily',
        'multicloud_cost_rollup_dimensions',
        'multicloud_cost_rollup_resources',
        'multicloud_cost_state',
      ]);

      // The schema takes real rows in the shapes the store writes.
      await knex('multicloud_cost_budgets').insert({
        entity_ref: 'component:default/checkout-api',
        amount: 1500.5,
        currency: 'USD',
        updated_at: new Date(),
      });
      expect(await knex('multicloud_cost_budgets').select('amount')).toEqual([
        { amount: 1500.5 },
      ]);
      const seenAt = new Date('2026-12-07T10:00:00.000Z');
      await knex('multicloud_alerts').insert({
        id: 'hygiene:open-to-world:0123456789abcdef01234567',
        source: 'hygiene',
        rule: 'open-to-world',
        entity_ref: 'resource:default/sg-web',
        owner_ref: 'group:default/checkout-team',
        subject: 'tcp/22',
        severity: 'critical',
        status: 'open',
        title: 'SSH open to the internet',
        description: 'Port 22 accepts traffic from 0.0.0.0/0',
        details: JSON.stringify({ links: [] }),
        fingerprint: 'f'.repeat(64),
        first_seen_at: seenAt,
        since: seenAt,
        last_seen_at: seenAt,
      });
      await knex('multicloud_alert_events').insert({
        alert_id: 'hygiene:open-to-world:0123456789abcdef01234567',
        event: 'opened',
        at: seenAt,
      });
      const [alert] = await knex('multicloud_alerts').select('since');
      expect(new Date(alert.since).toISOString()).toBe(seenAt.toISOString());
      expect(
        await knex('multicloud_alert_events').select('alert_id', 'event'),
      ).toEqual([
        {
          alert_id: 'hygiene:open-to-world:0123456789abcdef01234567',
          event: 'opened',
        },
      ]);

      for (const _ of migrationFiles) {
        await knex.migrate.down({ directory: migrationsDirectory });
      }
      expect(await tableNames(knex)).toEqual([]);

      await knex.migrate.latest({ directory: migrationsDirectory });
      expect((await tableNames(knex)).length).toBe(13);
      await knex.destroy();
    },
  );
});
