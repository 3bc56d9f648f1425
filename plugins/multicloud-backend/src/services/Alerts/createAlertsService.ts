import { sumByCurrency } from './amounts';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  AlertAction,
  AlertSeverity,
  AlertStatus,
  AlertTeamSummary,
  AlertmanagerInstanceStatus,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { AlertmanagerService } from '../Alertmanager/types';
import {
  ALERTS_TABLE,
  AlertRow,
  EVENTS_TABLE,
  EventRow,
  WHOLE_RUN,
  effectiveStatus,
  toAlert,
  toEvent,
} from './alertRows';
import {
  AlertEntity,
  alertCatalog,
  relatedEntityRefs,
} from './catalogEntities';
import { whereIdIn } from './bulkSql';
import { CLOUD_RESOURCE_FILTER, catalogPages } from './rules/entities';
import { evaluateAlerts, sourceEvaluations } from './evaluateAlerts';
import {
  ACTIVE_STATUSES,
  notifyNewCriticalAlerts,
  sendAlertDigest,
} from './notifyAlerts';
import {
  AlertActionRequest,
  AlertQuery,
  AlertRuleSet,
  AlertsService,
} from './types';

const SEVERITY_RANK = new Map(ALERT_SEVERITIES.map((s, i) => [s, i]));
const STATUS_RANK = new Map(ALERT_STATUSES.map((s, i) => [s, i]));
const OWNER_KINDS = new Set(['group', 'user']);

/** The statuses each action applies to, and the status it leads to. */
const TRANSITIONS: Record<
  AlertActionRequest['action'],
  { from: AlertStatus[]; to: AlertStatus; event: EventRow['event'] }
> = {
  acknowledge: {
    from: ['open', 'snoozed'],
    to: 'acknowledged',
    event: 'acknowledged',
  },
  snooze: {
    from: ['open', 'acknowledged', 'snoozed'],
    to: 'snoozed',
    event: 'snoozed',
  },
  dismiss: {
    from: ['open', 'acknowledged', 'snoozed'],
    to: 'dismissed',
    event: 'dismissed',
  },
  reopen: {
    from: ['acknowledged', 'snoozed', 'dismissed'],
    to: 'open',
    event: 'reopened',
  },
};

const emptyCounts = (): Record<AlertSeverity, number> => ({
  critical: 0,
  warning: 0,
  info: 0,
});

const isActive = (alert: MulticloudAlert) =>
  (ACTIVE_STATUSES as readonly string[]).includes(alert.status) &&
  alert.alertmanager?.state !== 'suppressed';

function byUrgency(a: MulticloudAlert, b: MulticloudAlert): number {
  return (
    SEVERITY_RANK.get(a.severity)! - SEVERITY_RANK.get(b.severity)! ||
    STATUS_RANK.get(a.status)! - STATUS_RANK.get(b.status)! ||
    b.since.localeCompare(a.since) ||
    a.id.localeCompare(b.id)
  );
}

function describe(status: AlertStatus): string {
  return status === 'resolved'
    ? 'resolved: its condition no longer holds'
    : status;
}

/**
 * Creates the {@link AlertsService}: computed alerts live in the plugin's
 * database; Alertmanager alerts are read live for each request.
 */
