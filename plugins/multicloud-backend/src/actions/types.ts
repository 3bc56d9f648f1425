import { AuditorService, AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { COST_SUMMARY_GROUP_BY } from '@multicloud/plugin-multicloud-common';
import type { z as zod } from 'zod/v3';
import { Access } from '../lib/access';
import { METRICS } from '../lib/params';
import { AlertsService } from '../services/Alerts/types';
import { CostQueryService } from '../services/CostQuery/types';
import { SourcesService } from '../services/Sources/types';
import { TopologyService } from '../services/Topology/types';

/**
 * What the multicloud actions are built from: the services the REST API
 * answers with, and its permission checks.
 */
export type MulticloudActionsOptions = {
  actionsRegistry: ActionsRegistryService;
  access: Access;
  auditor: AuditorService;
  auth: AuthService;
  costQuery: CostQueryService;
  topology: TopologyService;
  alerts: AlertsService;
  sources: Pick<SourcesService, 'list'>;
};

/** Today (UTC) as `YYYY-MM-DD`, the end of a cost period by default. */
export const today = () => new Date().toISOString().slice(0, 10);

/**
 * The period and metric of a cost question, as every cost action takes
 * them (the REST API's `from`, `to` and `metric` query parameters).
 */
export const costPeriodInput = (z: typeof zod) => ({
  from: z
    .string()
    .optional()
    .describe(
      'First day of the period, YYYY-MM-DD (UTC), included. Default: 29 days before "to"',
    ),
  to: z
    .string()
    .optional()
    .describe(
      'Last day of the period, YYYY-MM-DD (UTC), included. Default: today',
    ),
  metric: z
    .enum(METRICS)
    .optional()
    .describe(
      'Which cost: effective (commitments amortized, the default), billed (as invoiced) or list (before discounts)',
    ),
});

/** The values of a list for a zod enum, which wants at least one. */
export const enumOf = <T extends string>(values: readonly T[]) =>
  values as unknown as [T, ...T[]];

/** What a summary or its movers can be grouped by, as `GET /cost/summary` takes it. */
export const summaryGroupByInput = (z: typeof zod, description: string) =>
  z.enum(enumOf(COST_SUMMARY_GROUP_BY)).optional().describe(description);
