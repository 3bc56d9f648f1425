import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import {
  EntitySpec,
  catalogOf,
  topologyDemoCatalog,
} from '../../testUtils/topologyCatalog';
import { addDays, eachDay } from '../CostAnalytics/dates';
import {
  catalogServiceAt,
  failingCatalog,
  resettingCatalog,
  unreachableCatalogUrl,
} from './__testUtils__/catalogStandIns';
import { createTopologyService } from './createTopologyService';
import { ENTITY_FIELDS } from './graphEntity';
import { TopologyRequest } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const NOW = new Date('2026-11-20T10:00:00Z');
const TODAY = '2026-11-20';

type DailyCost = { ref: string; date: string; cost: number; via?: string };

async function writeDailyCosts(knex: Knex, rows: DailyCost[]) {
  const records = rows.map(row => ({
    entity_ref: row.ref,
    entity_kind: row.ref.split(':')[0],
    usage_date: row.date,
    currency: 'USD',
    via: row.via ?? 'resource',
    billed_cost: row.cost,
    effective_cost: row.cost,
    list_cost: row.cost,
  }));
  for (let i = 0; i < records.length; i += 500) {
    await knex('multicloud_cost_rollup_daily').insert(
      records.slice(i, i + 500),
    );
  }
}

const request = (
  entityRef: string,
  options: Partial<TopologyRequest> = {},
): TopologyRequest => ({
  entityRef,
  depth: 2,
  expand: [],
  credentials: mockCredentials.user(),
  costReadable: async refs => new Set(refs),
  ...options,
});

