import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackstageCredentials,
  createBackendModule,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import {
  CloudResource,
  MulticloudInventoryResponse,
  MulticloudSourceRefreshResponse,
  MulticloudSourcesResponse,
} from '@multicloud/plugin-multicloud-common';
import { multicloudSourcesExtensionPoint } from '@multicloud/plugin-multicloud-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { multicloudPlugin } from './plugin';
import { DEMO_CATALOG_FILES, until } from './testUtils/testBackend';

jest.setTimeout(300_000);

/**
 * Runs only when asked: the test triggers every run. Once a year, not with
 * a long initial delay: the scheduler runs no trigger of a task before its
 * initial delay has passed.
 */
const YEARLY = '0 0 1 1 *';
const ON_REQUEST = { frequency: { cron: YEARLY }, timeout: { minutes: 5 } };

const resource = (
  fields: Pick<
    CloudResource,
    'provider' | 'accountId' | 'region' | 'type' | 'name' | 'tags'
  >,
): CloudResource => ({
  ...fields,
  nativeId: `${fields.provider}/${fields.accountId}/${fields.name}`,
  costResourceId: fields.name,
  relations: [],
});

/** The cloud resources of the source `known`. */
const KNOWN = [
  // Owned through its team tag.
  resource({
    provider: 'aws',
    accountId: '111122223333',
    region: 'eu-west-1',
    type: 'ec2-instance',
    name: 'checkout-api-1',
    tags: { team: 'checkout-team' },
  }),
  // No tag at all.
  resource({
    provider: 'aws',
    accountId: '111122223333',
    region: 'us-east-1',
    type: 'vpc',
    name: 'main',
    tags: {},
  }),
  // Tagged, but with no owner tag.
  resource({
    provider: 'gcp',
    accountId: 'shop-prod',
    region: 'europe-west1',
    type: 'gce-instance',
    name: 'worker-1',
    tags: { environment: 'prod' },
  }),
  // Its owner tag names a team the catalog does not have.
  resource({
    provider: 'aws',
    accountId: '444455556666',
    region: 'eu-west-1',
    type: 'ec2-instance',
    name: 'legacy-1',
    tags: { team: 'ghost-team' },
  }),
];

/** A source whose runs wait until the test lets them end. */
function gatedSource() {
  let release: () => void = () => {};
  let gate = new Promise<void>(resolve => {
    release = resolve;
  });
  return {
    source: {
      id: 'gated',
      readResources: async () => {
        await gate;
        return [];
      },
    },
    open: () => release(),
    close: () => {
      gate = new Promise<void>(resolve => {
        release = resolve;
      });
    },
  };
}

const AWS_READER = 'user:default/aws-reader';
const VIEWER = 'user:default/viewer';

/**
 * Permissions as a policy would decide them: the viewer may not refresh
 * sources, and the AWS reader reads only AWS resources in the catalog.
 */
