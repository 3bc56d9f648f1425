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
import { resourceEntityName } from '@multicloud/plugin-multicloud-node';

/** How resources of one source become entities. */
export type ResourceMappingOptions = {
  sourceId: string;
  /** Owner used when no owner tag names a group. */
  defaultOwner: string;
  /** Tag keys that name the owner, first match wins. */
  ownerTagKeys: string[];
};

const LABEL_PREFIX = 'multicloud.io';

/** Label values must be 1-63 characters of `[a-zA-Z0-9._-]`, alphanumeric at both ends. */
function labelValue(value: string): string | undefined {
  const cleaned = value
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
  return cleaned || undefined;
}

/**
 * Maps a normalized cloud resource to a `Resource` entity. Pure: the same
 * resource always gives the same entity, so unchanged resources cause no
 * churn in the catalog.
 */
export function resourceToEntity(
  resource: CloudResource,
  options: ResourceMappingOptions,
  nameOf: (nativeId: string) => string | undefined,
): Entity {
  const location = `multicloud:${options.sourceId}`;
  const ownerTag = options.ownerTagKeys
    .map(key => resource.tags[key])
    .find(value => value && value.trim());
  const dependsOn = resource.relations
    .map(relation => nameOf(relation.targetNativeId))
    .filter((name): name is string => Boolean(name))
    .map(name => `resource:${name}`);

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    provider: resource.provider,
    account: resource.accountId,
    region: resource.region,
  })) {
    const sanitized = labelValue(value);
    if (sanitized) {
      labels[`${LABEL_PREFIX}/${key}`] = sanitized;
    }
  }

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: resourceEntityName(resource.name, resource.nativeId),
      title: resource.name,
      annotations: {
        ...resource.annotations,
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [MULTICLOUD_ANNOTATIONS.provider]: resource.provider,
        [MULTICLOUD_ANNOTATIONS.region]: resource.region,
        [MULTICLOUD_ANNOTATIONS.resourceId]: resource.costResourceId,
        ...(resource.consoleUrl
          ? { [ANNOTATION_VIEW_URL]: resource.consoleUrl }
          : {}),
      },
      labels,
    },
    spec: {
      type: resource.type,
      owner: ownerTag ? `group:${ownerTag.trim()}` : options.defaultOwner,
      ...(resource.tags.system ? { system: resource.tags.system } : {}),
      ...(resource.tags.component
        ? { dependencyOf: [`component:${resource.tags.component}`] }
        : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    },
  };
}
