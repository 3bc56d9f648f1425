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
 * One Cloud Asset `ResourceSearchResult`, in either of the shapes it arrives
 * in: the camelCase JSON of the REST API and `gcloud asset
 * search-all-resources --format=json`, or the protobuf object the client
 * library decodes (empty strings for absent fields, `additionalAttributes`
 * as a `google.protobuf.Struct`).
 */
export type GcpSearchResult = {
  name?: string | null;
  assetType?: string | null;
  project?: string | null;
  displayName?: string | null;
  location?: string | null;
  labels?: Record<string, string> | null;
  state?: string | null;
  parentFullResourceName?: string | null;
  additionalAttributes?: unknown;
  /**
   * The resource as its own API returns it (`[{ version, resource }]`), when
   * the search's `readMask` asks for `versionedResources`.
   */
  versionedResources?: unknown;
};

/**
 * What the mapping keeps of a search result: its own fields as plain JSON,
 * the project id a project asset carries, and the full resource names of the
 * resources it uses, read from its attributes and versioned resources.
 */
export type MappedGcpResult = {
  name: string;
  assetType: string;
  project?: string;
  displayName?: string;
  location?: string;
  labels: Record<string, string>;
  state?: string;
  parentFullResourceName?: string;
  /** Project assets: `additionalAttributes.projectId`. */
  projectId?: string;
  /** Full resource names this result depends on (instance -> disks, ...). */
  links: string[];
  /**
   * The values the alert facts of its asset type come from (see
   * {@link FACT_READERS}), read from its versioned resource and from its
   * additional attributes; the versioned resource's win.
   */
  factValues?: { versioned?: FactValues; attributes?: FactValues };
};

/**
 * The values at a {@link FactReader}'s paths, in its order. From a versioned
 * resource a missing field reads as `[]` (the APIs leave out empty lists
 * and defaults); from additional attributes as `undefined` (not known).
 */
export type FactValues = Array<unknown[] | undefined>;

const PROJECT_ASSET_TYPE = 'cloudresourcemanager.googleapis.com/Project';
const PROJECT_NAME_PREFIX = '//cloudresourcemanager.googleapis.com/projects/';
const CONSOLE = 'https://console.cloud.google.com';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, with the protobuf default `''` read as absent. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Plain JSON of a decoded `google.protobuf.Value`. */
function fromProtobufValue(value: Record<string, unknown>): unknown {
  const kind =
    typeof value.kind === 'string'
      ? value.kind
      : Object.keys(value).find(key => key.endsWith('Value'));
  switch (kind) {
    case 'structValue':
      return fromProtobufStruct(value.structValue);
    case 'listValue': {
      const values = isRecord(value.listValue) ? value.listValue.values : [];
      return Array.isArray(values)
        ? values.map(v => (isRecord(v) ? fromProtobufValue(v) : v))
        : [];
    }
    case 'nullValue':
      return null;
    case undefined:
      return undefined;
    default:
      return value[kind];
  }
}

function fromProtobufStruct(struct: unknown): Record<string, unknown> {
  const fields =
    isRecord(struct) && isRecord(struct.fields) ? struct.fields : {};
  return Object.fromEntries(
    Object.entries(fields).map(([key, v]) => [
      key,
      isRecord(v) ? fromProtobufValue(v) : v,
    ]),
  );
}

/** True for a decoded `google.protobuf.Struct` (`{ fields: { key: Value } }`). */
function isProtobufStruct(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) && isRecord(value.fields) && Object.keys(value).length === 1
  );
}

/**
 * A `google.protobuf.Struct` field as plain JSON: the REST / CLI JSON is
 * already plain, the client library hands over a `Struct`.
 */
function plainStruct(value: unknown): Record<string, unknown> {
  if (isProtobufStruct(value)) {
    return fromProtobufStruct(value);
  }
  return isRecord(value) ? value : {};
}

function lastSegment(name: string): string {
  const segments = name.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? name;
}

