/**
 * Where an alert comes from: the cost engine (budgets, forecasts,
 * anomalies), hygiene and compliance rules over catalog resources, savings
 * recommendations, or a Prometheus Alertmanager.
 *
 * @public
 */
export type AlertSource = 'cost' | 'hygiene' | 'savings' | 'alertmanager';

/**
 * Every {@link AlertSource}, in the order the UI offers them.
 *
 * @public
 */
export const ALERT_SOURCES: readonly AlertSource[] = [
  'cost',
  'hygiene',
  'savings',
  'alertmanager',
];

/**
 * How urgent an alert is. Only new `critical` alerts notify the owner.
 *
 * @public
 */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/**
 * Every {@link AlertSeverity}, most urgent first.
 *
 * @public
 */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = [
  'critical',
  'warning',
  'info',
];

/**
 * Where an alert is in its lifecycle.
 *
 * - `open`: the condition holds and nobody has acted on it.
 * - `acknowledged`: someone has seen it; it stays until the condition ends.
 * - `snoozed`: hidden until `snoozedUntil`, then `open` again if it still holds.
 * - `dismissed`: someone decided it needs no action (with a reason).
 * - `resolved`: the condition no longer holds. If it comes back, the same
 *   alert (same id) opens again.
 *
 * Alertmanager alerts have no lifecycle here: their state is Alertmanager's
 * (active, silenced or inhibited), and they are always `open`.
 *
 * @public
 */
export type AlertStatus =
  | 'open'
  | 'acknowledged'
  | 'snoozed'
  | 'dismissed'
  | 'resolved';

/**
 * Every {@link AlertStatus}.
 *
 * @public
 */
export const ALERT_STATUSES: readonly AlertStatus[] = [
  'open',
  'acknowledged',
  'snoozed',
  'dismissed',
  'resolved',
];

/**
 * An amount of money.
 *
 * @public
 */
export type AlertAmount = {
  amount: number;
  currency: string;
};

/**
 * A link an alert offers: the Cost tab filtered to what drives it, the
 * resource's console, Alertmanager's own page.
 *
 * @public
 */
export type AlertLink = {
  title: string;
  url: string;
};

/**
 * What an Alertmanager alert adds to an {@link MulticloudAlert}.
 *
 * @public
 */
export type AlertmanagerAlertDetails = {
  /** Id of the Alertmanager instance under `multicloud.alerts.alertmanager.instances`. */
  instance: string;
  /** Alertmanager's fingerprint of the alert's labels. */
  fingerprint: string;
  /** Alertmanager's state: `active`, `suppressed` (silenced or inhibited) or `unprocessed`. */
  state: 'active' | 'suppressed' | 'unprocessed';
  /** Ids of the silences that silence it. */
  silencedBy: string[];
  /** Fingerprints of the alerts that inhibit it. */
  inhibitedBy: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
};

/**
 * The last lifecycle action on an alert.
 *
 * @public
 */
export type AlertAction = {
  action: 'acknowledge' | 'snooze' | 'dismiss' | 'reopen';
  /** Entity ref of the user who acted. */
  by: string;
  /** ISO time. */
  at: string;
  /** Why (required to dismiss, optional otherwise). */
  reason?: string;
};

/**
 * One alert about an entity.
 *
 * @public
 */
export type MulticloudAlert = {
  /**
   * Stable id: the same condition on the same entity is the same alert
   * across evaluations (for Alertmanager: instance and fingerprint).
   */
  id: string;
  source: AlertSource;
  /**
   * The rule that raised it, such as `budget-exceeded`, `open-to-world` or
   * `unattached-volume`; for Alertmanager, the alert's `alertname`.
   */
  rule: string;
  severity: AlertSeverity;
  status: AlertStatus;
  /** The entity the condition is about (a Resource for hygiene and savings). */
  entityRef: string;
  /** Its title, for display. */
  entityTitle?: string;
  /** One line. */
  title: string;
  /** What was found and what to do about it. */
  description: string;
  /** ISO time the condition was first seen (this time round). */
  since: string;
  /** ISO time of the last evaluation that saw it. */
  lastSeenAt: string;
  /** ISO time the condition ended, for `resolved` alerts. */
  resolvedAt?: string;
  /** ISO time a snooze ends, for `snoozed` alerts. */
  snoozedUntil?: string;
  /** The amount at stake: cost over budget, an anomaly's excess. */
  amount?: AlertAmount;
  /** Estimated monthly saving of a savings recommendation. */
  monthlySaving?: AlertAmount;
  /** The service or resource that drives a cost alert. */
  driver?: string;
  links: AlertLink[];
  lastAction?: AlertAction;
  /** Present on Alertmanager alerts only. */
  alertmanager?: AlertmanagerAlertDetails;
};

/**
 * One step of an alert's history.
 *
 * @public
 */
export type AlertEvent = {
  alertId: string;
  /** What happened. */
  event:
    | 'opened'
    | 'reopened'
    | 'acknowledged'
    | 'snoozed'
    | 'dismissed'
    | 'resolved'
    | 'notified';
  /** ISO time. */
  at: string;
  /** Entity ref of the user, absent for what the evaluation did. */
  by?: string;
  reason?: string;
  snoozedUntil?: string;
};

/**
 * An Alertmanager instance as `GET /alerts` met it.
 *
 * @public
 */
export type AlertmanagerInstanceStatus = {
  id: string;
  /** Its web UI, to link to. */
  url: string;
  reachable: boolean;
  /** Why it could not be read, in words a person can act on. */
  error?: string;
};

/**
 * Answer of `GET /api/multicloud/alerts`.
 *
 * @public
 */
export type AlertsResponse = {
  /** The entity asked about; its alerts include those of what it owns, contains or depends on. */
  entityRef?: string;
  alerts: MulticloudAlert[];
  /** Alerts that are `open` or `acknowledged`, by severity (before filters). */
  counts: Record<AlertSeverity, number>;
  /** Sum of the open savings recommendations' monthly savings, per currency. */
  monthlySavings: AlertAmount[];
  /** The Alertmanager instances that were asked, and how that went. */
  alertmanager: AlertmanagerInstanceStatus[];
  /** ISO time of the last completed evaluation of the computed alerts. */
  evaluatedAt?: string;
};

/**
 * Answer of `GET /api/multicloud/alerts/{id}/history`.
 *
 * @public
 */
export type AlertHistoryResponse = {
  alert: MulticloudAlert;
  events: AlertEvent[];
};

/**
 * Open alerts and savings of one owner group, for the Cloud page.
 *
 * @public
 */
export type AlertTeamSummary = {
  /** The owner group's entity ref. */
  ownerRef: string;
  counts: Record<AlertSeverity, number>;
  monthlySavings: AlertAmount[];
};

/**
 * Answer of `GET /api/multicloud/alerts/summary`.
 *
 * @public
 */
export type AlertsSummaryResponse = {
  teams: AlertTeamSummary[];
  counts: Record<AlertSeverity, number>;
  monthlySavings: AlertAmount[];
  evaluatedAt?: string;
};
