import {
  TopologyCost,
  TopologyGroup,
  TopologyNode,
  TopologyStatus,
} from '@multicloud/plugin-multicloud-common';
import { FullGraph } from './groups';

/**
 * Characters that are plain text inside a quoted Mermaid label. Everything
 * else (quotes, brackets, `#`, `%`, `;`, `:`, `<`, `>`, `|`, backticks, line
 * breaks, any non-ASCII character) is written as Mermaid's `#<code>;`
 * entity, which Mermaid turns back into the character only when it draws
 * the text: it can no longer end the label, start a comment, an edge, a
 * click or markup. `:` too, because Mermaid's preprocessing drops the last
 * `;` of any line matching `style.*:\S*#.*;`, which would cut an entity.
 */
const SAFE = /^[A-Za-z0-9 .,_/-]$/;
/** Longer names are cut (the node's `title` keeps the whole name). */
const MAX_LABEL_CHARS = 60;

/** A Map: provider names are annotation text, never object keys to look up. */
const PROVIDER_CLASSES = new Map([
  ['aws', 'providerAws'],
  ['azure', 'providerAzure'],
  ['gcp', 'providerGcp'],
  ['kubernetes', 'providerKubernetes'],
]);

const STATUS_CLASSES: Record<TopologyStatus, string> = {
  running: 'statusRunning',
  stopped: 'statusStopped',
  error: 'statusError',
  unknown: 'statusUnknown',
};

/** Fills by provider, borders by status, so a node shows both. */
const CLASS_DEFS = [
  'classDef providerAws fill:#fff3e0',
  'classDef providerAzure fill:#e3f2fd',
  'classDef providerGcp fill:#e8f5e9',
  'classDef providerKubernetes fill:#ede7f6',
  'classDef statusRunning stroke:#2e7d32,stroke-width:2px',
  'classDef statusStopped stroke:#757575,stroke-width:2px,stroke-dasharray:4 3',
  'classDef statusError stroke:#c62828,stroke-width:3px',
  'classDef statusUnknown stroke:#9e9e9e,stroke-width:1px',
  'classDef summary fill:#fafafa,stroke-dasharray:2 2',
  'classDef root stroke-width:4px',
];

/** `text` as the inside of a quoted Mermaid label, every unsafe character as an entity. */
export function escapeLabel(text: string): string {
  const chars = [...text];
  const shown =
    chars.length > MAX_LABEL_CHARS
      ? [...chars.slice(0, MAX_LABEL_CHARS - 1), '…']
      : chars;
  return shown
    .map(char => (SAFE.test(char) ? char : `#${char.codePointAt(0)};`))
    .join('');
}

/** `1,234.50 USD`; by hand, as `toLocaleString` costs milliseconds on a large graph. */
function formatCost(cost: TopologyCost): string {
  const [whole, cents] = Math.abs(cost.amount).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cost.amount < 0 ? '-' : ''}${grouped}.${cents} ${cost.currency}`;
}

/** Label lines, each escaped, joined by Mermaid's line break. */
const label = (...lines: Array<string | undefined>) =>
  lines
    .filter((line): line is string => Boolean(line))
    .map(escapeLabel)
    .join('<br/>');

function nodeLine(node: TopologyNode): string {
  const cost = node.monthlyCost ? formatCost(node.monthlyCost) : undefined;
  if (node.kind === 'summary') {
    const count = `${node.count} ${node.count === 1 ? 'entity' : 'entities'}`;
    return `${node.id}[["${label(
      node.title,
      [count, cost].filter(Boolean).join(', '),
    )}"]]`;
  }
  return `${node.id}["${label(
    node.title,
    [node.type ?? node.entityKind, cost].filter(Boolean).join(', '),
  )}"]`;
}

/**
 * One line, as nested groups leave room for one (dagre); only the name is
 * cut, so that a long one never cuts off the cost.
 */
const groupLine = (group: TopologyGroup) =>
  `subgraph ${group.id}["${[
    group.label,
    group.monthlyCost && formatCost(group.monthlyCost),
  ]
    .filter((part): part is string => Boolean(part))
    .map(escapeLabel)
    .join(', ')}"]`;

/**
 * The visible graph as a Mermaid flowchart: open groups as nested
 * subgraphs, a class per provider and per status, links to entity pages.
 * Ids are the generated node and group ids; every label is escaped text.
 */
export function toMermaid(view: FullGraph): string {
  const lines = ['flowchart LR'];
  const nodesIn = new Map<string | undefined, TopologyNode[]>();
  for (const node of view.nodes) {
    const list = nodesIn.get(node.groupId) ?? [];
    list.push(node);
    nodesIn.set(node.groupId, list);
  }
  const openChildren = new Map<string | undefined, TopologyGroup[]>();
  for (const group of view.groups) {
    if (!group.collapsed) {
      const list = openChildren.get(group.parentId) ?? [];
      list.push(group);
      openChildren.set(group.parentId, list);
    }
  }
  const write = (groupId: string | undefined, indent: string) => {
    for (const group of openChildren.get(groupId) ?? []) {
      lines.push(`${indent}${groupLine(group)}`);
      write(group.id, `${indent}  `);
      lines.push(`${indent}end`);
    }
    for (const node of nodesIn.get(groupId) ?? []) {
      lines.push(`${indent}${nodeLine(node)}`);
    }
  };
  write(undefined, '  ');

  for (const edge of view.edges) {
    lines.push(
      `  ${edge.from} ${edge.type === 'dependsOn' ? '-->' : '-.->'} ${edge.to}`,
    );
  }

  lines.push(...CLASS_DEFS.map(def => `  ${def}`));
  const classes = new Map<string, string[]>();
  const addClass = (name: string | undefined, id: string) => {
    if (name) {
      classes.set(name, [...(classes.get(name) ?? []), id]);
    }
  };
  for (const node of view.nodes) {
    addClass(PROVIDER_CLASSES.get(node.provider ?? ''), node.id);
    addClass(STATUS_CLASSES[node.status], node.id);
    addClass(node.kind === 'summary' ? 'summary' : undefined, node.id);
    addClass(node.isRoot ? 'root' : undefined, node.id);
  }
  for (const [name, ids] of classes) {
    lines.push(`  class ${ids.join(',')} ${name}`);
  }
  for (const node of view.nodes) {
    if (node.url) {
      lines.push(`  click ${node.id} href "${node.url}" _self`);
    }
  }
  return `${lines.join('\n')}\n`;
}
