import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_VIEW_URL,
  Entity,
} from '@backstage/catalog-model';
import {
  CloudResource,
  MULTICLOUD_ANNOTATIONS,
} from '@multicloud/plugin-multicloud-common';

/** How resources of one source become entities. */
export type ResourceMappingOptions = {
  /** `backstage.io/managed-by-location` of the source's entities. */
  location: string;
  /** Owner used when no owner tag names a group. */
  defaultOwner: string;
  /** Tag keys that name the owner, first match wins. */
  ownerTagKeys: string[];
};

/** Lookups that need the whole run: entity names by native id, groups, shared strings. */
export type ResourceMappingLookups = {
  /**
   * The entity name of the resource of `nativeId`, from this run or, when
   * another source reads it, from its `name`.
   */
  nameOf: (nativeId: string, name?: string) => string | undefined;
  /** The ref of the group an owner tag names, or undefined. */
  ownerOf: (tagValue: string | undefined) => string | undefined;
  /**
   * The run's one copy of a string equal to `value`. The catalog holds all
   * entities of a run at once, and most of their values repeat (regions,
   * accounts, tag values, relation targets) while every resource brings its
   * own copy from its API answer.
   */
  shared: (value: string) => string;
};

const LABEL_PREFIX = 'multicloud.io';
/** Tags the mapping consumes itself; every other tag becomes a label. */
const STRUCTURAL_TAGS = new Set(['system', 'component']);
const ENTITY_NAME = /^[a-z0-9A-Z][a-z0-9A-Z._-]{0,62}$/;

/** A tag value usable as an entity name, or undefined (free text such as "Checkout API"). */
function entityNameTag(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  return trimmed && ENTITY_NAME.test(trimmed) ? trimmed : undefined;
}

/** Label values must be 1-63 characters of `[a-zA-Z0-9._-]`, alphanumeric at both ends. */
function labelValue(value: string): string | undefined {
  const cleaned = value
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
  return cleaned || undefined;
}

/**
 * Maps a normalized cloud resource, named `name` (its
 * `resourceEntityName`), to a `Resource` entity. Pure: the same resource
 * always gives the same entity, so unchanged resources cause no churn in the
 * catalog. When no owner tag names a known Group, the owner is the source's
 * `defaultOwner` and the entity says so (`multicloud.io/default-owner`),
 * with the unresolved owner tag's value, if any
 * (`multicloud.io/owner-tag`).
 */
export function resourceToEntity(
  resource: CloudResource,
  name: string,
  options: ResourceMappingOptions,
  lookups: ResourceMappingLookups,
): Entity {
  const { location } = options;
  const { shared } = lookups;
  const owner = options.ownerTagKeys
    .map(key => lookups.ownerOf(resource.tags[key]))
    .find(Boolean);
  const system = entityNameTag(resource.tags.system);
  const component = entityNameTag(resource.tags.component);
  const dependsOn = resource.relations
    .map(relation =>
      lookups.nameOf(relation.targetNativeId, relation.targetName),
    )
    .filter((targetName): targetName is string => Boolean(targetName))
    .map(targetName => shared(`resource:${targetName}`));

  const labels: Record<string, string> = {};
  const ownerTagKeys = new Set(options.ownerTagKeys);
  for (const [key, value] of Object.entries(resource.tags)) {
    const labelKey = labelValue(key);
    const sanitized = labelValue(value);
    if (
      labelKey &&
      sanitized &&
      !STRUCTURAL_TAGS.has(key) &&
      !ownerTagKeys.has(key)
    ) {
      labels[labelKey] = shared(sanitized);
    }
  }
  for (const [key, value] of Object.entries({
    provider: resource.provider,
    account: resource.accountId,
    region: resource.region,
  })) {
    const sanitized = labelValue(value);
    if (sanitized) {
      labels[`${LABEL_PREFIX}/${key}`] = shared(sanitized);
    }
  }

  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(resource.annotations ?? {})) {
    annotations[key] = shared(value);
  }
  annotations[ANNOTATION_LOCATION] = location;
  annotations[ANNOTATION_ORIGIN_LOCATION] = location;
  annotations[MULTICLOUD_ANNOTATIONS.provider] = resource.provider;
  annotations[MULTICLOUD_ANNOTATIONS.region] = shared(resource.region);
  annotations[MULTICLOUD_ANNOTATIONS.resourceId] = resource.costResourceId;
  if (resource.sourcePart) {
    annotations[MULTICLOUD_ANNOTATIONS.sourcePart] = shared(
      resource.sourcePart,
    );
  }
  if (resource.status) {
    annotations[MULTICLOUD_ANNOTATIONS.status] = shared(resource.status);
  }
  if (resource.consoleUrl) {
    annotations[ANNOTATION_VIEW_URL] = resource.consoleUrl;
  }
  if (!owner) {
    // The owner tag is never a label, so an owner tag that named no Group
    // (a deleted team) is kept here for the rules that look for it.
    annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] = 'true';
    const ownerTag = options.ownerTagKeys
      .map(key => resource.tags[key]?.trim())
      .find(Boolean);
    if (ownerTag) {
      annotations[MULTICLOUD_ANNOTATIONS.ownerTag] = shared(ownerTag);
    }
  }

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      title: resource.name,
      annotations,
      labels,
    },
    spec: {
      type: shared(resource.type),
      owner: owner ?? options.defaultOwner,
      ...(system ? { system: shared(system) } : {}),
      ...(component
        ? { dependencyOf: [shared(`component:${component}`)] }
        : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    },
  };
}
