import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  CloudResourceRelation,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { compareByNativeId } from '../../lib/order';

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
};

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

/**
 * `additionalAttributes` as plain JSON: the REST / CLI JSON is already plain,
 * the client library hands over a `Struct` (`{ fields: { key: Value } }`).
 */
function additionalAttributesOf(
  result: GcpSearchResult,
): Record<string, unknown> {
  const attributes = result.additionalAttributes;
  if (!isRecord(attributes)) {
    return {};
  }
  const keys = Object.keys(attributes);
  if (
    keys.length === 1 &&
    keys[0] === 'fields' &&
    isRecord(attributes.fields)
  ) {
    return fromProtobufStruct(attributes);
  }
  return attributes;
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
  if (link.startsWith('projects/')) {
    return `//compute.googleapis.com/${link}`;
  }
  return undefined;
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

function indexProjects(results: GcpSearchResult[]): ProjectIndex {
  const idByNumber = new Map<string, string>();
  const assetNameById = new Map<string, string>();
  for (const result of results) {
    const name = text(result.name);
    if (!name || result.assetType !== PROJECT_ASSET_TYPE) {
      continue;
    }
    const projectId = text(additionalAttributesOf(result).projectId);
    const number =
      text(result.project)?.replace(/^projects\//, '') ??
      projectSegmentOf(name);
    if (projectId) {
      assetNameById.set(projectId, name);
      if (number && /^\d+$/.test(number)) {
        idByNumber.set(number, projectId);
      }
    }
  }
  return { idByNumber, assetNameById };
}

function projectIdOf(
  result: GcpSearchResult,
  name: string,
  projects: ProjectIndex,
) {
  const candidate =
    projectSegmentOf(name) ?? text(result.project)?.replace(/^projects\//, '');
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

function networkNamesOf(attributes: Record<string, unknown>): string[] {
  const networks = attributes.networkInterfaceNetworks;
  if (!Array.isArray(networks)) {
    return [];
  }
  return networks
    .filter((n): n is string => typeof n === 'string')
    .map(computeFullResourceName)
    .filter((n): n is string => Boolean(n));
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
  result: GcpSearchResult,
  projects: ProjectIndex,
): CloudResource {
  const name = result.name as string;
  const assetType = result.assetType as string;
  const projectId = projectIdOf(result, name, projects);
  const attributes = additionalAttributesOf(result);

  const targets = new Set<string>();
  const parent = text(result.parentFullResourceName);
  if (parent) {
    targets.add(parentNativeId(parent, projects));
  }
  for (const network of networkNamesOf(attributes)) {
    targets.add(network);
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
  const status = text(result.state);

  return {
    provider: 'gcp',
    accountId: projectId ?? 'unknown',
    region: text(result.location) ?? 'global',
    type: resourceTypeFor('gcp', assetType),
    nativeId: name,
    name: text(result.displayName) ?? lastSegment(name),
    tags: stringMap(result.labels),
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
 * What the mapping reads of a result, as plain JSON: a page's decoded
 * protobuf messages (timestamps, `Struct`s of every additional attribute)
 * need not outlive the page, since the results can only be mapped once every
 * project has been seen.
 */
export function mappedFieldsOf(result: GcpSearchResult): GcpSearchResult {
  const attributes = additionalAttributesOf(result);
  return {
    name: text(result.name),
    assetType: text(result.assetType),
    project: text(result.project),
    displayName: text(result.displayName),
    location: text(result.location),
    labels: stringMap(result.labels),
    state: text(result.state),
    parentFullResourceName: text(result.parentFullResourceName),
    additionalAttributes: {
      projectId: attributes.projectId,
      networkInterfaceNetworks: attributes.networkInterfaceNetworks,
    },
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
 * Maps Cloud Asset search results to cloud resources, sorted by native id.
 * Maps them all at once because a project's number and id, needed to name
 * other results' accounts and parents consistently, come from its own result.
 * Callers check every result with {@link problemWithResult} first.
 */
export function mapGcpResources(results: GcpSearchResult[]): CloudResource[] {
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
