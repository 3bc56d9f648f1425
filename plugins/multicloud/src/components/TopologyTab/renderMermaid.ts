import { DiagramLayout } from '../../lib/topology';

/** Options of {@link renderMermaid}. */
export type RenderMermaidOptions = {
  layout: DiagramLayout;
};

// Mermaid's configuration is global: render one diagram at a time so that
// each render runs with its own options.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Draws Mermaid text as an SVG document. Mermaid (with ELK, which it loads
 * lazily) is its own chunk, loaded on the first diagram.
 *
 * `securityLevel: 'strict'` keeps Mermaid's own click handlers off and
 * sanitizes labels; labels are SVG text, not HTML, so an exported SVG draws
 * into a canvas without tainting it. The theme is always the light one: the
 * backend's classes fill nodes with light colours.
 */
export function renderMermaid(
  diagramId: string,
  source: string,
  options: RenderMermaidOptions,
): Promise<string> {
  const rendered = queue.then(async () => {
    const { default: mermaid } = await import('mermaid');
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'default',
      layout: options.layout,
      htmlLabels: false,
    });
    const { svg } = await mermaid.render(diagramId, source);
    return svg;
  });
  queue = rendered.catch(() => undefined);
  return rendered;
}
