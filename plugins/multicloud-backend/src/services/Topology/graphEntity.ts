import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ResponseError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CLOUD_ANNOTATIONS,
  MULTICLOUD_ANNOTATIONS,
} from '@multicloud/plugin-multicloud-common';
import { FetchEntities, GraphEntity } from './types';
import { readAgainOnReset } from '../../lib/catalogReads';

/** Label the entity provider writes with the resource's account. */
export const ACCOUNT_LABEL = 'multicloud.io/account';

/** Where the account of a resource may also be written, by provider. */
const ACCOUNT_ANNOTATIONS = [
  CLOUD_ANNOTATIONS.awsAccountId,
  CLOUD_ANNOTATIONS.azureSubscriptionId,
  CLOUD_ANNOTATIONS.gcpProjectId,
  CLOUD_ANNOTATIONS.kubernetesCluster,
];

/**
 * The parts of an entity the topology reads from the catalog. Annotations
 * and labels as whole maps: the catalog applies each field to each entity
 * by walking its path, and eight annotation paths cost it more than the
 * few other annotations of a resource take to send (on 1,000 entities, 50
 * against 22 ms).
 */
export const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.labels',
  'spec.type',
  'relations',
];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

/**
 * Lower-cased, as the catalog keys its entities. Refs are ASCII (the
 * catalog's name rules), and most are lower case already: a shared subnet
 * carries thousands of relations, read on every request.
 */
export const normalizeRef = (ref: string) =>
  /[A-Z]/.test(ref) ? ref.toLowerCase() : ref;

/**
 * What the topology reads of an entity; of its relations only those of
 * `relationTypes` (a subnet's thousands of `dependencyOf` are of no use to
 * a downstream graph).
 */
export function toGraphEntity(
  entity: Entity,
  relationTypes: ReadonlySet<string>,
): GraphEntity {
  const relations: GraphEntity['relations'] = [];
  for (const relation of entity.relations ?? []) {
    if (relationTypes.has(relation.type)) {
      relations.push({
        type: relation.type,
        targetRef: normalizeRef(relation.targetRef),
      });
    }
  }
  const annotations = entity.metadata.annotations ?? {};
  const namespace = entity.metadata.namespace ?? 'default';
  return {
    ref: normalizeRef(
      stringifyEntityRef({
        kind: entity.kind,
        namespace,
        name: entity.metadata.name,
      }),
    ),
    kind: entity.kind.toLowerCase(),
    namespace,
    name: entity.metadata.name,
    title: text(entity.metadata.title) ?? entity.metadata.name,
    type: text(entity.spec?.type),
    provider: text(annotations[MULTICLOUD_ANNOTATIONS.provider]),
    account:
      text(entity.metadata.labels?.[ACCOUNT_LABEL]) ??
      ACCOUNT_ANNOTATIONS.map(key => text(annotations[key])).find(Boolean),
    region: text(annotations[MULTICLOUD_ANNOTATIONS.region]),
    rawStatus: text(annotations[MULTICLOUD_ANNOTATIONS.status]),
    relations,
  };
}

/**
 * Whether an error of the catalog client means that the catalog did not
 * answer: it failed (5xx), or no connection was made (the client's fetch
 * throws: node-fetch a FetchError, Node's fetch a TypeError). Refusals
 * (4xx: not allowed, bad request) are answers and pass through as they are.
 */
function catalogDidNotAnswer(error: unknown): boolean {
  if (ResponseError.is(error)) {
    return error.statusCode >= 500;
  }
  return (
    isError(error) &&
    (error.name === 'FetchError' || error.name === 'TypeError')
  );
}

/** What went wrong, with the catalog's own reason when it sent one. */
function describeCatalogError(error: Error): string {
  const reason = ResponseError.is(error)
    ? `${error.message} (${error.cause.name}: ${error.cause.message})`
    : error.message;
  return reason.replace(/\.$/, '');
}

/**
 * Reads entities with the caller's credentials, so that the catalog leaves
 * out what they may not see: one batch request for all refs.
 *
 * @throws ServiceUnavailableError (503) when the catalog does not answer.
 */
export function catalogFetch(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  relationTypes: ReadonlySet<string>,
): FetchEntities {
  return async refs => {
    const { items } = await readAgainOnReset(() =>
      catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ENTITY_FIELDS },
        { credentials },
      ),
    ).catch(error => {
      throw catalogDidNotAnswer(error)
        ? new ServiceUnavailableError(
            `The catalog did not answer: ${describeCatalogError(
              error,
            )}. The topology is read from the catalog: try again once it is back, or ask an administrator to check the catalog backend`,
          )
        : error;
    });
    const found = new Map<string, GraphEntity>();
    items.forEach((entity, i) => {
      if (entity) {
        found.set(refs[i], toGraphEntity(entity, relationTypes));
      }
    });
    return found;
  };
}
