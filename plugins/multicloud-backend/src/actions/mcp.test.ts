import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import {
  AlertsResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { multicloudPlugin } from '../plugin';
import { EVALUATION_TASK_ID } from '../services/Alerts/config';
import {
  DEMO_CATALOG_FILES,
  EXAMPLES,
  demoCatalogConfig,
  schedulerProbe,
  until,
} from '../testUtils/testBackend';

// An MCP client talks to the MCP actions backend of a running test backend
// that holds the demo catalog and the demo cost export, and gets the same
// answers as the REST API gives the same caller.

jest.setTimeout(300_000);

const LAST_DAY = '2026-12-06';
const PERIOD = { from: '2026-11-07', to: LAST_DAY };
const ALICE = 'user:default/alice';
/** May see the catalog and alerts, but no cost. */
const GUEST = 'user:default/guest';

const TOOLS = [
  'multicloud.get-alerts',
  'multicloud.get-cost-movers',
  'multicloud.get-cost-summary',
  'multicloud.get-entity-cost',
  'multicloud.get-entity-topology',
  'multicloud.list-sources',
  'multicloud.update-alert',
];

const userOf = (credentials: BackstageCredentials) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef;

/** Allows everything, except the cost of any entity to the guest. */
const permissionsDenyingGuestCost = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => ({
    async authorize(requests, { credentials }) {
      return requests.map(r => ({
        result:
          userOf(credentials) === GUEST &&
          r.permission.name === 'multicloud.cost.read'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
    },
  }),
});

/** Refs of the entities the demo catalog files describe. */
async function catalogFileRefs(files: string[]): Promise<string[]> {
  const refs: string[] = [];
  for (const file of files) {
    for (const result of parseEntityYaml(await readFile(file), {
      type: 'file',
      target: file,
    })) {
      if (result.type === 'entity') {
        refs.push(stringifyEntityRef(result.entity).toLocaleLowerCase('en-US'));
      }
    }
  }
  return refs;
}

/** A REST cost answer without the daily series of its lines, which the actions leave out. */
function withoutChart(body: Record<string, unknown>) {
  const { breakdownSeries, ...answer } = body;
  expect(breakdownSeries).toEqual(expect.any(Array));
  return answer;
}

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
};

describe('MCP actions on the demo data', () => {
  let exportFolder: string | undefined;
  afterAll(async () => {
    if (exportFolder) {
      await rm(exportFolder, { recursive: true, force: true });
    }
  });

  it('lists the multicloud tools and answers as the REST API does, refusing what the caller may not read', async () => {
    exportFolder = await mkdtemp(join(tmpdir(), 'multicloud-mcp-'));
    const generated = promisify(execFile)(process.execPath, [
      resolve(EXAMPLES, 'cost/generate.mjs'),
      `--last-day=${LAST_DAY}`,
      `--out=${join(exportFolder, 'focus-demo.csv.gz')}`,
    ]);
    const { probe, module } = schedulerProbe();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMulticloud,
        multicloudPlugin,
        mcpActionsPlugin,
        module,
        permissionsDenyingGuestCost,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['catalog', 'multicloud'] } },
            catalog: demoCatalogConfig(),
            multicloud: {
              cost: {
                imports: {
                  folders: [
                    {
                      id: 'demo',
                      path: exportFolder,
                      settleTime: { seconds: 0 },
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });
    const scheduler = probe.scheduler!;
    // The groups first, so that the provider resolves the owner tags the
    // way it does in a running portal.
    const demoRefs = await catalogFileRefs(DEMO_CATALOG_FILES);
    const rest = (path: string, user = ALICE) =>
      request(server)
        .get(`/api/multicloud${path}`)
        .set('Authorization', mockCredentials.user.header(user));
    const health = async () => (await rest('/health')).body as MulticloudHealth;

    await until(
      async () =>
        (
          await request(server)
            .post('/api/catalog/entities/by-refs')
            .send({ entityRefs: demoRefs, fields: ['kind'] })
        ).body.items as unknown[],
      items => items.every(Boolean),
      'the catalog to serve the demo catalog files',
    );
    await scheduler.triggerTask('MulticloudEntityProvider:demo:refresh');
    await until(
      health,
      h => Boolean(h.sources[0]?.ingested),
      'the catalog to serve the demo inventory',
    );
    await generated;
    await scheduler.triggerTask('multicloud-cost-import:demo');
    await scheduler.triggerTask('multicloud-cost-attribution');
    await until(health, h => h.ready, 'the cost to be imported and attributed');
    await scheduler.triggerTask(EVALUATION_TASK_ID);
    const alertsQuery = {
      entityRef: 'group:default/checkout-team',
      status: 'open,acknowledged',
    };
    const restAlerts = await until(
      async () =>
        (
          await rest('/alerts').query(alertsQuery)
        ).body as AlertsResponse,
      body => body.evaluatedAt !== undefined && body.alerts.length > 0,
      'the alerts of the checkout team to be evaluated',
    );

    const connect = async (user: string) => {
      const client = new Client({ name: 'multicloud-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`),
          {
            requestInit: {
              headers: { Authorization: mockCredentials.user.header(user) },
            },
          },
        ),
      );
      return client;
    };
    const alice = await connect(ALICE);
    const guest = await connect(GUEST);
    try {
      const call = async (
        client: Client,
        name: string,
        args: Record<string, unknown>,
      ) =>
        (await client.callTool({
          name: `multicloud.${name}`,
          arguments: args,
        })) as ToolResult;
      const answer = async (name: string, args: Record<string, unknown>) => {
        const result = await call(alice, name, args);
        expect({
          isError: result.isError ?? false,
          text: result.content[0].text,
        }).toEqual({ isError: false, text: expect.any(String) });
        // The text an assistant reads is the structured answer as JSON.
        expect(JSON.parse(result.content[0].text!)).toEqual(
          result.structuredContent,
        );
        return result.structuredContent!;
      };

      const { tools } = await alice.listTools();
      const ours = tools.filter(tool => tool.name.startsWith('multicloud.'));
      expect(ours.map(tool => tool.name).sort()).toEqual(TOOLS);
      // The catalog's actions are served beside them.
      expect(tools.some(tool => tool.name.startsWith('catalog.'))).toBe(true);
      const byName = new Map(ours.map(tool => [tool.name, tool]));
      expect(byName.get('multicloud.update-alert')!.annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: false,
      });
      expect(
        byName.get('multicloud.get-entity-cost')!.annotations,
      ).toMatchObject({ readOnlyHint: true });
      expect(
        byName.get('multicloud.get-entity-cost')!.inputSchema,
      ).toMatchObject({
        type: 'object',
        required: ['entityRef'],
        properties: {
          entityRef: { type: 'string', description: expect.any(String) },
          groupBy: {
            enum: ['service', 'provider', 'account', 'region', 'resource'],
          },
        },
      });

      // Cost: the answer of GET /cost/entity, but the chart series.
      const costArgs = { entityRef: 'system:default/checkout', ...PERIOD };
      const cost = await answer('get-entity-cost', costArgs);
      const restCost = withoutChart(
        (await rest('/cost/entity').query(costArgs)).body,
      );
      expect(cost).toEqual(restCost);
      expect(cost).toMatchObject({
        entityRef: 'system:default/checkout',
        currency: 'USD',
        total: expect.any(Number),
        forecast: { periodEnd: '2026-12-31' },
      });
      expect(cost.total as number).toBeGreaterThan(0);

      // Summary and movers by team.
      const summaryArgs = { groupBy: 'owner', ...PERIOD };
      const restSummary = withoutChart(
        (await rest('/cost/summary').query(summaryArgs)).body,
      );
      expect(await answer('get-cost-summary', summaryArgs)).toEqual(
        restSummary,
      );
      const movers = await answer('get-cost-movers', summaryArgs);
      expect(movers).toEqual({
        from: PERIOD.from,
        to: PERIOD.to,
        groupBy: 'owner',
        metric: 'effective',
        currency: restSummary.currency,
        total: restSummary.total,
        previous: restSummary.previous,
        movers: restSummary.movers,
      });
      expect((movers.movers as unknown[]).length).toBeGreaterThan(0);

      // Topology, with the Mermaid text.
      const topologyArgs = { entityRef: 'system:default/checkout', depth: 2 };
      const topology = await answer('get-entity-topology', topologyArgs);
      const restTopology = await rest('/topology').query(topologyArgs);
      expect(topology).toEqual(restTopology.body);
      expect(topology.mermaid).toMatch(/^flowchart LR\n/);
      expect((topology.nodes as unknown[]).length).toBeGreaterThan(1);

      // Alerts of a team, then one acknowledged through MCP.
      const alerts = await answer('get-alerts', {
        entityRef: alertsQuery.entityRef,
        status: ['open', 'acknowledged'],
      });
      expect(alerts).toEqual(restAlerts);
      const open = restAlerts.alerts.find(a => a.status === 'open')!;
      const acknowledged = await answer('update-alert', {
        alertId: open.id,
        action: 'acknowledge',
        reason: 'Looking into it',
      });
      expect(acknowledged).toMatchObject({
        id: open.id,
        status: 'acknowledged',
        lastAction: { action: 'acknowledge', by: ALICE },
      });
      const after = (await rest('/alerts').query(alertsQuery))
        .body as AlertsResponse;
      expect(after.alerts.find(a => a.id === open.id)?.status).toBe(
        'acknowledged',
      );

      // Sources, as GET /sources lists them.
      const sources = await answer('list-sources', {});
      const restSources = (await rest('/sources')).body;
      expect((sources.sources as Array<{ id: string }>).map(s => s.id)).toEqual(
        restSources.sources.map((s: { id: string }) => s.id),
      );
      expect(sources.costFolders).toMatchObject([
        { id: 'demo', lastRun: { imported: 1, failed: 0 } },
      ]);

      // The guest sees the tools, but not the cost.
      expect(
        (await guest.listTools()).tools
          .map(tool => tool.name)
          .filter(name => name.startsWith('multicloud.'))
          .sort(),
      ).toEqual(TOOLS);
      const refused = await call(guest, 'get-entity-cost', costArgs);
      expect(refused).toMatchObject({
        isError: true,
        content: [
          {
            type: 'text',
            text: 'NotAllowedError: You need the permission multicloud.cost.read on system:default/checkout; ask its owners or your Backstage admins',
          },
        ],
      });
      const restRefused = await rest('/cost/entity', GUEST).query(costArgs);
      expect(restRefused.status).toBe(403);
      expect(refused.content[0].text).toBe(
        `NotAllowedError: ${restRefused.body.error.message}`,
      );
      // In the summary, every team's line is summed into one the guest may not see.
      const guestSummary = (await call(guest, 'get-cost-summary', summaryArgs))
        .structuredContent!;
      expect(guestSummary).toEqual(
        withoutChart(
          (await rest('/cost/summary', GUEST).query(summaryArgs)).body,
        ),
      );
      expect(
        (guestSummary.breakdown as Array<{ key: string }>).map(l => l.key),
      ).toContain('not-visible');
      // Unknown entities are not found, in the REST API's words.
      expect(
        await call(alice, 'get-entity-topology', {
          entityRef: 'component:default/no-such-thing',
        }),
      ).toMatchObject({
        isError: true,
        content: [{ text: /^NotFoundError: / }],
      });

      if (process.env.MCP_TRANSCRIPT) {
        await writeFile(
          process.env.MCP_TRANSCRIPT,
          transcript(ours, costArgs, cost),
        );
      }
    } finally {
      await alice.close();
      await guest.close();
    }
  });
});

/** A Markdown transcript of the tool list and one call, for the docs. */
function transcript(
  tools: Array<Record<string, unknown>>,
  args: Record<string, unknown>,
  output: Record<string, unknown>,
): string {
  const json = (value: unknown) =>
    `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\`\n`;
  return [
    '# MCP transcript: the multicloud tools of the demo portal\n',
    'Recorded by `plugins/multicloud-backend/src/actions/mcp.test.ts` (an `@modelcontextprotocol/sdk` client on `POST /api/mcp-actions/v1`, streamable HTTP) against a test backend holding the demo catalog and the demo cost export.\n',
    '## tools/list (the multicloud tools)\n',
    json({ tools }),
    '## tools/call multicloud.get-entity-cost\n',
    json({ name: 'multicloud.get-entity-cost', arguments: args }),
    'Result (`structuredContent`; `content[0].text` carries the same JSON):\n',
    json(output),
  ].join('\n');
}
