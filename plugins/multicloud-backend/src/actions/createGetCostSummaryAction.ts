import {
  MulticloudActionsOptions,
  costPeriodInput,
  summaryGroupByInput,
} from './types';
import { readableCostSummary } from './readableCostSummary';

/**
 * `get-cost-summary`: the answer of `GET /cost/summary`, lines of entities
 * the caller may not read summed into one.
 */
export function createGetCostSummaryAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'costQuery'
  >,
) {
  options.actionsRegistry.register({
    name: 'get-cost-summary',
    title: 'Summarize the cloud cost of the organisation',
    description: `Answers "what do we spend, and on what" across every cloud: the organisation's total cost of a period broken down by owner team (groupBy "owner"), system, domain, provider, account, region, service or resource.
Returns the total in "currency" (an ISO 4217 code; every figure is in it), the cost of each day, the breakdown lines largest first (each with its share of the total, 0..1, its cost in the previous period, and the entity ref of its team, system or domain), the previous period with the change, the forecast of the month the period ends in, the lines that moved most ("movers"), and the cost no one could be attributed to ("unallocated").
Teams, systems and domains whose cost the caller may not read are summed into one line with the key "not-visible"; the totals remain those of the whole organisation. The period defaults to the 30 days up to today (UTC).`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          groupBy: summaryGroupByInput(
            z,
            'What the breakdown lines are: owner (teams), system, domain, provider, account, region, service or resource. Default: provider',
          ),
          ...costPeriodInput(z),
        }),
      output: z =>
        z
          .object({
            from: z.string(),
            to: z.string(),
            groupBy: z.string(),
            currency: z
              .string()
              .describe('ISO 4217 code of every amount in the answer'),
            total: z.number().describe('Cost of the period'),
            breakdown: z
              .array(
                z
                  .object({
                    key: z.string(),
                    label: z.string(),
                    cost: z.number(),
                    share: z.number(),
                    previousCost: z.number(),
                    entityRef: z.string().optional(),
                  })
                  .passthrough(),
              )
              .describe('Lines of the breakdown, largest first'),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { breakdownSeries: _chart, ...summary } = await readableCostSummary(
        options,
        credentials,
        input,
      );
      return { output: summary };
    },
  });
}
