import {
  COST_GROUP_BY,
  MULTICLOUD_ANNOTATIONS,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import {
  parseEntityRefParam,
  parseGroupBy,
  parseMetric,
  parsePeriod,
} from '../lib/params';
import { parseBudgetAnnotation } from '../services/CostAttribution/types';
import {
  MulticloudActionsOptions,
  today,
  costPeriodInput,
  enumOf,
} from './types';

/**
 * `get-entity-cost`: the answer of `GET /cost/entity` for an assistant,
 * with the same permission check (`multicloud.cost.read` on the entity).
 */
export function createGetEntityCostAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'costQuery'
  >,
) {
  const { actionsRegistry, access, costQuery } = options;
  actionsRegistry.register({
    name: 'get-entity-cost',
    title: 'Get the cloud cost of a catalog entity',
    description: `Answers "what does X cost, and why" for one catalog entity: a Component, System, Domain, Resource or owner Group.
Name the entity by its ref, kind:namespace/name, for example component:default/checkout-api, system:default/checkout or group:default/checkout-team (the namespace defaults to "default").
Returns the total of the period in "currency" (an ISO 4217 code; every figure of the answer is in it), the cost of each day, a breakdown (largest first, grouped by service unless groupBy says otherwise) with each line's share of the total (0..1) and its cost in the previous period, the previous period of equal length with the change, the forecast of the month the period ends in with its 80% interval, the monthly budget and how the month goes against it, anomalous days, how the cost was attributed (by resource id or by tag) and the organisation's unallocated cost.
A cost of a System, Domain or Group includes what its Components and Resources cost. The period defaults to the 30 days up to today (UTC).
Needs the permission multicloud.cost.read on the entity.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The entity, as kind:namespace/name, for example system:default/checkout',
            ),
          ...costPeriodInput(z),
          groupBy: z
            .enum(enumOf(COST_GROUP_BY))
            .optional()
            .describe('What the breakdown lines are. Default: service'),
        }),
      output: z =>
        z
          .object({
            entityRef: z.string(),
            from: z.string(),
            to: z.string(),
            currency: z
              .string()
              .describe('ISO 4217 code of every amount in the answer'),
            total: z.number().describe('Cost of the period'),
            daily: z
              .array(
                z.object({ date: z.string(), cost: z.number() }).passthrough(),
              )
              .describe('Cost of each day of the period'),
            breakdown: z
              .array(
                z
                  .object({
                    key: z.string(),
                    label: z.string(),
                    cost: z.number(),
                    share: z.number(),
                    previousCost: z.number(),
                  })
                  .passthrough(),
              )
              .describe('Lines of the breakdown, largest first'),
            previous: z
              .object({
                from: z.string(),
                to: z.string(),
                total: z.number(),
                change: z.number(),
                changePercent: z.number().nullable(),
              })
              .passthrough()
              .describe('The same number of days right before "from"'),
            forecast: z
              .object({
                periodEnd: z.string(),
                monthTotal: z.number(),
                monthLower: z.number(),
                monthUpper: z.number(),
              })
              .passthrough()
              .nullable()
              .describe(
                'Forecast of the month the period ends in (month total with its 80% interval); null without enough history',
              ),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const entityRef = parseEntityRefParam(input.entityRef);
      const period = parsePeriod(input, today());
      const groupBy = parseGroupBy(input);
      const metric = parseMetric(input);
      const entity = await access.authorizedEntity(
        credentials,
        multicloudCostReadPermission,
        entityRef,
      );
      // The daily series of each breakdown line only feeds the stacked chart.
      const { breakdownSeries: _chart, ...answer } = await costQuery.entityCost(
        {
          entityRef,
          period,
          groupBy,
          metric,
          annotationBudget: parseBudgetAnnotation(
            entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.monthlyBudget],
          ),
        },
      );
      return { output: answer };
    },
  });
}
