import { createApiRef } from '@backstage/core-plugin-api';
import {
  CostGroupBy,
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
  EntityCostResponse,
  MulticloudHealth,
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
 * Client of the multicloud backend (`/api/multicloud`).
 *
 * @public
 */
export interface MulticloudApi {
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
}

/**
 * Reference to the {@link MulticloudApi}.
 *
 * @public
 */
export const multicloudApiRef = createApiRef<MulticloudApi>({
  id: 'plugin.multicloud.api',
});
