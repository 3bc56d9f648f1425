// @ts-check

/**
 * Alerts: the computed alerts (cost, hygiene, savings) with their lifecycle,
 * each alert's history, and the outcome of each source's last evaluation.
 *
 * An alert's id is derived from (source, rule, entity_ref, subject), so the
 * same condition on the same entity is the same row across evaluations.
 * Times are timestamps (with time zone on PostgreSQL).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multicloud_alerts', table => {
    table.comment('Computed alerts and where each is in its lifecycle');
    table
      .string('id', 255)
      .primary()
      .comment('<source>:<rule>:<hash of source, rule, entity_ref, subject>');
    table.string('source', 32).notNullable().comment('cost, hygiene, savings');
    table.string('rule', 128).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('entity_title').nullable();
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('the owner group notified about it');
    table.text('subject').nullable();
    table
      .string('severity', 16)
      .notNullable()
      .comment('critical, warning, info');
    table
      .string('status', 16)
      .notNullable()
      .comment('open, acknowledged, snoozed, dismissed, resolved');
    table.text('title').notNullable();
    table.text('description').notNullable();
    table
      .text('details')
      .notNullable()
      .comment('JSON: amount, monthlySaving, driver, links');
    table
      .double('monthly_saving')
      .nullable()
      .comment('copied from details, summed per owner');
    table.string('monthly_saving_currency', 8).nullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('hash of what an evaluation may change, to skip unchanged rows');
    table.datetime('first_seen_at').notNullable();
    table
      .datetime('since')
      .notNullable()
      .comment('first seen since it last opened');
    table.datetime('last_seen_at').notNullable();
    table.datetime('resolved_at').nullable();
    table.datetime('snoozed_until').nullable();
    table
      .text('last_action')
      .nullable()
      .comment('JSON: action, by, at, reason');
    table
      .datetime('notified_at')
      .nullable()
      .comment('when the owner was notified of this opening');
    table.index(['entity_ref'], 'multicloud_alerts_entity_idx');
    table.index(['owner_ref'], 'multicloud_alerts_owner_idx');
    table.index(['status'], 'multicloud_alerts_status_idx');
    table.index(['source', 'status'], 'multicloud_alerts_source_idx');
  });

  await knex.schema.createTable('multicloud_alert_events', table => {
    table.comment('History of each alert');
    table.bigIncrements('id');
    table.string('alert_id', 255).notNullable();
    table
      .string('event', 16)
      .notNullable()
      .comment(
        'opened, reopened, acknowledged, snoozed, dismissed, resolved, notified',
      );
    table.datetime('at').notNullable();
    table
      .string('by', 255)
      .nullable()
      .comment('who acted; null for the evaluation');
    table.text('reason').nullable();
    table.datetime('snoozed_until').nullable();
    table.index(['alert_id', 'at'], 'multicloud_alert_events_alert_idx');
  });

  await knex.schema.createTable('multicloud_alert_evaluations', table => {
    table.comment(
      'Last evaluation of each alert source (and * for the whole run)',
    );
    table.string('source', 32).primary();
    table
      .datetime('evaluated_at')
      .nullable()
      .comment('last evaluation that completed');
    table.integer('findings').nullable();
    table.datetime('failed_at').nullable();
    table.text('error').nullable().comment('why the last failed one failed');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multicloud_alert_evaluations');
  await knex.schema.dropTable('multicloud_alert_events');
  await knex.schema.dropTable('multicloud_alerts');
};
