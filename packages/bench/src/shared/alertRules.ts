/* The computed alert sources and their rules, as the benches turn them on and off. */

/**
 * Every rule of the computed alert sources, by source (the plugin's
 * config.d.ts, `multicloud.alerts.rules.<source>.<rule>`).
 */
export const ALERT_RULES = {
  cost: [
    'budget-exceeded',
    'forecast-over-budget',
    'forecast-may-exceed-budget',
    'cost-anomaly',
    'cost-drop',
  ],
  hygiene: [
    'no-owner',
    'missing-tags',
    'open-to-world',
    'public-database',
    'zero-replicas',
  ],
  savings: [
    'unattached-volume',
    'unassociated-ip',
    'stopped-instance',
    'deleted-owner',
    'idle-nat-gateway',
  ],
};

export type AlertSource = keyof typeof ALERT_RULES;
export const ALERT_SOURCES = Object.keys(ALERT_RULES) as AlertSource[];
