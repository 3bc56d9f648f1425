// @ts-check

/**
 * On SQLite, the resources rollup's index reaches the resource too
 * (entity, day, resource key, where it was entity and day): a
 * re-attribution looks each touched row up by its key, and with the old
 * index SQLite read every resource of the entity's day from the table to
 * find the few that moved (an owner's or domain's day holds hundreds; at
 * 10,000,000 facts a year that was 10 s of a 37 s task). PostgreSQL, whose
 * rollup is rebuilt and indexed in bulk against a time target, keeps the
 * narrower index: its lookups were 2 s.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!String(knex.client.config.client).includes('sqlite')) {
    return;
  }
  await knex.schema.alterTable('multicloud_cost_rollup_resources', table => {
    table.dropIndex([], 'multicloud_cost_rollup_resources_entity_idx');
    table.index(
      ['entity_ref', 'usage_date', 'resource_key'],
      'multicloud_cost_rollup_resources_entity_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!String(knex.client.config.client).includes('sqlite')) {
    return;
  }
  await knex.schema.alterTable('multicloud_cost_rollup_resources', table => {
    table.dropIndex([], 'multicloud_cost_rollup_resources_entity_idx');
    table.index(
      ['entity_ref', 'usage_date'],
      'multicloud_cost_rollup_resources_entity_idx',
    );
  });
};
