import { createGetAlertsAction } from './createGetAlertsAction';
import { createGetCostMoversAction } from './createGetCostMoversAction';
import { createGetCostSummaryAction } from './createGetCostSummaryAction';
import { createGetEntityCostAction } from './createGetEntityCostAction';
import { createGetEntityTopologyAction } from './createGetEntityTopologyAction';
import { createListSourcesAction } from './createListSourcesAction';
import { createUpdateAlertAction } from './createUpdateAlertAction';
import { MulticloudActionsOptions } from './types';

/**
 * Registers the plugin's actions with Backstage's actions registry, which
 * serves them to the MCP actions backend and to other plugins. Each runs
 * with the caller's credentials and the REST API's permission checks.
 */
export function createMulticloudActions(options: MulticloudActionsOptions) {
  createGetEntityCostAction(options);
  createGetCostSummaryAction(options);
  createGetCostMoversAction(options);
  createGetEntityTopologyAction(options);
  createGetAlertsAction(options);
  createUpdateAlertAction(options);
  createListSourcesAction(options);
}
