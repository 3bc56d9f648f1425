import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  AlertAmount,
  AlertHistoryResponse,
  AlertLink,
  AlertSeverity,
  AlertSource,
  AlertStatus,
  AlertsResponse,
  AlertsSummaryResponse,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';

/** The computed sources: everything but Alertmanager, whose alerts are read live. */
export type ComputedAlertSource = Exclude<AlertSource, 'alertmanager'>;

/**
 * A condition one evaluation found. The store turns findings into alerts:
 * the same (source, rule, entityRef, subject) is the same alert across
 * evaluations; a finding that is no longer returned resolves its alert.
 */
export type AlertFinding = {
  source: ComputedAlertSource;
  /** Kebab-case rule id, for example `budget-exceeded` or `open-to-world`. */
  rule: string;
  /** Lower-cased ref of the entity the condition is about. */
  entityRef: string;
  entityTitle?: string;
  /** Lower-cased ref of the entity's owner Group (or User): who is notified. */
  ownerRef?: string;
  /**
   * Tells several findings of one rule on one entity apart (a port range, a
   * budget month); part of the alert's identity, so keep it stable.
   */
  subject?: string;
  severity: AlertSeverity;
  title: string;
  description: string;
  amount?: AlertAmount;
  monthlySaving?: AlertAmount;
  /** The service or resource that drives a cost alert. */
  driver?: string;
  links: AlertLink[];
};

/** What every rule set is given for one evaluation. */
export type AlertEvaluationContext = {
  /** The evaluation's clock; rules never read the wall clock themselves. */
  now: Date;
  /** The plugin's database (cost facts, rollups, budgets). */
  knex: Knex;
  /**
   * The catalog's cloud Resources, one page at a time, with at least the
   * rule set's `resourceFields`: one pass shared by every rule set of the
   * evaluation. Absent when the rule set runs alone; it then reads the
   * catalog itself.
   */
  cloudResources?: AsyncIterable<Entity[]>;
};

/** One source of computed alerts (cost, hygiene or savings). */
export interface AlertRuleSet {
  readonly source: ComputedAlertSource;
  /** The fields of the cloud Resources the rule set reads, when it reads them. */
  readonly resourceFields?: string[];
  /**
   * Every condition that holds now. Throws when the source could not be read
   * (the catalog is down): the store then keeps that source's alerts as they
   * are rather than resolving them all.
   */
  evaluate(context: AlertEvaluationContext): Promise<AlertFinding[]>;
}

/** Filters of `GET /alerts`, already checked. */
export type AlertQuery = {
  /** Lower-cased entity ref. */
  entityRef: string;
  status?: AlertStatus[];
  source?: AlertSource[];
  severity?: AlertSeverity[];
  credentials: BackstageCredentials;
  /**
   * Of the given entity refs, those whose alerts the caller may read
   * (`multicloud.alert.read`); alerts of the others are left out. Unset:
   * every entity the caller can see in the catalog.
   */
  readable?: (entityRefs: string[]) => Promise<ReadonlySet<string>>;
};

/** Lifecycle actions of `POST /alerts/{id}/<action>`, already checked. */
export type AlertActionRequest =
  | { action: 'acknowledge'; reason?: string }
  | { action: 'snooze'; until: Date; reason?: string }
  | { action: 'dismiss'; reason: string }
  | { action: 'reopen'; reason?: string };

/** The alerts of entities, their lifecycle and their evaluation. */
export interface AlertsService {
  /** Runs every enabled rule set once and stores the outcome; notifies new critical alerts. */
  evaluate(): Promise<{ opened: number; resolved: number; open: number }>;
  /**
   * The entity's alerts and those of what it owns, contains or depends on.
   * @throws NotFoundError when the entity does not exist or the caller cannot see it.
   */
  list(query: AlertQuery): Promise<AlertsResponse>;
  /**
   * One computed alert.
   * @throws NotFoundError for an unknown id.
   */
  get(alertId: string): Promise<MulticloudAlert>;
  /** @throws NotFoundError for an unknown id; InputError for an action the alert's status does not allow. */
  act(
    alertId: string,
    request: AlertActionRequest,
    actorRef: string,
  ): Promise<MulticloudAlert>;
  history(alertId: string): Promise<AlertHistoryResponse>;
  /** Open alerts and savings per owner group, for the Cloud page. */
  summary(): Promise<AlertsSummaryResponse>;
  /** Sends each owner with open alerts one summary notification. */
  sendWeeklyDigest(): Promise<{ owners: number }>;
}

export type { MulticloudAlert };
