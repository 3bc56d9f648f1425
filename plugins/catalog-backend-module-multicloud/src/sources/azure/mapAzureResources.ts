import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  CloudResourceRelation,
  MULTICLOUD_ANNOTATIONS,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { compareByNativeId } from '../../lib/order';
import {
  isAnywhere,
  OpenIngressRule,
  openIngressAnnotation,
  portText,
  protocolName,
} from '../../lib/openIngress';

/**
 * One ARM resource or resource group, in the JSON shape of
 * `GET /subscriptions/{id}/resources?$expand=provisioningState` and
 * `GET /subscriptions/{id}/resourcegroups`, which is also what
 * `az resource list` and `az group list` print; or one record of a
 * provider's own list (`GET /subscriptions/{id}/providers/Microsoft.Compute/
 * virtualMachines`, `az vm list`...), which carries the resource's settings.
 */
export type AzureArmRecord = {
  id: string;
  name?: string | null;
  type?: string | null;
  location?: string | null;
  tags?: Record<string, unknown> | null;
  /** Resources: top level when listed with `$expand=provisioningState`. */
  provisioningState?: string | null;
  /** The resource that manages this one: a disk's VM, an AKS node resource group's cluster. */
  managedBy?: string | null;
  /**
   * Resource groups: `provisioningState`. Provider lists: the settings the
   * relations come from; the `az` CLI prints them at the top level instead.
   */
  properties?: unknown;
};

