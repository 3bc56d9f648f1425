import {
  RESOURCE_TYPES,
  TopologyEdge,
  TopologyGroup,
  TopologyGroupLevel,
  TopologyNode,
  TopologyStatus,
} from '@multicloud/plugin-multicloud-common';
import { GraphEntity } from './types';

// Maps, not objects: provider names are annotation text (`constructor`...).
const PROVIDER_LABELS = new Map([
  ['aws', 'AWS'],
  ['azure', 'Azure'],
  ['gcp', 'Google Cloud'],
  ['kubernetes', 'Kubernetes'],
]);

/** What each provider calls the scope an account stands for. */
const ACCOUNT_WORDS = new Map([
  ['aws', 'Account'],
  ['azure', 'Subscription'],
  ['gcp', 'Project'],
  ['kubernetes', 'Cluster'],
]);

/** A group a node sits in, before it gets an id. */
export type GroupSpec = {
  key: string;
  level: TopologyGroupLevel;
  label: string;
  provider: string;
};

/**
 * The groups a Resource sits in, outermost first: provider, account
 * (subscription, project, cluster), region, and its network when it has
 * one. Empty for entities that are not cloud resources.
 */
export function groupPath(
  entity: GraphEntity,
  network: GraphEntity | undefined,
): GroupSpec[] {
  const { provider } = entity;
  if (entity.kind !== 'resource' || !provider) {
    return [];
  }
  const account = entity.account ?? 'unknown';
  const region = entity.region ?? 'unknown';
  // Each part encoded, so that a `/` in a region cannot make two groups one key.
  const key = (...parts: string[]) => parts.map(encodeURIComponent).join('/');
  const path: GroupSpec[] = [
    {
      key: key(provider),
      level: 'provider',
      label: PROVIDER_LABELS.get(provider) ?? provider,
      provider,
    },
    {
      key: key(provider, account),
      level: 'account',
      label: `${ACCOUNT_WORDS.get(provider) ?? 'Account'} ${account}`,
      provider,
    },
    {
      key: key(provider, account, region),
      level: 'region',
      label: region,
      provider,
    },
  ];
  if (network) {
    const typeTitle = RESOURCE_TYPES[network.type!]?.title ?? 'Network';
    path.push({
      // Under the resource's own region: a global GCP network shows in each
      // region its members sit in.
      key: key(provider, account, region, network.ref),
      level: 'network',
      label: `${typeTitle} ${network.title}`,
      provider,
    });
  }
  return path;
}

/** One status for a group: any error wins, then any running, then any stopped. */
function combinedStatus(statuses: Set<TopologyStatus>): TopologyStatus {
  for (const status of ['error', 'running', 'stopped'] as const) {
    if (statuses.has(status)) {
      return status;
    }
  }
  return 'unknown';
}

/** A graph with every entity as a node and every group open. */
export type FullGraph = {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  groups: TopologyGroup[];
};

/**
 * Collapses groups into summary nodes so that at most `nodeBudget` nodes are
 * visible. Groups open breadth-first from the providers inward while the
 * budget allows, those on the way to the root entity first, then the
 * smaller ones. `expand` groups (and the groups around them) open on top
 * of that, whatever the budget. A collapsed group becomes one node with its group's id, count
 * and cost, and edges to its entities end at that node.
 */
export function collapseGroups(
  graph: FullGraph,
  options: { nodeBudget: number; expand: Set<string> },
): FullGraph {
  const { nodes, edges, groups } = graph;
  const byId = new Map(groups.map(group => [group.id, group]));
  const ancestry = (id: string | undefined) => {
    const chain: TopologyGroup[] = [];
    for (let g = id ? byId.get(id) : undefined; g; ) {
      chain.unshift(g);
      g = g.parentId ? byId.get(g.parentId) : undefined;
    }
    return chain;
  };

  const childGroups = new Map<string | undefined, TopologyGroup[]>();
  for (const group of groups) {
    const siblings = childGroups.get(group.parentId) ?? [];
    siblings.push(group);
    childGroups.set(group.parentId, siblings);
  }
  const directMembers = new Map<string | undefined, number>();
  const statuses = new Map<string, Set<TopologyStatus>>();
  const providers = new Map<string, string>();
  for (const node of nodes) {
    directMembers.set(node.groupId, (directMembers.get(node.groupId) ?? 0) + 1);
    for (const group of ancestry(node.groupId)) {
      const set = statuses.get(group.id) ?? new Set();
      set.add(node.status);
      statuses.set(group.id, set);
      providers.set(group.id, node.provider!);
    }
  }

  const rootPath = new Set(
    ancestry(nodes.find(node => node.isRoot)?.groupId).map(g => g.id),
  );
  const priority = (a: TopologyGroup, b: TopologyGroup) =>
    Number(rootPath.has(b.id)) - Number(rootPath.has(a.id)) ||
    a.nodeCount - b.nodeCount ||
    a.key.localeCompare(b.key);

  const expanded = new Set<string>();
  const topLevel = childGroups.get(undefined) ?? [];
  let visible = (directMembers.get(undefined) ?? 0) + topLevel.length;
  let level = [...topLevel].sort(priority);
  while (level.length > 0) {
    const next: TopologyGroup[] = [];
    for (const group of level) {
      const children = childGroups.get(group.id) ?? [];
      const added = children.length + (directMembers.get(group.id) ?? 0) - 1;
      if (visible + added <= options.nodeBudget) {
        expanded.add(group.id);
        visible += added;
        next.push(...children);
      }
    }
    level = next.sort(priority);
  }
  // Opened on top of what fits, so that opening a group never closes another.
  for (const id of options.expand) {
    ancestry(id).forEach(group => expanded.add(group.id));
  }

  /** The node an entity is drawn as: itself, or the outermost collapsed group around it. */
  const shownAs = new Map<string, string>();
  for (const node of nodes) {
    const collapsed = ancestry(node.groupId).find(g => !expanded.has(g.id));
    shownAs.set(node.id, collapsed?.id ?? node.id);
  }
  const summaries: TopologyNode[] = groups
    .filter(
      group =>
        !expanded.has(group.id) &&
        (!group.parentId ||
          ancestry(group.parentId).every(g => expanded.has(g.id))),
    )
    .map(group => ({
      id: group.id,
      kind: 'summary',
      entityKind: 'summary',
      title: group.label,
      provider: providers.get(group.id),
      status: combinedStatus(statuses.get(group.id) ?? new Set()),
      ...(group.parentId ? { groupId: group.parentId } : {}),
      ...(group.monthlyCost ? { monthlyCost: group.monthlyCost } : {}),
      isRoot: false,
      count: group.nodeCount,
    }));

  const seen = new Set<string>();
  const shownEdges: TopologyEdge[] = [];
  for (const edge of edges) {
    const from = shownAs.get(edge.from)!;
    const to = shownAs.get(edge.to)!;
    const key = `${from} ${to} ${edge.type}`;
    if (from !== to && !seen.has(key)) {
      seen.add(key);
      shownEdges.push({ from, to, type: edge.type });
    }
  }

  return {
    nodes: [
      ...nodes.filter(node => shownAs.get(node.id) === node.id),
      ...summaries,
    ],
    edges: shownEdges,
    groups: groups.map(group => ({
      ...group,
      collapsed: !expanded.has(group.id),
    })),
  };
}
