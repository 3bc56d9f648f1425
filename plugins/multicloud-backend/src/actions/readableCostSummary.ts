import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CostSummaryResponse,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import { parseMetric, parsePeriod, parseSummaryGroupBy } from '../lib/params';
import { hideUnreadableLines } from '../lib/readableSummaries';
import { MulticloudActionsOptions, today } from './types';

/**
 * The organisation's cost summary as `GET /cost/summary` answers it: the
 * lines of entities whose cost the caller may not read are summed into one
 * line, `not-visible`, and left out of the movers.
 */
export async function readableCostSummary(
  options: Pick<MulticloudActionsOptions, 'access' | 'costQuery'>,
  credentials: BackstageCredentials,
  query: { from?: string; to?: string; groupBy?: string; metric?: string },
): Promise<CostSummaryResponse> {
  const summary = await options.costQuery.summary({
    period: parsePeriod(query, today()),
    groupBy: parseSummaryGroupBy(query),
    metric: parseMetric(query),
  });
  const allowed = await options.access.allowedRefs(
    credentials,
    multicloudCostReadPermission,
    summary.breakdown.flatMap(item => (item.entityRef ? [item.entityRef] : [])),
  );
  return hideUnreadableLines(summary, allowed);
}
