import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  TopologyCost,
  TopologyDirection,
} from '@multicloud/plugin-multicloud-common';
import { topologyDemoCatalog } from '../../../testUtils/topologyCatalog';
import { buildGraph } from '../buildGraph';
import { catalogFetch } from '../graphEntity';
import { FullGraph } from '../groups';
import { resolveNetworks } from '../networks';
import { readNeighbourhood, relationTypesFor } from '../readNeighbourhood';

/** The graph around `rootRef`, read from `entities` as the service reads the catalog. */
export async function graphFor(
  rootRef: string,
  options: {
    depth?: number;
    direction?: TopologyDirection;
    entities?: Entity[];
    costs?: Map<string, TopologyCost>;
  } = {},
) {
  const catalog = catalogServiceMock({
    entities: options.entities ?? topologyDemoCatalog(),
  });
  const requested: string[][] = [];
  const direction = options.direction ?? 'downstream';
  const readCatalog = catalogFetch(
    catalog,
    mockCredentials.user(),
    relationTypesFor(direction),
  );
  const fetch = async (refs: string[]) => {
    requested.push(refs);
    return readCatalog(refs);
  };
  const neighbourhood = await readNeighbourhood({
    fetch,
    rootRef,
    depth: options.depth ?? 2,
    direction,
  });
  const { networkOf, networks } = await resolveNetworks(
    neighbourhood!.entities,
    fetch,
  );
  const graph = buildGraph({
    ...neighbourhood!,
    networkOf,
    networks,
    costs: options.costs ?? new Map(),
  });
  return { graph, requested };
}

export const refsOf = (graph: FullGraph) =>
  graph.nodes.map(node => node.entityRef!).sort();

export function edgesOf(graph: FullGraph): string[] {
  const ref = (id: string) =>
    graph.nodes
      .find(node => node.id === id)!
      .entityRef!.replace(':default/', ':');
  return graph.edges
    .map(edge => `${ref(edge.from)} -${edge.type}-> ${ref(edge.to)}`)
    .sort();
}

/** The labels of the groups a node sits in, outermost first. */
export function groupsOf(graph: FullGraph, entityRef: string): string {
  const groups = new Map(graph.groups.map(group => [group.id, group]));
  const labels: string[] = [];
  let id = graph.nodes.find(node => node.entityRef === entityRef)?.groupId;
  while (id) {
    const group = groups.get(id)!;
    labels.unshift(group.label);
    id = group.parentId;
  }
  return labels.join(' > ');
}
