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

  it('draws with the grouped layout: Mermaid’s elements, ids and classes, labels as text', async () => {
    const source = [
      'flowchart LR',
      '  subgraph g1["AWS, 12.00 USD"]',
      '    subgraph g2["VPC vpc-1"]',
      '      n1["web#45;1<br/>ec2-instance, 10.00 USD"]',
      '      n2["#60;img src=x onerror=alert(1)#62;<br/>ebs-volume"]',
      '    end',
      '  end',
      '  n0["checkout<br/>service"]',
      '  s1[["3 entities"]]',
      '  n0 --> n1',
      '  n2 -.-> n1',
      '  n0 --> s1',
      '  classDef providerAws fill:#fff3e0',
      '  class n1,n2 providerAws',
      '  click n1 href "/catalog/default/resource/web-1" _self',
      '',
    ].join('\n');

    const svg = await renderMermaid('grouped', source, { layout: 'grouped' });
    // Parsed as the tab puts it into the page: as HTML, which knows xlink.
    const drawn = new DOMParser().parseFromString(svg, 'text/html');
    const nodes = Array.from(drawn.querySelectorAll('g.node'));
    expect(nodes.map(node => node.id).sort()).toEqual([
      'grouped-flowchart-n0-2',
      'grouped-flowchart-n1-0',
      'grouped-flowchart-n2-1',
      'grouped-flowchart-s1-3',
    ]);
    expect(
      Array.from(drawn.querySelectorAll('g.cluster')).map(group => group.id),
    ).toEqual(['grouped-g1', 'grouped-g2']);
    // Group titles over the edges, each naming its group.
    expect(
      Array.from(
        drawn.querySelectorAll('g.cluster-labels > .cluster-label'),
      ).map(title => [title.getAttribute('data-cluster'), title.textContent]),
    ).toEqual([
      ['grouped-g1', 'AWS, 12.00 USD'],
      ['grouped-g2', 'VPC vpc-1'],
    ]);
    expect(drawn.querySelectorAll('path.flowchart-link')).toHaveLength(3);
    expect(drawn.querySelectorAll('path.edge-pattern-dotted')).toHaveLength(1);

    const web = drawn.getElementById('grouped-flowchart-n1-0')!;
    expect(web.getAttribute('class')).toContain('providerAws');
    expect(web.querySelector('.label-container')).not.toBeNull();
    expect(
      Array.from(web.querySelectorAll('tspan')).map(row => row.textContent),
    ).toEqual(['web-1', 'ec2-instance, 10.00 USD']);
    // The node of a `click ... href`, in a link as Mermaid draws it.
    expect(web.parentElement?.tagName.toLowerCase()).toBe('a');
    expect(web.parentElement?.getAttribute('xlink:href')).toBe(
      '/catalog/default/resource/web-1',
    );

    // A label is text: markup in it is drawn, never made an element.
    const volume = drawn.getElementById('grouped-flowchart-n2-1')!;
    expect(volume.querySelector('img')).toBeNull();
    expect(volume.querySelector('tspan')?.textContent).toBe(
      '<img src=x onerror=alert(1)>',
    );
    // The summary of a collapsed group keeps Mermaid's bars.
    expect(
      drawn
        .getElementById('grouped-flowchart-s1-3')
        ?.querySelector('.subroutine-bars'),
    ).not.toBeNull();
  });
});
