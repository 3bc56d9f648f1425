import { TopologyNode } from '@multicloud/plugin-multicloud-common';
import { nodeIdOfElement } from '../../lib/topology';
import { Box, Size } from './diagramView';

/** What activating a node of the diagram does. */
export type NodeAction = 'open' | 'expand';

/** Attribute that ties a decorated element to its node. */
export const NODE_ID_ATTRIBUTE = 'data-topology-node';

function describeNode(node: TopologyNode, action: NodeAction): string {
  if (action === 'expand') {
    return `${node.title}: ${node.count ?? 0} entities, expand`;
  }
  const what = node.type ?? node.entityKind;
  return `${node.title} (${what})${node.isRoot ? ', this entity' : ''}`;
}

/**
 * Makes the node elements of a diagram Mermaid drew act like links and
 * buttons (focusable, named, tagged with their node id) and outlines the
 * entity's own nodes. Mermaid's own links are removed: the router navigates
 * instead, without reloading the app.
 */
export function decorateNodes(options: {
  svg: SVGSVGElement;
  diagramId: string;
  nodes: TopologyNode[];
  actionOf: (node: TopologyNode) => NodeAction | undefined;
  highlightColor: string;
}): void {
  const { svg, diagramId, nodes, actionOf, highlightColor } = options;
  const nodesById = new Map(nodes.map(node => [node.id, node]));

  for (const link of Array.from(svg.querySelectorAll('a'))) {
    link.removeAttribute('href');
    link.removeAttribute('xlink:href');
  }

  for (const element of Array.from(svg.querySelectorAll('g.node'))) {
    const nodeId = nodeIdOfElement(element.id, diagramId);
    const node = nodeId ? nodesById.get(nodeId) : undefined;
    if (!node) {
      continue;
    }
    element.setAttribute(NODE_ID_ATTRIBUTE, node.id);
    if (node.isRoot) {
      for (const shape of Array.from(
        element.querySelectorAll<SVGElement>('.label-container'),
      )) {
        // Mermaid's class styles are `!important`; only an important inline
        // style outranks them.
        shape.style.setProperty('stroke', highlightColor, 'important');
        shape.style.setProperty('stroke-width', '4px', 'important');
      }
    }
    const action = actionOf(node);
    if (action) {
      element.setAttribute('role', action === 'open' ? 'link' : 'button');
      element.setAttribute('tabindex', '0');
      element.setAttribute('aria-label', describeNode(node, action));
      (element as SVGElement).style.cursor = 'pointer';
    }
  }
}

/** The node id of the decorated element an event happened in. */
export function nodeIdOfEventTarget(target: EventTarget | null): string | null {
  if (!(target instanceof Element)) {
    return null;
  }
  return (
    target.closest(`[${NODE_ID_ATTRIBUTE}]`)?.getAttribute(NODE_ID_ATTRIBUTE) ??
    null
  );
}

/** Width and height of a diagram, from its view box. */
export function diagramSize(svg: SVGSVGElement): Size {
  const [, , width, height] = (svg.getAttribute('viewBox') ?? '')
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  return {
    width: Number.isFinite(width) && width > 0 ? width : 800,
    height: Number.isFinite(height) && height > 0 ? height : 600,
  };
}

/**
 * Makes a drawing take its natural size in the page, rather than the
 * container's width that Mermaid sizes it to: the zoom then is the only
 * scale, and a label reads at the size the zoom says.
 */
export function showAtNaturalSize(svg: SVGSVGElement): Size {
  const size = diagramSize(svg);
  svg.setAttribute('width', String(size.width));
  svg.setAttribute('height', String(size.height));
  svg.style.removeProperty('max-width');
  return size;
}

/**
 * Where the drawing of a node sits in the diagram, at its natural size;
 * undefined when the diagram has no such node or is not laid out.
 */
export function nodeBox(
  svg: SVGSVGElement,
  diagramId: string,
  nodeId: string,
): Box | undefined {
  const element = Array.from(svg.querySelectorAll('g.node')).find(
    candidate => nodeIdOfElement(candidate.id, diagramId) === nodeId,
  );
  const diagram = svg.getBoundingClientRect();
  // On screen the drawing is zoomed: measure against its natural width.
  const ratio = diagram.width / diagramSize(svg).width;
  if (!element || !(ratio > 0)) {
    return undefined;
  }
  const node = element.getBoundingClientRect();
  return {
    x: (node.left - diagram.left) / ratio,
    y: (node.top - diagram.top) / ratio,
    width: node.width / ratio,
    height: node.height / ratio,
  };
}

/**
 * Writes the character entities of group titles as characters. Mermaid does
 * so for node labels, but draws a subgraph title's `#8230;` as the text
 * `&#8230;` when labels are SVG text.
 */
export function decodeGroupTitles(svg: SVGSVGElement): void {
  for (const text of Array.from(svg.querySelectorAll('.cluster-label tspan'))) {
    for (const child of Array.from(text.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE && child.textContent) {
        child.textContent = child.textContent.replace(
          /&#(\d+);/g,
          (entity, code) => {
            const codePoint = Number(code);
            return codePoint <= 0x10ffff
              ? String.fromCodePoint(codePoint)
              : entity;
          },
        );
      }
    }
  }
}

/**
 * The diagram as a standalone SVG file: at its natural size rather than the
 * page's width, without the page's focus and role markup.
 */
export function serializeDiagram(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = diagramSize(svg);
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.style.removeProperty('max-width');
  for (const element of Array.from(
    copy.querySelectorAll(`[${NODE_ID_ATTRIBUTE}]`),
  )) {
    element.removeAttribute('tabindex');
    element.removeAttribute('role');
    element.removeAttribute(NODE_ID_ATTRIBUTE);
    (element as SVGElement).style.removeProperty('cursor');
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(
    copy,
  )}`;
}

// Browsers refuse canvases much larger than this on a side.
const MAX_CANVAS_SIDE = 16_384;

/**
 * The diagram as a PNG at twice its natural size (less for very large
 * diagrams), on the given background.
 */
export async function diagramToPng(
  svg: SVGSVGElement,
  background: string,
): Promise<Blob> {
  const { width, height } = diagramSize(svg);
  const scale = Math.min(2, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height);
  // A data URL, not an object URL: Backstage's CSP allows `data:` images only.
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () =>
      reject(new Error('The browser could not draw the diagram as an image'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
      serializeDiagram(svg),
    )}`;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext('2d');
  if (!context) {
    throw new Error('The browser offers no canvas to draw the diagram on');
  }
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      blob =>
        blob
          ? resolve(blob)
          : reject(new Error('The browser could not encode the PNG')),
      'image/png',
    ),
  );
}
