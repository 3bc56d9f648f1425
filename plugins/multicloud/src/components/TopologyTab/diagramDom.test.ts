import { TopologyNode } from '@multicloud/plugin-multicloud-common';
import { topologyResponse } from '../../testing/topologyFixtures';
import {
  NODE_ID_ATTRIBUTE,
  decodeGroupTitles,
  decorateNodes,
  diagramSize,
  nodeBox,
  nodeIdOfEventTarget,
  serializeDiagram,
  showAtNaturalSize,
} from './diagramDom';

const diagramId = 'topology-r5-1';

/** A drawing with Mermaid's markup of nodes: a link around the clickable ones. */
function drawing(): SVGSVGElement {
  const container = document.createElement('div');
  container.innerHTML = `<svg id="${diagramId}" xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width: 470px;" viewBox="4 4 470 286.8">
    <g class="root"><g class="clusters">
      <g class="cluster" id="g14"><g class="cluster-label"><g><text><tspan class="text-outer-tspan row"><tspan class="text-inner-tspan">Subscription</tspan><tspan class="text-inner-tspan"> 86016ce6 &amp;#40;prod&amp;#41;, U&amp;#8230;</tspan></tspan></text></g></g></g>
    </g><g class="nodes">
      <a xlink:href="/catalog/default/component/checkout"><g class="node default root clickable" id="${diagramId}-flowchart-n1-0"><rect class="basic label-container"></rect><g class="label"><text><tspan>Checkout</tspan></text></g></g></a>
      <g class="node default providerAws" id="${diagramId}-flowchart-n2-1"><rect class="basic label-container"></rect><text><tspan>checkout-db</tspan></text></g>
      <g class="node default summary" id="${diagramId}-flowchart-g4-2"><polygon class="label-container"></polygon></g>
      <g class="node default" id="${diagramId}-flowchart-n9-3"><rect class="label-container"></rect></g>
    </g></g>
  </svg>`;
  return container.querySelector('svg')!;
}

function decorate(
  svg: SVGSVGElement,
  actionOf: (node: TopologyNode) => 'open' | 'expand' | undefined,
) {
  decorateNodes({
    svg,
    diagramId,
    nodes: topologyResponse().nodes,
    actionOf,
    highlightColor: '#1f5493',
  });
}

describe('diagram markup', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('turns the nodes into named links and buttons, and drops Mermaid’s own links', () => {
    const svg = drawing();
    decorate(svg, node => (node.kind === 'summary' ? 'expand' : 'open'));

    const root = svg.querySelector(`#${diagramId}-flowchart-n1-0`)!;
    expect(root.getAttribute('role')).toBe('link');
    expect(root.getAttribute('tabindex')).toBe('0');
    expect(root.getAttribute('aria-label')).toBe(
      'Checkout (service), this entity',
    );
    expect(root.getAttribute(NODE_ID_ATTRIBUTE)).toBe('n1');
    expect(root.parentElement!.hasAttribute('xlink:href')).toBe(false);

    const summary = svg.querySelector(`#${diagramId}-flowchart-g4-2`)!;
    expect(summary.getAttribute('role')).toBe('button');
    expect(summary.getAttribute('aria-label')).toBe(
      'us-east-1: 12 entities, expand',
    );

    // A node of the drawing that the response does not know stays as drawn.
    const unknown = svg.querySelector(`#${diagramId}-flowchart-n9-3`)!;
    expect(unknown.hasAttribute('role')).toBe(false);
    expect(unknown.hasAttribute(NODE_ID_ATTRIBUTE)).toBe(false);
  });

  it('outlines the entity’s own node only', () => {
    const svg = drawing();
    decorate(svg, () => 'open');

    const rootShape = svg.querySelector<SVGElement>(
      `#${diagramId}-flowchart-n1-0 .label-container`,
    )!;
    expect(rootShape.style.getPropertyValue('stroke')).toBe('#1f5493');
    expect(rootShape.style.getPropertyValue('stroke-width')).toBe('4px');
    const otherShape = svg.querySelector<SVGElement>(
      `#${diagramId}-flowchart-n2-1 .label-container`,
    )!;
    expect(otherShape.style.getPropertyValue('stroke')).toBe('');
  });

  it('leaves nodes without an action out of the keyboard order', () => {
    const svg = drawing();
    decorate(svg, node => (node.kind === 'summary' ? undefined : 'open'));

    const summary = svg.querySelector(`#${diagramId}-flowchart-g4-2`)!;
    expect(summary.hasAttribute('tabindex')).toBe(false);
    expect(summary.hasAttribute('role')).toBe(false);
    expect(summary.getAttribute(NODE_ID_ATTRIBUTE)).toBe('g4');
  });

  it('finds the node of an event in any part of it', () => {
    const svg = drawing();
    decorate(svg, () => 'open');

    const text = svg.querySelector(`#${diagramId}-flowchart-n2-1 tspan`);
    expect(nodeIdOfEventTarget(text)).toBe('n2');
    expect(nodeIdOfEventTarget(svg)).toBeNull();
    expect(nodeIdOfEventTarget(null)).toBeNull();
  });

  it('writes the drawing as a standalone SVG file at its natural size', () => {
    const svg = drawing();
    decorate(svg, () => 'open');

    expect(diagramSize(svg)).toEqual({ width: 470, height: 286.8 });
    const file = serializeDiagram(svg);
    const parsed = new DOMParser().parseFromString(
      file.replace(/^<\?xml[^>]*>\n/, ''),
      'image/svg+xml',
    ).documentElement;
    expect(parsed.getAttribute('width')).toBe('470');
    expect(parsed.getAttribute('height')).toBe('286.8');
    expect(parsed.getAttribute('style') ?? '').not.toContain('max-width');
    expect(parsed.querySelector('[tabindex], [role]')).toBeNull();
    expect(parsed.textContent).toContain('checkout-db');
    // The page's drawing keeps its markup.
    expect(svg.querySelector('[tabindex]')).not.toBeNull();
  });

  it('writes the character entities of group titles as characters', () => {
    const svg = drawing();
    decodeGroupTitles(svg);

    expect(svg.querySelector('.cluster-label text')!.textContent).toBe(
      'Subscription 86016ce6 (prod), U…',
    );
  });

  it('sizes the drawing to its natural size, and measures a node there however it is zoomed', () => {
    const svg = drawing();
    expect(showAtNaturalSize(svg)).toEqual({ width: 470, height: 286.8 });
    expect(svg.getAttribute('width')).toBe('470');
    expect(svg.getAttribute('height')).toBe('286.8');
    expect(svg.style.maxWidth).toBe('');

    // Shown at half its size, 10px from the left and 20px from the top.
    const boxes = new Map<Element, Partial<DOMRect>>([
      [svg, { left: 10, top: 20, width: 235, height: 143.4 }],
      [
        svg.querySelector(`#${diagramId}-flowchart-n2-1`)!,
        { left: 60, top: 45, width: 40, height: 20 },
      ],
    ]);
    jest
      .spyOn(Element.prototype, 'getBoundingClientRect')
      .mockImplementation(function measure(this: Element) {
        return (boxes.get(this) ?? {}) as DOMRect;
      });
    expect(nodeBox(svg, diagramId, 'n2')).toEqual({
      x: 100,
      y: 50,
      width: 80,
      height: 40,
    });
    expect(nodeBox(svg, diagramId, 'n7')).toBeUndefined();
  });

  it('falls back to a default size when the drawing has no view box', () => {
    const svg = drawing();
    svg.removeAttribute('viewBox');
    expect(diagramSize(svg)).toEqual({ width: 800, height: 600 });
  });
});
