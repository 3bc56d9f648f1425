import type { LayoutLoaderDefinition } from 'mermaid';
import { layoutGroups, LayoutItem, Placed, Point } from './layoutGroups';

/** What of Mermaid's layout data for a flowchart the layout reads. */
type FlowNode = {
  id: string;
  domId?: string;
  label?: string;
  parentId?: string;
  isGroup: boolean;
  shape?: string;
  cssClasses?: string;
  cssCompiledStyles?: string[];
  link?: string;
  linkTarget?: string;
  minWidth?: number;
};
type FlowEdge = {
  id: string;
  start?: string;
  end?: string;
  classes?: string;
  pattern?: string;
  thickness?: string;
  arrowTypeEnd?: string;
};
type FlowLayoutData = {
  nodes: FlowNode[];
  edges: FlowEdge[];
  diagramId?: string;
  nodeSpacing?: number;
  rankSpacing?: number;
  config?: {
    fontFamily?: string;
    themeVariables?: {
      fontFamily?: string;
      fontSize?: string;
      clusterBkg?: string;
    };
  };
};
/** The d3 selection of the diagram's `<svg>` Mermaid hands a layout. */
type SvgSelection = { node(): SVGSVGElement | null };

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const NODE_PADDING_X = 15;
const NODE_PADDING_Y = 12;
const LINE_HEIGHT_EM = 1.1;
const MIN_NODE_WIDTH = 120;
/** Inside a group's border, around its title and its items. */
const GROUP_PADDING = 12;
/** Mermaid's placeholders for `#<code>;` entities, written back by Mermaid at the end. */
const ENTITY_PLACEHOLDER = /ﬂ°°(\d+)¶ß|ﬂ°(\w+)¶ß|#(\d+);/g;
const LINE_BREAK = /<br\s*\/?>/gi;

/** A label's lines, as text (never markup). */
function labelLines(label: string | undefined): string[] {
  return (label ?? '').split(LINE_BREAK);
}

/** A line as it will read once Mermaid has written its entities back. */
function shownText(line: string): string {
  return line.replace(ENTITY_PLACEHOLDER, (entity, code, name, plain) => {
    const value = Number(code ?? plain);
    if (name) {
      return ' ';
    }
    return Number.isInteger(value) && value <= 0x10ffff
      ? String.fromCodePoint(value)
      : entity;
  });
}

/**
 * Measures text with a canvas's font metrics, which needs no layout of the
 * page; where there is no canvas (jsdom), estimates from the length.
 */
function textMeasurer(font: string, fontSize: number) {
  const context =
    typeof OffscreenCanvas === 'undefined'
      ? undefined
      : new OffscreenCanvas(1, 1).getContext('2d') ?? undefined;
  if (context) {
    // A font the canvas refuses leaves the one before.
    context.font = '1px serif';
    context.font = font;
    if (context.font === '1px serif') {
      // Refused: the size at least, in the browser's own face.
      context.font = `${fontSize}px sans-serif`;
    }
  }
  const widths = new Map<string, number>();
  return (text: string): number => {
    let width = widths.get(text);
    if (width === undefined) {
      width = context
        ? context.measureText(text).width
        : text.length * fontSize * 0.6;
      widths.set(text, width);
    }
    return width;
  };
}

function element<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    created.setAttribute(key, String(value));
  }
  return created;
}

/** Text of one or more lines centred on (0, 0) of its parent. */
function textLines(lines: string[], lineHeight: number): SVGTextElement {
  const text = element('text', {
    'text-anchor': 'middle',
    'dominant-baseline': 'central',
  });
  const top = (-(lines.length - 1) * lineHeight) / 2;
  lines.forEach((line, index) => {
    const row = element('tspan', {
      class: 'text-outer-tspan row',
      x: 0,
      y: top + index * lineHeight,
    });
    // Text content, never markup: what a label says cannot become an element.
    row.textContent = line;
    text.appendChild(row);
  });
  return text;
}

const round = (value: number) => Math.round(value * 100) / 100;
const pathOf = ([start, c1, c2, end]: Point[]) =>
  `M${round(start.x)},${round(start.y)}C${round(c1.x)},${round(c1.y)},${round(
    c2.x,
  )},${round(c2.y)},${round(end.x)},${round(end.y)}`;

