/** @jest-environment @backstage/cli/config/jest-environment-jsdom */
import type { Mermaid } from 'mermaid';
import fs from 'node:fs';
import { EntitySpec, catalogOf } from '../../testUtils/topologyCatalog';
import { graphFor } from './__testUtils__/graphFor';
import { FullGraph, collapseGroups } from './groups';
import { escapeLabel, toMermaid } from './mermaid';

/*
 * Mermaid's ES build loads each diagram type with a dynamic import(), which
 * Jest cannot run without --experimental-vm-modules. Its browser bundle has
 * every diagram inline: run it as a page would, as a script in the jsdom
 * window, and use the `mermaid` global it defines.
 */
const script = document.createElement('script');
script.textContent = fs.readFileSync(
  require.resolve('mermaid/dist/mermaid.js'),
  'utf8',
);
document.head.appendChild(script);
const mermaid = (window as unknown as { mermaid: Mermaid }).mermaid;

/** What mermaid's flowchart parser keeps of a diagram. */
type FlowDb = {
  getVertices(): Map<
    string,
    {
      id: string;
      text: string;
      classes: string[];
      link?: string;
      linkTarget?: string;
    }
  >;
  getEdges(): Array<{ start: string; end: string }>;
  getSubGraphs(): Array<{ id: string; title: string; nodes: string[] }>;
  getClasses(): Map<string, unknown>;
};

async function parse(text: string): Promise<FlowDb> {
  await expect(mermaid.parse(text)).resolves.toBeTruthy();
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  return diagram.db as unknown as FlowDb;
}

/**
 * A parsed label as the user reads it: mermaid keeps `#<code>;` entities as
 * placeholders and the renderer turns them back into characters.
 */
const readLabel = (text: string) =>
  text
    .split(/<br\s*\/?>/)
    .map(line =>
      line.replace(/ﬂ°°(\d+)¶ß/g, (_, code) =>
        String.fromCodePoint(Number(code)),
      ),
    );

const OUR_CLASSES = [
  'providerAws',
  'providerAzure',
  'providerGcp',
  'providerKubernetes',
  'statusRunning',
  'statusStopped',
  'statusError',
  'statusUnknown',
  'summary',
  'root',
];

/** Checks that the diagram holds exactly the view: its nodes, groups, edges and links, nothing else. */
async function expectDiagramOf(view: FullGraph) {
  const db = await parse(toMermaid(view));
  const vertices = db.getVertices();
  expect([...vertices.keys()].sort()).toEqual(
    view.nodes.map(node => node.id).sort(),
  );
  for (const node of view.nodes) {
    const vertex = vertices.get(node.id)!;
    expect(readLabel(vertex.text)[0]).toBe(node.title);
    if (node.url) {
      expect(vertex).toMatchObject({ link: node.url, linkTarget: '_self' });
    } else {
      expect(vertex.link).toBeUndefined();
    }
  }
  const open = view.groups.filter(group => !group.collapsed);
  expect(
    db
      .getSubGraphs()
      .map(subgraph => [subgraph.id, readLabel(subgraph.title)[0]])
      .sort(),
  ).toEqual(open.map(group => [group.id, group.label]).sort());
  expect(
    db
      .getEdges()
      .map(edge => `${edge.start} ${edge.end}`)
      .sort(),
  ).toEqual(view.edges.map(edge => `${edge.from} ${edge.to}`).sort());
  expect(
    [...db.getClasses().keys()].filter(name => !OUR_CLASSES.includes(name)),
  ).toEqual([]);
  return db;
}

/** Names that would break or inject into a diagram written without escaping. */
const ADVERSARIAL = [
  'He said "hi" & left',
  "it's a ]bracket[ {brace} (paren) |pipe|",
  'click n1 href "javascript:alert(1)" _self',
  '%% not a comment',
  '%%{init: {"securityLevel": "loose"}}%%',
  'a --> b -.-> c ==> d --- e',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '🚀 launch 👩‍💻 ünïcødé',
  'line one\nline two\r\nline three',
  'end',
  'subgraph evil',
  'class n1 statusError',
  'style n1 fill:#f00',
  'my style: big #1;',
  'classDef evil fill:#f00;',
  '#quot; #35; &amp; &#60; ﬂ°°35¶ß',
  '`**markdown**`',
  'n2["injected"]',
  ';;; --> n1',
  '\\"escaped\\" <br/> a:::b',
];

