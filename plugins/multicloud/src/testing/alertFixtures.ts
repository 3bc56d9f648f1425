import {
  ALERT_SEVERITIES,
  AlertEvent,
  AlertSeverity,
  AlertsResponse,
  AlertsSummaryResponse,
  AlertmanagerInstanceStatus,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { GetAlertsOptions, MulticloudApi } from '../api';

/** `component:default/checkout` over its budget: critical, open. */
export function budgetAlert(
  overrides: Partial<MulticloudAlert> = {},
): MulticloudAlert {
  return {
    id: 'cost-budget-exceeded-checkout',
    source: 'cost',
    rule: 'budget-exceeded',
    severity: 'critical',
    status: 'open',
    entityRef: 'component:default/checkout',
    entityTitle: 'Checkout',
    title: 'Monthly budget exceeded',
    description:
      'March cost is $2,820.00 against a budget of $2,500.00, driven by Amazon RDS.',
    since: '2025-03-12T06:00:00Z',
    lastSeenAt: '2025-03-15T06:00:00Z',
    amount: { amount: 320, currency: 'USD' },
    driver: 'Amazon RDS',
    links: [
      {
        title: 'Cost by service',
        url: '/catalog/default/component/checkout/cost',
      },
    ],
    ...overrides,
  };
}

/** A security group of checkout open to the world on SSH: warning, acknowledged. */
export function openToWorldAlert(
  overrides: Partial<MulticloudAlert> = {},
): MulticloudAlert {
  return {
    id: 'hygiene-open-to-world-checkout-sg',
    source: 'hygiene',
    rule: 'open-to-world',
    severity: 'warning',
    status: 'acknowledged',
    entityRef: 'resource:default/checkout-sg-1a2b3c',
    entityTitle: 'checkout-sg',
    title: 'SSH (22) open to 0.0.0.0/0',
    description:
      'The security group allows tcp 22 from anywhere. Restrict the source to a known range.',
    since: '2025-03-01T06:00:00Z',
    lastSeenAt: '2025-03-15T06:00:00Z',
    links: [
      {
        title: 'Open in the AWS console',
        url: 'https://console.aws.amazon.com/ec2/home#SecurityGroup:groupId=sg-1',
      },
    ],
    lastAction: {
      action: 'acknowledge',
      by: 'user:default/jane',
      at: '2025-03-14T09:00:00Z',
      reason: 'Closing it with the next deploy',
    },
    ...overrides,
  };
}

/** An unattached volume that could be deleted: info, open, $12.80 a month. */
export function unattachedVolumeAlert(
  overrides: Partial<MulticloudAlert> = {},
): MulticloudAlert {
  return {
    id: 'savings-unattached-volume-orphan',
    source: 'savings',
    rule: 'unattached-volume',
    severity: 'info',
    status: 'open',
    entityRef: 'resource:default/orphan-volume-9f8e7d',
    entityTitle: 'orphan-volume',
    title: 'Unattached volume',
    description:
      'The volume is attached to nothing and costs $12.80 a month. Snapshot and delete it.',
    since: '2025-03-10T06:00:00Z',
    lastSeenAt: '2025-03-15T06:00:00Z',
    monthlySaving: { amount: 12.8, currency: 'USD' },
    links: [],
    ...overrides,
  };
}

/** An Alertmanager alert on checkout: critical, firing, not silenced. */
export function latencyAlert(
  overrides: Partial<MulticloudAlert> = {},
): MulticloudAlert {
  const labels = {
    alertname: 'HighLatency',
    service: 'checkout',
    severity: 'critical',
  };
  return {
    id: 'alertmanager:main:4f3a2b1c',
    source: 'alertmanager',
    rule: 'HighLatency',
    severity: 'critical',
    status: 'open',
    entityRef: 'component:default/checkout',
    entityTitle: 'Checkout',
    title: 'HighLatency',
    description: 'p99 latency above 2s for 10 minutes',
    since: '2025-03-15T09:30:00Z',
    lastSeenAt: '2025-03-15T10:00:00Z',
    links: [
      { title: 'Source', url: 'http://prometheus.test/graph?g0.expr=latency' },
    ],
    alertmanager: {
      instance: 'main',
      fingerprint: '4f3a2b1c',
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
      labels,
      annotations: { summary: 'p99 latency above 2s for 10 minutes' },
      startsAt: '2025-03-15T09:30:00Z',
      generatorURL: 'http://prometheus.test/graph?g0.expr=latency',
    },
    ...overrides,
  };
}

/** The alert as silenced by `silenceId`. */
export function silenced(
  alert: MulticloudAlert,
  silenceId = 'silence-1',
): MulticloudAlert {
  return {
    ...alert,
    alertmanager: {
      ...alert.alertmanager!,
      state: 'suppressed',
      silencedBy: [silenceId],
    },
  };
}

function countBySeverity(
  alerts: MulticloudAlert[],
): Record<AlertSeverity, number> {
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const alert of alerts) {
    if (alert.status === 'open' || alert.status === 'acknowledged') {
      counts[alert.severity] += 1;
    }
  }
  return counts;
}

