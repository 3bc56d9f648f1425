import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  CloudSourceReadResult,
  multicloudSourceStatusServiceRef,
  MulticloudSourceStatusService,
  multicloudSourcesExtensionPoint,
} from '@multicloud/plugin-multicloud-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import catalogModuleMulticloud from './index';

jest.setTimeout(120_000);

const databases = TestDatabases.create();

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: checkout-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [] }
`;

function resource(
  id: string,
  tags: Record<string, string>,
  relations: string[] = [],
  sourcePart?: string,
): CloudResource {
  return {
    ...(sourcePart ? { sourcePart } : {}),
    provider: 'aws',
    accountId: '111122223333',
    region: 'eu-west-1',
    type: id.startsWith('vpc') ? 'vpc' : 'ec2-instance',
    nativeId: `arn:aws:ec2:eu-west-1:111122223333:${id}`,
    costResourceId: id,
    name: id,
    tags,
    relations: relations.map(target => ({
      type: 'dependsOn',
      targetNativeId: `arn:aws:ec2:eu-west-1:111122223333:${target}`,
    })),
  };
}

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  for (let attempt = 0; attempt < 240; attempt++) {
    const value = await fn();
    if (value !== undefined) {
      return value;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('catalogModuleMulticloud with the real catalog', () => {
  it.each(databases.eachSupportedId())(
    'ingests resources with resolved owners and relations, and keeps them when the source fails, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      let failing = false;
      const resources = [
        resource('vpc/vpc-1', { owner: 'platform-team' }),
        resource(
          'instance/i-1',
          { team: 'checkout-team', system: 'checkout' },
          ['vpc/vpc-1'],
        ),
        resource('instance/i-2', { owner: 'nobody-team' }),
      ];
      const { backend, refresh } = await startBackendWithSource(knex, () => {
        if (failing) {
          throw new Error('503 Service Unavailable');
        }
        return resources;
      });
      const server = backend.server;

      const getResources = async () => {
        const res = await request(server).get(
          '/api/catalog/entities?filter=kind=resource',
        );
        return res.body as Entity[];
      };

      await eventually(async () => {
        const res = await request(server).get(
          '/api/catalog/entities?filter=kind=group',
        );
        return res.body.length === 2 ? true : undefined;
      }, 'the demo groups');

      await refresh();

      const ingested = await eventually(async () => {
        const entities = await getResources();
        const processed = entities.filter(e =>
          e.relations?.some(r => r.type === 'ownedBy'),
        );
        return processed.length === 3 ? entities : undefined;
      }, 'three processed Resource entities');

      const byTitle = new Map(ingested.map(e => [e.metadata.title, e]));
      const instance = byTitle.get('instance/i-1')!;
      const vpc = byTitle.get('vpc/vpc-1')!;
      expect(instance.spec?.owner).toBe('group:default/checkout-team');
      expect(instance.relations).toEqual(
        expect.arrayContaining([
          { type: 'ownedBy', targetRef: 'group:default/checkout-team' },
          {
            type: 'dependsOn',
            targetRef: `resource:default/${vpc.metadata.name}`,
          },
          { type: 'partOf', targetRef: 'system:default/checkout' },
        ]),
      );
      expect(byTitle.get('instance/i-2')!.spec?.owner).toBe(
        'group:platform-team',
      );

      failing = true;
      await refresh();
      expect((await getResources()).map(e => e.metadata.name).sort()).toEqual(
        ingested.map(e => e.metadata.name).sort(),
      );
    },
  );
});

/**
 * A backend with the real catalog and a cloud source `test` that reads
 * `read()`, on `knex`: stopping one and starting another on the same
 * database is a restart.
 */
async function startBackendWithSource(
  knex: Awaited<ReturnType<typeof databases.init>>,
  read: () => CloudResource[] | CloudSourceReadResult,
) {
  const folder = await mkdtemp(join(tmpdir(), 'multicloud-org-'));
  await writeFile(join(folder, 'org.yaml'), ORG);
  let scheduler: SchedulerService | undefined;
  let status: MulticloudSourceStatusService | undefined;
  const testSource = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'multicloud-test-source',
    register(reg) {
      reg.registerInit({
        deps: {
          sources: multicloudSourcesExtensionPoint,
          taskScheduler: coreServices.scheduler,
          sourceStatus: multicloudSourceStatusServiceRef,
        },
        async init({ sources, taskScheduler, sourceStatus }) {
          scheduler = taskScheduler;
          status = sourceStatus;
          sources.addSource({ id: 'test', readResources: async () => read() });
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleMulticloud,
      testSource,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            processingInterval: { seconds: 1 },
            rules: [{ allow: ['Group', 'Resource', 'Location'] }],
            locations: [{ type: 'file', target: join(folder, 'org.yaml') }],
            providers: {
              multicloud: { test: { defaultOwner: 'group:platform-team' } },
            },
          },
        },
      }),
    ],
  });
  return {
    backend,
    status: () => status!.list()[0],
    refresh: () =>
      scheduler!.triggerTask('MulticloudEntityProvider:test:refresh'),
    /** Titles of the processed Resource entities. */
    titles: async () => {
      const res = await request(backend.server).get(
        '/api/catalog/entities?filter=kind=resource',
      );
      return (res.body as Entity[])
        .filter(e => e.relations?.some(r => r.type === 'ownedBy'))
        .map(e => e.metadata.title!)
        .sort();
    },
  };
}

describe('catalogModuleMulticloud: a part that fails', () => {
  it.each(databases.eachSupportedId())(
    'keeps its entities in the first run after a restart, and applies the other parts, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const vpc = resource('vpc/vpc-1', {}, [], 'services:1:eu-west-1:vpcs');
      const i1 = resource(
        'instance/i-1',
        {},
        ['vpc/vpc-1'],
        'services:1:eu-west-1:instances',
      );
      const i2 = resource(
        'instance/i-2',
        {},
        [],
        'services:2:eu-west-1:instances',
      );
      const i3 = resource(
        'instance/i-3',
        {},
        [],
        'services:2:eu-west-1:instances',
      );

      const first = await startBackendWithSource(knex, () => ({
        resources: [vpc, i1, i2],
        failedParts: [],
      }));
      await first.refresh();
      await eventually(
        async () => ((await first.titles()).length === 3 ? true : undefined),
        'the first run processed',
      );
      await first.backend.stop();

      // A new process; account 1 cannot be read (its role is gone), account
      // 2 lost i-2 and gained i-3.
      const second = await startBackendWithSource(knex, () => ({
        resources: [i3],
        failedParts: [{ part: 'services:1', error: 'AssumeRole denied' }],
      }));
      await second.refresh();
      expect(second.status().lastRun).toMatchObject({
        outcome: 'applied',
        resources: 1,
        entities: 3,
        failedParts: [{ part: 'services:1', error: 'AssumeRole denied' }],
      });
      const expected = ['instance/i-1', 'instance/i-3', 'vpc/vpc-1'];
      expect(
        await eventually(async () => {
          const titles = await second.titles();
          return JSON.stringify(titles) === JSON.stringify(expected)
            ? titles
            : undefined;
        }, 'i-3 applied and i-2 removed'),
      ).toEqual(expected);

      // Account 1 reads again: a full run, which removes what is gone there.
      await second.backend.stop();
      const third = await startBackendWithSource(knex, () => ({
        resources: [vpc, i3],
        failedParts: [],
      }));
      await third.refresh();
      await eventually(async () => {
        const titles = await third.titles();
        return JSON.stringify(titles) ===
          JSON.stringify(['instance/i-3', 'vpc/vpc-1'])
          ? true
          : undefined;
      }, 'i-1 removed once its account reads again');
      await third.backend.stop();
    },
  );
});