/**
 * Draws a flowchart's nodes, groups and edges where {@link layoutGroups}
 * places them, as the elements Mermaid's own layouts draw (`g.cluster`,
 * `g.node` with a `.label-container`, `path.flowchart-link`, the ids Mermaid
 * gave them), so that Mermaid's styles, the diagram's classes and the
 * Topology tab's handling apply unchanged.
 */
async function render(
  data: FlowLayoutData,
  svgSelection: SvgSelection,
): Promise<void> {
  const svg = svgSelection.node();
  if (!svg) {
    return;
  }
  const diagramId = data.diagramId ?? svg.id;
  const themeVariables = data.config?.themeVariables ?? {};
  // Mermaid's `fontFamily` setting ends with a `;` (it goes into CSS as is),
  // which a canvas font refuses.
  const fontFamily = (
    themeVariables.fontFamily ??
    data.config?.fontFamily ??
    '"trebuchet ms", verdana, arial, sans-serif'
  ).replace(/[;\s]+$/, '');
  const fontSize = parseFloat(themeVariables.fontSize ?? '16') || 16;
  const lineHeight = fontSize * LINE_HEIGHT_EM;
  const measure = textMeasurer(`${fontSize}px ${fontFamily}`, fontSize);

  const nodesById = new Map(data.nodes.map(node => [node.id, node]));
  const lines = new Map<string, string[]>();
  const items: LayoutItem[] = data.nodes.map(node => {
    const rows = labelLines(node.label);
    lines.set(node.id, rows);
    const textWidth = Math.max(0, ...rows.map(row => measure(shownText(row))));
    if (node.isGroup) {
      return {
        id: node.id,
        parentId: node.parentId,
        isGroup: true,
        width: textWidth + 2 * NODE_PADDING_X,
        height: lineHeight,
      };
    }
    return {
      id: node.id,
      parentId: node.parentId,
      isGroup: false,
      width: Math.max(
        node.minWidth ?? MIN_NODE_WIDTH,
        textWidth + 2 * NODE_PADDING_X,
      ),
      height: rows.length * lineHeight + 2 * NODE_PADDING_Y,
    };
  });
  const links = data.edges.flatMap(edge =>
    edge.start && edge.end
      ? [{ id: edge.id, start: edge.start, end: edge.end }]
      : [],
  );
  const nodeSpacing = data.nodeSpacing ?? 50;
  const rankSpacing = data.rankSpacing ?? 50;
  const layout = layoutGroups(items, links, {
    nodeSpacing: nodeSpacing / 2,
    rankSpacing,
    groupPadding: GROUP_PADDING,
    titleGap: 8,
  });

  const root =
    svg.querySelector<SVGGElement>(':scope > g') ??
    svg.appendChild(element('g', {}));
  const markerId = `${diagramId}_flowchart-v2-pointEnd`;
  const marker = element('marker', {
    id: markerId,
    class: 'marker flowchart-v2',
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerUnits: 'userSpaceOnUse',
    markerWidth: 8,
    markerHeight: 8,
    orient: 'auto',
  });
  marker.appendChild(
    element('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowMarkerPath' }),
  );

  const container = element('g', { class: 'root' });
  const clusters = element('g', { class: 'clusters' });
  const edgePaths = element('g', { class: 'edgePaths' });
  const clusterLabels = element('g', { class: 'cluster-labels' });
  const nodes = element('g', { class: 'nodes' });
  // As Mermaid draws them, edges go under the nodes, so that labels stay
  // readable; an edge that passes under a node ends in its arrowhead (links
  // into a group end at its near side, see layoutGroups, so few do). Group
  // titles go over the edges, with a halo of the group's fill.
  container.append(clusters, edgePaths, clusterLabels, nodes);
  const titleHalo = `stroke:${
    themeVariables.clusterBkg ?? '#ffffde'
  };stroke-width:5px;stroke-linejoin:round;paint-order:stroke`;

  // `placed` holds every group before what it contains: nested groups are
  // drawn over their parents.
  for (const [id, box] of layout.placed) {
    const node = nodesById.get(id)!;
    if (node.isGroup) {
      const { group, title } = drawGroup(node, box, lines, lineHeight);
      title.setAttribute('style', titleHalo);
      clusters.appendChild(group);
      clusterLabels.appendChild(title);
    } else {
      nodes.appendChild(drawNode(node, box, lines, lineHeight));
    }
  }
  for (const edge of data.edges) {
    const curve = layout.curves.get(edge.id);
    if (!curve) {
      continue;
    }
    const pattern = edge.pattern === 'dotted' ? 'dotted' : 'solid';
    const path = element('path', {
      d: pathOf(curve),
      id: `${diagramId}-${edge.id}`,
      class: `edge-thickness-normal edge-pattern-${pattern} flowchart-link`,
      'data-edge': 'true',
      'data-id': edge.id,
      style: 'fill:none',
    });
    if (pattern === 'dotted') {
      path.style.setProperty('stroke-dasharray', '3 3');
    }
    if (edge.arrowTypeEnd && edge.arrowTypeEnd !== 'none') {
      path.setAttribute('marker-end', `url(#${markerId})`);
    }
    edgePaths.appendChild(path);
  }
  root.append(marker, container);
}

