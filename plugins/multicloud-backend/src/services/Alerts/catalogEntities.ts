import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ResponseError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { batches } from './alertRows';
import { readAgainOnReset } from '../../lib/catalogReads';

/** What the alerts read of an entity. */
export type AlertEntity = {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  relations: Array<{ type: string; targetRef: string }>;
};

/**
 * The relations whose targets' alerts an entity shows, by its kind: what it
 * owns (Group, User), contains (Domain, System, Component) or runs on
 * (a Component's Resources). A Resource shows its own alerts only, so a
 * shared subnet's findings do not spread to every instance in it.
 */
const FOLLOWED: Record<string, Record<string, ReadonlySet<string>>> = {
  group: { ownerOf: new Set(['domain', 'system', 'component', 'resource']) },
  user: { ownerOf: new Set(['domain', 'system', 'component', 'resource']) },
  domain: { hasPart: new Set(['system']) },
  system: { hasPart: new Set(['component', 'resource']) },
  component: {
    hasPart: new Set(['component']),
    dependsOn: new Set(['resource']),
  },
};

/** How far the entities of a Group or Domain reach: Group -> System -> Component -> Resource. */
const MAX_LEVELS = 4;
/** Most entities one walk reads from the catalog. */
const MAX_ENTITIES = 20_000;
const FETCH_BATCH = 500;
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'relations',
];

const kindOf = (ref: string) => ref.slice(0, ref.indexOf(':'));
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

function toAlertEntity(entity: Entity): AlertEntity {
  return {
    ref: lower(stringifyEntityRef(entity)),
    kind: lower(entity.kind),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    annotations: entity.metadata.annotations ?? {},
    relations: (entity.relations ?? []).map(r => ({
      type: r.type,
      targetRef: lower(r.targetRef),
    })),
  };
}

/** Whether the catalog failed to answer (5xx, no connection), as opposed to refusing. */
function catalogDidNotAnswer(error: unknown): boolean {
  if (ResponseError.is(error)) {
    return error.statusCode >= 500;
  }
  return (
    isError(error) &&
    (error.name === 'FetchError' || error.name === 'TypeError')
  );
}

/**
 * Reads entities with the caller's credentials, so that what they may not
 * see is left out; one request per 500 refs.
 *
 * @throws ServiceUnavailableError when the catalog does not answer.
 */
export function alertCatalog(
  catalog: CatalogService,
  credentials: BackstageCredentials,
) {
  return async function fetchEntities(
    refs: string[],
  ): Promise<Map<string, AlertEntity>> {
    const found = new Map<string, AlertEntity>();
    for (const batch of batches(refs, FETCH_BATCH)) {
      const { items } = await readAgainOnReset(() =>
        catalog.getEntitiesByRefs(
          { entityRefs: batch, fields: FIELDS },
          { credentials },
        ),
      ).catch(error => {
        throw catalogDidNotAnswer(error)
          ? new ServiceUnavailableError(
              `The catalog did not answer (${
                isError(error) ? error.message : String(error)
              }). Alerts are matched to entities through the catalog: try again once it is back`,
            )
          : error;
      });
      items.forEach((entity, i) => {
        if (entity) {
          found.set(batch[i], toAlertEntity(entity));
        }
      });
    }
    return found;
  };
}

export type FetchAlertEntities = ReturnType<typeof alertCatalog>;

/**
 * The refs whose alerts `root` shows: itself and what it owns, contains or
 * runs on, as far as the caller can see (an entity they cannot read is left
 * out, and so is what is reachable only through it).
 */
export async function relatedEntityRefs(
  root: AlertEntity,
  fetchEntities: FetchAlertEntities,
): Promise<Set<string>> {
  const seen = new Set([root.ref]);
  let level = [root];
  for (let depth = 0; depth < MAX_LEVELS && level.length > 0; depth++) {
    const next: string[] = [];
    for (const entity of level) {
      const followed = FOLLOWED[entity.kind] ?? {};
      for (const { type, targetRef } of entity.relations) {
        if (
          followed[type]?.has(kindOf(targetRef)) &&
          !seen.has(targetRef) &&
          seen.size < MAX_ENTITIES
        ) {
          seen.add(targetRef);
          next.push(targetRef);
        }
      }
    }
    if (next.length === 0) {
      break;
    }
    const fetched = await fetchEntities(next);
    for (const ref of next) {
      if (!fetched.has(ref)) {
        seen.delete(ref);
      }
    }
    level = [...fetched.values()];
  }
  return seen;
}
