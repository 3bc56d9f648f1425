import {
  MulticloudActionsOptions,
  costPeriodInput,
  summaryGroupByInput,
} from './types';
import { readableCostSummary } from './readableCostSummary';

/**
 * `get-cost-movers`: the movers of `GET /cost/summary`, the lines whose cost
 * changed most against the previous period.
 */
export function createGetCostMoversAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'costQuery'
  >,
) {
  options.actionsRegistry.register({
    name: 'get-cost-movers',
    title: 'Find the cloud costs that changed most',
    description: `Answers "what got more (or less) expensive": the teams, systems, domains, providers, accounts, regions, services or resources whose cost changed most against the previous period of equal length, largest absolute change first.
Each mover has its cost in the period ("cost"), in the previous period ("previousCost"), its share of the period's total (0..1) and, for teams, systems and domains, its entity ref; all amounts are in "currency" (an ISO 4217 code). "total" and "previous" are the organisation's totals for comparison.
Only lines whose cost the caller may read are listed. The period defaults to the 30 days up to today (UTC).`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          groupBy: summaryGroupByInput(
            z,
            'What moved: owner (teams), system, domain, provider, account, region, service or resource. Default: provider',
          ),
          ...costPeriodInput(z),
        }),
      output: z =>
        z.object({
          from: z.string(),
          to: z.string(),
          groupBy: z.string(),
          metric: z.string(),
          currency: z
            .string()
            .describe('ISO 4217 code of every amount in the answer'),
          total: z.number().describe("The organisation's cost of the period"),
          previous: z
            .object({
              from: z.string(),
              to: z.string(),
              total: z.number(),
              change: z.number(),
              changePercent: z.number().nullable(),
            })
            .passthrough(),
          movers: z.array(
            z
              .object({
                key: z.string(),
                label: z.string(),
                cost: z.number(),
                previousCost: z.number(),
                share: z.number(),
                entityRef: z.string().optional(),
              })
              .passthrough(),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const summary = await readableCostSummary(options, credentials, input);
      return {
        output: {
          from: summary.from,
          to: summary.to,
          groupBy: summary.groupBy,
          metric: summary.metric,
          currency: summary.currency,
          total: summary.total,
          previous: summary.previous,
          movers: summary.movers,
        },
      };
    },
  });
}
