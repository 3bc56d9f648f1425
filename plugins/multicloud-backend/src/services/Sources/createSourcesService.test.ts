import { mockServices } from '@backstage/backend-test-utils';
import { createInMemorySourceStatus } from '@multicloud/plugin-multicloud-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { HealthService } from '../Health/types';
import { createSourcesService, scheduleInWords } from './createSourcesService';

describe('scheduleInWords', () => {
  it.each([
    ['PT30M', 'every 30 minutes'],
    ['PT1H', 'every hour'],
    ['P1D', 'every day'],
    ['PT1H30M', 'every 1 hour and 30 minutes'],
    ['PT0.5S', 'every 0.5 seconds'],
    ['0 3 * * *', '0 3 * * *'],
    ['manual', 'only when asked'],
  ])('%s is %s', (cadence, words) => {
    expect(scheduleInWords(cadence)).toBe(words);
  });
});

/** A plugin's scheduler API, as Backstage serves it, on a local server. */
async function schedulerApi(
  answer: (req: http.IncomingMessage) => { status: number; body?: unknown },
) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    const { status, body } = answer(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

function setup(baseUrl: string) {
  const sourceStatus = createInMemorySourceStatus();
  sourceStatus.register({ id: 'aws', type: 'aws' });
  const health = {
    runs: async () => ({
      sources: sourceStatus
        .list()
        .map(s => ({ ...s, catalogEntities: 0, ingested: false })),
      folders: [{ id: 'exports' }],
    }),
  } as unknown as HealthService;
  const scheduler = mockServices.scheduler.mock();
  const logger = mockServices.logger.mock();
  const sources = createSourcesService({
    health,
    sourceStatus,
    folderIds: ['exports'],
    scheduler,
    discovery: {
      getBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
    },
    auth: mockServices.auth(),
    logger,
    now: () => new Date('2026-12-07T10:00:00Z'),
  });
  return { sources, scheduler, logger };
}

describe('createSourcesService', () => {
  const closes: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closes.splice(0)) {
      await close();
    }
  });

  it('adds each task state of the catalog and plugin schedulers, asked with service credentials', async () => {
    const api = await schedulerApi(req =>
      req.url?.startsWith('/api/catalog/')
        ? {
            status: 200,
            body: {
              tasks: [
                {
                  taskId: 'MulticloudEntityProvider:aws:refresh',
                  settings: { version: 2, cadence: 'PT30M' },
                  taskState: {
                    status: 'idle',
                    startsAt: '2026-12-07T10:30:00.000Z',
                  },
                },
              ],
            },
          }
        : {
            status: 200,
            body: {
              tasks: [
                {
                  taskId: 'multicloud-cost-import:exports',
                  settings: { version: 2, cadence: '0 3 * * *' },
                  taskState: {
                    status: 'running',
                    startedAt: '2026-12-07T09:59:00.000Z',
                  },
                },
              ],
            },
          },
    );
    closes.push(api.close);
    const { sources } = setup(api.baseUrl);

    expect(await sources.list()).toEqual({
      sources: [
        {
          id: 'aws',
          type: 'aws',
          kind: 'cloud',
          catalogEntities: 0,
          ingested: false,
          running: false,
          nextRunAt: '2026-12-07T10:30:00.000Z',
          schedule: 'every 30 minutes',
        },
      ],
      costFolders: [
        {
          id: 'exports',
          kind: 'cost',
          running: true,
          schedule: '0 3 * * *',
        },
      ],
    });
    expect(api.requests.sort()).toEqual([
      expect.stringMatching(
        /^GET \/api\/catalog\/\.backstage\/scheduler\/v1\/tasks Bearer .*catalog/,
      ),
      expect.stringMatching(
        /^GET \/api\/multicloud\/\.backstage\/scheduler\/v1\/tasks Bearer .*multicloud/,
      ),
    ]);
  });

  it('lists the sources without their tasks when a scheduler cannot be asked, and says why in the log', async () => {
    const api = await schedulerApi(() => ({
      status: 503,
      body: { error: { name: 'Error', message: 'starting up' } },
    }));
    closes.push(api.close);
    const { sources, logger } = setup(api.baseUrl);
    const listed = await sources.list();
    expect(listed.sources[0]).toMatchObject({ id: 'aws', running: false });
    expect(listed.sources[0].nextRunAt).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "Could not read the tasks of the catalog plugin's scheduler",
      ),
    );
  });

  it('triggers a cloud source in the catalog scheduler and maps its answers', async () => {
    let status = 200;
    const api = await schedulerApi(() => ({ status }));
    closes.push(api.close);
    const { sources } = setup(api.baseUrl);

    await expect(sources.refresh('cloud', 'aws')).resolves.toEqual({
      kind: 'cloud',
      id: 'aws',
      requestedAt: '2026-12-07T10:00:00.000Z',
    });
    expect(api.requests).toEqual([
      expect.stringMatching(
        /^POST \/api\/catalog\/\.backstage\/scheduler\/v1\/tasks\/MulticloudEntityProvider%3Aaws%3Arefresh\/trigger Bearer /,
      ),
    ]);

    status = 409;
    await expect(sources.refresh('cloud', 'aws')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "Cloud source 'aws' is running now; its result will show when it ends",
    });
    status = 404;
    await expect(sources.refresh('cloud', 'aws')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'has no task MulticloudEntityProvider:aws:refresh',
      ),
    });
    await expect(sources.refresh('cloud', 'gcp')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "No cloud source 'gcp'; the configured cloud sources are 'aws'",
    });
  });

  it("triggers a cost folder in the plugin's own scheduler", async () => {
    const { sources, scheduler } = setup('http://127.0.0.1:9');
    await sources.refresh('cost', 'exports');
    expect(scheduler.triggerTask).toHaveBeenCalledWith(
      'multicloud-cost-import:exports',
    );

    const conflict = new Error('Task is currently running');
    conflict.name = 'ConflictError';
    scheduler.triggerTask.mockRejectedValueOnce(conflict);
    await expect(sources.refresh('cost', 'exports')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "Cost folder 'exports' is running now; its result will show when it ends",
    });
    await expect(sources.refresh('cost', 'other')).rejects.toThrow(
      "No cost folder 'other'; the configured cost folders are 'exports'",
    );
  });
});
