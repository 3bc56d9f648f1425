import type { MermaidConfig } from 'mermaid';
import { DiagramLayout } from '../../lib/topology';
import { GROUPED_LAYOUT, groupedLayoutLoader } from './groupedLayout';

/**
 * Mermaid's settings for a topology, all but the layout: what to pass to
 * `mermaid.initialize` (with a `layout` of `'elk'`, `'dagre'` or, once
 * `groupedLayoutLoader` is registered, its name) to draw the
 * Mermaid text of `GET /api/multicloud/topology` the way the Topology tab
 * draws it. Exported from the package as `topologyMermaidConfig`; the
 * topology benchmark (packages/bench/src/topology) draws with it, so that it
 * measures what the tab draws.
 *
 * `securityLevel: 'strict'` keeps Mermaid's own click handlers off and
 * sanitizes labels; labels are SVG text, not HTML, so an exported SVG draws
 * into a canvas without tainting it. The theme is always the light one: the
 * backend's classes fill nodes with light colours.
 *
 * Mermaid refuses diagrams of more than 500 edges or 50,000 characters by
 * default. A System's graph with every group open is larger: the topology
 * benchmark's (997 nodes, 2,058 edges) is 179,000 characters of Mermaid
 * text. The limits leave such a graph more than twice over of room; Mermaid
 * takes them from here only, never from the diagram's text.
 *
 * SVG text wraps at `flowchart.wrappingWidth` (120px by default), in the
 * middle of a word when it must. The backend puts a node's name and its
 * details on lines of their own and cuts names at 60 characters (560px for
 * the demo's longest); at 800px a name is never broken. ELK's `mergeEdges`
 * bundles the edges from one node (a Component to each of its resources)
 * into one trunk rather than a band of parallel lines across the diagram.
 *
 * @public
 */
export const MERMAID_SETTINGS = {
  startOnLoad: false,
  securityLevel: 'strict',
  theme: 'default',
  htmlLabels: false,
  maxEdges: 5_000,
  maxTextSize: 500_000,
  flowchart: { wrappingWidth: 800 },
  elk: { mergeEdges: true },
} as const satisfies MermaidConfig;

/** Options of {@link renderMermaid}. */
export type RenderMermaidOptions = {
  layout: DiagramLayout;
};

// Mermaid's configuration is global: render one diagram at a time so that
// each render runs with its own options.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Draws Mermaid text as an SVG document with {@link MERMAID_SETTINGS}.
 * Mermaid (with ELK, which it loads lazily) is its own chunk, loaded on the
 * first diagram.
 */
export function renderMermaid(
  diagramId: string,
  source: string,
  options: RenderMermaidOptions,
): Promise<string> {
  const rendered = queue.then(async () => {
    const { default: mermaid } = await import('mermaid');
    // Registering again replaces the same loader: harmless.
    mermaid.registerLayoutLoaders([groupedLayoutLoader]);
    mermaid.initialize({
      ...MERMAID_SETTINGS,
      layout: options.layout === 'grouped' ? GROUPED_LAYOUT : options.layout,
    });
    const { svg } = await mermaid.render(diagramId, source);
    return svg;
  });
  queue = rendered.catch(() => undefined);
  return rendered;
}
