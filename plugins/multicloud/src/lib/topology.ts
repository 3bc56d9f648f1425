import {
  TopologyCost,
  TopologyNode,
  TopologyResponse,
  TopologyStatus,
} from '@multicloud/plugin-multicloud-common';

/**
 * How Mermaid lays the diagram out: the tab's own grouped layout, ELK or
 * dagre.
 */
export type DiagramLayout = 'grouped' | 'elk' | 'dagre';

/**
 * The node an element of a rendered diagram draws. Mermaid names a flowchart
 * node's element `<diagramId>-flowchart-<nodeId>-<counter>`.
 */
export function nodeIdOfElement(
  elementId: string,
  diagramId: string,
): string | undefined {
  const prefix = `${diagramId}-flowchart-`;
  if (!elementId.startsWith(prefix)) {
    return undefined;
  }
  const rest = elementId.slice(prefix.length);
  const counter = rest.lastIndexOf('-');
  return counter > 0 ? rest.slice(0, counter) : undefined;
}

/**
 * The collapsed group a summary node stands for, to pass as `expand`; a
 * summary takes the id of its group.
 */
export function groupToExpand(
  node: TopologyNode,
  response: TopologyResponse,
): string | undefined {
  if (node.kind !== 'summary') {
    return undefined;
  }
  return response.groups.find(group => group.id === node.id && group.collapsed)
    ?.id;
}

/** Whether the graph holds nothing but the entity itself. */
export function hasNoRelations(response: TopologyResponse): boolean {
  return (
    response.edges.length === 0 && response.nodes.every(node => node.isRoot)
  );
}

/** Whether groups were collapsed to keep the graph within the node budget. */
export function isCollapsed(response: TopologyResponse): boolean {
  return response.visibleNodes < response.totalNodes;
}

/**
 * Nested groups are drawn with the grouped layout: each group on its own,
 * links entering a group at its near side, in a fraction of the time dagre
 * or ELK take over a compound graph (the topology benchmark: 147 nodes in
 * well under 1.5 s, where dagre needs ~2.5 s and ELK ~6 s). A flat graph
 * stays with dagre, which routes its edges around nodes.
 */
export function preferredLayout(response: TopologyResponse): DiagramLayout {
  return response.groups.length > 0 ? 'grouped' : 'dagre';
}

/** One cloud provider of a topology, for the summary card. */
export type ProviderTotal = {
  label: string;
  entities: number;
  monthlyCost?: TopologyCost;
};

/**
 * The entities of a topology by cloud provider (collapsed groups included),
 * and how many sit outside any cloud group (Components, Systems, ...).
 */
export function providerTotals(response: TopologyResponse): {
  providers: ProviderTotal[];
  outsideClouds: number;
} {
  const providers = response.groups
    .filter(group => group.level === 'provider')
    .map(group => ({
      label: group.label,
      entities: group.nodeCount,
      monthlyCost: group.monthlyCost,
    }))
    .sort((a, b) => b.entities - a.entities || a.label.localeCompare(b.label));
  const inClouds = providers.reduce((sum, p) => sum + p.entities, 0);
  return {
    providers,
    outsideClouds: Math.max(0, response.totalNodes - inClouds),
  };
}

/** The look of a node as a Mermaid `classDef` sets it. */
export type NodeStyle = {
  fill?: string;
  stroke?: string;
  strokeWidth?: string;
  strokeDasharray?: string;
};

/**
 * The `classDef` styles of Mermaid text, and the classes its `class`
 * statements give each node.
 */
export function parseNodeClasses(source: string): {
  styles: Map<string, NodeStyle>;
  classesOf: Map<string, Set<string>>;
} {
  const styles = new Map<string, NodeStyle>();
  const classesOf = new Map<string, Set<string>>();
  for (const line of source.split('\n').map(text => text.trim())) {
    const classDef = /^classDef\s+(\S+)\s+(.+?);?$/.exec(line);
    if (classDef) {
      const declarations = new Map(
        classDef[2].split(',').map(declaration => {
          const [property, ...value] = declaration.split(':');
          return [property.trim(), value.join(':').trim()] as const;
        }),
      );
      const style: NodeStyle = {
        fill: declarations.get('fill'),
        stroke: declarations.get('stroke'),
        strokeWidth: declarations.get('stroke-width'),
        strokeDasharray: declarations.get('stroke-dasharray'),
      };
      for (const name of classDef[1].split(',')) {
        styles.set(name, style);
      }
      continue;
    }
    const statement = /^class\s+(\S+)\s+([^\s;]+);?$/.exec(line);
    if (statement) {
      for (const nodeId of statement[1].split(',')) {
        const classes = classesOf.get(nodeId) ?? new Set<string>();
        statement[2].split(',').forEach(name => classes.add(name));
        classesOf.set(nodeId, classes);
      }
    }
  }
  return { styles, classesOf };
}

const PROVIDER_LABELS: Record<string, string> = {
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  kubernetes: 'Kubernetes',
};

const STATUS_LABELS: Record<TopologyStatus, string> = {
  running: 'Running',
  stopped: 'Stopped',
  error: 'Error',
  unknown: 'Unknown state',
};

/** One entry of the legend: what a node's look means. */
export type LegendEntry = { label: string; style?: NodeStyle };

/**
 * The style of the class that names `value` (`providerAws`, `statusError`)
 * and is given to every node in `members`: what the diagram draws them with.
 */
function styleOf(
  value: string,
  members: TopologyNode[],
  parsed: ReturnType<typeof parseNodeClasses>,
): NodeStyle | undefined {
  const name = [...parsed.styles.keys()].find(
    candidate =>
      candidate.toLocaleLowerCase('en-US').includes(value) &&
      members.every(node => parsed.classesOf.get(node.id)?.has(candidate)),
  );
  return name ? parsed.styles.get(name) : undefined;
}

/**
 * The providers and states the diagram shows, each with its look, and the
 * look of a collapsed group when there is one.
 */
export function topologyLegend(response: TopologyResponse): {
  providers: LegendEntry[];
  statuses: LegendEntry[];
  summary?: LegendEntry;
} {
  const parsed = parseNodeClasses(response.mermaid);
  const providers = [
    ...new Set(response.nodes.flatMap(node => node.provider ?? [])),
  ].sort();
  const statuses = (Object.keys(STATUS_LABELS) as TopologyStatus[]).filter(
    status => response.nodes.some(node => node.status === status),
  );
  const summaries = response.nodes.filter(node => node.kind === 'summary');
  return {
    providers: providers.map(provider => ({
      label: PROVIDER_LABELS[provider] ?? provider,
      style: styleOf(
        provider,
        response.nodes.filter(node => node.provider === provider),
        parsed,
      ),
    })),
    statuses: statuses.map(status => ({
      label: STATUS_LABELS[status],
      style: styleOf(
        status,
        response.nodes.filter(node => node.status === status),
        parsed,
      ),
    })),
    ...(summaries.length > 0
      ? {
          summary: {
            label: 'Collapsed group with its entity count: click to expand',
            style: styleOf('summary', summaries, parsed),
          },
        }
      : {}),
  };
}
