import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  CloudResourceRelation,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { compareByNativeId } from '../../lib/order';

/**
 * One ARM resource or resource group, in the JSON shape of
 * `GET /subscriptions/{id}/resources?$expand=provisioningState` and
 * `GET /subscriptions/{id}/resourcegroups`, which is also what
 * `az resource list` and `az group list` print.
 */
export type AzureArmRecord = {
  id: string;
  name?: string | null;
  type?: string | null;
  location?: string | null;
  tags?: Record<string, unknown> | null;
  /** Resources: top level when listed with `$expand=provisioningState`. */
  provisioningState?: string | null;
  /** Resource groups: `properties.provisioningState`. */
  properties?: unknown;
};

export type AzureMapOptions = {
  /** Azure portal the console links point to. */
  portalUrl?: string;
  /**
   * Relations to resource groups: `listed` points only at groups among the
   * records (their exact id); `derived` also builds
   * `/subscriptions/<sub>/resourceGroups/<name>` from the resource's own id
   * when its group is not among them; `none` adds no group relations.
   */
  resourceGroupRelations?: 'listed' | 'derived' | 'none';
};

export const RESOURCE_GROUP_TYPE = 'Microsoft.Resources/resourceGroups';
export const DEFAULT_PORTAL_URL = 'https://portal.azure.com';

const RESOURCE_GROUP_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i;
const SUBSCRIPTION_OF_ID = /^\/subscriptions\/([^/]+)/i;
const GROUP_OF_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\//i;
const PROVIDERS = '/providers/';

/** True for a resource group record (by its type, else by the shape of its id). */
export function isResourceGroupRecord(record: AzureArmRecord): boolean {
  return record.type
    ? record.type.toLowerCase() === RESOURCE_GROUP_TYPE.toLowerCase()
    : RESOURCE_GROUP_ID.test(record.id);
}

/**
 * The id of the resource a child or extension resource belongs to:
 * `.../Microsoft.Sql/servers/s1/databases/db1` -> `.../Microsoft.Sql/servers/s1`;
 * `<scope>/providers/Microsoft.Insights/diagnosticSettings/d` -> `<scope>`
 * when the scope is itself a provider resource. Undefined for top-level
 * resources, whose parent is their resource group.
 */
export function parentResourceId(id: string): string | undefined {
  const at = id.toLowerCase().lastIndexOf(PROVIDERS);
  if (at < 0) {
    return undefined;
  }
  const segments = id.slice(at + PROVIDERS.length).split('/');
  if (segments.length > 3) {
    return `${id.slice(0, at)}${PROVIDERS}${segments.slice(0, -2).join('/')}`;
  }
  const scope = id.slice(0, at);
  return scope.toLowerCase().includes(PROVIDERS) ? scope : undefined;
}

function stringTags(tags: AzureArmRecord['tags']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (value !== null && value !== undefined) {
      result[key] = String(value);
    }
  }
  return result;
}

function provisioningStateOf(record: AzureArmRecord): string | undefined {
  if (record.provisioningState) {
    return record.provisioningState;
  }
  const properties = record.properties as {
    provisioningState?: unknown;
  } | null;
  return typeof properties?.provisioningState === 'string'
    ? properties.provisioningState
    : undefined;
}

/**
 * What the mapping reads of a record: a page's decoded records (with their
 * `createdTime` / `changedTime` dates, SKUs and properties) need not outlive
 * the page, since relations can only be resolved once every page is read.
 */
export function mappedFieldsOf(record: AzureArmRecord): AzureArmRecord {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    location: record.location,
    tags: record.tags,
    provisioningState: provisioningStateOf(record),
  };
}

/**
 * Maps ARM resources and resource groups to `CloudResource`s, sorted by
 * native id. Relations resolve case-insensitively (ARM is inconsistent about
 * the case of `resourceGroups` and group names inside resource ids) and
 * always point at the exact id the target record carries.
 */
export function mapAzureResources(
  records: AzureArmRecord[],
  options: AzureMapOptions = {},
): CloudResource[] {
  const portalUrl = (options.portalUrl ?? DEFAULT_PORTAL_URL).replace(
    /\/+$/,
    '',
  );
  const groupRelations = options.resourceGroupRelations ?? 'listed';

  const unique = new Map<string, AzureArmRecord>();
  for (const record of records) {
    if (!unique.has(record.id.toLowerCase())) {
      unique.set(record.id.toLowerCase(), record);
    }
  }

  return [...unique.values()]
    .map(record => {
      const id = record.id;
      const isGroup = isResourceGroupRecord(record);
      const nativeType = isGroup ? RESOURCE_GROUP_TYPE : record.type ?? '';
      const accountId = SUBSCRIPTION_OF_ID.exec(id)?.[1] ?? '';
      const tags = stringTags(record.tags);

      const relations: CloudResourceRelation[] = [];
      const addRelation = (targetId: string | undefined) => {
        const target = targetId && unique.get(targetId.toLowerCase());
        if (target && target.id !== id) {
          relations.push({ type: 'dependsOn', targetNativeId: target.id });
        }
      };
      if (!isGroup && groupRelations !== 'none') {
        const group = GROUP_OF_ID.exec(id);
        if (group) {
          const groupId = `/subscriptions/${group[1]}/resourceGroups/${group[2]}`;
          const listed = unique.get(groupId.toLowerCase());
          if (listed) {
            relations.push({ type: 'dependsOn', targetNativeId: listed.id });
          } else if (groupRelations === 'derived') {
            relations.push({ type: 'dependsOn', targetNativeId: groupId });
          }
        }
      }
      addRelation(parentResourceId(id));

      const resource: CloudResource = {
        provider: 'azure',
        accountId,
        region: record.location || 'global',
        type: resourceTypeFor('azure', nativeType),
        nativeId: id,
        name: tags.Name || record.name || id,
        tags,
        relations,
        consoleUrl: `${portalUrl}/#@/resource${id}`,
        costResourceId: id.toLowerCase(),
        annotations: {
          [CLOUD_ANNOTATIONS.azureResourceId]: id,
          [CLOUD_ANNOTATIONS.azureSubscriptionId]: accountId,
        },
      };
      const status = provisioningStateOf(record);
      if (status) {
        resource.status = status;
      }
      return resource;
    })
    .sort(compareByNativeId);
}
