import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSource } from '../../types';
import { CloudSourceFactoryOptions } from '../types';
import { createGcpSource, GcpSourceTestOptions } from './createGcpSource';
import {
  GcpSearchResult,
  mapGcpResources,
  mappedFieldsOf,
  problemWithResult,
} from './mapGcpResources';

/**
 * A source over one Cloud Asset Inventory scope. Config: `scope`
 * (`organizations/<n>`, `folders/<n>` or `projects/<id>`), `assetTypes`,
 * `query`, `pageSize` (default 500), `transport` (`grpc` default, or `rest`),
 * `apiEndpoint`; credentials are Application Default Credentials.
 */
export function createGcpSourceFromConfig(
  options: CloudSourceFactoryOptions & GcpSourceTestOptions,
): CloudSource {
  return createGcpSource(options);
}

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
