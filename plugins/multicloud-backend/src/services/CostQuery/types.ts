import {
  CostBudget,
  CostFilters,
  CostGroupBy,
  CostMetric,
  CostSummaryGroupBy,
  CostSummaryResponse,
  EntityCostResponse,
} from '@multicloud/plugin-multicloud-common';

/** A period of whole UTC days, both ends included. */
export type CostPeriod = { from: string; to: string };

/** Answers the cost questions of entity pages and the overview page. */
export interface CostQueryService {
  entityCost(request: {
    /** Lower-cased entity ref. */
    entityRef: string;
    period: CostPeriod;
    groupBy: CostGroupBy;
    metric: CostMetric;
    /** Budget from the entity's `multicloud.io/monthly-budget` annotation. */
    annotationBudget?: { amount: number; currency?: string };
    /** Only the cost that matches; the budget is then left out. */
    filters?: CostFilters;
  }): Promise<EntityCostResponse>;
  summary(request: {
    period: CostPeriod;
    groupBy: CostSummaryGroupBy;
    metric: CostMetric;
    filters?: CostFilters;
  }): Promise<CostSummaryResponse>;
  setBudget(request: {
    entityRef: string;
    amount: number;
    currency: string;
    updatedBy?: string;
  }): Promise<Pick<CostBudget, 'amount' | 'currency'> & { entityRef: string }>;
  /** False when the entity had no budget set through the API. */
  deleteBudget(entityRef: string): Promise<boolean>;
  /**
   * Changes whenever an answer may have: after imports, attribution changes,
   * rebuilds and budget changes, and with the exchange rates of the config
   * (across restarts). Cheap: one row and one maximum.
   */
  dataVersion(): Promise<string>;
}
