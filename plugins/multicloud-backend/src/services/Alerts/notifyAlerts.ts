import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ALERT_SEVERITIES,
  AlertAmount,
  AlertSeverity,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import {
  ALERTS_TABLE,
  AlertRow,
  EVENTS_TABLE,
  evaluationEvent,
} from './alertRows';

/** Topic of the notifications about new critical alerts. */
export const ALERT_TOPIC = 'multicloud-alerts';
/** Topic of the weekly digests. */
export const DIGEST_TOPIC = 'multicloud-alerts-digest';
/** The Cloud page, which lists open alerts and savings by team. */
const CLOUD_PAGE_PATH = '/multicloud';

/** Statuses that still need attention. */
export const ACTIVE_STATUSES = ['open', 'acknowledged'] as const;

/** The Alerts tab of an entity's page, relative to the app. */
export function entityAlertsPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${[namespace, kind.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/')}/alerts`;
}

/**
 * Notifies the owners of open critical alerts not notified since they
 * (re)opened, oldest first and at most `limit`: each alert once per
 * opening. The alert is marked before sending, so two evaluators never both
 * send it, and unmarked when sending fails, to be tried again next time.
 * Stops at the first failure: the notifications backend is likely down.
 */
export async function notifyNewCriticalAlerts(options: {
  knex: Knex;
  notifications: NotificationService;
  logger: LoggerService;
  now: Date;
  limit: number;
}): Promise<number> {
  const { knex, notifications, logger, now, limit } = options;
  const pending: AlertRow[] = await knex(ALERTS_TABLE)
    .where({ status: 'open', severity: 'critical' })
    .whereNull('notified_at')
    .orderBy([{ column: 'since' }, { column: 'id' }])
    .limit(limit)
    .select('id', 'entity_ref', 'owner_ref', 'title', 'description');
  let sent = 0;
  for (const alert of pending) {
    const claimed = await knex(ALERTS_TABLE)
      .where({ id: alert.id })
      .whereNull('notified_at')
      .update({ notified_at: now });
    if (!claimed) {
      continue;
    }
    // Without an owner, the notifications backend finds the entity's owner.
    const recipient = alert.owner_ref ?? alert.entity_ref;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipient },
        payload: {
          title: alert.title,
          description: alert.description,
          link: entityAlertsPath(alert.entity_ref),
          severity: 'critical',
          topic: ALERT_TOPIC,
          scope: alert.id,
        },
      });
    } catch (error) {
      await knex(ALERTS_TABLE)
        .where({ id: alert.id })
        .update({ notified_at: null });
      logger.warn(
        `Could not notify ${recipient} of alert ${alert.id}; ${
          pending.length - sent
        } critical alert notifications wait for the next evaluation: ${
          isError(error) ? error.message : String(error)
        }`,
      );
      break;
    }
    await knex(EVENTS_TABLE).insert(
      evaluationEvent(alert.id, 'notified', now, `Sent to ${recipient}`),
    );
    sent += 1;
  }
  return sent;
}

const emptyCounts = (): Record<AlertSeverity, number> => ({
  critical: 0,
  warning: 0,
  info: 0,
});

function formatAmount({ amount, currency }: AlertAmount): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${Math.round(amount)} ${currency}`;
  }
}

/**
 * Sends each owner with open or acknowledged alerts one summary: counts by
 * severity and the monthly savings their open recommendations add up to.
 * The scope is per owner, so this week's digest replaces last week's.
 */
export async function sendAlertDigest(options: {
  knex: Knex;
  notifications: NotificationService;
  logger: LoggerService;
}): Promise<{ owners: number }> {
  const { knex, notifications, logger } = options;
  const countRows: Array<{
    owner_ref: string;
    severity: AlertSeverity;
    n: number | string;
  }> = await knex(ALERTS_TABLE)
    .whereIn('status', ACTIVE_STATUSES)
    .whereNotNull('owner_ref')
    .groupBy('owner_ref', 'severity')
    .select('owner_ref', 'severity')
    .count({ n: '*' });
  const savingRows: Array<{
    owner_ref: string;
    currency: string;
    amount: number | string;
  }> = await knex(ALERTS_TABLE)
    .whereIn('status', ACTIVE_STATUSES)
    .where({ source: 'savings' })
    .whereNotNull('owner_ref')
    .whereNotNull('monthly_saving')
    .groupBy('owner_ref', 'monthly_saving_currency')
    .select('owner_ref', 'monthly_saving_currency as currency')
    .sum({ amount: 'monthly_saving' });

  const owners = new Map<
    string,
    { counts: Record<AlertSeverity, number>; savings: AlertAmount[] }
  >();
  const ownerOf = (ref: string) => {
    let owner = owners.get(ref);
    if (!owner) {
      owner = { counts: emptyCounts(), savings: [] };
      owners.set(ref, owner);
    }
    return owner;
  };
  for (const row of countRows) {
    ownerOf(row.owner_ref).counts[row.severity] += Number(row.n);
  }
  for (const row of savingRows) {
    owners
      .get(row.owner_ref)
      ?.savings.push({ amount: Number(row.amount), currency: row.currency });
  }

  let sent = 0;
  for (const [ownerRef, { counts, savings }] of owners) {
    const total = ALERT_SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
    const breakdown = ALERT_SEVERITIES.filter(s => counts[s] > 0)
      .map(s => `${counts[s]} ${s}`)
      .join(', ');
    const saving = savings.length
      ? ` Open recommendations could save ${savings
          .map(formatAmount)
          .join(' + ')} a month.`
      : '';
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: ownerRef },
        payload: {
          title: `${total} open cloud alert${total === 1 ? '' : 's'} this week`,
          description: `${breakdown}.${saving}`,
          link: CLOUD_PAGE_PATH,
          severity: counts.critical > 0 ? 'high' : 'normal',
          topic: DIGEST_TOPIC,
          scope: `digest:${ownerRef}`,
        },
      });
      sent += 1;
    } catch (error) {
      logger.warn(
        `Could not send the weekly alert digest to ${ownerRef}: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
  }
  return { owners: sent };
}