function permissions(): Partial<PermissionsService> {
  const userOf = (credentials: BackstageCredentials) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  return {
    async authorize(requests, options) {
      return requests.map(({ permission }) => ({
        result:
          permission.name === 'multicloud.source.refresh' &&
          userOf(options.credentials) === VIEWER
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional(requests, options) {
      return requests.map(({ permission }) =>
        permission.name === 'catalog.entity.read' &&
        userOf(options.credentials) === AWS_READER
          ? {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                anyOf: [
                  {
                    rule: 'HAS_ANNOTATION',
                    resourceType: 'catalog-entity',
                    params: {
                      annotation: 'multicloud.io/provider',
                      value: 'aws',
                    },
                  },
                  {
                    not: {
                      rule: 'IS_ENTITY_KIND',
                      resourceType: 'catalog-entity',
                      params: { kinds: ['Resource'] },
                    },
                  },
                ],
              },
            }
          : { result: AuthorizeResult.ALLOW },
      );
    },
  };
}

describe('sources and inventory, through the real catalog and scheduler', () => {
  let directory: string;
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;
  const gated = gatedSource();
  const audits: Array<{ eventId: string; meta?: unknown; outcome?: unknown }> =
    [];
  const auditor = mockServices.auditor.mock({
    createEvent: async options => {
      const event: (typeof audits)[number] = {
        eventId: options.eventId,
        meta: options.meta,
      };
      audits.push(event);
      return {
        success: async result => void (event.outcome = result?.meta ?? {}),
        fail: async ({ error }) => void (event.outcome = String(error)),
      };
    },
  });

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'multicloud-sources-'));
    const testSources = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-sources',
      register(reg) {
        reg.registerInit({
          deps: { sources: multicloudSourcesExtensionPoint },
          async init({ sources }) {
            sources.addSource(
              { id: 'known', readResources: async () => KNOWN },
              gated.source,
            );
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMulticloud,
        testSources,
        multicloudPlugin,
        schedulerServiceFactory,
        auditor.factory,
        mockServices.permissions.mock(permissions()).factory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Resource', 'Group', 'User', 'Location'] }],
              locations: DEMO_CATALOG_FILES.slice(0, 1).map(target => ({
                type: 'file',
                target,
              })),
              processingInterval: { seconds: 1 },
              providers: {
                multicloud: {
                  known: {
                    defaultOwner: 'group:platform-team',
                    schedule: ON_REQUEST,
                  },
                  gated: { schedule: ON_REQUEST },
                },
              },
            },
            multicloud: {
              cost: {
                imports: {
                  folders: [
                    { id: 'exports', path: directory, schedule: ON_REQUEST },
                  ],
                },
              },
              alerts: { notifications: { enabled: false } },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await until(
      () =>
        request(server).get(
          '/api/catalog/entities/by-name/group/default/checkout-team',
        ),
      res => res.status === 200,
      'the catalog to serve the checkout team',
    );
  });

  afterAll(async () => {
    gated.open();
    await stop?.();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const list = async () => {
    const res = await request(server).get('/api/multicloud/sources');
    expect(res.status).toBe(200);
    return res.body as MulticloudSourcesResponse;
  };
  const refresh = (kind: string, id: string, user?: string) =>
    request(server)
      .post(`/api/multicloud/sources/${kind}/${id}/refresh`)
      .set(
        'Authorization',
        user
          ? mockCredentials.user.header(user)
          : mockCredentials.user.header(),
      );
  const cloudSource = (body: MulticloudSourcesResponse, id: string) =>
    body.sources.find(source => source.id === id);

  it('lists every cloud source and cost folder with its schedule and next run', async () => {
    const body = await list();
    expect(body.sources.map(source => source.id)).toEqual(['known', 'gated']);
    expect(cloudSource(body, 'known')).toMatchObject({
      kind: 'cloud',
      type: 'extension',
      running: false,
      schedule: YEARLY,
      catalogEntities: 0,
      ingested: false,
    });
    // The scheduler starts the first run at the turn of the year.
    const nextRunAt = Date.parse(cloudSource(body, 'known')!.nextRunAt!);
    expect(nextRunAt).toBeGreaterThan(Date.now() + 60_000);
    expect(body.costFolders).toEqual([
      {
        id: 'exports',
        kind: 'cost',
        running: false,
        schedule: YEARLY,
        nextRunAt: expect.any(String),
      },
    ]);
  });

  it('runs a cloud source through the catalog scheduler when asked, and counts what it added', async () => {
    const res = await refresh('cloud', 'known');
    expect(res.status).toBe(202);
    const asked = res.body as MulticloudSourceRefreshResponse;
    expect(asked).toEqual({
      kind: 'cloud',
      id: 'known',
      requestedAt: expect.any(String),
    });
    expect(audits).toContainEqual({
      eventId: 'source-refresh',
      meta: { kind: 'cloud', id: 'known' },
      outcome: { requestedAt: asked.requestedAt },
    });

    const body = await until(
      list,
      sources =>
        (cloudSource(sources, 'known')?.lastRun?.startedAt ?? '') >=
        asked.requestedAt,
      'the requested run of the source known',
    );
    expect(cloudSource(body, 'known')?.lastRun).toMatchObject({
      outcome: 'applied',
      resources: 4,
      entities: 4,
      added: 4,
      removed: 0,
    });
    // The next run is on the schedule again.
    expect(cloudSource(body, 'known')?.nextRunAt).toEqual(expect.any(String));
  });

  it('runs a cost folder through the plugin scheduler when asked', async () => {
    const res = await refresh('cost', 'exports');
    expect(res.status).toBe(202);
    const { requestedAt } = res.body as MulticloudSourceRefreshResponse;
    const body = await until(
      list,
      sources =>
        (sources.costFolders[0].lastRun?.startedAt ?? '') >= requestedAt,
      'the requested import of the folder exports',
    );
    expect(body.costFolders[0].lastRun).toMatchObject({
      imported: 0,
      failed: 0,
    });
  });

  it('refuses a refresh while the source runs, and reports the run once it ends', async () => {
    gated.close();
    expect((await refresh('cloud', 'gated')).status).toBe(202);
    await until(
      list,
      sources => Boolean(cloudSource(sources, 'gated')?.running),
      'the source gated to run',
    );

    const refused = await refresh('cloud', 'gated');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      "Cloud source 'gated' is running now; its result will show when it ends",
    );
    // The catalog audits its own reads on the same auditor meanwhile, so the
    // refusal is the last refresh event, not the last event.
    const refreshes = audits.filter(e => e.eventId === 'source-refresh');
    expect(refreshes.at(-1)).toEqual({
      eventId: 'source-refresh',
      meta: { kind: 'cloud', id: 'gated' },
      outcome: expect.stringContaining('ConflictError'),
    });

    gated.open();
    const ended = await until(
      list,
      sources =>
        !cloudSource(sources, 'gated')?.running &&
        cloudSource(sources, 'gated')?.lastRun !== undefined,
      'the run of the source gated to end',
    );
    expect(cloudSource(ended, 'gated')?.lastRun?.outcome).toBe('applied');
  });

  it('names the configured sources for an unknown id, and refuses callers without the permission', async () => {
    const unknownSource = await refresh('cloud', 'nope');
    expect(unknownSource.status).toBe(404);
    expect(unknownSource.body.error.message).toBe(
      "No cloud source 'nope'; the configured cloud sources are 'known', 'gated'",
    );
    const unknownFolder = await refresh('cost', 'nope');
    expect(unknownFolder.status).toBe(404);
    expect(unknownFolder.body.error.message).toBe(
      "No cost folder 'nope'; the configured cost folders are 'exports'",
    );
    expect((await refresh('logs', 'known')).status).toBe(404);

    const refused = await refresh('cloud', 'known', VIEWER);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('multicloud.source.refresh');
    // Reading is still allowed to the viewer.
    const read = await request(server)
      .get('/api/multicloud/sources')
      .set('Authorization', mockCredentials.user.header(VIEWER));
    expect(read.status).toBe(200);
  });

  it('counts the cloud resources, as each caller may read them', async () => {
    // Its own run of the source, so that the test holds alone too.
    const asked = await refresh('cloud', 'known');
    expect(asked.status).toBe(202);
    const { requestedAt } = asked.body as MulticloudSourceRefreshResponse;
    const listed = await until(
      list,
      sources => {
        const known = cloudSource(sources, 'known');
        return Boolean(
          known &&
            !known.running &&
            known.ingested &&
            known.lastRun &&
            known.lastRun.startedAt >= requestedAt,
        );
      },
      'the run of the source known to end and the catalog to serve it',
    );
    const res = await request(server).get('/api/multicloud/inventory');
    expect(res.status).toBe(200);
    const inventory = res.body as MulticloudInventoryResponse;
    expect(inventory).toEqual({
      total: 4,
      byProvider: [
        { key: 'aws', count: 3 },
        { key: 'gcp', count: 1 },
      ],
      byType: [
        { key: 'ec2-instance', count: 2 },
        { key: 'gce-instance', count: 1 },
        { key: 'vpc', count: 1 },
      ],
      byAccount: [
        { key: '111122223333', provider: 'aws', count: 2 },
        { key: '444455556666', provider: 'aws', count: 1 },
        { key: 'shop-prod', provider: 'gcp', count: 1 },
      ],
      byRegion: [
        { key: 'eu-west-1', provider: 'aws', count: 2 },
        { key: 'europe-west1', provider: 'gcp', count: 1 },
        { key: 'us-east-1', provider: 'aws', count: 1 },
      ],
      byOwner: [
        { key: 'group:default/platform-team', count: 3 },
        { key: 'group:default/checkout-team', count: 1 },
      ],
      unowned: 3,
      untagged: 1,
      // What each source's last applied run changed, as GET /sources has it.
      changes: listed.sources.flatMap(({ id, lastAppliedRun: run }) =>
        run
          ? [
              {
                sourceId: id,
                finishedAt: run.finishedAt,
                added: run.added,
                removed: run.removed,
              },
            ]
          : [],
      ),
    });
    expect(inventory.changes.map(change => change.sourceId)).toContain('known');

    const limited = await request(server)
      .get('/api/multicloud/inventory')
      .set('Authorization', mockCredentials.user.header(AWS_READER));
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({
      total: 3,
      byProvider: [{ key: 'aws', count: 3 }],
      byAccount: [
        { key: '111122223333', provider: 'aws', count: 2 },
        { key: '444455556666', provider: 'aws', count: 1 },
      ],
      unowned: 2,
      untagged: 1,
    });

    const anonymous = await request(server)
      .get('/api/multicloud/inventory')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
