import {
  AlertAction,
  AlertAmount,
  AlertEvent,
  AlertLink,
  AlertSeverity,
  AlertSource,
  AlertStatus,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { hash } from 'node:crypto';
import { Knex } from 'knex';
import { AlertFinding } from './types';

export const ALERTS_TABLE = 'multicloud_alerts';
export const EVENTS_TABLE = 'multicloud_alert_events';
export const EVALUATIONS_TABLE = 'multicloud_alert_evaluations';
/** The row of {@link EVALUATIONS_TABLE} for a whole evaluation run. */
export const WHOLE_RUN = '*';

/** Computed alerts whose status is open, by severity. */
export async function countOpenAlertsBySeverity(
  knex: Knex,
): Promise<Partial<Record<AlertSeverity, number>>> {
  const rows = (await knex(ALERTS_TABLE)
    .where({ status: 'open' })
    .groupBy('severity')
    .select('severity')
    .count({ n: '*' })) as Array<{
    severity: AlertSeverity;
    n: number | string;
  }>;
  return Object.fromEntries(rows.map(row => [row.severity, Number(row.n)]));
}

/** A timestamp as the database returns it: a Date (PostgreSQL) or milliseconds (SQLite). */
export type DbTime = Date | number | string;

export type AlertRow = {
  id: string;
  source: string;
  rule: string;
  entity_ref: string;
  entity_title: string | null;
  owner_ref: string | null;
  subject: string | null;
  severity: AlertSeverity;
  status: AlertStatus;
  title: string;
  description: string;
  details: string;
  monthly_saving: number | null;
  monthly_saving_currency: string | null;
  fingerprint: string;
  first_seen_at: DbTime;
  since: DbTime;
  last_seen_at: DbTime;
  resolved_at: DbTime | null;
  snoozed_until: DbTime | null;
  last_action: string | null;
  notified_at: DbTime | null;
};

export type EventRow = {
  alert_id: string;
  event: AlertEvent['event'];
  at: Date;
  by: string | null;
  reason: string | null;
  snoozed_until: Date | null;
};

/** What an alert carries beyond its columns. */
type AlertDetails = {
  amount?: AlertAmount;
  monthlySaving?: AlertAmount;
  driver?: string;
  links: AlertLink[];
};

export const toDate = (value: DbTime): Date => new Date(value);
const iso = (value: DbTime) => toDate(value).toISOString();

/**
 * The stable id of the alert a finding raises: readable source and rule,
 * then a hash of everything that identifies the condition.
 */
export function alertIdOf(finding: {
  source: AlertSource;
  rule: string;
  entityRef: string;
  subject?: string;
}): string {
  const entityRef = finding.entityRef.toLocaleLowerCase('en-US');
  const identity = JSON.stringify([
    finding.source,
    finding.rule,
    entityRef,
    finding.subject ?? '',
  ]);
  return `${finding.source}:${finding.rule}:${hash('sha256', identity).slice(
    0,
    24,
  )}`;
}

/** The columns an evaluation writes from a finding (not the lifecycle). */
export type FindingColumns = Pick<
  AlertRow,
  | 'id'
  | 'source'
  | 'rule'
  | 'entity_ref'
  | 'entity_title'
  | 'owner_ref'
  | 'subject'
  | 'severity'
  | 'title'
  | 'description'
  | 'details'
  | 'monthly_saving'
  | 'monthly_saving_currency'
  | 'fingerprint'
>;

export function findingColumns(finding: AlertFinding): FindingColumns {
  const details: AlertDetails = {
    ...(finding.amount ? { amount: finding.amount } : {}),
    ...(finding.monthlySaving ? { monthlySaving: finding.monthlySaving } : {}),
    ...(finding.driver ? { driver: finding.driver } : {}),
    links: finding.links ?? [],
  };
  const columns = {
    id: alertIdOf(finding),
    source: finding.source,
    rule: finding.rule,
    entity_ref: finding.entityRef.toLocaleLowerCase('en-US'),
    entity_title: finding.entityTitle ?? null,
    owner_ref: finding.ownerRef?.toLocaleLowerCase('en-US') ?? null,
    subject: finding.subject ?? null,
    severity: finding.severity,
    title: finding.title,
    description: finding.description,
    details: JSON.stringify(details),
    monthly_saving: finding.monthlySaving?.amount ?? null,
    monthly_saving_currency: finding.monthlySaving?.currency ?? null,
  };
  return {
    ...columns,
    fingerprint: hash('sha1', JSON.stringify(Object.values(columns))),
  };
}

/**
 * A snoozed alert whose time has passed is open, even before the next
 * evaluation writes it so.
 */
export function effectiveStatus(
  row: Pick<AlertRow, 'status' | 'snoozed_until'>,
  now: Date,
): AlertStatus {
  if (
    row.status === 'snoozed' &&
    (!row.snoozed_until || toDate(row.snoozed_until) <= now)
  ) {
    return 'open';
  }
  return row.status;
}

/**
 * The alert a row stores. An alert that is not resolved was seen by its
 * source's last successful evaluation (`evaluations`), which the store
 * records once instead of rewriting every row.
 */
export function toAlert(
  row: AlertRow,
  now: Date,
  evaluations: ReadonlyMap<string, Date>,
): MulticloudAlert {
  const details = JSON.parse(row.details) as AlertDetails;
  const status = effectiveStatus(row, now);
  const written = toDate(row.last_seen_at);
  const evaluated = evaluations.get(row.source);
  const lastSeenAt =
    row.status !== 'resolved' && evaluated && evaluated > written
      ? evaluated
      : written;
  return {
    id: row.id,
    source: row.source as AlertSource,
    rule: row.rule,
    severity: row.severity,
    status,
    entityRef: row.entity_ref,
    ...(row.entity_title ? { entityTitle: row.entity_title } : {}),
    title: row.title,
    description: row.description,
    since: iso(row.since),
    lastSeenAt: lastSeenAt.toISOString(),
    ...(status === 'resolved' && row.resolved_at
      ? { resolvedAt: iso(row.resolved_at) }
      : {}),
    ...(status === 'snoozed' && row.snoozed_until
      ? { snoozedUntil: iso(row.snoozed_until) }
      : {}),
    ...(details.amount ? { amount: details.amount } : {}),
    ...(details.monthlySaving ? { monthlySaving: details.monthlySaving } : {}),
    ...(details.driver ? { driver: details.driver } : {}),
    links: details.links ?? [],
    ...(row.last_action
      ? { lastAction: JSON.parse(row.last_action) as AlertAction }
      : {}),
  };
}

export function toEvent(row: EventRow & { at: DbTime }): AlertEvent {
  return {
    alertId: row.alert_id,
    event: row.event,
    at: iso(row.at),
    ...(row.by ? { by: row.by } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.snoozed_until ? { snoozedUntil: iso(row.snoozed_until) } : {}),
  };
}

export function evaluationEvent(
  alertId: string,
  event: AlertEvent['event'],
  at: Date,
  reason?: string,
): EventRow {
  return {
    alert_id: alertId,
    event,
    at,
    by: null,
    reason: reason ?? null,
    snoozed_until: null,
  };
}

/** Items in batches. */
export function* batches<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) {
    yield rows.slice(i, i + size);
  }
}