/** The `<id>` of `.../projects/<id>/...` in a full resource name. */
function projectSegmentOf(name: string): string | undefined {
  return name.match(/\/projects\/([^/]+)(?:\/|$)/)?.[1];
}

/**
 * A Compute Engine self link (`https://www.googleapis.com/compute/v1/projects/
 * p/global/networks/n`) as the full resource name Cloud Asset gives the same
 * network (`//compute.googleapis.com/projects/p/global/networks/n`).
 */
export function computeFullResourceName(link: string): string | undefined {
  const selfLink = link.match(
    /^(?:https?:)?\/\/(?:www|compute)\.googleapis\.com\/compute\/(?:v1|beta|alpha)\/(projects\/.+)$/,
  );
  if (selfLink) {
    return `//compute.googleapis.com/${selfLink[1]}`;
  }
  if (link.startsWith('//compute.googleapis.com/projects/')) {
    return link;
  }
  // Cloud SQL writes its private network as `/projects/p/global/networks/n`.
  const path = link.replace(/^\//, '');
  if (path.startsWith('projects/')) {
    return `//compute.googleapis.com/${path}`;
  }
  return undefined;
}

/**
 * Where each asset type's own API representation (its versioned resource)
 * names the resources it uses, as paths of keys (`*`: every array item).
 * Every value is a Compute Engine link or path.
 */
const LINK_PATHS: Record<string, string[][]> = {
  'compute.googleapis.com/Instance': [
    ['networkInterfaces', '*', 'network'],
    ['networkInterfaces', '*', 'subnetwork'],
    ['disks', '*', 'source'],
  ],
  'compute.googleapis.com/Subnetwork': [['network']],
  'container.googleapis.com/Cluster': [
    ['networkConfig', 'network'],
    ['networkConfig', 'subnetwork'],
  ],
  'sqladmin.googleapis.com/Instance': [
    ['settings', 'ipConfiguration', 'privateNetwork'],
  ],
  'compute.googleapis.com/ForwardingRule': [['target'], ['backendService']],
};

function valuesAt(value: unknown, keys: string[]): unknown[] {
  if (keys.length === 0) {
    return [value];
  }
  const [key, ...rest] = keys;
  if (key === '*') {
    return Array.isArray(value) ? value.flatMap(v => valuesAt(v, rest)) : [];
  }
  return isRecord(value) ? valuesAt(value[key], rest) : [];
}

/**
 * {@link valuesAt} for a decoded `google.protobuf.Value`, walking down only
 * the keys asked for: a versioned resource is large, and converting all of it
 * to plain JSON would only be thrown away.
 */
function protobufValuesAt(value: unknown, keys: string[]): unknown[] {
  if (!isRecord(value)) {
    return [];
  }
  if (keys.length === 0) {
    return [fromProtobufValue(value)];
  }
  const [key, ...rest] = keys;
  const kind =
    typeof value.kind === 'string'
      ? value.kind
      : Object.keys(value).find(k => k.endsWith('Value'));
  if (key === '*') {
    const items =
      kind === 'listValue' && isRecord(value.listValue)
        ? value.listValue.values
        : undefined;
    return Array.isArray(items)
      ? items.flatMap(item => protobufValuesAt(item, rest))
      : [];
  }
  const fields =
    kind === 'structValue' && isRecord(value.structValue)
      ? value.structValue.fields
      : undefined;
  return isRecord(fields) ? protobufValuesAt(fields[key], rest) : [];
}

/**
 * How one asset type's alert facts are read: the paths of the values they
 * come from in its versioned resource, the paths of the same values in its
 * additional attributes (which Google does not promise, so only a fallback
 * for exports without versioned resources), and the annotations those
 * values give.
 */
type FactReader = {
  versioned: string[][];
  attributes: string[][];
  annotate(values: FactValues, state?: string): Record<string, string>;
};

function strings(values: unknown[] | undefined): string[] {
  return (values ?? []).filter(
    (value): value is string => typeof value === 'string' && value !== '',
  );
}

/**
 * Ingress firewall rules that are enabled and let in `0.0.0.0/0` or `::/0`:
 * one entry per allowed protocol, port (range) and such source.
 */
function firewallFacts([
  direction,
  disabled,
  sourceRanges,
  allowed,
]: FactValues): Record<string, string> {
  if (
    String(direction?.[0] ?? 'INGRESS').toUpperCase() !== 'INGRESS' ||
    disabled?.[0] === true
  ) {
    return {};
  }
  const rules: OpenIngressRule[] = [];
  for (const source of strings(sourceRanges).filter(isAnywhere)) {
    for (const entry of allowed ?? []) {
      const rule = isRecord(entry) ? entry : {};
      const ports = Array.isArray(rule.ports)
        ? rule.ports
            .map(portText)
            .filter((port): port is string => port !== undefined)
        : [];
      const protocol = protocolName(rule.IPProtocol);
      for (const port of ports.length ? ports : ['all']) {
        rules.push({ protocol, ports: port, source });
      }
    }
  }
  const openIngress = openIngressAnnotation(rules);
  return openIngress
    ? { [MULTICLOUD_ANNOTATIONS.openIngress]: openIngress }
    : {};
}

/** A reserved address is `IN_USE` when something uses it, `RESERVED` when not. */
function addressFacts(
  [status, address, addressType]: FactValues,
  state?: string,
): Record<string, string> {
  const facts: Record<string, string> = {};
  const current = strings(status)[0] ?? state;
  if (current === 'IN_USE' || current === 'RESERVED') {
    facts[MULTICLOUD_ANNOTATIONS.attached] = String(current === 'IN_USE');
  }
  const ip = strings(address)[0];
  if (ip && (strings(addressType)[0] ?? 'EXTERNAL') === 'EXTERNAL') {
    facts[MULTICLOUD_ANNOTATIONS.publicIp] = ip;
  }
  return facts;
}

function publicIpFacts(addresses: string[]): Record<string, string> {
  const unique = [...new Set(addresses)];
  return unique.length
    ? { [MULTICLOUD_ANNOTATIONS.publicIp]: unique.join(',') }
    : {};
}

/**
 * The facts the alert rules read, by asset type: a firewall's rules open to
 * the world, whether a disk has users, whether a reserved address is in use
 * (and its external address), a Cloud SQL instance's public address, an
 * instance's external addresses.
 */
const FACT_READERS: Record<string, FactReader> = {
  'compute.googleapis.com/Firewall': {
    versioned: [
      ['direction'],
      ['disabled'],
      ['sourceRanges', '*'],
      ['allowed', '*'],
    ],
    attributes: [
      ['direction'],
      ['disabled'],
      ['sourceRanges', '*'],
      ['allowed', '*'],
    ],
    annotate: firewallFacts,
  },
  'compute.googleapis.com/Disk': {
    versioned: [['users', '*']],
    attributes: [['users', '*']],
    annotate: ([users]): Record<string, string> =>
      users
        ? { [MULTICLOUD_ANNOTATIONS.attached]: String(users.length > 0) }
        : {},
  },
  'compute.googleapis.com/Address': {
    versioned: [['status'], ['address'], ['addressType']],
    attributes: [['status'], ['address'], ['addressType']],
    annotate: addressFacts,
  },
  'compute.googleapis.com/GlobalAddress': {
    versioned: [['status'], ['address'], ['addressType']],
    attributes: [['status'], ['address'], ['addressType']],
    annotate: addressFacts,
  },
  'sqladmin.googleapis.com/Instance': {
    versioned: [
      ['settings', 'ipConfiguration', 'ipv4Enabled'],
      ['ipAddresses', '*'],
    ],
    attributes: [
      ['settings', 'ipConfiguration', 'ipv4Enabled'],
      ['ipAddresses', '*'],
    ],
    annotate: ([ipv4Enabled, ipAddresses]) => {
      if (ipv4Enabled?.[0] !== true) {
        return {};
      }
      const primary = (ipAddresses ?? [])
        .filter(entry => isRecord(entry) && entry.type === 'PRIMARY')
        .map(entry => (entry as Record<string, unknown>).ipAddress);
      const facts = publicIpFacts(strings(primary));
      return Object.keys(facts).length
        ? facts
        : { [MULTICLOUD_ANNOTATIONS.publicIp]: 'true' };
    },
  },
  'compute.googleapis.com/Instance': {
    versioned: [['networkInterfaces', '*', 'accessConfigs', '*', 'natIP']],
    attributes: [['externalIPs', '*']],
    annotate: ([natIps]) => publicIpFacts(strings(natIps)),
  },
};

/** The first versioned resource of a result, as plain JSON or a protobuf Struct. */
function firstVersionedResource(versionedResources: unknown): unknown {
  if (!Array.isArray(versionedResources)) {
    return undefined;
  }
  for (const versioned of versionedResources) {
    const resource = isRecord(versioned) ? versioned.resource : undefined;
    if (isRecord(resource)) {
      return resource;
    }
  }
  return undefined;
}

/** The values a versioned resource holds at `paths`, either shape. */
function versionedValuesAt(resource: unknown, paths: string[][]): FactValues {
  return paths.map(keys =>
    isProtobufStruct(resource)
      ? protobufValuesAt({ kind: 'structValue', structValue: resource }, keys)
      : valuesAt(resource, keys),
  );
}

/** The fact values of a result's versioned resource, if it has one. */
function versionedFactValues(
  assetType: string,
  versionedResources: unknown,
): FactValues | undefined {
  const reader = FACT_READERS[assetType];
  const resource = reader && firstVersionedResource(versionedResources);
  return resource ? versionedValuesAt(resource, reader.versioned) : undefined;
}

/** The fact values of a result's additional attributes, if its type has facts. */
function attributeFactValues(
  assetType: string,
  attributes: Record<string, unknown>,
): FactValues | undefined {
  const reader = FACT_READERS[assetType];
  return reader?.attributes.map(keys =>
    keys[0] in attributes ? valuesAt(attributes, keys) : undefined,
  );
}

/**
 * Full resource names of what a result uses: the networks of an instance's
 * interfaces (`additionalAttributes.networkInterfaceNetworks`) and the links
 * {@link LINK_PATHS} names in each of its versioned resources.
 */
function linksOf(
  assetType: string,
  attributes: Record<string, unknown>,
  versionedResources: unknown,
): string[] {
  const links = new Set<string>();
  const add = (link: unknown) => {
    const fullName = typeof link === 'string' && computeFullResourceName(link);
    if (fullName) {
      links.add(fullName);
    }
  };
  valuesAt(attributes, ['networkInterfaceNetworks', '*']).forEach(add);
  const paths = LINK_PATHS[assetType] ?? [];
  if (paths.length && Array.isArray(versionedResources)) {
    for (const versioned of versionedResources) {
      const resource = isRecord(versioned) ? versioned.resource : undefined;
      for (const keys of paths) {
        (isProtobufStruct(resource)
          ? protobufValuesAt(
              { kind: 'structValue', structValue: resource },
              keys,
            )
          : valuesAt(resource, keys)
        ).forEach(add);
      }
    }
  }
  return [...links];
}

/**
 * What the results themselves say about projects: Cloud Asset names a
 * project asset by number (`//cloudresourcemanager.googleapis.com/projects/
 * 123`) and carries its id in `additionalAttributes.projectId`, while other
 * names and `parentFullResourceName` may use either form.
 */
type ProjectIndex = {
  idByNumber: Map<string, string>;
  assetNameById: Map<string, string>;
};

function indexProjects(results: MappedGcpResult[]): ProjectIndex {
  const idByNumber = new Map<string, string>();
  const assetNameById = new Map<string, string>();
  for (const result of results) {
    const { name, projectId } = result;
    if (result.assetType !== PROJECT_ASSET_TYPE) {
      continue;
    }
    const number =
      result.project?.replace(/^projects\//, '') ?? projectSegmentOf(name);
    if (projectId) {
      assetNameById.set(projectId, name);
      if (number && /^\d+$/.test(number)) {
        idByNumber.set(number, projectId);
      }
    }
  }
  return { idByNumber, assetNameById };
}

function projectIdOf(result: MappedGcpResult, projects: ProjectIndex) {
  const candidate =
    projectSegmentOf(result.name) ?? result.project?.replace(/^projects\//, '');
  if (!candidate) {
    return undefined;
  }
  return projects.idByNumber.get(candidate) ?? candidate;
}

/** The parent's name as its own asset is named, so the relation resolves. */
function parentNativeId(parent: string, projects: ProjectIndex): string {
  if (parent.startsWith(PROJECT_NAME_PREFIX)) {
    const projectId = parent.slice(PROJECT_NAME_PREFIX.length);
    return projects.assetNameById.get(projectId) ?? parent;
  }
  return parent;
}

/**
 * Joined rather than concatenated: V8 keeps a concatenation as a tree of its
 * parts (32 bytes a part) until something flattens it, and console URLs live
 * as long as the catalog holds the entities.
 */
function consoleUrlOf(
  assetType: string,
  name: string,
  projectId: string | undefined,
): string {
  const project = projectId ? `?project=${encodeURIComponent(projectId)}` : '';
  let page = `${CONSOLE}/home/dashboard`;
  const instance =
    assetType === 'compute.googleapis.com/Instance' &&
    name.match(/\/zones\/([^/]+)\/instances\/([^/]+)$/);
  if (instance) {
    page = `${CONSOLE}/compute/instancesDetail/zones/${instance[1]}/instances/${instance[2]}`;
  } else if (assetType === 'storage.googleapis.com/Bucket') {
    page = `${CONSOLE}/storage/browser/${lastSegment(name)}`;
  }
  return [page, project].join('');
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

function mapResult(
  result: MappedGcpResult,
  projects: ProjectIndex,
): CloudResource {
  const { name, assetType } = result;
  const projectId = projectIdOf(result, projects);

  const targets = new Set<string>();
  const parent = result.parentFullResourceName;
  if (parent) {
    targets.add(parentNativeId(parent, projects));
  }
  for (const link of result.links) {
    targets.add(link);
  }
  targets.delete(name);
  const relations: CloudResourceRelation[] = [...targets].map(
    targetNativeId => ({
      type: 'dependsOn',
      targetNativeId,
    }),
  );

  const annotations: Record<string, string> = {
    [CLOUD_ANNOTATIONS.gcpAssetName]: name,
  };
  if (projectId) {
    annotations[CLOUD_ANNOTATIONS.gcpProjectId] = projectId;
  }
  const status = result.state;
  const factValues =
    result.factValues?.versioned ?? result.factValues?.attributes;
  if (factValues) {
    Object.assign(
      annotations,
      FACT_READERS[assetType]?.annotate(factValues, status),
    );
  }

  return {
    provider: 'gcp',
    accountId: projectId ?? 'unknown',
    region: result.location ?? 'global',
    type: resourceTypeFor('gcp', assetType),
    nativeId: name,
    name: result.displayName ?? lastSegment(name),
    tags: result.labels,
    ...(status ? { status } : {}),
    relations,
    consoleUrl: consoleUrlOf(assetType, name, projectId),
    // Google's FOCUS billing export puts the full resource name in ResourceId.
    costResourceId: name,
    annotations,
  };
}

/**
 * The top-level fields of a `ResourceSearchResult` that the mapping reads:
 * the `readMask` of a search, so that the API leaves out the rest.
 */
export const MAPPED_RESULT_FIELDS = [
  'name',
  'assetType',
  'project',
  'displayName',
  'location',
  'labels',
  'state',
  'parentFullResourceName',
  'additionalAttributes',
] as const;

/**
 * The asset types whose relations or alert facts are read from their
 * versioned resources.
 */
export const LINKED_ASSET_TYPES: readonly string[] = [
  ...new Set([...Object.keys(LINK_PATHS), ...Object.keys(FACT_READERS)]),
];

/** The `readMask` of the search for the versioned resources of those types. */
export const VERSIONED_RESULT_FIELDS = [
  'name',
  'assetType',
  'versionedResources',
] as const;

/** The full resource names a result's versioned resources name, by {@link LINK_PATHS}. */
export function versionedLinksOf(result: GcpSearchResult): string[] {
  return linksOf(text(result.assetType) ?? '', {}, result.versionedResources);
}

/** The values a result's versioned resource holds for its alert facts, if any. */
export function versionedFactsOf(
  result: GcpSearchResult,
): FactValues | undefined {
  return versionedFactValues(
    text(result.assetType) ?? '',
    result.versionedResources,
  );
}

/**
 * What the mapping reads of a result (checked by {@link problemWithResult}),
 * as plain JSON: a page's decoded protobuf messages (timestamps, `Struct`s
 * of every additional attribute, whole versioned resources) need not outlive
 * the page, since the results can only be mapped once every project has been
 * seen.
 */
export function mappedFieldsOf(result: GcpSearchResult): MappedGcpResult {
  const assetType = text(result.assetType) ?? '';
  const attributes = plainStruct(result.additionalAttributes);
  return {
    name: text(result.name) ?? '',
    assetType,
    project: text(result.project),
    displayName: text(result.displayName),
    location: text(result.location),
    labels: stringMap(result.labels),
    state: text(result.state),
    parentFullResourceName: text(result.parentFullResourceName),
    projectId:
      assetType === PROJECT_ASSET_TYPE ? text(attributes.projectId) : undefined,
    links: linksOf(assetType, attributes, result.versionedResources),
    ...factValuesOf(assetType, attributes, result.versionedResources),
  };
}

function factValuesOf(
  assetType: string,
  attributes: Record<string, unknown>,
  versionedResources: unknown,
): Pick<MappedGcpResult, 'factValues'> {
  if (!FACT_READERS[assetType]) {
    return {};
  }
  const versioned = versionedFactValues(assetType, versionedResources);
  return {
    factValues: versioned
      ? { versioned }
      : { attributes: attributeFactValues(assetType, attributes) },
  };
}

/**
 * Why a result cannot be mapped, or undefined when it can: every result
 * needs a full resource name (`//service.googleapis.com/...`) and an asset
 * type.
 */
export function problemWithResult(result: unknown): string | undefined {
  if (!isRecord(result)) {
    return 'is not an object';
  }
  if (!text(result.name)?.startsWith('//')) {
    return `has no full resource name (name: ${JSON.stringify(result.name)})`;
  }
  if (!text(result.assetType)) {
    return `${result.name} has no assetType`;
  }
  return undefined;
}

/**
 * Maps Cloud Asset search results, as {@link mappedFieldsOf} keeps them, to
 * cloud resources, sorted by native id. Maps them all at once because a
 * project's number and id, needed to name other results' accounts and
 * parents consistently, come from its own result. Relations point at full
 * resource names whether or not the search returned them; the entity
 * provider leaves out those it has no entity for.
 */
export function mapGcpResources(results: MappedGcpResult[]): CloudResource[] {
  const projects = indexProjects(results);
  const byNativeId = new Map<string, CloudResource>();
  for (const result of results) {
    const resource = mapResult(result, projects);
    if (!byNativeId.has(resource.nativeId)) {
      byNativeId.set(resource.nativeId, resource);
    }
  }
  return [...byNativeId.values()].sort(compareByNativeId);
}
