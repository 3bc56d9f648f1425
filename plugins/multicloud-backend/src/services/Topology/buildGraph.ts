import {
  TopologyCost,
  TopologyEdge,
  TopologyGroup,
  TopologyNode,
} from '@multicloud/plugin-multicloud-common';
import { sumCosts } from './costs';
import { FullGraph, GroupSpec, groupPath } from './groups';
import { normalizeStatus } from './status';
import { GraphEntity } from './types';

/** Catalog relations drawn as edges, from the dependent (whole, owner) to the other end. */
const EDGE_TYPES = new Set<TopologyEdge['type']>([
  'dependsOn',
  'hasPart',
  'ownerOf',
]);

/** Path of the entity page, as the catalog's entity route spells it. */
export function entityUrl(entity: GraphEntity): string {
  return `/catalog/${[
    entity.namespace.toLocaleLowerCase('en-US'),
    entity.kind,
    entity.name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

/**
 * Turns the entities around a root into nodes, edges and nested groups,
 * every group open. Ids are generated (`n1` the root, the rest in ref
 * order; `g1`... in key order, so the same graph gets the same ids on every
 * request and an `expand` id stays valid).
 */
export function buildGraph(input: {
  root: GraphEntity;
  entities: Map<string, GraphEntity>;
  /** Network resource ref of each Resource that has one. */
  networkOf: Map<string, string>;
  networks: Map<string, GraphEntity>;
  costs: Map<string, TopologyCost>;
}): FullGraph {
  const { root, entities, networkOf, networks, costs } = input;
  const ordered = [
    root,
    ...[...entities.values()]
      .filter(entity => entity.ref !== root.ref)
      .sort((a, b) => (a.ref < b.ref ? -1 : 1)),
  ];
  const nodeIds = new Map(
    ordered.map((entity, i) => [entity.ref, `n${i + 1}`]),
  );

  const specs = new Map<string, GroupSpec & { parentKey?: string }>();
  const members = new Map<string, GraphEntity[]>();
  const innermost = new Map<string, string>();
  for (const entity of ordered) {
    const network = networks.get(networkOf.get(entity.ref) ?? '');
    const path = groupPath(entity, network);
    path.forEach((spec, i) => {
      specs.set(spec.key, { ...spec, parentKey: path[i - 1]?.key });
      const list = members.get(spec.key) ?? [];
      list.push(entity);
      members.set(spec.key, list);
    });
    if (path.length > 0) {
      innermost.set(entity.ref, path[path.length - 1].key);
    }
  }
  const keys = [...specs.keys()].sort();
  const groupIds = new Map(keys.map((key, i) => [key, `g${i + 1}`]));
  const groups: TopologyGroup[] = keys.map(key => {
    const spec = specs.get(key)!;
    const monthlyCost = sumCosts(
      members.get(key)!.flatMap(entity => costs.get(entity.ref) ?? []),
    );
    return {
      id: groupIds.get(key)!,
      key,
      level: spec.level,
      label: spec.label,
      ...(spec.parentKey ? { parentId: groupIds.get(spec.parentKey)! } : {}),
      collapsed: false,
      nodeCount: members.get(key)!.length,
      ...(monthlyCost ? { monthlyCost } : {}),
    };
  });

  const nodes: TopologyNode[] = ordered.map(entity => {
    const groupKey = innermost.get(entity.ref);
    const cost = costs.get(entity.ref);
    return {
      id: nodeIds.get(entity.ref)!,
      kind: 'entity',
      entityRef: entity.ref,
      entityKind: entity.kind,
      title: entity.title,
      ...(entity.type ? { type: entity.type } : {}),
      ...(entity.kind === 'resource' && entity.provider
        ? { provider: entity.provider }
        : {}),
      status: normalizeStatus(entity.rawStatus),
      ...(groupKey ? { groupId: groupIds.get(groupKey)! } : {}),
      ...(cost ? { monthlyCost: cost } : {}),
      isRoot: entity.ref === root.ref,
      url: entityUrl(entity),
    };
  });

  const edges: TopologyEdge[] = [];
  const seen = new Set<string>();
  for (const entity of ordered) {
    const from = nodeIds.get(entity.ref)!;
    for (const { type, targetRef } of entity.relations) {
      const to = nodeIds.get(targetRef);
      const key = `${from} ${to} ${type}`;
      if (
        to &&
        to !== from &&
        EDGE_TYPES.has(type as TopologyEdge['type']) &&
        !seen.has(key)
      ) {
        seen.add(key);
        edges.push({ from, to, type: type as TopologyEdge['type'] });
      }
    }
  }
  return { nodes, edges, groups };
}
