import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  AzureArmRecord,
  isResourceGroupRecord,
  mapAzureResources,
  MappedAzureRecord,
  mappedRecordsOf,
} from './mapAzureResources';

/**
 * Where an Azure inventory came from and how to link it.
 */
export type AzureInventoryContext = {
  /** Name of the file, for error messages. */
  source?: string;
  /** Azure portal the console links point to. Default `https://portal.azure.com`. */
  portalUrl?: string;
};

/**
 * The records of the JSON one or more `az` list commands printed (see
 * {@link parseAzureInventory}), checked, as the mapping keeps them.
 *
 * @throws InputError when the JSON is not such a list, naming `where`.
 */
export function readAzureInventoryRecords(
  json: unknown,
  where: string,
): MappedAzureRecord[] {
  if (!Array.isArray(json)) {
    throw new InputError(
      `${where}: expected the JSON array printed by 'az resource list' or 'az group list'`,
    );
  }
  const items = json.every(Array.isArray) ? (json as unknown[][]).flat() : json;
  return items.flatMap((item, index) => {
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
    return mappedRecordsOf(record as AzureArmRecord);
  });
}

/**
 * Maps the records of one or more Azure inventory files together, so that a
 * VM of `az vm list` meets its network interfaces of `az network nic list`
 * and the groups of `az group list`. Resources point at the groups among the
 * records; when there are no groups at all (a plain `az resource list`), they
 * point at `/subscriptions/<sub>/resourceGroups/<name>` as read from their
 * own id, which is how `az group list` prints that group's id.
 */
export function mapAzureInventoryRecords(
  records: MappedAzureRecord[],
  context: Pick<AzureInventoryContext, 'portalUrl'> = {},
): CloudResource[] {
  return mapAzureResources(records, {
    portalUrl: context.portalUrl,
    resourceGroupRelations: records.some(isResourceGroupRecord)
      ? 'listed'
      : 'derived',
  });
}

/**
 * Maps the JSON printed by `az resource list` and / or `az group list`, and
 * by the list commands whose records carry the settings relations come from
 * (`az vm list`, `az network nic list`, `az network vnet list`, `az network
 * private-endpoint list`) and those the alert rules read (`az network nsg
 * list`, `az network public-ip list`, `az sql server list`, `az disk list`,
 * `az postgres flexible-server list`, `az mysql flexible-server list`): one
 * array of any of them, or an array of such
 * arrays (`jq -s . resources.json groups.json vms.json`). Records are told
 * apart by their type (or, without one, by the shape of their id); records
 * with the same id are merged.
 */
export function parseAzureInventory(
  json: unknown,
  context: AzureInventoryContext = {},
): CloudResource[] {
  return mapAzureInventoryRecords(
    readAzureInventoryRecords(json, context.source ?? 'Azure inventory'),
    context,
  );
}
