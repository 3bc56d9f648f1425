import { createApiRef } from '@backstage/core-plugin-api';
import {
  AlertHistoryResponse,
  AlertSeverity,
  AlertSource,
  AlertStatus,
  AlertsResponse,
  AlertsSummaryResponse,
  CostFilters,
  CostGroupBy,
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
  EntityCostResponse,
  MulticloudAlert,
  MulticloudHealth,
  MulticloudInventoryResponse,
  MulticloudSourceRefreshResponse,
  MulticloudSourcesResponse,
  TopologyDirection,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';

/**
 * Options of {@link MulticloudApi.getEntityCost}.
 *
 * @public
 */
export type GetEntityCostOptions = {
  /** The entity, for example `component:default/checkout`. */
  entityRef: string;
  /** First day of the period, `YYYY-MM-DD` (UTC, inclusive). */
  from: string;
  /** Last day of the period, `YYYY-MM-DD` (UTC, inclusive). */
  to: string;
  groupBy?: CostGroupBy;
  metric?: CostMetric;
  /** Only the cost that matches these (the budget is then left out). */
  filters?: CostFilters;
};

/**
 * Options of {@link MulticloudApi.getCostSummary}.
 *
 * @public
 */
export type GetCostSummaryOptions = {
  /** First day of the period, `YYYY-MM-DD` (UTC, inclusive). */
  from: string;
  /** Last day of the period, `YYYY-MM-DD` (UTC, inclusive). */
  to: string;
  groupBy?: CostSummaryGroupBy;
  metric?: CostMetric;
  /** Only the cost that matches these. */
  filters?: CostFilters;
};

/**
 * Options of {@link MulticloudApi.getTopology}.
 *
 * @public
 */
export type GetTopologyOptions = {
  /** The entity, for example `component:default/checkout`. */
  entityRef: string;
  /** How many relations to follow from the entity (1 to 5); the backend's default when left out. */
  depth?: number;
  /** Which relations to follow; `downstream` when left out. */
  direction?: TopologyDirection;
  /** Collapsed groups to show in full, by their `TopologyGroup.id`. */
  expand?: string[];
};

/**
 * Options of {@link MulticloudApi.setBudget}.
 *
 * @public
 */
export type SetBudgetOptions = {
  entityRef: string;
  /** Monthly amount. */
  amount: number;
  /** ISO 4217 code; the backend's default currency when left out. */
  currency?: string;
};

/**
 * A monthly budget set through the API.
 *
 * @public
 */
export type EntityBudget = {
  entityRef: string;
  amount: number;
  currency: string;
};

/**
 * Options of {@link MulticloudApi.getAlerts}. A filter left out (or empty)
 * lets every value through.
 *
 * @public
 */
export type GetAlertsOptions = {
  /** The entity, for example `component:default/checkout`. */
  entityRef: string;
  status?: AlertStatus[];
  source?: AlertSource[];
  severity?: AlertSeverity[];
};

/**
 * Options of {@link MulticloudApi.snoozeAlert}.
 *
 * @public
 */
export type SnoozeAlertOptions = {
  /** ISO date-time the alert comes back at, when its condition still holds. */
  until: string;
  reason?: string;
};

/**
 * An Alertmanager label matcher (API v2).
 *
 * @public
 */
export type AlertSilenceMatcher = {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
};

/**
 * Options of {@link MulticloudApi.createAlertSilence}.
 *
 * @public
 */
export type CreateAlertSilenceOptions = {
  /** The entity whose alerts are silenced; the backend keeps the silence to its matchers. */
  entityRef: string;
  /** Id of the Alertmanager instance. */
  instance: string;
  matchers: AlertSilenceMatcher[];
  /** ISO date-time the silence ends at. */
  endsAt: string;
  comment: string;
};

/**
 * Options of {@link MulticloudApi.expireAlertSilence}.
 *
 * @public
 */
export type ExpireAlertSilenceOptions = {
  entityRef: string;
  instance: string;
  silenceId: string;
};

/**
 * Which list of {@link MulticloudApi.getSources} a source is in: `cloud` for
 * a cloud source, `cost` for a cost import folder.
 *
 * @public
 */
export type MulticloudSourceKind = MulticloudSourceRefreshResponse['kind'];

/**
 * Client of the multicloud backend (`/api/multicloud`).
 *
 * @public
 */
export interface MulticloudApi {
  /** The backend's version, database and whether its sources have caught up (`GET /health`). */
  getHealth(): Promise<MulticloudHealth>;
  /** Cost of one entity over a period (`GET /cost/entity`). */
  getEntityCost(options: GetEntityCostOptions): Promise<EntityCostResponse>;
  /** Cost across the organisation over a period (`GET /cost/summary`). */
  getCostSummary(options: GetCostSummaryOptions): Promise<CostSummaryResponse>;
  /** The infrastructure around an entity as a graph and as Mermaid text (`GET /topology`). */
  getTopology(options: GetTopologyOptions): Promise<TopologyResponse>;
  /** Sets an entity's monthly budget (`PUT /cost/budgets`). */
  setBudget(options: SetBudgetOptions): Promise<EntityBudget>;
  /** Removes the monthly budget set through the API (`DELETE /cost/budgets`). */
  deleteBudget(entityRef: string): Promise<void>;
  /** Alerts of an entity and of what it owns, contains or depends on (`GET /alerts`). */
  getAlerts(options: GetAlertsOptions): Promise<AlertsResponse>;
  /** Open alerts and savings per owner group (`GET /alerts/summary`). */
  getAlertsSummary(): Promise<AlertsSummaryResponse>;
  /** An alert with every step of its lifecycle (`GET /alerts/{id}/history`). */
  getAlertHistory(alertId: string): Promise<AlertHistoryResponse>;
  /** Marks an alert seen (`POST /alerts/{id}/acknowledge`). */
  acknowledgeAlert(
    alertId: string,
    options?: { reason?: string },
  ): Promise<MulticloudAlert>;
  /** Hides an alert until a time (`POST /alerts/{id}/snooze`). */
  snoozeAlert(
    alertId: string,
    options: SnoozeAlertOptions,
  ): Promise<MulticloudAlert>;
  /** Closes an alert that needs no action, with why (`POST /alerts/{id}/dismiss`). */
  dismissAlert(
    alertId: string,
    options: { reason: string },
  ): Promise<MulticloudAlert>;
  /** Opens an acknowledged, snoozed or dismissed alert again (`POST /alerts/{id}/reopen`). */
  reopenAlert(
    alertId: string,
    options?: { reason?: string },
  ): Promise<MulticloudAlert>;
  /** Creates an Alertmanager silence (`POST /alerts/silences`). */
  createAlertSilence(
    options: CreateAlertSilenceOptions,
  ): Promise<{ id: string }>;
  /** Expires an Alertmanager silence (`DELETE /alerts/silences/{instance}/{id}`). */
  expireAlertSilence(options: ExpireAlertSilenceOptions): Promise<void>;
  /** Every configured cloud source and cost folder with its last run (`GET /sources`). */
  getSources(): Promise<MulticloudSourcesResponse>;
  /**
   * Asks for a run of a cloud source or cost folder now, outside its schedule
   * (`POST /sources/{cloud|cost}/{id}/refresh`); resolves once it is asked
   * for, not when it has run.
   */
  refreshSource(
    kind: MulticloudSourceKind,
    id: string,
  ): Promise<MulticloudSourceRefreshResponse>;
  /** The catalog's cloud resources the user may see, counted (`GET /inventory`). */
  getInventory(): Promise<MulticloudInventoryResponse>;
}

/**
 * Reference to the {@link MulticloudApi}.
 *
 * @public
 */
export const multicloudApiRef = createApiRef<MulticloudApi>({
  id: 'plugin.multicloud.api',
});
