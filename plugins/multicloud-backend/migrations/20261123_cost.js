// @ts-check

/**
 * Cost store: imports, daily cost facts, attribution to catalog entities and
 * the rollups that entity and summary queries read.
 *
 * Dates are `YYYY-MM-DD` strings (UTC) so SQLite and PostgreSQL compare and
 * return them the same way.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multicloud_cost_imports', table => {
    table.comment('One FOCUS file import, successful or not');
    table.string('id', 36).primary();
    table.string('source', 255).notNullable().comment('upload or folder:<id>');
    table.text('file_name').nullable();
    table.string('file_sha256', 64).nullable();
    table.string('focus_version', 8).nullable();
    table.string('format', 16).nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running, completed, failed');
    table.bigInteger('rows').nullable();
    table.bigInteger('daily_rows').nullable();
    table.text('billing_periods').nullable().comment('JSON array');
    table.text('totals').nullable().comment('JSON array');
    table.text('error').nullable();
    table.string('created_by', 255).nullable();
    table.datetime('started_at').notNullable();
    table.datetime('completed_at').nullable();
    table.index(['file_sha256'], 'multicloud_cost_imports_sha_idx');
  });

  await knex.schema.createTable('multicloud_cost_facts', table => {
    table.comment('FOCUS cost rows summed to daily grain');
    table.string('usage_date', 10).notNullable();
    table.string('provider', 255).notNullable();
    table.string('billing_account_id', 255).notNullable();
    table.string('billing_period_start', 10).notNullable();
    table.string('sub_account_id', 255).notNullable();
    table.string('region', 255).notNullable();
    table.string('service_name', 255).notNullable();
    table.string('service_category', 255).notNullable();
    table.text('resource_id').notNullable();
    table.text('resource_key').notNullable().comment('normalized ResourceId');
    table.text('resource_name').nullable();
    table.string('resource_type', 255).nullable();
    table.string('charge_category', 32).notNullable();
    table.string('currency', 8).notNullable();
    table.string('consumed_unit', 255).notNullable();
    table.double('billed_cost').notNullable();
    table.double('effective_cost').notNullable();
    table.double('list_cost').notNullable();
    table.double('consumed_quantity').nullable();
    table.text('tags').notNullable().comment('JSON object');
    table.text('extra').notNullable().comment('x_ columns, JSON object');
    table
      .string('attribution_key', 32)
      .notNullable()
      .comment('hash of resource_key and tags');
    table.string('import_id', 36).notNullable();
    table.index(
      ['provider', 'billing_account_id', 'billing_period_start'],
      'multicloud_cost_facts_partition_idx',
    );
    table.index(['usage_date'], 'multicloud_cost_facts_date_idx');
    table.index(['attribution_key'], 'multicloud_cost_facts_attribution_idx');
  });

  await knex.schema.createTable('multicloud_cost_attribution', table => {
    table.comment('Which entity each (resource, tags) combination belongs to');
    table.string('attribution_key', 32).primary();
    table.text('resource_key').notNullable();
    table.text('tags').notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('via', 16).notNullable().comment('resource, tag or none');
  });

  await knex.schema.createTable('multicloud_cost_ancestors', table => {
    table.comment(
      'Entities a directly attributed entity rolls up to (incl. itself and *)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('ancestor_ref', 255).notNullable();
    table.string('ancestor_kind', 32).notNullable();
    table.primary(['entity_ref', 'ancestor_ref']);
  });

  await knex.schema.createTable('multicloud_cost_entities', table => {
    table.comment(
      'Catalog entities that carry cost: titles and annotation budgets',
    );
    table.string('entity_ref', 255).primary();
    table.string('kind', 32).notNullable();
    table.text('title').notNullable();
    table.double('annotation_budget').nullable();
    table.string('annotation_budget_currency', 8).nullable();
  });

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

  await knex.schema.createTable('multicloud_cost_rollup_resources', table => {
    table.comment('Daily cost per entity and resource');
    table.string('entity_ref', 255).notNullable();
    table.string('usage_date', 10).notNullable();
    table.text('resource_key').notNullable();
    table.text('resource_name').nullable();
    table.string('resource_ref', 255).nullable();
    table.string('provider', 255).notNullable();
    table.string('currency', 8).notNullable();
    table.double('billed_cost').notNullable();
    table.double('effective_cost').notNullable();
    table.double('list_cost').notNullable();
    table.index(
      ['entity_ref', 'usage_date'],
      'multicloud_cost_rollup_resources_entity_idx',
    );
  });

  await knex.schema.createTable('multicloud_cost_budgets', table => {
    table.comment('Monthly budgets set through the API');
    table.string('entity_ref', 255).primary();
    table.double('amount').notNullable();
    table.string('currency', 8).notNullable();
    table.string('updated_by', 255).nullable();
    table.datetime('updated_at').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'multicloud_cost_budgets',
    'multicloud_cost_rollup_resources',
    'multicloud_cost_rollup',
    'multicloud_cost_entities',
    'multicloud_cost_ancestors',
    'multicloud_cost_attribution',
    'multicloud_cost_facts',
    'multicloud_cost_imports',
  ]) {
    await knex.schema.dropTable(table);
  }
};
