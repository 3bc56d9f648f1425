import { renderMermaid } from './renderMermaid';

// jsdom has no layout engine: Mermaid measures text and shapes with these
// stand-ins, so the layout is meaningless but the SVG is Mermaid's own.
beforeAll(() => {
  const size = (element: Element) => ({
    x: 0,
    y: 0,
    width: 8 * (element.textContent?.length ?? 1),
    height: 16,
  });
  Object.assign(SVGElement.prototype, {
    getBBox(this: SVGElement) {
      return size(this);
    },
    getComputedTextLength(this: SVGElement) {
      return size(this).width;
    },
  });
});

// Loading and running Mermaid in jsdom takes seconds.
jest.setTimeout(120_000);

/**
 * A topology as the backend writes it, over Mermaid's default limits (500
 * edges, 50,000 characters): `nodes` resources, each depending on the next
 * two, each linking to its entity page.
 */
function largeTopology(nodes: number): { source: string; edges: number } {
  const lines = ['flowchart LR'];
  for (let i = 0; i < nodes; i++) {
    lines.push(
      `  n${i}["storefront-${i}-web-${i}<br/>ec2-instance, ${i}.50 USD"]`,
    );
  }
  let edges = 0;
  for (let i = 0; i < nodes; i++) {
    for (const next of [i + 1, i + 2].filter(n => n < nodes)) {
      lines.push(`  n${i} --> n${next}`);
      edges += 1;
    }
  }
  for (let i = 0; i < nodes; i++) {
    lines.push(
      `  click n${i} href "/catalog/default/resource/storefront-${i}-web-${i}" _self`,
    );
  }
  return { source: `${lines.join('\n')}\n`, edges };
}

describe('renderMermaid', () => {
  it('draws a graph over Mermaid’s default limits of 500 edges and 50,000 characters', async () => {
    const { source, edges } = largeTopology(320);
    expect(edges).toBeGreaterThan(500);
    expect(source.length).toBeGreaterThan(50_000);

    const svg = await renderMermaid('large', source, { layout: 'dagre' });
    const drawn = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(drawn.querySelectorAll('g.node')).toHaveLength(320);
    expect(drawn.querySelectorAll('path.flowchart-link')).toHaveLength(edges);
  });
});
