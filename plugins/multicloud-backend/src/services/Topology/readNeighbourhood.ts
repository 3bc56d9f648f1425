import { TopologyDirection } from '@multicloud/plugin-multicloud-common';
import { FetchEntities, GraphEntity } from './types';

/** Kinds a topology reaches from its entity; owners, APIs, templates stay out. */
const NODE_KINDS = new Set(['component', 'resource', 'system', 'domain']);
/** Kinds that stand for the union of their parts (or what they own). */
const CONTAINER_KINDS = new Set(['domain', 'system']);
const OWNER_KINDS = new Set(['group', 'user']);

export const kindOfRef = (ref: string) => ref.slice(0, ref.indexOf(':'));

/**
 * The relations a graph in `direction` reads: edges come from the forward
 * ones (`dependsOn`, `hasPart`, `ownerOf`), going upstream needs their
 * reverse too.
 */
export function relationTypesFor(
  direction: TopologyDirection,
): ReadonlySet<string> {
  return new Set(
    direction === 'downstream'
      ? ['dependsOn', 'hasPart', 'ownerOf']
      : ['dependsOn', 'hasPart', 'ownerOf', 'dependencyOf', 'partOf'],
  );
}

/** The entities around a root, as far as the caller can see them. */
export type Neighbourhood = {
  root: GraphEntity;
  /** Every entity of the graph, the root included, by ref. */
  entities: Map<string, GraphEntity>;
};

/**
 * How a relation of `entity` extends the graph: undefined when it is not
 * followed, else the hops it costs. A Domain, System or Group the topology
 * was asked for (or reached through such a free hop) is the union of its
 * parts, or of what it owns: those relations cost nothing, so a System's
 * graph at depth 2 is its components' graphs at depth 2.
 */
function hopsOf(
  entity: GraphEntity,
  relationType: string,
  direction: TopologyDirection,
  isContainer: boolean,
): number | undefined {
  const downstream = direction !== 'upstream';
  const upstream = direction !== 'downstream';
  switch (relationType) {
    case 'hasPart':
      if (isContainer && CONTAINER_KINDS.has(entity.kind)) {
        return 0;
      }
      return downstream ? 1 : undefined;
    case 'ownerOf':
      return isContainer && OWNER_KINDS.has(entity.kind) ? 0 : undefined;
    case 'dependsOn':
      return downstream ? 1 : undefined;
    case 'dependencyOf':
    case 'partOf':
      return upstream ? 1 : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads the graph around `rootRef` level by level, one fetch of all new
 * refs per level, following `direction` up to `depth` hops. Entities the
 * fetch does not return (missing, or not visible to the caller) are left
 * out, and so is whatever is reachable only through them. Undefined when the
 * root itself is not returned.
 */
export async function readNeighbourhood(options: {
  fetch: FetchEntities;
  rootRef: string;
  depth: number;
  direction: TopologyDirection;
}): Promise<Neighbourhood | undefined> {
  const { fetch, rootRef, depth, direction } = options;
  const root = (await fetch([rootRef])).get(rootRef);
  if (!root) {
    return undefined;
  }
  const entities = new Map([[root.ref, root]]);
  const distance = new Map([[root.ref, 0]]);
  const containers = new Set([root.ref]);
  const unreadable = new Set<string>();

  let level: string[] = [root.ref];
  while (level.length > 0) {
    const next: string[] = [];
    const pending = new Map<string, { distance: number; container: boolean }>();
    for (const ref of level) {
      const entity = entities.get(ref)!;
      const isContainer = containers.has(ref);
      for (const { type, targetRef } of entity.relations) {
        const hops = hopsOf(entity, type, direction, isContainer);
        const reached = distance.get(ref)! + (hops ?? Infinity);
        if (
          hops === undefined ||
          reached > depth ||
          !NODE_KINDS.has(kindOfRef(targetRef)) ||
          unreadable.has(targetRef)
        ) {
          continue;
        }
        const container = hops === 0;
        const known = distance.get(targetRef);
        if (entities.has(targetRef)) {
          // Reached again by a shorter way (or as part of a container): expand again from there.
          if (reached < known! || (container && !containers.has(targetRef))) {
            distance.set(targetRef, Math.min(reached, known!));
            if (container) {
              containers.add(targetRef);
            }
            next.push(targetRef);
          }
          continue;
        }
        const seen = pending.get(targetRef);
        pending.set(targetRef, {
          distance: Math.min(reached, seen?.distance ?? Infinity),
          container: container || Boolean(seen?.container),
        });
      }
    }
    if (pending.size > 0) {
      const fetched = await fetch([...pending.keys()]);
      for (const [ref, reached] of pending) {
        const entity = fetched.get(ref);
        if (!entity) {
          unreadable.add(ref);
          continue;
        }
        entities.set(ref, entity);
        distance.set(ref, reached.distance);
        if (reached.container) {
          containers.add(ref);
        }
        next.push(ref);
      }
    }
    level = next;
  }
  return { root, entities };
}
