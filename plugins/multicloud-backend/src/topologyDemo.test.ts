import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import {
  MulticloudHealth,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import {
  demoCatalogConfig,
  schedulerProbe,
  until,
} from './testUtils/testBackend';

jest.setTimeout(300_000);

const INVERSE: Record<string, string> = {
  dependencyOf: 'dependsOn',
  ownedBy: 'ownerOf',
  partOf: 'hasPart',
};

type Relations = { relations?: Array<{ type: string; targetRef: string }> };

/**
 * Whether the catalog serves both sides of every relation the resources
 * state to an existing entity: the catalog adds a component's or group's side
 * only when it next stitches that entity, some time after the resource itself
 * is served.
 */
async function bothSidesServed(server: Parameters<typeof request>[0]) {
  const res = await request(server).get(
    '/api/catalog/entities?fields=kind,metadata.namespace,metadata.name,relations',
  );
  const entities = res.body as Array<
    Relations & { kind: string; metadata: { namespace?: string; name: string } }
  >;
  const refOf = (e: (typeof entities)[number]) =>
    `${e.kind.toLocaleLowerCase('en-US')}:${
      e.metadata.namespace ?? 'default'
    }/${e.metadata.name}`;
  const served = new Set(
    entities.flatMap(e =>
      (e.relations ?? []).map(r => `${refOf(e)} ${r.type} ${r.targetRef}`),
    ),
  );
  const known = new Set(entities.map(refOf));
  return entities
    .filter(e => e.kind === 'Resource')
    .every(e =>
      (e.relations ?? []).every(
        r =>
          !INVERSE[r.type] ||
          !known.has(r.targetRef) ||
          served.has(`${r.targetRef} ${INVERSE[r.type]} ${refOf(e)}`),
      ),
    );
}

const LEVELS = ['provider', 'account', 'region', 'network'];

/** Checks what must hold of any topology: nested groups in level order, members of the right provider, edges between shown nodes. */
function expectWellFormed(body: TopologyResponse) {
  const groups = new Map(body.groups.map(group => [group.id, group]));
  for (const group of body.groups) {
    const parent = group.parentId ? groups.get(group.parentId) : undefined;
    expect(LEVELS.indexOf(group.level)).toBe(
      parent ? LEVELS.indexOf(parent.level) + 1 : 0,
    );
  }
  const ids = new Set(body.nodes.map(node => node.id));
  for (const node of body.nodes) {
    if (node.groupId) {
      let top = groups.get(node.groupId)!;
      while (top.parentId) {
        top = groups.get(top.parentId)!;
      }
      expect(top.key).toBe(node.provider);
    }
    if (node.kind === 'entity') {
      expect(node.url).toMatch(/^\/catalog\/default\/[a-z]+\/[a-z0-9.-]+$/);
    }
  }
  for (const edge of body.edges) {
    expect(ids.has(edge.from) && ids.has(edge.to)).toBe(true);
  }
  expect(body.visibleNodes).toBe(body.nodes.length);
  expect(body.mermaid).toMatch(/^flowchart LR\n/);
}

/** Labels of the groups around a node, outermost first. */
function groupLabels(body: TopologyResponse, nodeId: string): string[] {
  const groups = new Map(body.groups.map(group => [group.id, group]));
  const labels: string[] = [];
  let id = body.nodes.find(node => node.id === nodeId)?.groupId;
  while (id) {
    const group = groups.get(id)!;
    labels.unshift(group.label);
    id = group.parentId;
  }
  return labels;
}

describe('topology of the demo catalog, through the real catalog', () => {
  it('groups the demo inventory by provider, account, region and network for every kind of entity', async () => {
    const { probe, module } = schedulerProbe();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMulticloud,
        multicloudPlugin,
        module,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              ...demoCatalogConfig(),
              processingInterval: { seconds: 1 },
            },
          },
        }),
      ],
    });
    await until(
      () =>
        request(server).get(
          '/api/catalog/entities/by-name/system/default/checkout',
        ),
      res => res.status === 200,
      'the catalog to serve the checkout system',
    );
    await probe.scheduler!.triggerTask('MulticloudEntityProvider:demo:refresh');
    await until(
      async () =>
        (
          await request(server).get('/api/multicloud/health')
        ).body as MulticloudHealth,
      health => Boolean(health.sources[0]?.ingested),
      'the catalog to serve the demo inventory',
    );
    await until(
      () => bothSidesServed(server),
      served => served,
      'the catalog to serve both sides of the resources’ relations',
    );
    const topology = async (query: Record<string, string>) => {
      const res = await request(server)
        .get('/api/multicloud/topology')
        .query(query);
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 200,
      });
      expectWellFormed(res.body);
      return res.body as TopologyResponse;
    };

    const system = await topology({ entityRef: 'system:default/checkout' });
    const ofType = (body: TopologyResponse, type: string) =>
      body.nodes.filter(node => node.type === type);
    expect(ofType(system, 'ec2-instance').length).toBeGreaterThan(0);
    for (const instance of ofType(system, 'ec2-instance')) {
      expect(groupLabels(system, instance.id)).toEqual([
        'AWS',
        expect.stringMatching(/^Account \d{12}$/),
        expect.stringMatching(/^[a-z]{2}-[a-z]+-\d$/),
        expect.stringMatching(/^VPC /),
      ]);
    }
    expect(ofType(system, 'kubernetes-deployment').length).toBeGreaterThan(0);
    for (const deployment of ofType(system, 'kubernetes-deployment')) {
      expect(groupLabels(system, deployment.id)).toEqual([
        'Kubernetes',
        expect.stringMatching(/^Cluster (prod|staging)-eu$/),
        expect.any(String),
        expect.stringMatching(/^Namespace /),
      ]);
    }
    const components = system.nodes.filter(n => n.entityKind === 'component');
    expect(components.map(c => c.entityRef)).toEqual(
      expect.arrayContaining([
        'component:default/checkout-api',
        'component:default/checkout-web',
      ]),
    );
    expect(
      system.edges.filter(edge => edge.from === 'n1' && edge.type === 'hasPart')
        .length,
    ).toBeGreaterThanOrEqual(components.length);

    const component = await topology({
      entityRef: 'component:default/checkout-api',
    });
    expect(component.nodes[0]).toMatchObject({
      id: 'n1',
      isRoot: true,
      entityKind: 'component',
    });
    expect(
      component.edges.some(e => e.from === 'n1' && e.type === 'dependsOn'),
    ).toBe(true);

    const vpc = ofType(system, 'vpc')[0];
    const resource = await topology({ entityRef: vpc.entityRef! });
    expect(resource.direction).toBe('both');
    // What sits in the VPC depends on it: a neighbourhood, not just the VPC.
    expect(resource.totalNodes).toBeGreaterThan(1);

    const domain = await topology({ entityRef: 'domain:default/commerce' });
    const team = await topology({ entityRef: 'group:default/checkout-team' });
    expect(domain.totalNodes).toBeGreaterThan(system.totalNodes);
    // The team owns the commerce domain and more: above the node budget.
    expect(team.totalNodes).toBeGreaterThan(team.nodeBudget);
    expect(team.visibleNodes).toBeLessThanOrEqual(team.nodeBudget);
    expect(team.nodes.some(node => node.kind === 'summary')).toBe(true);
  });
});
