// @ts-check

/**
 * One row that counts the cost store's changes: every write that changes
 * what the cost API answers (an import, an attribution change, a rebuild, a
 * budget) adds one, so an answer's ETag can say "nothing changed" without
 * computing the answer again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multicloud_cost_state', table => {
    table.comment('A counter of the cost store changes, for conditional GETs');
    table.integer('id').primary();
    table.bigInteger('version').notNullable();
  });
  await knex('multicloud_cost_state').insert({ id: 1, version: 1 });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multicloud_cost_state');
};