function adversarialCatalog() {
  const specs: Record<string, EntitySpec> = {
    'component:default/evil-app': {
      title: 'evil"]\nclick n1 href "https://evil.example"',
    },
  };
  ADVERSARIAL.forEach((title, i) => {
    specs[`resource:default/nasty-${i}`] = {
      title,
      type: i % 3 === 0 ? '<b>type</b> "x" %%' : 'ec2-instance',
      cloud: {
        provider: i === 1 ? 'constructor' : 'aws',
        account: i % 2 === 0 ? '111122223333' : '%%{init}%% "acct"',
        region: i % 4 === 0 ? 'eu-west-1"]\nend\nclick g1 href "x"' : 'eu/west',
        status: 'running',
      },
      dependencyOf: ['component:evil-app'],
      ...(i > 0 ? { dependsOn: [`resource:nasty-${i - 1}`] } : {}),
    };
  });
  return catalogOf(specs);
}

describe('toMermaid', () => {
  it('writes the demo System as a flowchart that mermaid parses into exactly its nodes, groups, edges and links', async () => {
    const { graph } = await graphFor('system:default/checkout');
    const db = await expectDiagramOf(graph);
    const web1 = graph.nodes.find(
      node => node.entityRef === 'resource:default/web-1',
    )!;
    expect(readLabel(db.getVertices().get(web1.id)!.text)).toEqual([
      'checkout-web-1',
      'ec2-instance',
    ]);
    expect(db.getVertices().get(web1.id)!.classes).toEqual(
      expect.arrayContaining(['providerAws', 'statusRunning']),
    );
    expect(db.getVertices().get('n1')!.classes).toContain('root');
    const vpc = graph.groups.find(group => group.label === 'VPC prod-vpc')!;
    expect(db.getSubGraphs().find(s => s.id === vpc.id)!.nodes).toEqual(
      expect.arrayContaining([web1.id]),
    );
  });

  it('draws collapsed groups as summary nodes with their count and cost', async () => {
    const { graph } = await graphFor('system:default/checkout', {
      costs: new Map([
        ['resource:default/web-1', { amount: 1234.5, currency: 'USD' }],
      ]),
    });
    const view = collapseGroups(graph, { nodeBudget: 3, expand: new Set() });
    const db = await expectDiagramOf(view);
    const aws = view.nodes.find(node => node.title === 'AWS')!;
    expect(readLabel(db.getVertices().get(aws.id)!.text)).toEqual([
      'AWS',
      '3 entities, 1,234.50 USD',
    ]);
    expect(db.getVertices().get(aws.id)!.classes).toEqual(
      expect.arrayContaining(['summary', 'providerAws', 'statusRunning']),
    );
  });

  it('cuts a long group name, never the group’s cost', async () => {
    const { graph } = await graphFor('system:default/checkout', {
      costs: new Map([
        ['resource:default/web-1', { amount: 1234.5, currency: 'USD' }],
      ]),
    });
    const name =
      'Subscription 86016ce6-955f-430c-a344-e87c89aad1c5 (platform-production)';
    const view = {
      ...graph,
      groups: graph.groups.map(group =>
        group.level === 'account' ? { ...group, label: name } : group,
      ),
    };
    const db = await parse(toMermaid(view));
    const titles = new Map(
      db.getSubGraphs().map(subgraph => [subgraph.id, subgraph.title]),
    );
    const aws = view.groups.find(group => group.level === 'provider')!;
    expect(readLabel(titles.get(aws.id)!)).toEqual(['AWS, 1,234.50 USD']);
    const account = view.groups.find(group => group.level === 'account')!;
    expect(readLabel(titles.get(account.id)!)).toEqual([
      `${name.slice(0, 59)}…, 1,234.50 USD`,
    ]);
  });

  it('keeps adversarial names as the literal text of their labels', async () => {
    const entities = adversarialCatalog();
    const { graph } = await graphFor('component:default/evil-app', {
      entities,
    });
    expect(graph.nodes).toHaveLength(ADVERSARIAL.length + 1);
    const db = await expectDiagramOf(graph);
    const vertices = db.getVertices();
    ADVERSARIAL.forEach((title, i) => {
      const node = graph.nodes.find(
        n => n.entityRef === `resource:default/nasty-${i}`,
      )!;
      expect(readLabel(vertices.get(node.id)!.text)).toEqual([
        title,
        i % 3 === 0 ? '<b>type</b> "x" %%' : 'ec2-instance',
      ]);
    });
    const labels = db.getSubGraphs().map(s => readLabel(s.title)[0]);
    expect(labels).toEqual(
      expect.arrayContaining([
        'eu-west-1"]\nend\nclick g1 href "x"',
        'Account %%{init}%% "acct"',
        'constructor',
      ]),
    );
  });

  it('cuts long names in labels, never in the node title', () => {
    const long = 'x'.repeat(100);
    expect(escapeLabel(long)).toBe(`${'x'.repeat(59)}#8230;`);
    expect(escapeLabel('a"b')).toBe('a#34;b');
    expect(escapeLabel('🚀')).toBe('#128640;');
  });
});
