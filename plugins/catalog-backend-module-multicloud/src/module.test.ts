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
import { multicloudSourcesExtensionPoint } from '@multicloud/plugin-multicloud-node';
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
): CloudResource {
  return {
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
      const folder = await mkdtemp(join(tmpdir(), 'multicloud-org-'));
      await writeFile(join(folder, 'org.yaml'), ORG);

      let failing = false;
      let scheduler: SchedulerService | undefined;
      const resources = [
        resource('vpc/vpc-1', { owner: 'platform-team' }),
        resource(
          'instance/i-1',
          { team: 'checkout-team', system: 'checkout' },
          ['vpc/vpc-1'],
        ),
        resource('instance/i-2', { owner: 'nobody-team' }),
      ];
      const testSource = createBackendModule({
        pluginId: 'catalog',
        moduleId: 'multicloud-test-source',
        register(reg) {
          reg.registerInit({
            deps: {
              sources: multicloudSourcesExtensionPoint,
              taskScheduler: coreServices.scheduler,
            },
            async init({ sources, taskScheduler }) {
              scheduler = taskScheduler;
              sources.addSource({
                id: 'test',
                readResources: async () => {
                  if (failing) {
                    throw new Error('503 Service Unavailable');
                  }
                  return resources;
                },
              });
            },
          });
        },
      });
      const { server } = await startTestBackend({
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

      await scheduler!.triggerTask('MulticloudEntityProvider:test:refresh');

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
      await scheduler!.triggerTask('MulticloudEntityProvider:test:refresh');
      expect((await getResources()).map(e => e.metadata.name).sort()).toEqual(
        ingested.map(e => e.metadata.name).sort(),
      );
    },
  );
});
