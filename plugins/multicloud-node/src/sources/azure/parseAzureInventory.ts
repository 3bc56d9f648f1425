import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  AzureArmRecord,
  isResourceGroupRecord,
  mapAzureResources,
} from './mapAzureResources';

/**
 * Where an Azure inventory came from and how to link it.
 *
 * @public
 */
export type AzureInventoryContext = {
  /** Name of the file, for error messages. */
  source?: string;
  /** Azure portal the console links point to. Default `https://portal.azure.com`. */
  portalUrl?: string;
};

/**
 * Maps the JSON printed by `az resource list` and / or `az group list`: one
 * array of either, or an array of such arrays (`jq -s . resources.json
 * groups.json`). Records are told apart by their type (or, without one, by
 * the shape of their id). Resources point at the groups in the same input;
 * when the input holds no groups at all (a plain `az resource list`), they
 * point at `/subscriptions/<sub>/resourceGroups/<name>` as read from their
 * own id, which is how `az group list` prints that group's id.
 *
 * @public
 */
export function parseAzureInventory(
  json: unknown,
  context: AzureInventoryContext = {},
): CloudResource[] {
  const where = context.source ?? 'Azure inventory';
  if (!Array.isArray(json)) {
    throw new InputError(
      `${where}: expected the JSON array printed by 'az resource list' or 'az group list'`,
    );
  }
  const items = json.every(Array.isArray) ? (json as unknown[][]).flat() : json;
  const records = items.map((item, index) => {
    const record = item as Partial<AzureArmRecord> | null;
    if (
      typeof record?.id !== 'string' ||
      !/^\/subscriptions\/[^/]+\//i.test(record.id) ||
      (record.type !== undefined &&
        record.type !== null &&
        typeof record.type !== 'string')
    ) {
      throw new InputError(
        `${where}: item ${index} is not an ARM resource or resource group (expected an object with an 'id' such as /subscriptions/<id>/resourceGroups/<name>)`,
      );
    }
    return record as AzureArmRecord;
  });
  return mapAzureResources(records, {
    portalUrl: context.portalUrl,
    resourceGroupRelations: records.some(isResourceGroupRecord)
      ? 'listed'
      : 'derived',
  });
}
