/**
 * Which relations a topology follows from its entity: `downstream` what it
 * depends on and consists of, `upstream` what depends on it or contains it,
 * or `both`. The default is `downstream`, and `both` for a Resource (its
 * neighbourhood).
 *
 * @public
 */
export type TopologyDirection = 'downstream' | 'upstream' | 'both';

/**
 * Every {@link TopologyDirection}, for validating a `direction` parameter or
 * offering the choice in a UI.
 *
 * @public
 */
export const TOPOLOGY_DIRECTIONS: readonly TopologyDirection[] = [
  'downstream',
  'upstream',
  'both',
];

/**
 * Normalized state of a node, one Mermaid class each.
 *
 * @public
 */
export type TopologyStatus = 'running' | 'stopped' | 'error' | 'unknown';

/**
 * Levels of the nested groups of a topology, outermost first.
 *
 * @public
 */
export type TopologyGroupLevel = 'provider' | 'account' | 'region' | 'network';

/**
 * A cost figure of a topology: the sum of the last 30 days up to yesterday.
 *
 * @public
 */
export type TopologyCost = { amount: number; currency: string };

/**
 * A node of a topology: a catalog entity, or a summary standing for the
 * entities of a collapsed group.
 *
 * @public
 */
export type TopologyNode = {
  /** Mermaid-safe id (`n1`, `n2`, ... or `g1`... for summaries); never user text. */
  id: string;
  kind: 'entity' | 'summary';
  /** The entity (entity nodes only). */
  entityRef?: string;
  /** Kind of the entity, lower case (`component`, `resource`, ...); `summary` for summaries. */
  entityKind: string;
  /** Human name: the entity's title, else its name; for summaries, the group's label. */
  title: string;
  /** `spec.type` of the entity (for Resources, e.g. `ec2-instance`). */
  type?: string;
  /** Cloud provider of a Resource. */
  provider?: string;
  status: TopologyStatus;
  /** Innermost group the node sits in; absent for nodes outside any cloud group. */
  groupId?: string;
  /** The node's cost over the last 30 days, where the cost store knows it. */
  monthlyCost?: TopologyCost;
  /** Whether this is the entity the topology was asked for. */
  isRoot: boolean;
  /** Path of the entity page in the app, e.g. `/catalog/default/resource/web-1`. */
  url?: string;
  /** Summaries: how many entities the node stands for. */
  count?: number;
};

/**
 * A relation between two nodes, from the dependent to what it depends on
 * (from the whole to its part, from the owner to what it owns).
 *
 * @public
 */
export type TopologyEdge = {
  from: string;
  to: string;
  /** The catalog relation: `dependsOn`, `hasPart`, or `ownerOf` (a Group's topology). */
  type: 'dependsOn' | 'hasPart' | 'ownerOf';
};

/**
 * A subgraph: a provider, an account / subscription / project, a region or a
 * network (VPC, VNet, GCP network, Kubernetes cluster / namespace).
 *
 * @public
 */
export type TopologyGroup = {
  /**
   * Id (`g1`...), given in key order, so the same graph keeps its ids across
   * requests; pass it (or `key`) as `expand` to open the group.
   */
  id: string;
  /** Key that stays the same across requests, e.g. `aws/111122223333/eu-west-1`. */
  key: string;
  level: TopologyGroupLevel;
  label: string;
  parentId?: string;
  /** Whether the group is shown as one summary node. */
  collapsed: boolean;
  /** Entities inside the group, nested groups included. */
  nodeCount: number;
  monthlyCost?: TopologyCost;
};

/**
 * Answer of `GET /api/multicloud/topology`.
 *
 * @public
 */
export type TopologyResponse = {
  entityRef: string;
  depth: number;
  direction: TopologyDirection;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  groups: TopologyGroup[];
  /** The graph as a Mermaid flowchart, every label escaped. */
  mermaid: string;
  /** Entities in the graph, and how many are shown after collapsing. */
  totalNodes: number;
  visibleNodes: number;
  /** The node budget above which groups collapse (`multicloud.topology.nodeBudget`). */
  nodeBudget: number;
  /** The days the costs cover. */
  costPeriod: { from: string; to: string };
};
