// @ts-check

/**
 * Tag coverage: whether a (resource, tags) pair carries a tag the portal
 * attributes cost by (a component, system or owner tag key), kept with its
 * attribution and split out in the daily rollup, so that the share of a
 * team's cost that is tagged is a sum over the rollup.
 *
 * The rollups are derived data: the ancestors table is emptied, so the next
 * attribution refresh sees a change and rebuilds them with the new column.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('multicloud_cost_attribution', table => {
    table
      .boolean('tagged')
      .notNullable()
      .defaultTo(false)
      .comment('carries a component, system or owner tag');
  });
  await knex.schema.alterTable('multicloud_cost_rollup_daily', table => {
    table
      .boolean('tagged')
      .notNullable()
      .defaultTo(false)
      .comment('cost of pairs that carry a component, system or owner tag');
  });
  await knex('multicloud_cost_ancestors').delete();
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multicloud_cost_rollup_daily', table => {
    table.dropColumn('tagged');
  });
  await knex.schema.alterTable('multicloud_cost_attribution', table => {
    table.dropColumn('tagged');
  });
  await knex('multicloud_cost_ancestors').delete();
};