/**
 * The answer of `GET /alerts` for these alerts after the filters, with the
 * counts and savings of every alert given, as the backend computes them.
 */
export function alertsResponse(
  alerts: MulticloudAlert[],
  options: Partial<GetAlertsOptions> = {},
  overrides: Partial<AlertsResponse> = {},
): AlertsResponse {
  const passes = <T>(values: T[] | undefined, value: T) =>
    !values || values.length === 0 || values.includes(value);
  const savings = alerts
    .filter(alert => alert.status === 'open' && alert.monthlySaving)
    .reduce((sum, alert) => sum + alert.monthlySaving!.amount, 0);
  return {
    entityRef: options.entityRef,
    alerts: alerts.filter(
      alert =>
        passes(options.status, alert.status) &&
        passes(options.source, alert.source) &&
        passes(options.severity, alert.severity),
    ),
    counts: countBySeverity(alerts),
    monthlySavings: savings > 0 ? [{ amount: savings, currency: 'USD' }] : [],
    alertmanager: [
      { id: 'main', url: 'http://alertmanager.test:9093', reachable: true },
    ],
    evaluatedAt: '2025-03-15T09:55:00Z',
    ...overrides,
  };
}

/** An Alertmanager instance that did not answer. */
export function unreachableAlertmanager(
  overrides: Partial<AlertmanagerInstanceStatus> = {},
): AlertmanagerInstanceStatus {
  return {
    id: 'eu',
    url: 'http://alertmanager-eu.test:9093',
    reachable: false,
    error: 'connect ECONNREFUSED 127.0.0.1:9093',
    ...overrides,
  };
}

/**
 * The alert endpoints of a MulticloudApi over a list of alerts that the
 * lifecycle actions change, as the backend does, so that a test sees an
 * alert move after acting on it.
 */
export function fakeAlertsBackend(
  initial: MulticloudAlert[],
  responseOverrides: Partial<AlertsResponse> = {},
): Partial<MulticloudApi> & { alerts: () => MulticloudAlert[] } {
  let alerts = initial.map(alert => ({ ...alert }));
  const events = new Map<string, AlertEvent[]>();
  const update = (
    id: string,
    change: Partial<MulticloudAlert>,
    event: AlertEvent,
  ) => {
    const existing = alerts.find(alert => alert.id === id);
    if (!existing) {
      throw new Error(`No alert ${id}`);
    }
    const updated = { ...existing, ...change };
    alerts = alerts.map(alert => (alert.id === id ? updated : alert));
    events.set(id, [...(events.get(id) ?? []), event]);
    return updated;
  };
  const at = '2025-03-15T10:00:00Z';
  const by = 'user:default/guest';
  return {
    alerts: () => alerts,
    getAlerts: async options =>
      alertsResponse(alerts, options, responseOverrides),
    getAlertHistory: async id => ({
      alert: alerts.find(alert => alert.id === id)!,
      events: [
        {
          alertId: id,
          event: 'opened',
          at: alerts.find(alert => alert.id === id)!.since,
        },
        ...(events.get(id) ?? []),
      ],
    }),
    acknowledgeAlert: async (id, options) =>
      update(
        id,
        {
          status: 'acknowledged',
          lastAction: { action: 'acknowledge', by, at, ...options },
        },
        { alertId: id, event: 'acknowledged', at, by, ...options },
      ),
    snoozeAlert: async (id, { until, reason }) =>
      update(
        id,
        {
          status: 'snoozed',
          snoozedUntil: until,
          lastAction: { action: 'snooze', by, at, reason },
        },
        { alertId: id, event: 'snoozed', at, by, reason, snoozedUntil: until },
      ),
    dismissAlert: async (id, { reason }) =>
      update(
        id,
        {
          status: 'dismissed',
          lastAction: { action: 'dismiss', by, at, reason },
        },
        { alertId: id, event: 'dismissed', at, by, reason },
      ),
    reopenAlert: async (id, options) =>
      update(
        id,
        {
          status: 'open',
          snoozedUntil: undefined,
          lastAction: { action: 'reopen', by, at, ...options },
        },
        { alertId: id, event: 'reopened', at, by, ...options },
      ),
  };
}

/** Open alerts and savings of two teams, for the Cloud page. */
export function alertsSummaryResponse(
  overrides: Partial<AlertsSummaryResponse> = {},
): AlertsSummaryResponse {
  const teams: AlertsSummaryResponse['teams'] = [
    {
      ownerRef: 'group:default/payments',
      counts: { critical: 2, warning: 1, info: 3 },
      monthlySavings: [{ amount: 412.5, currency: 'USD' }],
    },
    {
      ownerRef: 'group:default/search',
      counts: { critical: 0, warning: 4, info: 0 },
      monthlySavings: [],
    },
  ];
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const team of teams) {
    for (const severity of ALERT_SEVERITIES) {
      counts[severity] += team.counts[severity];
    }
  }
  return {
    teams,
    counts,
    monthlySavings: [{ amount: 412.5, currency: 'USD' }],
    evaluatedAt: '2025-03-15T09:55:00Z',
    ...overrides,
  };
}
