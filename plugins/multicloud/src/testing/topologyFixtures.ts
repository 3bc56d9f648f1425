import { TopologyResponse } from '@multicloud/plugin-multicloud-common';

/**
 * The topology of `component:default/checkout`: its database and cache in
 * AWS eu-west-1, and a collapsed group of 12 entities in us-east-1. The
 * Mermaid text is written the way the backend writes it: escaped labels,
 * nested subgraphs, a class per provider and status, links to entity pages.
 */
export function topologyResponse(
  overrides: Partial<TopologyResponse> = {},
): TopologyResponse {
  return {
    entityRef: 'component:default/checkout',
    depth: 2,
    direction: 'downstream',
    nodes: [
      {
        id: 'n1',
        kind: 'entity',
        entityRef: 'component:default/checkout',
        entityKind: 'component',
        title: 'Checkout',
        type: 'service',
        status: 'unknown',
        isRoot: true,
        url: '/catalog/default/component/checkout',
      },
      {
        id: 'n2',
        kind: 'entity',
        entityRef: 'resource:default/checkout-db-1a2b3c',
        entityKind: 'resource',
        title: 'checkout-db',
        type: 'rds-instance',
        provider: 'aws',
        status: 'running',
        groupId: 'g3',
        monthlyCost: { amount: 900, currency: 'USD' },
        isRoot: false,
        url: '/catalog/default/resource/checkout-db-1a2b3c',
      },
      {
        id: 'n3',
        kind: 'entity',
        entityRef: 'resource:default/sessions-9f8e7d',
        entityKind: 'resource',
        title: 'sessions',
        type: 'elasticache-cluster',
        provider: 'aws',
        status: 'stopped',
        groupId: 'g3',
        monthlyCost: { amount: 150, currency: 'USD' },
        isRoot: false,
        url: '/catalog/default/resource/sessions-9f8e7d',
      },
      {
        id: 'g4',
        kind: 'summary',
        entityKind: 'summary',
        title: 'us-east-1',
        provider: 'aws',
        status: 'running',
        groupId: 'g2',
        monthlyCost: { amount: 600, currency: 'USD' },
        isRoot: false,
        count: 12,
      },
    ],
    edges: [
      { from: 'n1', to: 'n2', type: 'dependsOn' },
      { from: 'n1', to: 'n3', type: 'dependsOn' },
      { from: 'n1', to: 'g4', type: 'dependsOn' },
    ],
    groups: [
      {
        id: 'g1',
        key: 'aws',
        level: 'provider',
        label: 'AWS',
        collapsed: false,
        nodeCount: 14,
        monthlyCost: { amount: 1650, currency: 'USD' },
      },
      {
        id: 'g2',
        key: 'aws/123456789012',
        level: 'account',
        label: 'Account 123456789012',
        parentId: 'g1',
        collapsed: false,
        nodeCount: 14,
        monthlyCost: { amount: 1650, currency: 'USD' },
      },
      {
        id: 'g3',
        key: 'aws/123456789012/eu-west-1',
        level: 'region',
        label: 'eu-west-1',
        parentId: 'g2',
        collapsed: false,
        nodeCount: 2,
        monthlyCost: { amount: 1050, currency: 'USD' },
      },
      {
        id: 'g4',
        key: 'aws/123456789012/us-east-1',
        level: 'region',
        label: 'us-east-1',
        parentId: 'g2',
        collapsed: true,
        nodeCount: 12,
        monthlyCost: { amount: 600, currency: 'USD' },
      },
    ],
    mermaid: [
      'flowchart LR',
      '  subgraph g1["AWS, 1,650.00 USD"]',
      '    subgraph g2["Account 123456789012, 1,650.00 USD"]',
      '      subgraph g3["eu-west-1, 1,050.00 USD"]',
      '        n2["checkout-db<br/>rds-instance, 900.00 USD"]',
      '        n3["sessions<br/>elasticache-cluster, 150.00 USD"]',
      '      end',
      '      g4[["us-east-1<br/>12 entities, 600.00 USD"]]',
      '    end',
      '  end',
      '  n1["Checkout<br/>service"]',
      '  n1 --> n2',
      '  n1 --> n3',
      '  n1 --> g4',
      '  classDef providerAws fill:#fff3e0',
      '  classDef statusRunning stroke:#2e7d32,stroke-width:2px',
      '  classDef statusStopped stroke:#757575,stroke-width:2px,stroke-dasharray:4 3',
      '  classDef statusUnknown stroke:#9e9e9e,stroke-width:1px',
      '  classDef summary fill:#fafafa,stroke-dasharray:2 2',
      '  classDef root stroke-width:4px',
      '  class n2,n3,g4 providerAws',
      '  class n2,g4 statusRunning',
      '  class n3 statusStopped',
      '  class n1 statusUnknown',
      '  class g4 summary',
      '  class n1 root',
      '  click n1 href "/catalog/default/component/checkout" _self',
      '  click n2 href "/catalog/default/resource/checkout-db-1a2b3c" _self',
      '  click n3 href "/catalog/default/resource/sessions-9f8e7d" _self',
      '',
    ].join('\n'),
    totalNodes: 15,
    visibleNodes: 4,
    nodeBudget: 10,
    costPeriod: { from: '2025-02-13', to: '2025-03-14' },
    ...overrides,
  };
}

/** The topology of an entity with nothing related to it. */
export function loneEntityTopology(
  overrides: Partial<TopologyResponse> = {},
): TopologyResponse {
  return topologyResponse({
    nodes: [topologyResponse().nodes[0]],
    edges: [],
    groups: [],
    mermaid: [
      'flowchart LR',
      '  n1["Checkout<br/>service"]',
      '  classDef root stroke-width:4px',
      '  class n1 root',
      '',
    ].join('\n'),
    totalNodes: 1,
    visibleNodes: 1,
    ...overrides,
  });
}

/**
 * Draws Mermaid text the way Mermaid structures its SVG (a `g.node` with the
 * id `<diagramId>-flowchart-<nodeId>-<n>` and a `.label-container` shape per
 * node), without laying it out, as a diagram of the given natural size: for
 * tests of what the tab does with the drawing.
 */
export const drawNodesOnlyOfSize =
  (size: { width: number; height: number }) =>
  async (diagramId: string, source: string): Promise<string> => {
    const nodeIds = [
      ...new Set(
        source
          .split('\n')
          .map(line => /^\s*([ng]\d+)\[/.exec(line)?.[1])
          .filter((id): id is string => Boolean(id)),
      ),
    ];
    const nodes = nodeIds
      .map(
        (id, i) =>
          `<g class="node default" id="${diagramId}-flowchart-${id}-${i}"><rect class="basic label-container"></rect><text>${id}</text></g>`,
      )
      .join('');
    return `<svg id="${diagramId}" xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${size.width} ${size.height}" style="max-width: ${size.width}px;"><g class="root"><g class="nodes">${nodes}</g></g></svg>`;
  };

/** {@link drawNodesOnlyOfSize} for a diagram of 640 by 320. */
export const drawNodesOnly = drawNodesOnlyOfSize({ width: 640, height: 320 });
