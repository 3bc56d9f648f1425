import { kindOfRef } from './readNeighbourhood';
import { FetchEntities, GraphEntity } from './types';

/** Resource types that are a network group: VPC, VNet, GCP network, Kubernetes cluster / namespace. */
export const NETWORK_TYPES = new Set([
  'vpc',
  'azure-virtual-network',
  'gcp-network',
  'kubernetes-cluster',
  'kubernetes-namespace',
]);

/**
 * How many `dependsOn` hops a resource may be from its network: an Elastic
 * IP -> network interface -> subnet -> VPC is three.
 */
export const NETWORK_HOPS = 3;

const isNetwork = (entity: GraphEntity | undefined) =>
  entity?.kind === 'resource' && NETWORK_TYPES.has(entity.type ?? '');

/**
 * The network each Resource of `entities` sits in: the nearest
 * network-type resource along its `dependsOn` chain (itself when it is one;
 * the first ref in order when two are equally near), at most
 * {@link NETWORK_HOPS} away. Links of the chain outside the graph are
 * fetched too, one fetch per hop for all resources; a chain through an
 * entity the caller cannot see ends there.
 */
export async function resolveNetworks(
  entities: Map<string, GraphEntity>,
  fetch: FetchEntities,
): Promise<{
  networkOf: Map<string, string>;
  networks: Map<string, GraphEntity>;
}> {
  const known = new Map(entities);
  const unreadable = new Set<string>();
  const networkOf = new Map<string, string>();
  const networks = new Map<string, GraphEntity>();
  // The resources each one depends on, worked out once per entity: many
  // resources share a subnet, and it is the next link of every chain.
  const links = new Map<string, string[]>();
  const linksOf = (ref: string) => {
    let targets = links.get(ref);
    if (!targets) {
      targets = (known.get(ref)?.relations ?? [])
        .filter(
          ({ type, targetRef }) =>
            type === 'dependsOn' && kindOfRef(targetRef) === 'resource',
        )
        .map(({ targetRef }) => targetRef);
      links.set(ref, targets);
    }
    return targets;
  };

  let searches = [...entities.values()]
    .filter(entity => entity.kind === 'resource' && entity.provider)
    .map(entity => ({
      ref: entity.ref,
      frontier: [entity.ref],
      seen: new Set([entity.ref]),
    }));
  for (let hop = 0; searches.length > 0; hop++) {
    const missing = new Set<string>();
    for (const search of searches) {
      for (const ref of search.frontier) {
        if (!known.has(ref) && !unreadable.has(ref)) {
          missing.add(ref);
        }
      }
    }
    if (missing.size > 0) {
      const fetched = await fetch([...missing]);
      for (const ref of missing) {
        const entity = fetched.get(ref);
        if (entity) {
          known.set(ref, entity);
        } else {
          unreadable.add(ref);
        }
      }
    }

    const next: typeof searches = [];
    for (const search of searches) {
      const [network] = search.frontier
        .filter(ref => isNetwork(known.get(ref)))
        .sort();
      if (network) {
        networkOf.set(search.ref, network);
        networks.set(network, known.get(network)!);
        continue;
      }
      if (hop === NETWORK_HOPS) {
        continue;
      }
      const frontier: string[] = [];
      for (const ref of search.frontier) {
        for (const target of linksOf(ref)) {
          if (!search.seen.has(target)) {
            search.seen.add(target);
            frontier.push(target);
          }
        }
      }
      if (frontier.length > 0) {
        next.push({ ...search, frontier });
      }
    }
    searches = next;
  }
  return { networkOf, networks };
}
