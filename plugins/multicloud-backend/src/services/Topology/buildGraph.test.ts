import { TOPOLOGY_DEMO, catalogOf } from '../../testUtils/topologyCatalog';
import { edgesOf, graphFor, groupsOf, refsOf } from './__testUtils__/graphFor';

const CHECKOUT_SYSTEM_GRAPH = [
  'component:default/checkout-api',
  'component:default/checkout-web',
  'component:default/checkout-worker',
  'resource:default/checkout-db',
  'resource:default/ns-checkout',
  'resource:default/sg-web',
  'resource:default/subnet-a',
  'resource:default/web-1',
  'resource:default/worker-deploy',
  'system:default/checkout',
];

describe('buildGraph on the demo catalog', () => {
  it('shows what a Component runs on, two hops deep, grouped by provider, account, region and network', async () => {
    const { graph } = await graphFor('component:default/checkout-api');
    expect(refsOf(graph)).toEqual([
      'component:default/checkout-api',
      'resource:default/checkout-db',
      'resource:default/sg-web',
      'resource:default/subnet-a',
      'resource:default/web-1',
    ]);
    expect(edgesOf(graph)).toEqual([
      'component:checkout-api -dependsOn-> resource:checkout-db',
      'component:checkout-api -dependsOn-> resource:web-1',
      'resource:web-1 -dependsOn-> resource:sg-web',
      'resource:web-1 -dependsOn-> resource:subnet-a',
    ]);
    expect(graph.nodes[0]).toMatchObject({
      id: 'n1',
      kind: 'entity',
      entityRef: 'component:default/checkout-api',
      entityKind: 'component',
      title: 'checkout-api',
      type: 'service',
      status: 'unknown',
      isRoot: true,
      url: '/catalog/default/component/checkout-api',
    });
    expect(graph.nodes[0].groupId).toBeUndefined();
    // The VPC is three hops from the component: outside the graph, but the
    // chain to it is read to find the network of web-1, subnet-a and sg-web.
    for (const ref of ['web-1', 'subnet-a', 'sg-web']) {
      expect(groupsOf(graph, `resource:default/${ref}`)).toBe(
        'AWS > Account 111122223333 > eu-west-1 > VPC prod-vpc',
      );
    }
    expect(groupsOf(graph, 'resource:default/checkout-db')).toBe(
      'Azure > Subscription 0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d > westeurope',
    );
    expect(
      graph.nodes.find(n => n.entityRef === 'resource:default/web-1'),
    ).toMatchObject({
      title: 'checkout-web-1',
      type: 'ec2-instance',
      provider: 'aws',
      status: 'running',
      isRoot: false,
      url: '/catalog/default/resource/web-1',
    });
    expect(graph.groups).toEqual([
      {
        id: 'g1',
        key: 'aws',
        level: 'provider',
        label: 'AWS',
        collapsed: false,
        nodeCount: 3,
      },
      {
        id: 'g2',
        key: 'aws/111122223333',
        level: 'account',
        label: 'Account 111122223333',
        parentId: 'g1',
        collapsed: false,
        nodeCount: 3,
      },
      {
        id: 'g3',
        key: 'aws/111122223333/eu-west-1',
        level: 'region',
        label: 'eu-west-1',
        parentId: 'g2',
        collapsed: false,
        nodeCount: 3,
      },
      {
        id: 'g4',
        key: 'aws/111122223333/eu-west-1/resource%3Adefault%2Fprod-vpc',
        level: 'network',
        label: 'VPC prod-vpc',
        parentId: 'g3',
        collapsed: false,
        nodeCount: 3,
      },
      {
        id: 'g5',
        key: 'azure',
        level: 'provider',
        label: 'Azure',
        collapsed: false,
        nodeCount: 1,
      },
      {
        id: 'g6',
        key: 'azure/0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d',
        level: 'account',
        label: 'Subscription 0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d',
        parentId: 'g5',
        collapsed: false,
        nodeCount: 1,
      },
      {
        id: 'g7',
        key: 'azure/0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d/westeurope',
        level: 'region',
        label: 'westeurope',
        parentId: 'g6',
        collapsed: false,
        nodeCount: 1,
      },
    ]);
  });

  it('follows as many hops as the depth says', async () => {
    const one = await graphFor('component:default/checkout-api', { depth: 1 });
    expect(refsOf(one.graph)).toEqual([
      'component:default/checkout-api',
      'resource:default/checkout-db',
      'resource:default/web-1',
    ]);
    const three = await graphFor('component:default/checkout-api', {
      depth: 3,
    });
    expect(refsOf(three.graph)).toEqual([
      'component:default/checkout-api',
      'resource:default/checkout-db',
      'resource:default/prod-vpc',
      'resource:default/sg-web',
      'resource:default/subnet-a',
      'resource:default/web-1',
    ]);
    expect(edgesOf(three.graph)).toContain(
      'resource:subnet-a -dependsOn-> resource:prod-vpc',
    );
    expect(groupsOf(three.graph, 'resource:default/prod-vpc')).toBe(
      'AWS > Account 111122223333 > eu-west-1 > VPC prod-vpc',
    );
  });

  it("shows a System as the union of its components' graphs", async () => {
    const { graph } = await graphFor('system:default/checkout');
    expect(refsOf(graph)).toEqual(CHECKOUT_SYSTEM_GRAPH);

    const union = new Set(['system:default/checkout']);
    for (const component of [
      'checkout-web',
      'checkout-api',
      'checkout-worker',
    ]) {
      const part = await graphFor(`component:default/${component}`);
      refsOf(part.graph).forEach(ref => union.add(ref));
    }
    expect([...union].sort()).toEqual(CHECKOUT_SYSTEM_GRAPH);

    expect(edgesOf(graph)).toEqual([
      'component:checkout-api -dependsOn-> resource:checkout-db',
      'component:checkout-api -dependsOn-> resource:web-1',
      'component:checkout-web -dependsOn-> component:checkout-api',
      'component:checkout-worker -dependsOn-> resource:worker-deploy',
      'resource:web-1 -dependsOn-> resource:sg-web',
      'resource:web-1 -dependsOn-> resource:subnet-a',
      'resource:worker-deploy -dependsOn-> resource:ns-checkout',
      'system:checkout -hasPart-> component:checkout-api',
      'system:checkout -hasPart-> component:checkout-web',
      'system:checkout -hasPart-> component:checkout-worker',
    ]);
    expect(groupsOf(graph, 'resource:default/worker-deploy')).toBe(
      'Kubernetes > Cluster prod-eu > eu-west-1 > Namespace checkout',
    );
    expect(groupsOf(graph, 'resource:default/ns-checkout')).toBe(
      'Kubernetes > Cluster prod-eu > eu-west-1 > Namespace checkout',
    );
    expect(
      graph.nodes.find(n => n.entityRef === 'resource:default/worker-deploy')
        ?.status,
    ).toBe('error');
  });

  it('shows what a Group owns, and a Domain its systems', async () => {
    const team = await graphFor('group:default/checkout-team');
    expect(refsOf(team.graph)).toEqual(
      [
        ...CHECKOUT_SYSTEM_GRAPH,
        'domain:default/commerce',
        'group:default/checkout-team',
      ].sort(),
    );
    expect(
      edgesOf(team.graph).filter(edge => edge.includes('-ownerOf->')),
    ).toEqual([
      'group:checkout-team -ownerOf-> component:checkout-api',
      'group:checkout-team -ownerOf-> component:checkout-web',
      'group:checkout-team -ownerOf-> component:checkout-worker',
      'group:checkout-team -ownerOf-> domain:commerce',
      'group:checkout-team -ownerOf-> system:checkout',
    ]);
    expect(team.graph.nodes[0]).toMatchObject({
      entityKind: 'group',
      title: 'Checkout team',
      isRoot: true,
    });

    const domain = await graphFor('domain:default/commerce');
    expect(refsOf(domain.graph)).toEqual(
      [...CHECKOUT_SYSTEM_GRAPH, 'domain:default/commerce'].sort(),
    );
    expect(edgesOf(domain.graph)).toContain(
      'domain:commerce -hasPart-> system:checkout',
    );
  });

  it("shows a Resource's neighbourhood both ways, or one way when asked", async () => {
    const both = await graphFor('resource:default/web-1', {
      direction: 'both',
    });
    expect(refsOf(both.graph)).toEqual([
      'component:default/checkout-api',
      'component:default/checkout-web',
      'resource:default/checkout-db',
      'resource:default/eni-1',
      'resource:default/prod-vpc',
      'resource:default/sg-web',
      'resource:default/subnet-a',
      'resource:default/vol-1',
      'resource:default/web-1',
      'resource:default/web-2',
      'system:default/checkout',
    ]);
    expect(edgesOf(both.graph)).toEqual(
      expect.arrayContaining([
        'resource:vol-1 -dependsOn-> resource:web-1',
        'component:checkout-api -dependsOn-> resource:web-1',
        'resource:eni-1 -dependsOn-> resource:subnet-a',
        'system:checkout -hasPart-> component:checkout-api',
      ]),
    );

    const downstream = await graphFor('resource:default/web-1');
    expect(refsOf(downstream.graph)).toEqual([
      'resource:default/prod-vpc',
      'resource:default/sg-web',
      'resource:default/subnet-a',
      'resource:default/web-1',
    ]);

    const upstream = await graphFor('resource:default/subnet-a', {
      direction: 'upstream',
      depth: 1,
    });
    expect(refsOf(upstream.graph)).toEqual([
      'resource:default/eni-1',
      'resource:default/subnet-a',
      'resource:default/web-1',
      'resource:default/web-2',
    ]);
    expect(
      upstream.graph.nodes.find(n => n.entityRef === 'resource:default/web-2')
        ?.status,
    ).toBe('stopped');
  });

  it('reads the chain to a network at most three hops beyond the graph', async () => {
    const { graph } = await graphFor('resource:default/eip-1', {
      direction: 'downstream',
      depth: 1,
    });
    expect(refsOf(graph)).toEqual([
      'resource:default/eip-1',
      'resource:default/eni-1',
    ]);
    // eip-1 -> eni-1 -> subnet-a -> prod-vpc: three hops.
    expect(groupsOf(graph, 'resource:default/eip-1')).toBe(
      'AWS > Account 111122223333 > eu-west-1 > VPC prod-vpc',
    );

    const further = catalogOf({
      ...TOPOLOGY_DEMO,
      'resource:default/dns-record': {
        type: 'route53-record',
        cloud: {
          provider: 'aws',
          account: '111122223333',
          region: 'eu-west-1',
        },
        dependsOn: ['resource:eip-1'],
      },
    });
    const fourHops = await graphFor('resource:default/dns-record', {
      direction: 'downstream',
      depth: 1,
      entities: further,
    });
    expect(groupsOf(fourHops.graph, 'resource:default/dns-record')).toBe(
      'AWS > Account 111122223333 > eu-west-1',
    );
    expect(groupsOf(fourHops.graph, 'resource:default/eip-1')).toBe(
      'AWS > Account 111122223333 > eu-west-1 > VPC prod-vpc',
    );
  });

  it('reads the catalog once per level, never the same entity twice', async () => {
    const { requested } = await graphFor('system:default/checkout');
    expect(requested).toEqual([
      ['system:default/checkout'],
      expect.arrayContaining([
        'component:default/checkout-api',
        'component:default/checkout-web',
        'component:default/checkout-worker',
      ]),
      expect.arrayContaining([
        'resource:default/web-1',
        'resource:default/checkout-db',
        'resource:default/worker-deploy',
      ]),
      expect.arrayContaining([
        'resource:default/subnet-a',
        'resource:default/sg-web',
        'resource:default/ns-checkout',
      ]),
      // The network chain beyond the graph: subnet-a and sg-web -> prod-vpc.
      ['resource:default/prod-vpc'],
    ]);
    const all = requested.flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('places a GCP network under the region of the resources in it', async () => {
    const { graph } = await graphFor('component:default/event-pipeline');
    expect(groupsOf(graph, 'resource:default/ingest-1')).toBe(
      'Google Cloud > Project data-prod > europe-west1-b > VPC network default',
    );
    expect(
      graph.nodes.find(n => n.entityRef === 'resource:default/ingest-1')
        ?.status,
    ).toBe('running');
  });

  it('sums the costs of the entities of each group', async () => {
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const { graph } = await graphFor('component:default/checkout-api', {
      costs: new Map([
        ['component:default/checkout-api', usd(100)],
        ['resource:default/web-1', usd(40.5)],
        ['resource:default/subnet-a', usd(2.25)],
        ['resource:default/checkout-db', usd(57.25)],
      ]),
    });
    expect(
      graph.nodes.find(n => n.entityRef === 'resource:default/web-1')
        ?.monthlyCost,
    ).toEqual(usd(40.5));
    expect(
      graph.nodes.find(n => n.entityRef === 'resource:default/sg-web')
        ?.monthlyCost,
    ).toBeUndefined();
    expect(
      Object.fromEntries(graph.groups.map(g => [g.label, g.monthlyCost])),
    ).toEqual({
      AWS: usd(42.75),
      'Account 111122223333': usd(42.75),
      'eu-west-1': usd(42.75),
      'VPC prod-vpc': usd(42.75),
      Azure: usd(57.25),
      'Subscription 0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d': usd(57.25),
      westeurope: usd(57.25),
    });
  });
});