export function createAlertsService(options: {
  knex: Knex;
  catalog: CatalogService;
  /** The plugin's own credentials read the cloud Resources for the rule sets. */
  auth: AuthService;
  logger: LoggerService;
  /** The computed sources; a source without a rule set here is off (its alerts resolve). */
  ruleSets: AlertRuleSet[];
  alertmanager?: AlertmanagerService;
  /** Where new critical alerts and digests go; none: nobody is notified. */
  notifications?: NotificationService;
  /** Most notifications one evaluation sends; the rest wait for the next. Default 100. */
  maxNotificationsPerEvaluation?: number;
  /** Days a resolved alert and its history are kept. Default 90. */
  resolvedRetentionDays?: number;
  now?: () => Date;
}): AlertsService {
  const { knex, catalog, logger, ruleSets, alertmanager, notifications } =
    options;
  const clock = options.now ?? (() => new Date());

  async function findRow(alertId: string): Promise<AlertRow> {
    const row: AlertRow | undefined = await knex(ALERTS_TABLE)
      .where({ id: alertId })
      .first();
    if (!row) {
      throw new NotFoundError(
        `No alert ${alertId}; it may have been resolved long ago and removed`,
      );
    }
    return row;
  }

  async function evaluatedAt(): Promise<string | undefined> {
    return (await sourceEvaluations(knex)).get(WHOLE_RUN)?.toISOString();
  }

  /** Alerts stored for the entity, what it contains or owns, and what rolls its cost up to it. */
  async function storedAlertsOf(
    root: AlertEntity,
    related: Set<string>,
  ): Promise<AlertRow[]> {
    const rows = new Map<string, AlertRow>();
    const add = (found: AlertRow[]) =>
      found.forEach(row => rows.set(row.id, row));
    add(
      await knex(ALERTS_TABLE)
        .whereIn(
          'entity_ref',
          knex('multicloud_cost_ancestors')
            .where({ ancestor_ref: root.ref })
            .select('entity_ref'),
        )
        .modify(q => {
          if (OWNER_KINDS.has(root.kind)) {
            q.orWhere({ owner_ref: root.ref });
          }
        }),
    );
    add(
      await knex(ALERTS_TABLE).where(
        whereIdIn(knex, 'entity_ref', [...related]),
      ),
    );
    return [...rows.values()];
  }

  async function alertmanagerAlertsOf(entity: AlertEntity): Promise<{
    alerts: MulticloudAlert[];
    instances: AlertmanagerInstanceStatus[];
  }> {
    if (!alertmanager?.enabled) {
      return { alerts: [], instances: [] };
    }
    let matchers;
    try {
      matchers = alertmanager.matchersFor({
        kind: entity.kind,
        metadata: {
          name: entity.name,
          namespace: entity.namespace,
          annotations: entity.annotations,
        },
      });
    } catch (error) {
      if (!(isError(error) && error.name === 'InputError')) {
        throw error;
      }
      // The other alerts still show; the notice says what to fix.
      return {
        alerts: [],
        instances: [
          {
            id: 'alert-matchers',
            url: '',
            reachable: false,
            error: error.message,
          },
        ],
      };
    }
    return alertmanager.alerts(matchers, entity.ref);
  }

  return {
    async evaluate() {
      const now = clock();
      const counts = await evaluateAlerts({
        knex,
        ruleSets,
        readResources: fields =>
          catalogPages(catalog, options.auth, {
            filter: CLOUD_RESOURCE_FILTER,
            fields,
          }),
        logger,
        now,
        resolvedRetentionDays: options.resolvedRetentionDays ?? 90,
      });
      if (notifications) {
        await notifyNewCriticalAlerts({
          knex,
          notifications,
          logger,
          now,
          limit: options.maxNotificationsPerEvaluation ?? 100,
        });
      }
      return counts;
    },

    async list(query: AlertQuery) {
      const now = clock();
      const fetchEntities = alertCatalog(catalog, query.credentials);
      const root = (await fetchEntities([query.entityRef])).get(
        query.entityRef,
      );
      if (!root) {
        throw new NotFoundError(`No entity ${query.entityRef} in the catalog`);
      }
      const related = await relatedEntityRefs(root, fetchEntities);
      const rows = await storedAlertsOf(root, related);

      // Alerts found through cost rollups or ownership, on entities the
      // caller may not read, are left out.
      const unchecked = [
        ...new Set(
          rows.map(row => row.entity_ref).filter(ref => !related.has(ref)),
        ),
      ];
      const visible = [
        ...related,
        ...(unchecked.length ? (await fetchEntities(unchecked)).keys() : []),
      ];
      const readable = query.readable
        ? await query.readable(visible)
        : new Set(visible);
      const evaluations = await sourceEvaluations(knex);
      const stored = rows
        .filter(row => readable.has(row.entity_ref))
        .map(row => toAlert(row, now, evaluations));
      // Alertmanager's alerts are the root entity's own.
      const live = await alertmanagerAlertsOf(root);
      const all = [...stored, ...live.alerts];

      const counts = emptyCounts();
      for (const alert of all.filter(isActive)) {
        counts[alert.severity] += 1;
      }
      const monthlySavings = sumByCurrency(
        all
          .filter(a => a.source === 'savings' && isActive(a) && a.monthlySaving)
          .map(a => a.monthlySaving!),
      );
      const alerts = all
        .filter(
          a =>
            (!query.status?.length || query.status.includes(a.status)) &&
            (!query.source?.length || query.source.includes(a.source)) &&
            (!query.severity?.length || query.severity.includes(a.severity)),
        )
        .sort(byUrgency);
      const at = evaluations.get(WHOLE_RUN)?.toISOString();
      return {
        entityRef: root.ref,
        alerts,
        counts,
        monthlySavings,
        alertmanager: live.instances,
        ...(at ? { evaluatedAt: at } : {}),
      };
    },

    async get(alertId) {
      return toAlert(
        await findRow(alertId),
        clock(),
        await sourceEvaluations(knex),
      );
    },

    async act(alertId, request, actorRef) {
      const now = clock();
      const row = await findRow(alertId);
      const status = effectiveStatus(row, now);
      const transition = TRANSITIONS[request.action];
      if (!transition.from.includes(status)) {
        throw new InputError(
          `Alert ${alertId} is ${describe(status)}; ${
            request.action
          } applies to ${transition.from.join(', ')} alerts`,
        );
      }
      if (request.action === 'snooze' && request.until <= now) {
        throw new InputError(
          `A snooze must end in the future; ${request.until.toISOString()} has passed`,
        );
      }
      const snoozedUntil = request.action === 'snooze' ? request.until : null;
      const reason = request.reason?.trim() || undefined;
      const lastAction: AlertAction = {
        action: request.action,
        by: actorRef,
        at: now.toISOString(),
        ...(reason ? { reason } : {}),
      };
      await knex.transaction(async tx => {
        // Only if nothing changed it since it was read.
        const updated = await tx(ALERTS_TABLE)
          .where({ id: alertId, status: row.status })
          .update({
            status: transition.to,
            snoozed_until: snoozedUntil,
            last_action: JSON.stringify(lastAction),
          });
        if (!updated) {
          throw new ConflictError(
            `Alert ${alertId} changed while you acted on it; reload it and try again`,
          );
        }
        await tx(EVENTS_TABLE).insert({
          alert_id: alertId,
          event: transition.event,
          at: now,
          by: actorRef,
          reason: reason ?? null,
          snoozed_until: snoozedUntil,
        } satisfies EventRow);
      });
      return toAlert(
        await findRow(alertId),
        now,
        await sourceEvaluations(knex),
      );
    },

    async history(alertId) {
      const now = clock();
      const row = await findRow(alertId);
      const events = await knex(EVENTS_TABLE)
        .where({ alert_id: alertId })
        .orderBy([{ column: 'at' }, { column: 'id' }]);
      return {
        alert: toAlert(row, now, await sourceEvaluations(knex)),
        events: events.map(toEvent),
      };
    },

    async summary() {
      const countRows: Array<{
        owner_ref: string | null;
        severity: AlertSeverity;
        n: number | string;
      }> = await knex(ALERTS_TABLE)
        .whereIn('status', ACTIVE_STATUSES)
        .groupBy('owner_ref', 'severity')
        .select('owner_ref', 'severity')
        .count({ n: '*' });
      const savingRows: Array<{
        owner_ref: string | null;
        currency: string;
        amount: number | string;
      }> = await knex(ALERTS_TABLE)
        .whereIn('status', ACTIVE_STATUSES)
        .where({ source: 'savings' })
        .whereNotNull('monthly_saving')
        .groupBy('owner_ref', 'monthly_saving_currency')
        .select('owner_ref', 'monthly_saving_currency as currency')
        .sum({ amount: 'monthly_saving' });

      const teams = new Map<string, AlertTeamSummary>();
      const teamOf = (ownerRef: string) => {
        let team = teams.get(ownerRef);
        if (!team) {
          team = { ownerRef, counts: emptyCounts(), monthlySavings: [] };
          teams.set(ownerRef, team);
        }
        return team;
      };
      const counts = emptyCounts();
      for (const row of countRows) {
        counts[row.severity] += Number(row.n);
        if (row.owner_ref) {
          teamOf(row.owner_ref).counts[row.severity] += Number(row.n);
        }
      }
      const savings = savingRows.map(row => ({
        ownerRef: row.owner_ref,
        amount: Number(row.amount),
        currency: row.currency,
      }));
      for (const [ownerRef, team] of teams) {
        team.monthlySavings = sumByCurrency(
          savings.filter(s => s.ownerRef === ownerRef),
        );
      }
      const at = await evaluatedAt();
      return {
        teams: [...teams.values()].sort(
          (a, b) =>
            b.counts.critical - a.counts.critical ||
            b.counts.warning - a.counts.warning ||
            b.counts.info - a.counts.info ||
            a.ownerRef.localeCompare(b.ownerRef),
        ),
        counts,
        monthlySavings: sumByCurrency(savings),
        ...(at ? { evaluatedAt: at } : {}),
      };
    },

    async sendWeeklyDigest() {
      if (!notifications) {
        return { owners: 0 };
      }
      return sendAlertDigest({ knex, notifications, logger });
    },
  };
}