/** What the mapping keeps of a record. */
export type MappedAzureRecord = {
  id: string;
  name?: string | null;
  type?: string | null;
  location?: string | null;
  tags?: Record<string, unknown> | null;
  provisioningState?: string;
  managedBy?: string;
  /** Ids of the resources this one uses, read from its settings. */
  references: string[];
  /**
   * What the alert rules read (`multicloud.io/open-ingress`, `attached`,
   * `public-ip`), from the record's own settings.
   */
  annotations?: Record<string, string>;
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
const SUBNET_TYPE = 'Microsoft.Network/virtualNetworks/subnets';

/**
 * The provider lists that carry the settings relations and alert facts come
 * from, by the type they list: a subscription-wide list per type (not a
 * request per resource), read for the types `resources.list` returned.
 */
export const AZURE_DETAIL_LISTS: Record<string, { apiVersion: string }> = {
  'Microsoft.Compute/virtualMachines': { apiVersion: '2024-07-01' },
  'Microsoft.Network/networkInterfaces': { apiVersion: '2024-05-01' },
  'Microsoft.Network/virtualNetworks': { apiVersion: '2024-05-01' },
  'Microsoft.Network/privateEndpoints': { apiVersion: '2024-05-01' },
  // The settings the alert rules read: security rules, whether a public IP
  // is associated and its address, whether a database server is public.
  'Microsoft.Network/networkSecurityGroups': { apiVersion: '2024-05-01' },
  'Microsoft.Network/publicIPAddresses': { apiVersion: '2024-05-01' },
  'Microsoft.Sql/servers': { apiVersion: '2021-11-01' },
  'Microsoft.DBforPostgreSQL/flexibleServers': { apiVersion: '2022-12-01' },
  'Microsoft.DBforMySQL/flexibleServers': { apiVersion: '2021-05-01' },
};

/**
 * Records whose manager (`managedBy`) depends on them: a VM on its disks, an
 * AKS cluster on its node resource group. Other `managedBy` values (a SQL
 * server's `master` database) point back at a parent and would make a cycle.
 */
const MANAGED_DEPENDENCY_TYPES = new Set(
  [RESOURCE_GROUP_TYPE, 'Microsoft.Compute/disks'].map(t => t.toLowerCase()),
);
export const DEFAULT_PORTAL_URL = 'https://portal.azure.com';

const RESOURCE_GROUP_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i;
const SUBSCRIPTION_OF_ID = /^\/subscriptions\/([^/]+)/i;
const GROUP_OF_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\//i;
const PROVIDERS = '/providers/';

/** True for a resource group record (by its type, else by the shape of its id). */
export function isResourceGroupRecord(
  record: Pick<AzureArmRecord, 'id' | 'type'>,
): boolean {
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

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The settings of a resource or of one of its sub-objects (an IP
 * configuration, a subnet): ARM nests them in `properties`, the `az` CLI
 * prints them at the top level.
 */
function settingsOf(value: unknown): Record<string, unknown> {
  const record = asRecord(value);
  return asRecord(record?.properties) ?? record ?? {};
}

/** The `id` of a `{ "id": ... }` reference. */
function idOf(value: unknown): string | undefined {
  return asString(asRecord(value)?.id);
}

function provisioningStateOf(record: AzureArmRecord): string | undefined {
  return (
    asString(record.provisioningState) ??
    asString(asRecord(record.properties)?.provisioningState)
  );
}

/**
 * Ids of the resources a record uses, by its type: a VM its network
 * interfaces and managed disks; a network interface its subnets, public IPs
 * and network security group; a private endpoint the resource it connects to
 * (`privateLinkServiceId`), its subnet and its network interface.
 */
function referencesOf(record: AzureArmRecord): string[] {
  const settings = settingsOf(record);
  const ids: Array<string | undefined> = [];
  switch (record.type?.toLowerCase()) {
    case 'microsoft.compute/virtualmachines': {
      const network = asRecord(settings.networkProfile);
      const storage = asRecord(settings.storageProfile);
      for (const nic of asArray(network?.networkInterfaces)) {
        ids.push(idOf(nic));
      }
      ids.push(idOf(asRecord(storage?.osDisk)?.managedDisk));
      for (const disk of asArray(storage?.dataDisks)) {
        ids.push(idOf(asRecord(disk)?.managedDisk));
      }
      break;
    }
    case 'microsoft.network/networkinterfaces':
      for (const configuration of asArray(settings.ipConfigurations)) {
        const ip = settingsOf(configuration);
        ids.push(idOf(ip.subnet), idOf(ip.publicIPAddress));
      }
      ids.push(idOf(settings.networkSecurityGroup));
      break;
    case 'microsoft.network/privateendpoints':
      for (const connection of [
        ...asArray(settings.privateLinkServiceConnections),
        ...asArray(settings.manualPrivateLinkServiceConnections),
      ]) {
        ids.push(asString(settingsOf(connection).privateLinkServiceId));
      }
      ids.push(idOf(settings.subnet));
      for (const nic of asArray(settings.networkInterfaces)) {
        ids.push(idOf(nic));
      }
      break;
    default:
  }
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}

/**
 * Inbound `Allow` rules of a network security group whose source is
 * anywhere (`*`, `Internet`, `0.0.0.0/0`, `::/0`): one entry per source
 * and destination port (range). Only the group's own `securityRules`: the
 * default rules allow nothing from the Internet.
 */
function openIngressOf(rules: unknown): string | undefined {
  const open: OpenIngressRule[] = [];
  for (const rule of asArray(rules)) {
    const settings = settingsOf(rule);
    if (
      String(settings.direction).toLowerCase() !== 'inbound' ||
      String(settings.access).toLowerCase() !== 'allow'
    ) {
      continue;
    }
    const sources = [
      settings.sourceAddressPrefix,
      ...asArray(settings.sourceAddressPrefixes),
    ].filter(isAnywhere);
    const portValues = [
      settings.destinationPortRange,
      ...asArray(settings.destinationPortRanges),
    ].filter(value => value !== undefined && value !== null && value !== '');
    const ports = portValues.length
      ? portValues
          .map(portText)
          .filter((port): port is string => port !== undefined)
      : ['all'];
    const protocol = protocolName(settings.protocol);
    for (const source of sources) {
      for (const port of ports) {
        open.push({ protocol, ports: port, source });
      }
    }
  }
  return openIngressAnnotation(open);
}

/** Database servers whose settings say whether they take public traffic. */
const DATABASE_SERVER_TYPES = new Set([
  'microsoft.sql/servers',
  'microsoft.dbforpostgresql/flexibleservers',
  'microsoft.dbformysql/flexibleservers',
]);

/**
 * What the alert rules read, from a record's own settings (so from a
 * provider list or the `az` CLI, never from `resources.list`, which has
 * none): a network security group's rules open to anywhere, a disk's
 * `diskState`, whether a public IP is associated and its address, and
 * whether a database server has public network access.
 */
function annotationsOf(record: AzureArmRecord): Record<string, string> {
  const settings = settingsOf(record);
  const annotations: Record<string, string> = {};
  const type = record.type?.toLowerCase() ?? '';
  if (type === 'microsoft.network/networksecuritygroups') {
    const openIngress = openIngressOf(settings.securityRules);
    if (openIngress) {
      annotations[MULTICLOUD_ANNOTATIONS.openIngress] = openIngress;
    }
  } else if (type === 'microsoft.compute/disks') {
    const state = asString(settings.diskState)?.toLowerCase();
    if (state === 'unattached') {
      annotations[MULTICLOUD_ANNOTATIONS.attached] = 'false';
    } else if (state === 'attached' || state === 'reserved') {
      annotations[MULTICLOUD_ANNOTATIONS.attached] = 'true';
    }
  } else if (type === 'microsoft.network/publicipaddresses') {
    // Every public IP's settings name its allocation method: without it,
    // the record is a bare `resources.list` entry that says nothing.
    if (asString(settings.publicIPAllocationMethod)) {
      annotations[MULTICLOUD_ANNOTATIONS.attached] = String(
        Boolean(idOf(settings.ipConfiguration) ?? idOf(settings.natGateway)),
      );
    }
    const address = asString(settings.ipAddress);
    if (address) {
      annotations[MULTICLOUD_ANNOTATIONS.publicIp] = address;
    }
  } else if (DATABASE_SERVER_TYPES.has(type)) {
    const access =
      asString(settings.publicNetworkAccess) ??
      asString(asRecord(settings.network)?.publicNetworkAccess);
    if (access?.toLowerCase() === 'enabled') {
      annotations[MULTICLOUD_ANNOTATIONS.publicIp] = 'true';
    }
  }
  return annotations;
}

/**
 * The subnets of a virtual network, which ARM does not list as resources of
 * their own, with the network security group each uses.
 */
function subnetsOf(record: AzureArmRecord): MappedAzureRecord[] {
  if (record.type?.toLowerCase() !== 'microsoft.network/virtualnetworks') {
    return [];
  }
  return asArray(settingsOf(record).subnets).flatMap(subnet => {
    const id = idOf(subnet);
    if (!id) {
      return [];
    }
    const settings = settingsOf(subnet);
    const nsg = idOf(settings.networkSecurityGroup);
    return [
      {
        id,
        name: asString(asRecord(subnet)?.name) ?? id.split('/').pop(),
        type: SUBNET_TYPE,
        location: record.location,
        provisioningState: asString(settings.provisioningState),
        references: nsg ? [nsg] : [],
      },
    ];
  });
}

/**
 * What the mapping reads of a record, and the subnets a virtual network
 * carries: a page's decoded records (with their `createdTime` /
 * `changedTime` dates, SKUs and whole properties) need not outlive the page,
 * since relations can only be resolved once every page is read.
 */
export function mappedRecordsOf(record: AzureArmRecord): MappedAzureRecord[] {
  const managedBy = asString(record.managedBy);
  const annotations = annotationsOf(record);
  return [
    {
      id: record.id,
      name: record.name,
      type: record.type,
      location: record.location,
      tags: record.tags,
      provisioningState: provisioningStateOf(record),
      ...(managedBy ? { managedBy } : {}),
      references: referencesOf(record),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    ...subnetsOf(record),
  ];
}

/**
 * One record per id: `resources.list` and a provider list (or `az resource
 * list` and `az vm list`) both return a VM. The first record's fields win;
 * references add up.
 */
function mergeRecords(
  first: MappedAzureRecord,
  other: MappedAzureRecord,
): MappedAzureRecord {
  return {
    id: first.id,
    name: first.name ?? other.name,
    type: first.type ?? other.type,
    location: first.location ?? other.location,
    tags: first.tags ?? other.tags,
    provisioningState: first.provisioningState ?? other.provisioningState,
    managedBy: first.managedBy ?? other.managedBy,
    references: [...new Set([...first.references, ...other.references])],
    ...(first.annotations || other.annotations
      ? { annotations: { ...other.annotations, ...first.annotations } }
      : {}),
  };
}

/**
 * Ids (lower case) that records of the given types reference: the disks of
 * virtual machines, the public IPs of network interfaces.
 */
function referencedBy(
  records: Iterable<MappedAzureRecord>,
  type: string,
): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    if (record.type?.toLowerCase() === type) {
      for (const id of record.references) {
        ids.add(id.toLowerCase());
      }
    }
  }
  return ids;
}

/**
 * The record's annotations, completed from what other records say: a disk
 * without a `diskState` is attached when a VM manages (`managedBy`) or
 * lists it, else not; a public IP a network interface uses is attached.
 */
function annotationsWithLinks(
  record: MappedAzureRecord,
  links: { vmDisks: Set<string>; nicPublicIps: Set<string> },
): Record<string, string> | undefined {
  const type = record.type?.toLowerCase();
  const id = record.id.toLowerCase();
  if (
    type === 'microsoft.compute/disks' &&
    !record.annotations?.[MULTICLOUD_ANNOTATIONS.attached]
  ) {
    return {
      ...record.annotations,
      [MULTICLOUD_ANNOTATIONS.attached]: String(
        Boolean(record.managedBy) || links.vmDisks.has(id),
      ),
    };
  }
  if (
    type === 'microsoft.network/publicipaddresses' &&
    links.nicPublicIps.has(id)
  ) {
    return { ...record.annotations, [MULTICLOUD_ANNOTATIONS.attached]: 'true' };
  }
  return record.annotations;
}

/**
 * Maps ARM resources and resource groups, as {@link mappedRecordsOf} keeps
 * them, to `CloudResource`s, sorted by native id. Records with the same id
 * are merged. Relations: resource -> its resource group; child -> parent
 * (database -> server, subnet -> virtual network); the references each record
 * carries (VM -> network interfaces and disks, network interface -> subnet,
 * public IP and network security group, subnet -> network security group,
 * private endpoint -> target, subnet and network interface); and manager ->
 * managed (`managedBy`: VM -> disk, AKS cluster -> node resource group). They
 * resolve case-insensitively (ARM is inconsistent about the case of
 * `resourceGroups` and group names inside resource ids), always point at the
 * exact id the target record carries, and are left out when the target is
 * not among the records. Annotations add the facts the alert rules read
 * (see `annotationsOf` and `annotationsWithLinks`).
 */
export function mapAzureResources(
  records: MappedAzureRecord[],
  options: AzureMapOptions = {},
): CloudResource[] {
  const portalUrl = (options.portalUrl ?? DEFAULT_PORTAL_URL).replace(
    /\/+$/,
    '',
  );
  const groupRelations = options.resourceGroupRelations ?? 'listed';

  const unique = new Map<string, MappedAzureRecord>();
  for (const record of records) {
    const key = record.id.toLowerCase();
    const seen = unique.get(key);
    unique.set(key, seen ? mergeRecords(seen, record) : record);
  }
  const links = {
    vmDisks: referencedBy(unique.values(), 'microsoft.compute/virtualmachines'),
    nicPublicIps: referencedBy(
      unique.values(),
      'microsoft.network/networkinterfaces',
    ),
  };
  const managedByManager = new Map<string, string[]>();
  for (const record of unique.values()) {
    const type = isResourceGroupRecord(record)
      ? RESOURCE_GROUP_TYPE
      : record.type ?? '';
    if (record.managedBy && MANAGED_DEPENDENCY_TYPES.has(type.toLowerCase())) {
      const key = record.managedBy.toLowerCase();
      const list = managedByManager.get(key) ?? [];
      list.push(record.id);
      managedByManager.set(key, list);
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
      const targets = new Set<string>([id]);
      const addTarget = (targetNativeId: string) => {
        if (!targets.has(targetNativeId)) {
          targets.add(targetNativeId);
          relations.push({ type: 'dependsOn', targetNativeId });
        }
      };
      const addRelation = (targetId: string | undefined) => {
        const target = targetId && unique.get(targetId.toLowerCase());
        if (target) {
          addTarget(target.id);
        }
      };
      if (!isGroup && groupRelations !== 'none') {
        const group = GROUP_OF_ID.exec(id);
        if (group) {
          const groupId = `/subscriptions/${group[1]}/resourceGroups/${group[2]}`;
          const listed = unique.get(groupId.toLowerCase());
          if (listed) {
            addTarget(listed.id);
          } else if (groupRelations === 'derived') {
            addTarget(groupId);
          }
        }
      }
      addRelation(parentResourceId(id));
      record.references.forEach(addRelation);
      [...(managedByManager.get(id.toLowerCase()) ?? [])]
        .sort()
        .forEach(addRelation);

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
          ...annotationsWithLinks(record, links),
        },
      };
      if (record.provisioningState) {
        resource.status = record.provisioningState;
      }
      return resource;
    })
    .sort(compareByNativeId);
}
