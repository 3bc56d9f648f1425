import { Knex } from 'knex';
import { EVERYTHING } from '../services/CostAttribution/attributionModel';

/** The account a cost belongs to: the sub account (AWS member account, Azure subscription, GCP project), else the billing account. */
const ACCOUNT_ID = `CASE WHEN f.sub_account_id <> '' THEN f.sub_account_id ELSE f.billing_account_id END`;
/** Scratch table of a rollup rebuild, private to its connection. */
const LINES = 'multicloud_cost_rebuild_lines';
/** Breakdown dimensions and their column in the rebuild's lines. */
const DIMENSION_COLUMNS = {
  service: 'service_name',
  provider: 'provider',
  account: 'account_id',
  region: 'region',
} as const;

/**
 * Rebuilds the rollups of some days (all when none are given) from the
 * facts, the attribution and the ancestors. The facts are first summed per
 * attribution key, day and line (a few rows per resource and day), and only
 * those sums are fanned out to every ancestor of the entity each key belongs
 * to: the fan-out multiplies thousands of rows a day instead of every fact.
 */
export async function rebuildRollups(
  tx: Knex.Transaction,
  days?: { from: string; to: string },
) {
  const inDays = (q: Knex.QueryBuilder, column: string) =>
    days ? q.whereBetween(column, [days.from, days.to]) : q;
  for (const table of [
    'multicloud_cost_rollup_daily',
    'multicloud_cost_rollup_dimensions',
    'multicloud_cost_rollup_resources',
  ]) {
    await inDays(tx(table), 'usage_date').delete();
  }
  const range = days ? 'WHERE f.usage_date BETWEEN ? AND ?' : '';
  await tx.raw(`DROP TABLE IF EXISTS ${LINES}`);
  await tx.raw(
    `CREATE TEMPORARY TABLE ${LINES} AS
     SELECT f.attribution_key, f.usage_date, f.provider,
       ${ACCOUNT_ID} AS account_id, f.region, f.service_name, f.currency,
       f.resource_key, MAX(f.resource_name) AS resource_name,
       SUM(f.billed_cost) AS billed_cost,
       SUM(f.effective_cost) AS effective_cost,
       SUM(f.list_cost) AS list_cost
     FROM multicloud_cost_facts f
     ${range}
     GROUP BY f.attribution_key, f.usage_date, f.provider, ${ACCOUNT_ID},
       f.region, f.service_name, f.currency, f.resource_key`,
    days ? [days.from, days.to] : [],
  );
  const fannedOut = `FROM ${LINES} l
     JOIN multicloud_cost_attribution at ON at.attribution_key = l.attribution_key
     JOIN multicloud_cost_ancestors an ON an.entity_ref = at.entity_ref`;
  const costs = `SUM(l.billed_cost), SUM(l.effective_cost), SUM(l.list_cost)`;
  await tx.raw(
    `INSERT INTO multicloud_cost_rollup_daily (entity_ref, entity_kind,
       usage_date, currency, via, billed_cost, effective_cost, list_cost)
     SELECT an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency,
       at.via, ${costs}
     ${fannedOut}
     GROUP BY an.ancestor_ref, an.ancestor_kind, l.usage_date, l.currency, at.via`,
  );
  for (const [dimension, column] of Object.entries(DIMENSION_COLUMNS)) {
    await tx.raw(
      `INSERT INTO multicloud_cost_rollup_dimensions (entity_ref, dimension,
         usage_date, value, provider, currency, billed_cost, effective_cost,
         list_cost)
       SELECT an.ancestor_ref, ?, l.usage_date, l.${column},
         MAX(l.provider), l.currency, ${costs}
       ${fannedOut}
       GROUP BY an.ancestor_ref, l.usage_date, l.${column}, l.currency`,
      [dimension],
    );
  }
  await tx.raw(
    `INSERT INTO multicloud_cost_rollup_resources (entity_ref, usage_date,
       resource_key, resource_name, resource_ref, provider, currency,
       billed_cost, effective_cost, list_cost)
     SELECT an.ancestor_ref, l.usage_date, l.resource_key,
       MAX(l.resource_name),
       MAX(CASE WHEN at.via = 'resource' THEN at.entity_ref END), l.provider,
       l.currency, ${costs}
     ${fannedOut}
     WHERE an.ancestor_ref <> ?
     GROUP BY an.ancestor_ref, l.usage_date, l.resource_key, l.provider, l.currency`,
    [EVERYTHING],
  );
  await tx.raw(`DROP TABLE ${LINES}`);
}
