import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TopologyResponse } from '@multicloud/plugin-multicloud-common';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import { addDays, eachDay } from './services/CostAnalytics/dates';
import {
  catalogServiceAt,
  unreachableCatalogUrl,
} from './services/Topology/__testUtils__/catalogStandIns';
import { focusCsv, focusRow } from './testUtils/focusFiles';
import { topologyDemoCatalog } from './testUtils/topologyCatalog';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const OUTSIDER = 'user:default/outsider';

/**
 * The catalog as a caller sees it: entities in `hidden` are not readable for
 * OUTSIDER (as a permission policy would have it), and are for everyone else.
 */
function catalogFactory(entities: Entity[], hidden: string[] = []) {
  const catalog = catalogServiceMock({ entities });
  const mayRead = (
    credentials: Parameters<CatalogService['getEntityByRef']>[1]['credentials'],
    ref: string,
  ) =>
    !hidden.includes(ref) ||
    (credentials.principal as { userEntityRef?: string }).userEntityRef !==
      OUTSIDER;
  const service = new Proxy(catalog, {
    get(target, property: keyof CatalogService) {
      if (property === 'getEntitiesByRefs') {
        return async (
          ...[entityRequest, options]: Parameters<
            CatalogService['getEntitiesByRefs']
          >
        ) => {
          const { items } = await target.getEntitiesByRefs(
            entityRequest,
            options,
          );
          return {
            items: items.map((entity, i) =>
              entity &&
              mayRead(options.credentials, entityRequest.entityRefs[i])
                ? entity
                : null,
            ),
          };
        };
      }
      const value = target[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => service,
  });
}

async function startBackend(
  options: {
    databaseId?: Parameters<typeof databases.init>[0];
    hidden?: string[];
    costRead?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    nodeBudget?: number;
  } = {},
) {
  const { server } = await startTestBackend({
    features: [
      multicloudPlugin,
      catalogFactory(topologyDemoCatalog(), options.hidden),
      mockServices.permissions.factory({
        result: options.costRead ?? AuthorizeResult.ALLOW,
      }),
      ...(options.databaseId
        ? [
            mockServices.database.factory({
              knex: await databases.init(options.databaseId),
            }),
          ]
        : []),
      ...(options.nodeBudget
        ? [
            mockServices.rootConfig.factory({
              data: {
                multicloud: { topology: { nodeBudget: options.nodeBudget } },
              },
            }),
          ]
        : []),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof startBackend>>;

const topology = (
  server: Server,
  query: Record<string, string | string[]>,
  user?: string,
) => {
  const call = request(server).get('/api/multicloud/topology').query(query);
  return user
    ? call.set('Authorization', mockCredentials.user.header(user))
    : call;
};

const refsOf = (body: TopologyResponse) =>
  body.nodes.map(node => node.entityRef).sort();

describe.each(databases.eachSupportedId())('topology API on %p', databaseId => {
  it('answers the graph of a System, with the last 30 days of imported cost', async () => {
    const server = await startBackend({ databaseId });
    const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
    const rows = eachDay(addDays(yesterday, -44), yesterday).map(day =>
      focusRow({
        ChargePeriodStart: `${day}T00:00:00Z`,
        ChargePeriodEnd: `${addDays(day, 1)}T00:00:00Z`,
        BillingPeriodStart: `${day.slice(0, 7)}-01T00:00:00Z`,
        BillingPeriodEnd: `${addDays(`${day.slice(0, 7)}-28`, 7).slice(
          0,
          7,
        )}-01T00:00:00Z`,
        ResourceId: 'i-0web1',
        BilledCost: 2,
        EffectiveCost: 2,
        ListCost: 2,
      }),
    );
    const imported = await request(server)
      .post('/api/multicloud/cost/imports?fileName=topology.csv')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(focusCsv(rows)));
    expect(imported.status).toBe(201);

    const res = await topology(server, {
      entityRef: 'system:default/checkout',
    });
    expect(res.status).toBe(200);
    const body: TopologyResponse = res.body;
    expect(body).toMatchObject({
      entityRef: 'system:default/checkout',
      depth: 2,
      direction: 'downstream',
      totalNodes: 10,
      visibleNodes: 10,
      nodeBudget: 150,
      costPeriod: { from: addDays(yesterday, -29), to: yesterday },
    });
    expect(refsOf(body)).toEqual([
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
    ]);
    const costOf = (ref: string) =>
      body.nodes.find(node => node.entityRef === ref)?.monthlyCost;
    expect(costOf('resource:default/web-1')).toEqual({
      amount: 60,
      currency: 'USD',
    });
    // The component's cost rolls up from its resource, the System's from it.
    expect(costOf('component:default/checkout-api')).toEqual({
      amount: 60,
      currency: 'USD',
    });
    expect(costOf('system:default/checkout')).toEqual({
      amount: 60,
      currency: 'USD',
    });
    expect(
      body.groups.find(group => group.label === 'VPC prod-vpc')?.monthlyCost,
    ).toEqual({ amount: 60, currency: 'USD' });
    expect(body.mermaid).toMatch(/^flowchart LR\n/);
    expect(body.mermaid).toContain(
      'href "/catalog/default/resource/web-1" _self',
    );
  });
});

describe('topology API', () => {
  it.each([
    [
      { entityRef: 'system:default/checkout', depth: '0' },
      /depth must be a whole number from 1 to 5/,
    ],
    [{ entityRef: 'system:default/checkout', depth: '6' }, /depth must be/],
    [{ entityRef: 'system:default/checkout', depth: '1.5' }, /depth must be/],
    [{ entityRef: 'system:default/checkout', depth: 'two' }, /depth must be/],
    [
      { entityRef: 'system:default/checkout', depth: ['1', '2'] },
      /depth must be/,
    ],
    [
      { entityRef: 'system:default/checkout', direction: 'sideways' },
      /direction must be one of downstream, upstream, both/,
    ],
    [{ entityRef: 'not a ref' }, /entityRef "not a ref" is not an entity ref/],
    [{ entityRef: 'component:' }, /is not an entity ref/],
    [{}, /entityRef is required/],
    [
      { entityRef: 'system:default/checkout', expand: 'g99' },
      /this graph has no group "g99"/,
    ],
  ])('answers 400 to %j', async (query, message) => {
    const server = await startBackend();
    const res = await topology(server, query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('answers 404 for an entity that does not exist, or that the caller cannot read', async () => {
    const server = await startBackend({ hidden: ['system:default/checkout'] });
    const missing = await topology(server, {
      entityRef: 'system:default/nope',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(
      /No entity system:default\/nope/,
    );

    const hidden = await topology(
      server,
      { entityRef: 'system:default/checkout' },
      OUTSIDER,
    );
    expect(hidden.status).toBe(404);
    const visible = await topology(
      server,
      { entityRef: 'system:default/checkout' },
      'user:default/alice',
    );
    expect(visible.status).toBe(200);
  });

  it('answers 503 with what to do when the catalog does not answer', async () => {
    const catalogUrl = await unreachableCatalogUrl();
    const { server } = await startTestBackend({
      features: [
        multicloudPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogServiceAt(catalogUrl),
        }),
      ],
    });
    const res = await topology(server, {
      entityRef: 'system:default/checkout',
    });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^The catalog did not answer: request to .* failed, reason: connect ECONNREFUSED .*try again once it is back, or ask an administrator to check the catalog backend$/,
      ),
    });
  });

  it('leaves out the entities the caller cannot read, and what is reachable only through them', async () => {
    const server = await startBackend({
      hidden: ['resource:default/web-1', 'component:default/checkout-worker'],
    });
    const res = await topology(
      server,
      { entityRef: 'system:default/checkout' },
      OUTSIDER,
    );
    expect(res.status).toBe(200);
    expect(refsOf(res.body)).toEqual([
      'component:default/checkout-api',
      'component:default/checkout-web',
      'resource:default/checkout-db',
      'system:default/checkout',
    ]);
    expect(res.body.mermaid).not.toMatch(/web-1|checkout-worker/);
    expect(
      res.body.groups.map((g: { label: string }) => g.label),
    ).not.toContain('AWS');
  });

  it('leaves costs out for a caller without multicloud.cost.read', async () => {
    const server = await startBackend({ costRead: AuthorizeResult.DENY });
    const res = await topology(server, {
      entityRef: 'system:default/checkout',
    });
    expect(res.status).toBe(200);
    expect(res.body.totalNodes).toBe(10);
    expect(
      res.body.nodes.some(
        (node: { monthlyCost?: unknown }) => node.monthlyCost,
      ),
    ).toBe(false);
  });

  it('collapses groups above the configured node budget and opens the one asked for', async () => {
    const server = await startBackend({ nodeBudget: 8 });
    const collapsed = await topology(server, {
      entityRef: 'system:default/checkout',
    });
    expect(collapsed.status).toBe(200);
    const body: TopologyResponse = collapsed.body;
    expect(body).toMatchObject({
      totalNodes: 10,
      visibleNodes: 8,
      nodeBudget: 8,
    });
    const vpc = body.groups.find(group => group.label === 'VPC prod-vpc')!;
    expect(vpc.collapsed).toBe(true);
    expect(body.nodes.find(node => node.id === vpc.id)).toMatchObject({
      kind: 'summary',
      count: 3,
    });

    const opened = await topology(server, {
      entityRef: 'system:default/checkout',
      expand: vpc.id,
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ totalNodes: 10, visibleNodes: 10 });
    expect(
      opened.body.groups.every((g: { collapsed: boolean }) => !g.collapsed),
    ).toBe(true);
  });
});
