// @ts-check

/**
 * Splits the cost rollup (one row per entity, day, provider, account, region,
 * service, currency and attribution path) into the two shapes the queries
 * read, so that a year of a large System is a few thousand rows, not a few
 * hundred thousand:
 *
 * - multicloud_cost_rollup_daily: per entity, day, currency and path (totals,
 *   history for the forecast, summaries by group, system and domain);
 * - multicloud_cost_rollup_dimensions: per entity, day, dimension (service,
 *   provider, account, region), value and currency (breakdowns).
 *
 * The rollups are derived data: both directions drop them and empty the
 * ancestors table, so the next attribution refresh sees a change and
 * rebuilds them from the facts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.dropTable('multicloud_cost_rollup');
  await knex.schema.createTable('multicloud_cost_rollup_daily', table => {
    table.comment('Daily cost per entity (and * for everything)');
    table.string('entity_ref', 255).notNullable();
    table.string('entity_kind', 32).notNullable();
    table.string('usage_date', 10).notNullable();
    table.string('currency', 8).notNullable();
    table
      .string('via', 16)
      .notNullable()
      .comment('resource, tag or none: how the cost found the entity');
    table.double('billed_cost').notNullable();
    table.double('effective_cost').notNullable();
    table.double('list_cost').notNullable();
    table.index(
      ['entity_ref', 'usage_date'],
      'multicloud_cost_rollup_daily_entity_idx',
    );
    table.index(
      ['entity_kind', 'usage_date'],
      'multicloud_cost_rollup_daily_kind_idx',
    );
  });
  await knex.schema.createTable('multicloud_cost_rollup_dimensions', table => {
    table.comment(
      'Daily cost per entity by service, provider, account or region',
    );
    table.string('entity_ref', 255).notNullable();
    table
      .string('dimension', 16)
      .notNullable()
      .comment('service, provider, account or region');
    table.string('usage_date', 10).notNullable();
    table.string('value', 255).notNullable();
    table
      .string('provider', 255)
      .notNullable()
      .comment('the provider of the value (the largest when several)');
    table.string('currency', 8).notNullable();
    table.double('billed_cost').notNullable();
    table.double('effective_cost').notNullable();
    table.double('list_cost').notNullable();
    table.index(
      ['entity_ref', 'dimension', 'usage_date'],
      'multicloud_cost_rollup_dimensions_entity_idx',
    );
  });
  await knex('multicloud_cost_ancestors').delete();
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multicloud_cost_rollup_dimensions');
  await knex.schema.dropTable('multicloud_cost_rollup_daily');
  await knex.schema.createTable('multicloud_cost_rollup', table => {
    table.comment(
      'Daily cost per entity (and * for everything) by provider, account, region, service',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('entity_kind', 32).notNullable();
    table.string('usage_date', 10).notNullable();
    table.string('provider', 255).notNullable();
    table
      .string('account_id', 255)
      .notNullable()
      .comment('sub account, else billing account');
    table.string('region', 255).notNullable();
    table.string('service_name', 255).notNullable();
    table.string('currency', 8).notNullable();
    table.string('via', 16).notNullable();
    table.double('billed_cost').notNullable();
    table.double('effective_cost').notNullable();
    table.double('list_cost').notNullable();
    table.index(
      ['entity_ref', 'usage_date'],
      'multicloud_cost_rollup_entity_idx',
    );
    table.index(
      ['entity_kind', 'usage_date'],
      'multicloud_cost_rollup_kind_idx',
    );
  });
  await knex('multicloud_cost_ancestors').delete();
};
