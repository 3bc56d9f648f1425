import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  GcpSearchResult,
  mapGcpResources,
  mappedFieldsOf,
  problemWithResult,
} from './mapGcpResources';

/**
 * Maps the JSON printed by `gcloud asset search-all-resources --format=json`
 * (an array of search results, the REST API's camelCase shape). With
 * `--read-mask` naming `versionedResources` (or `*`), instances also relate
 * to their disks and subnetworks, subnetworks to their network, GKE clusters
 * and Cloud SQL instances to theirs, and forwarding rules to their target or
 * backend service.
 */
export function parseGcpInventory(
  json: unknown,
  context: { source?: string } = {},
): CloudResource[] {
  const from = context.source ? `${context.source}: ` : '';
  if (!Array.isArray(json)) {
    throw new InputError(
      `${from}expected the JSON array printed by 'gcloud asset search-all-resources --format=json'`,
    );
  }
  json.forEach((result, index) => {
    const problem = problemWithResult(result);
    if (problem) {
      throw new InputError(`${from}search result ${index + 1} ${problem}`);
    }
  });
  return mapGcpResources((json as GcpSearchResult[]).map(mappedFieldsOf));
}