describe.each(databases.eachSupportedId())(
  'createTopologyService on %p',
  databaseId => {
    async function setUp(
      options: { entities?: Entity[]; nodeBudget?: number } = {},
    ) {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const catalog = catalogServiceMock({
        entities: options.entities ?? topologyDemoCatalog(),
      });
      const service = createTopologyService({
        knex,
        catalog,
        nodeBudget: options.nodeBudget ?? 150,
        now: () => NOW,
      });
      return { knex, catalog, service };
    }

    it('puts the cost of the 30 days up to yesterday on each node, and sums it per group', async () => {
      const { knex, service } = await setUp();
      const days = eachDay(addDays(TODAY, -40), TODAY);
      await writeDailyCosts(knex, [
        ...days.map(date => ({
          ref: 'resource:default/web-1',
          date,
          cost: 1.5,
        })),
        // A second attribution path on two days of the period adds up.
        {
          ref: 'resource:default/web-1',
          date: '2026-11-01',
          cost: 0.5,
          via: 'tag',
        },
        {
          ref: 'resource:default/web-1',
          date: '2026-11-02',
          cost: 0.5,
          via: 'tag',
        },
        ...days.map(date => ({
          ref: 'resource:default/checkout-db',
          date,
          cost: 2,
        })),
        ...days.map(date => ({
          ref: 'component:default/checkout-api',
          date,
          cost: 3.5,
        })),
        { ref: 'resource:default/prod-vpc', date: '2026-11-10', cost: 99 },
      ]);

      const response = await service.topology(
        request('component:default/checkout-api'),
      );
      expect(response.costPeriod).toEqual({
        from: '2026-10-21',
        to: '2026-11-19',
      });
      const costOf = (ref: string) =>
        response.nodes.find(node => node.entityRef === ref)?.monthlyCost;
      expect(costOf('resource:default/web-1')).toEqual({
        amount: 46,
        currency: 'USD',
      });
      expect(costOf('resource:default/checkout-db')).toEqual({
        amount: 60,
        currency: 'USD',
      });
      expect(costOf('component:default/checkout-api')).toEqual({
        amount: 105,
        currency: 'USD',
      });
      expect(costOf('resource:default/subnet-a')).toBeUndefined();
      expect(
        Object.fromEntries(
          response.groups.map(g => [g.label, g.monthlyCost?.amount]),
        ),
      ).toEqual({
        AWS: 46,
        'Account 111122223333': 46,
        'eu-west-1': 46,
        // The VPC is outside the graph (three hops away): its cost is not the group's.
        'VPC prod-vpc': 46,
        Azure: 60,
        'Subscription 0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d': 60,
        westeurope: 60,
      });
      expect(response.mermaid).toContain('46.00 USD');
    });

    it('leaves costs out for callers who may not read them', async () => {
      const { knex, service } = await setUp();
      await writeDailyCosts(knex, [
        { ref: 'resource:default/web-1', date: '2026-11-10', cost: 7 },
      ]);
      const response = await service.topology(
        request('component:default/checkout-api', {
          costReadable: async () => new Set(),
        }),
      );
      expect(response.nodes.some(node => node.monthlyCost)).toBe(false);
      expect(response.groups.some(group => group.monthlyCost)).toBe(false);
      expect(response.mermaid).not.toContain('USD');
    });

    it('shows the cost only of the nodes whose cost the caller may read', async () => {
      const { knex, service } = await setUp();
      await writeDailyCosts(knex, [
        { ref: 'resource:default/web-1', date: '2026-11-10', cost: 7 },
        { ref: 'resource:default/checkout-db', date: '2026-11-10', cost: 5 },
      ]);
      const asked: string[][] = [];
      const response = await service.topology(
        request('component:default/checkout-api', {
          costReadable: async refs => {
            asked.push(refs);
            return new Set(['resource:default/web-1']);
          },
        }),
      );
      expect(asked).toHaveLength(1);
      expect(asked[0]).toEqual(
        expect.arrayContaining(['resource:default/web-1']),
      );
      const costed = response.nodes.filter(node => node.monthlyCost);
      expect(costed.map(node => node.entityRef)).toEqual([
        'resource:default/web-1',
      ]);
    });

    it('reads the costs of more nodes than one statement may bind, and collapses above the budget', async () => {
      const specs: Record<string, EntitySpec> = {
        'system:default/big': {},
        'component:default/big-api': { system: 'big' },
      };
      const resources = Array.from(
        { length: 1200 },
        (_, i) => `resource:default/vm-${i}`,
      );
      resources.forEach((ref, i) => {
        specs[ref] = {
          type: 'ec2-instance',
          cloud: {
            provider: 'aws',
            account: '111122223333',
            region: i % 2 ? 'eu-west-1' : 'us-east-1',
            status: 'running',
          },
          dependencyOf: ['component:big-api'],
        };
      });
      const { knex, service } = await setUp({
        entities: catalogOf(specs),
        nodeBudget: 150,
      });
      await writeDailyCosts(
        knex,
        resources.map(ref => ({ ref, date: '2026-11-05', cost: 0.25 })),
      );

      const response = await service.topology(request('system:default/big'));
      expect(response.totalNodes).toBe(1202);
      expect(response.nodeBudget).toBe(150);
      const regions = response.groups.filter(g => g.level === 'region');
      expect(
        regions.map(g => [g.label, g.collapsed, g.nodeCount, g.monthlyCost]),
      ).toEqual([
        ['eu-west-1', true, 600, { amount: 150, currency: 'USD' }],
        ['us-east-1', true, 600, { amount: 150, currency: 'USD' }],
      ]);
      expect(response.visibleNodes).toBe(4);
      expect(response.nodes.filter(n => n.kind === 'summary')).toHaveLength(2);

      const opened = await service.topology(
        request('system:default/big', { expand: [regions[1].id] }),
      );
      expect(opened.visibleNodes).toBe(603);
      expect(
        opened.nodes.filter(n => n.entityRef?.startsWith('resource:')),
      ).toHaveLength(600);
      expect(
        opened.nodes.every(
          n =>
            n.kind === 'summary' ||
            n.entityKind !== 'resource' ||
            n.monthlyCost?.amount === 0.25,
        ),
      ).toBe(true);
      // The key works as well as the id.
      const byKey = await service.topology(
        request('system:default/big', { expand: [regions[1].key] }),
      );
      expect(byKey.visibleNodes).toBe(603);
    });

    it('reads the catalog with the caller, only the fields it uses, one batch per level', async () => {
      const { catalog, service } = await setUp();
      const credentials = mockCredentials.user('user:default/alice');
      const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
      await service.topology(
        request('system:default/checkout', { credentials }),
      );
      const calls = getEntitiesByRefs.mock.calls;
      expect(calls).toHaveLength(5);
      for (const [entityRequest, options] of calls) {
        expect(entityRequest.fields).toEqual(ENTITY_FIELDS);
        expect(options).toEqual({ credentials });
      }
    });

    it('shows a Resource both ways unless told otherwise, other kinds downstream', async () => {
      const { service } = await setUp();
      const resource = await service.topology(
        request('resource:default/subnet-a', { depth: 1 }),
      );
      expect(resource.direction).toBe('both');
      expect(resource.nodes.map(n => n.entityRef).sort()).toEqual([
        'resource:default/eni-1',
        'resource:default/prod-vpc',
        'resource:default/subnet-a',
        'resource:default/web-1',
        'resource:default/web-2',
      ]);
      const component = await service.topology(
        request('component:default/checkout-web', { depth: 1 }),
      );
      expect(component).toMatchObject({
        entityRef: 'component:default/checkout-web',
        depth: 1,
        direction: 'downstream',
        totalNodes: 2,
        visibleNodes: 2,
        nodeBudget: 150,
      });
      expect(component.mermaid).toMatch(/^flowchart LR\n/);
    });

    it('refuses unknown entities and unknown groups to expand', async () => {
      const { service } = await setUp();
      await expect(
        service.topology(request('component:default/nope')),
      ).rejects.toThrow(NotFoundError);
      await expect(
        service.topology(
          request('component:default/checkout-api', { expand: ['g99'] }),
        ),
      ).rejects.toThrow(InputError);
    });

    it('answers 503 when the catalog does not answer, and passes its refusals on', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const topologyOf = (catalog: CatalogService) =>
        createTopologyService({ knex, catalog, nodeBudget: 150 }).topology(
          request('system:default/checkout'),
        );

      await expect(
        topologyOf(catalogServiceAt(await unreachableCatalogUrl())),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^The catalog did not answer: request to http:\/\/127\.0\.0\.1:\d+\/api\/catalog\/entities\/by-refs.* failed, reason: connect ECONNREFUSED .*try again once it is back/,
        ),
      });

      const failing = await failingCatalog(500, {
        name: 'KnexTimeoutError',
        message: 'Knex: Timeout acquiring a connection',
      });
      const refusing = await failingCatalog(403, {
        name: 'NotAllowedError',
        message: 'You are not allowed to read entities',
      });
      try {
        await expect(
          topologyOf(catalogServiceAt(failing.baseUrl)),
        ).rejects.toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(
            /^The catalog did not answer: Request failed with 500 Internal Server Error \(KnexTimeoutError: Knex: Timeout acquiring a connection\)\. /,
          ),
        });
        await expect(
          topologyOf(catalogServiceAt(refusing.baseUrl)),
        ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 403 });
      } finally {
        await failing.close();
        await refusing.close();
      }
    });

    it('reads again when the catalog drops a connection before answering, and answers 503 when it keeps dropping them', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const solo = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'solo', namespace: 'default' },
        spec: { type: 'service' },
        relations: [],
      };
      const topologyOf = (baseUrl: string) =>
        createTopologyService({
          knex,
          catalog: catalogServiceAt(baseUrl),
          nodeBudget: 150,
        }).topology(request('component:default/solo'));

      // A kept-alive socket closed as it was reused: one reset, then answers.
      const once = await resettingCatalog(1, [solo]);
      // Every connection dropped: the catalog is not answering.
      const always = await resettingCatalog(Number.MAX_SAFE_INTEGER, [solo]);
      try {
        const answer = await topologyOf(once.baseUrl);
        expect(answer.nodes.map(node => node.entityRef)).toContain(
          'component:default/solo',
        );
        await expect(topologyOf(always.baseUrl)).rejects.toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(
            /^The catalog did not answer: .*(socket hang up|ECONNRESET)/,
          ),
        });
        // Read twice, no more.
        expect(always.requests()).toBe(2);
      } finally {
        await once.close();
        await always.close();
      }
    });
  },
);