/** A group's box, and its title, drawn apart over the edges. */
function drawGroup(
  node: FlowNode,
  box: Placed,
  lines: Map<string, string[]>,
  lineHeight: number,
): { group: SVGGElement; title: SVGGElement } {
  const id = node.domId ?? node.id;
  const group = element('g', { class: 'cluster', id });
  group.appendChild(
    element('rect', {
      x: round(box.x),
      y: round(box.y),
      width: round(box.width),
      height: round(box.height),
    }),
  );
  const title = element('g', {
    class: 'cluster-label',
    'data-cluster': id,
    transform: `translate(${round(box.x + box.width / 2)}, ${round(
      box.y + GROUP_PADDING + lineHeight / 2,
    )})`,
  });
  title.appendChild(textLines(lines.get(node.id) ?? [], lineHeight));
  return { group, title };
}

function drawNode(
  node: FlowNode,
  box: Placed,
  lines: Map<string, string[]>,
  lineHeight: number,
): SVGElement {
  const group = element('g', {
    class: `node ${node.cssClasses ?? 'default'}`,
    id: node.domId ?? node.id,
    transform: `translate(${round(box.x + box.width / 2)}, ${round(
      box.y + box.height / 2,
    )})`,
  });
  const styles = (node.cssCompiledStyles ?? [])
    .map(style => `${style} !important`)
    .join(';');
  group.appendChild(
    element('rect', {
      class: 'basic label-container',
      style: styles,
      x: round(-box.width / 2),
      y: round(-box.height / 2),
      width: round(box.width),
      height: round(box.height),
    }),
  );
  if (node.shape === 'subroutine') {
    // A summary of a collapsed group: Mermaid's `[[ ]]`, a box with bars.
    const inset = 8;
    const left = -box.width / 2 + inset;
    const right = box.width / 2 - inset;
    const top = -box.height / 2;
    const bottom = box.height / 2;
    group.appendChild(
      element('path', {
        class: 'subroutine-bars',
        d: `M${round(left)},${round(top)}V${round(bottom)}M${round(
          right,
        )},${round(top)}V${round(bottom)}`,
        style: 'fill:none',
      }),
    );
  }
  const label = element('g', { class: 'label' });
  label.appendChild(textLines(lines.get(node.id) ?? [], lineHeight));
  group.appendChild(label);
  if (!node.link) {
    return group;
  }
  // As Mermaid draws a node with a `click ... href`: the node in a link.
  const link = document.createElementNS(SVG_NS, 'a');
  link.setAttributeNS(XLINK_NS, 'xlink:href', node.link);
  if (node.linkTarget) {
    link.setAttribute('target', node.linkTarget);
  }
  link.appendChild(group);
  return link;
}

/**
 * The name of the grouped layout: what to pass as Mermaid's `layout` once
 * {@link groupedLayoutLoader} is registered.
 */
export const GROUPED_LAYOUT = 'multicloud-grouped';

/**
 * A Mermaid layout for topologies, to register with
 * `mermaid.registerLayoutLoaders([groupedLayoutLoader])`: nested groups laid
 * out each on its own, left to right, drawn with Mermaid's element
 * structure and classes. It draws a thousand-node topology in about two
 * seconds where dagre and ELK take 20 seconds to a minute (the topology
 * benchmark).
 *
 * It draws what the topology API writes, and no more: flowcharts left to
 * right (whatever direction the text names), rectangles (the `[[ ]]` of a
 * collapsed group with its bars), plain and dotted arrows. Edge labels and
 * edges from a node to itself, which topologies do not have, are not drawn.
 *
 * @public
 */
export const groupedLayoutLoader: LayoutLoaderDefinition = {
  name: GROUPED_LAYOUT,
  loader: async () => ({
    render: (data, svg) =>
      render(data as unknown as FlowLayoutData, svg as unknown as SvgSelection),
  }),
};
