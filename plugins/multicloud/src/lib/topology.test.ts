import {
  loneEntityTopology,
  topologyResponse,
} from '../testing/topologyFixtures';
import {
  groupToExpand,
  hasNoRelations,
  isCollapsed,
  nodeIdOfElement,
  parseNodeClasses,
  preferredLayout,
  providerTotals,
  topologyLegend,
} from './topology';

describe('topology helpers', () => {
  it('reads the node id out of the element ids Mermaid gives flowchart nodes', () => {
    expect(
      nodeIdOfElement('topology-r1-2-flowchart-n12-7', 'topology-r1-2'),
    ).toBe('n12');
    expect(
      nodeIdOfElement('topology-r1-2-flowchart-g3-0', 'topology-r1-2'),
    ).toBe('g3');
    expect(
      nodeIdOfElement('topology-r1-1-flowchart-n12-7', 'topology-r1-2'),
    ).toBeUndefined();
    expect(
      nodeIdOfElement('topology-r1-2-g3', 'topology-r1-2'),
    ).toBeUndefined();
    expect(
      nodeIdOfElement('topology-r1-2-flowchart-n1', 'topology-r1-2'),
    ).toBeUndefined();
  });

  it('expands the collapsed group a summary node stands for, and nothing for entities', () => {
    const response = topologyResponse();
    const [root, , , summary] = response.nodes;
    expect(groupToExpand(summary, response)).toBe('g4');
    expect(groupToExpand(root, response)).toBeUndefined();

    const opened = {
      ...response,
      groups: response.groups.map(group => ({ ...group, collapsed: false })),
    };
    expect(groupToExpand(summary, opened)).toBeUndefined();
  });

  it('tells a lone entity and a collapsed graph apart', () => {
    expect(hasNoRelations(loneEntityTopology())).toBe(true);
    expect(hasNoRelations(topologyResponse())).toBe(false);
    expect(isCollapsed(topologyResponse())).toBe(true);
    expect(
      isCollapsed(topologyResponse({ visibleNodes: 15, totalNodes: 15 })),
    ).toBe(false);
  });

  it('lays out grouped graphs with ELK and flat ones with dagre', () => {
    expect(preferredLayout(topologyResponse())).toBe('grouped');
    expect(preferredLayout(loneEntityTopology())).toBe('dagre');
  });

  it('counts the entities and cost by provider, collapsed groups included', () => {
    const response = topologyResponse({
      groups: [
        ...topologyResponse().groups,
        {
          id: 'g5',
          key: 'gcp',
          level: 'provider',
          label: 'Google Cloud',
          collapsed: true,
          nodeCount: 3,
        },
      ],
      totalNodes: 18,
    });
    expect(providerTotals(response)).toEqual({
      providers: [
        {
          label: 'AWS',
          entities: 14,
          monthlyCost: { amount: 1650, currency: 'USD' },
        },
        { label: 'Google Cloud', entities: 3, monthlyCost: undefined },
      ],
      outsideClouds: 1,
    });
  });

  it('parses class definitions and class statements of Mermaid text', () => {
    const { styles, classesOf } = parseNodeClasses(topologyResponse().mermaid);
    expect(styles.get('statusStopped')).toEqual({
      fill: undefined,
      stroke: '#757575',
      strokeWidth: '2px',
      strokeDasharray: '4 3',
    });
    expect(styles.get('providerAws')).toEqual(
      expect.objectContaining({ fill: '#fff3e0' }),
    );
    expect([...classesOf.get('g4')!]).toEqual([
      'providerAws',
      'statusRunning',
      'summary',
    ]);
    expect([...classesOf.get('n1')!]).toEqual(['statusUnknown', 'root']);
  });

  it('makes a legend of the providers and states shown, with the styles the diagram uses', () => {
    expect(topologyLegend(topologyResponse())).toEqual({
      providers: [
        {
          label: 'AWS',
          style: expect.objectContaining({ fill: '#fff3e0' }),
        },
      ],
      statuses: [
        {
          label: 'Running',
          style: expect.objectContaining({ stroke: '#2e7d32' }),
        },
        {
          label: 'Stopped',
          style: expect.objectContaining({ strokeDasharray: '4 3' }),
        },
        {
          label: 'Unknown state',
          style: expect.objectContaining({ stroke: '#9e9e9e' }),
        },
      ],
      summary: {
        label: 'Collapsed group with its entity count: click to expand',
        style: expect.objectContaining({ fill: '#fafafa' }),
      },
    });
  });

  it('leaves a legend entry without a style when no class of the diagram draws it', () => {
    const response = topologyResponse({
      mermaid: 'flowchart LR\n  n1["Checkout"]\n',
    });
    const legend = topologyLegend(response);
    expect(legend.providers).toEqual([{ label: 'AWS', style: undefined }]);
    expect(legend.statuses.map(entry => entry.style)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
