import { graphFor } from './__testUtils__/graphFor';
import { FullGraph, collapseGroups } from './groups';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** The checkout System: 4 entities outside clouds, 6 in 11 groups of 3 providers. */
async function checkoutSystem() {
  const { graph } = await graphFor('system:default/checkout', {
    costs: new Map([
      ['resource:default/web-1', usd(40.5)],
      ['resource:default/subnet-a', usd(2.25)],
      ['resource:default/checkout-db', usd(57.25)],
      ['resource:default/worker-deploy', usd(10)],
    ]),
  });
  return graph;
}

const groupId = (graph: FullGraph, label: string) =>
  graph.groups.find(group => group.label === label)!.id;

const visibleIds = (view: FullGraph) => view.nodes.map(node => node.id);

describe('collapseGroups', () => {
  it('leaves a graph within the budget as it is', async () => {
    const graph = await checkoutSystem();
    const view = collapseGroups(graph, { nodeBudget: 10, expand: new Set() });
    expect(view.nodes).toEqual(graph.nodes);
    expect(view.edges).toEqual(graph.edges);
    expect(view.groups.every(group => !group.collapsed)).toBe(true);
  });

  it('opens groups from the providers inward while the budget allows, smaller ones first', async () => {
    const graph = await checkoutSystem();
    const vpc = groupId(graph, 'VPC prod-vpc');
    const view = collapseGroups(graph, { nodeBudget: 8, expand: new Set() });

    expect(view.nodes).toHaveLength(8);
    expect(
      view.groups.filter(group => group.collapsed).map(group => group.id),
    ).toEqual([vpc]);
    const summary = view.nodes.find(node => node.kind === 'summary');
    expect(summary).toEqual({
      id: vpc,
      kind: 'summary',
      entityKind: 'summary',
      title: 'VPC prod-vpc',
      provider: 'aws',
      status: 'running',
      groupId: groupId(graph, 'eu-west-1'),
      monthlyCost: usd(42.75),
      isRoot: false,
      count: 3,
    });
    // checkout-api -> web-1 now ends at the VPC; edges inside it are gone.
    const api = graph.nodes.find(
      node => node.entityRef === 'component:default/checkout-api',
    )!.id;
    expect(view.edges).toContainEqual({
      from: api,
      to: vpc,
      type: 'dependsOn',
    });
    const shown = new Set(visibleIds(view));
    expect(
      view.edges.every(edge => shown.has(edge.from) && shown.has(edge.to)),
    ).toBe(true);
    expect(view.edges).toHaveLength(graph.edges.length - 2);
  });

  it('collapses whole providers when the budget is tight, with counts and summed costs', async () => {
    const graph = await checkoutSystem();
    const view = collapseGroups(graph, { nodeBudget: 3, expand: new Set() });
    const summaries = view.nodes.filter(node => node.kind === 'summary');
    expect(
      summaries.map(({ title, count, monthlyCost, groupId: parent }) => ({
        title,
        count,
        monthlyCost,
        parent,
      })),
    ).toEqual([
      { title: 'AWS', count: 3, monthlyCost: usd(42.75), parent: undefined },
      { title: 'Azure', count: 1, monthlyCost: usd(57.25), parent: undefined },
      {
        title: 'Kubernetes',
        count: 2,
        monthlyCost: usd(10),
        parent: undefined,
      },
    ]);
    expect(view.nodes).toHaveLength(7);
    expect(view.groups.every(group => group.collapsed)).toBe(true);
  });

  it('opens a group the user expands, and the groups around it, whatever the budget', async () => {
    const graph = await checkoutSystem();
    const namespace = groupId(graph, 'Namespace checkout');
    const view = collapseGroups(graph, {
      nodeBudget: 3,
      expand: new Set([namespace]),
    });
    expect(
      view.nodes
        .map(node => node.entityRef ?? node.title)
        .filter(name => !name.startsWith('component:')),
    ).toEqual([
      'system:default/checkout',
      'resource:default/ns-checkout',
      'resource:default/worker-deploy',
      'AWS',
      'Azure',
    ]);
    expect(
      view.groups.filter(group => !group.collapsed).map(group => group.label),
    ).toEqual([
      'Kubernetes',
      'Cluster prod-eu',
      'eu-west-1',
      'Namespace checkout',
    ]);

    // Opening a group never closes one that fitted the budget.
    const vpc = groupId(graph, 'VPC prod-vpc');
    const both = collapseGroups(graph, {
      nodeBudget: 8,
      expand: new Set([vpc]),
    });
    expect(both.nodes).toEqual(graph.nodes);
    expect(both.groups.every(group => !group.collapsed)).toBe(true);
  });
});
