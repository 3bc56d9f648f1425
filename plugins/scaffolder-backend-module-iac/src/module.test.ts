import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { AddressInfo } from 'node:net';
import { scaffolderModuleIac } from './module';

// Starting the scaffolder backend on a cold, loaded machine can pass Jest's
// 5 s default.
jest.setTimeout(60_000);

describe('scaffolderModuleIac', () => {
  it('registers the six actions with the scaffolder, with schemas and examples', async () => {
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleIac,
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.service(),
        }),
      ],
    });
    try {
      const { port } = backend.server.address() as AddressInfo;
      const response = await fetch(
        `http://localhost:${port}/api/scaffolder/v2/actions`,
      );
      expect(response.status).toBe(200);
      const actions: Array<{
        id: string;
        description: string;
        examples?: unknown[];
        schema?: { input?: any; output?: any };
      }> = await response.json();
      const ours = actions.filter(a => /^(terraform|ansible|helm):/.test(a.id));
      expect(ours.map(a => a.id).sort()).toEqual([
        'ansible:playbook:run',
        'helm:release:uninstall',
        'helm:release:upgrade',
        'terraform:apply',
        'terraform:destroy',
        'terraform:plan',
      ]);
      for (const action of ours) {
        expect(action.description).toBeTruthy();
        expect(action.examples?.length).toBeGreaterThan(0);
        const properties = action.schema?.input?.properties ?? {};
        expect(Object.keys(properties).length).toBeGreaterThan(0);
        for (const [name, property] of Object.entries<any>(properties)) {
          expect({ name, description: Boolean(property.description) }).toEqual({
            name,
            description: true,
          });
        }
        expect(action.schema?.output?.properties).toBeDefined();
      }
    } finally {
      await backend.stop();
    }
  });

  it('refuses malformed config at startup', async () => {
    await expect(
      startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderModuleIac,
          mockServices.rootConfig.factory({
            data: {
              multicloud: { iac: { terraform: { timeout: 'soon' } } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/multicloud\.iac|timeout/);
  });
});
