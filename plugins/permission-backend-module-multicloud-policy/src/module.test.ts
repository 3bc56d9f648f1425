import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import multicloudPlugin from '@multicloud/plugin-multicloud-backend';
import {
  multicloudBudgetUpdatePermission,
  multicloudCostImportPermission,
} from '@multicloud/plugin-multicloud-common';
import permissionModuleMulticloudPolicy from './index';

jest.setTimeout(120_000);

const databases = TestDatabases.create();

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: checkout-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: guest }
spec: { memberOf: [checkout-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout-api }
spec: { type: service, lifecycle: production, owner: group:checkout-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: platform-api }
spec: { type: service, lifecycle: production, owner: group:platform-team }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: rotate-keys, title: Rotate the cloud keys, tags: [aws, privileged] }
spec:
  owner: group:platform-team
  type: service
  parameters: []
  steps: [{ id: log, action: 'debug:log', input: { message: rotate } }]
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: aws-vm, title: Virtual machine on AWS, tags: [aws] }
spec:
  owner: group:platform-team
  type: service
  parameters: []
  steps: [{ id: log, action: 'debug:log', input: { message: vm } }]
`;

/** October's cost: 4 USD by tag for checkout-api, 6 for platform-api. */
const FOCUS_CSV = [
  'BilledCost,BillingAccountId,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,EffectiveCost,ListCost,ProviderName,RegionId,ResourceId,ResourceName,ServiceCategory,ServiceName,SubAccountId,Tags',
  ...[
    ['checkout-api', 4],
    ['platform-api', 6],
  ].map(
    ([component, cost]) =>
      `${cost},"111122223333","USD","2026-11-01T00:00:00Z","2026-10-01T00:00:00Z","Usage","2026-10-06T00:00:00Z","2026-10-05T00:00:00Z",1,"Hours",${cost},${cost},"AWS","eu-west-1","i-${component}","${component}-1","Compute","Amazon Elastic Compute Cloud","111122223333","{""component"":""${component}""}"`,
  ),
].join('\n');

/**
 * The ownership refs a sign-in resolver would put in each user's token:
 * the user and the groups they are a member of.
 */
const memberships: Record<string, string[]> = {
  'user:default/guest': ['group:default/checkout-team'],
  'user:default/ada': ['group:default/platform-team'],
};
const userInfoFromSignIn = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const { userEntityRef } = (
        credentials as BackstageCredentials<BackstageUserPrincipal>
      ).principal;
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...(memberships[userEntityRef] ?? []),
        ],
      };
    },
  }),
});

/**
 * The real auth service keeps, in a token a plugin obtains on a user's
 * behalf, the plugin as the actor; the mock one drops it, and the permission
 * backend refuses the actor-less user's conditional queries (the catalog's
 * `catalog.entity.read` without a resourceRef) as direct user requests.
 * This puts the actor back.
 */
const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    const httpAuth = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      async credentials(req, options) {
        const credentials = await httpAuth.credentials(req, options);
        const { principal } = credentials as BackstageCredentials<
          BackstageUserPrincipal | { type: 'none' | 'service' }
        >;
        const token = req.headers.authorization?.replace(/^Bearer\s+/i, '');
        if (
          token &&
          principal.type === 'user' &&
          token ===
            mockCredentials.service.token({
              onBehalfOf: credentials,
              targetPluginId: plugin.getId(),
            })
        ) {
          return mockCredentials.user(principal.userEntityRef, {
            actor: { subject: 'plugin' },
          }) as typeof credentials;
        }
        return credentials;
      },
      issueUserCookie: (res, options) => httpAuth.issueUserCookie(res, options),
    };
  },
});

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

describe('permissionModuleMulticloudPolicy with the real permission backend, catalog, scaffolder and multicloud backend', () => {
  it.each(databases.eachSupportedId())(
    'resolves owner conditions, guards the multicloud API (imports, budgets, cost, summary) and hides privileged templates, on %p',
    async databaseId => {
      // One database per plugin, as in a real backend: the catalog and the
      // scaffolder both keep their migrations in knex_migrations.
      const knexByPlugin = {
        catalog: await databases.init(databaseId),
        scaffolder: await databases.init(databaseId),
        multicloud: await databases.init(databaseId),
      };
      const folder = await mkdtemp(join(tmpdir(), 'multicloud-policy-'));
      await writeFile(join(folder, 'catalog.yaml'), CATALOG);

      let permissions: PermissionsService | undefined;
      const probe = createBackendPlugin({
        pluginId: 'probe',
        register(reg) {
          reg.registerInit({
            deps: { permissionsService: coreServices.permissions },
            async init({ permissionsService }) {
              permissions = permissionsService;
            },
          });
        },
      });

      const backend = await startTestBackend({
        features: [
          permissionPlugin,
          permissionModuleMulticloudPolicy,
          catalogPlugin,
          catalogModuleScaffolderEntityModel,
          scaffolderPlugin,
          multicloudPlugin,
          probe,
          userInfoFromSignIn,
          httpAuthWithActors,
          createServiceFactory({
            service: coreServices.database,
            deps: { plugin: coreServices.pluginMetadata },
            factory: ({ plugin }) => ({
              getClient: async () =>
                knexByPlugin[plugin.getId() as keyof typeof knexByPlugin],
            }),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: {
                enabled: true,
                multicloudPolicy: {
                  adminGroups: ['platform-team'],
                  costRead: 'owners',
                },
              },
              catalog: {
                rules: [{ allow: ['Group', 'User', 'Component', 'Template'] }],
                locations: [
                  { type: 'file', target: join(folder, 'catalog.yaml') },
                ],
              },
            },
          }),
        ],
      });

      const { port } = backend.server.address() as AddressInfo;
      const call = (
        method: 'GET' | 'POST' | 'PUT' | 'DELETE',
        path: string,
        user: string,
        body?: unknown,
        contentType = 'application/json',
      ) =>
        fetch(`http://localhost:${port}${path}`, {
          method,
          headers: {
            Authorization: mockCredentials.user.header(user),
            ...(body === undefined ? {} : { 'Content-Type': contentType }),
          },
          body:
            body === undefined || typeof body === 'string'
              ? body
              : JSON.stringify(body),
        });
      const guest = 'user:default/guest';
      const ada = 'user:default/ada';

      // The owner conditions need the stitched ownedBy relations.
      await eventually(async () => {
        const res = await call('GET', '/api/catalog/entities', ada);
        const owned = ((await res.json()) as Entity[]).filter(e =>
          e.relations?.some(r => r.type === 'ownedBy'),
        );
        return owned.length === 4 ? true : undefined;
      }, 'the components and templates with their owners');

      const decide = async (
        user: string,
        permission: BasicPermission | ResourcePermission,
        resourceRef?: string,
      ) => {
        const credentials = mockCredentials.user(user);
        const [decision] =
          permission.type === 'resource'
            ? await permissions!.authorize(
                [{ permission, resourceRef: resourceRef! }],
                { credentials },
              )
            : await permissions!.authorize([{ permission }], {
                credentials,
              });
        return decision.result;
      };

      // Budgets: a team member on their own team's entity, on another team's.
      const budget = multicloudBudgetUpdatePermission;
      expect(
        await decide(guest, budget, 'component:default/checkout-api'),
      ).toBe(AuthorizeResult.ALLOW);
      expect(
        await decide(guest, budget, 'component:default/platform-api'),
      ).toBe(AuthorizeResult.DENY);
      expect(await decide(guest, budget, 'group:default/checkout-team')).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(await decide(guest, budget, 'group:default/platform-team')).toBe(
        AuthorizeResult.DENY,
      );
      expect(await decide(guest, multicloudCostImportPermission)).toBe(
        AuthorizeResult.DENY,
      );
      expect(await decide(ada, budget, 'component:default/checkout-api')).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(await decide(ada, budget, 'component:default/platform-api')).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(await decide(ada, multicloudCostImportPermission)).toBe(
        AuthorizeResult.ALLOW,
      );

      // The same through the permission backend's HTTP API, as the frontend asks.
      const authorize = await call('POST', '/api/permission/authorize', guest, {
        items: [
          {
            id: 'own',
            permission: budget,
            resourceRef: 'component:default/checkout-api',
          },
          {
            id: 'other',
            permission: budget,
            resourceRef: 'component:default/platform-api',
          },
        ],
      });
      expect(authorize.status).toBe(200);
      expect((await authorize.json()).items).toEqual([
        { id: 'own', result: AuthorizeResult.ALLOW },
        { id: 'other', result: AuthorizeResult.DENY },
      ]);

      // Privileged templates: invisible in the catalog to non-admins...
      const templateNames = async (user: string) => {
        const res = await call(
          'GET',
          '/api/catalog/entities?filter=kind=template',
          user,
        );
        expect(res.status).toBe(200);
        return ((await res.json()) as Entity[])
          .map(e => e.metadata.name)
          .sort();
      };
      expect(await templateNames(guest)).toEqual(['aws-vm']);
      expect(await templateNames(ada)).toEqual(['aws-vm', 'rotate-keys']);
      const byName = (name: string, user: string) =>
        call(
          'GET',
          `/api/catalog/entities/by-name/template/default/${name}`,
          user,
        );
      expect((await byName('rotate-keys', guest)).status).toBe(404);
      expect((await byName('aws-vm', guest)).status).toBe(200);
      expect((await byName('rotate-keys', ada)).status).toBe(200);

      // ...so the scaffolder, which reads templates with the caller's
      // credentials, neither shows nor runs them for non-admins.
      const parameterSchema = (name: string, user: string) =>
        call(
          'GET',
          `/api/scaffolder/v2/templates/default/template/${name}/parameter-schema`,
          user,
        );
      expect((await parameterSchema('rotate-keys', guest)).status).toBe(404);
      expect((await parameterSchema('aws-vm', guest)).status).toBe(200);
      expect((await parameterSchema('rotate-keys', ada)).status).toBe(200);
      const run = await call('POST', '/api/scaffolder/v2/tasks', guest, {
        templateRef: 'template:default/rotate-keys',
        values: {},
      });
      expect(run.status).toBe(404);

      // Dry runs (the template editor): admins only. An admin's request, with
      // something that is not a template, gets past the permission check to
      // the template's validation.
      const dryRun = (user: string) =>
        call('POST', '/api/scaffolder/v2/dry-run', user, {
          template: { kind: 'Component' },
          values: {},
          directoryContents: [],
        });
      expect((await dryRun(guest)).status).toBe(403);
      const adaDryRun = await dryRun(ada);
      expect(adaDryRun.status).toBe(400);
      expect((await adaDryRun.json()).error.message).toBe(
        'Input template is not a template',
      );

      // The multicloud API under this policy. Cost imports: admins only.
      const importCost = (user: string) =>
        call(
          'POST',
          '/api/multicloud/cost/imports?fileName=october.csv',
          user,
          FOCUS_CSV,
          'text/csv',
        );
      const refused = await importCost(guest);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toBe(
        'You need the permission multicloud.cost.import; ask your Backstage admins for it',
      );
      expect((await importCost(ada)).status).toBe(201);

      // Budgets: on the own team's entity, not on another team's.
      const setBudget = (entityRef: string, user: string) =>
        call('PUT', '/api/multicloud/cost/budgets', user, {
          entityRef,
          amount: 1500,
        });
      expect(
        (await setBudget('component:default/checkout-api', guest)).status,
      ).toBe(200);
      const otherTeams = await setBudget(
        'component:default/platform-api',
        guest,
      );
      expect(otherTeams.status).toBe(403);
      expect((await otherTeams.json()).error.message).toBe(
        'You need the permission multicloud.budget.update on component:default/platform-api; ask its owners or your Backstage admins',
      );
      expect(
        (await setBudget('component:default/platform-api', ada)).status,
      ).toBe(200);

      // Cost (costRead: owners): the own team's entities, and in the summary
      // the own team by name and the others as one line.
      const entityCost = (entityRef: string, user: string) =>
        call(
          'GET',
          `/api/multicloud/cost/entity?entityRef=${entityRef}&from=2026-10-01&to=2026-10-31`,
          user,
        );
      expect(
        (await entityCost('component:default/checkout-api', guest)).status,
      ).toBe(200);
      expect(
        (await entityCost('component:default/platform-api', guest)).status,
      ).toBe(403);
      expect(
        (await entityCost('component:default/platform-api', ada)).status,
      ).toBe(200);
      const summaryLines = async (user: string) => {
        const res = await call(
          'GET',
          '/api/multicloud/cost/summary?from=2026-10-01&to=2026-10-31&groupBy=owner&metric=billed',
          user,
        );
        expect(res.status).toBe(200);
        const body = await res.json();
        return {
          total: body.total,
          lines: body.breakdown.map((b: { key: string; cost: number }) => [
            b.key,
            b.cost,
          ]),
        };
      };
      expect(await summaryLines(guest)).toEqual({
        total: 10,
        lines: [
          ['group:default/checkout-team', 4],
          ['not-visible', 6],
        ],
      });
      expect(await summaryLines(ada)).toEqual({
        total: 10,
        lines: [
          ['group:default/platform-team', 6],
          ['group:default/checkout-team', 4],
        ],
      });

      // Unregistering an entity: the catalog turns the owner conditions into
      // a database query (their toQuery), not only an in-memory check.
      const unregister = async (ref: string, user: string) => {
        const entity = await call(
          'GET',
          `/api/catalog/entities/by-name/${ref}`,
          ada,
        );
        const { uid } = ((await entity.json()) as Entity).metadata;
        return (
          await call('DELETE', `/api/catalog/entities/by-uid/${uid}`, user)
        ).status;
      };
      expect(await unregister('component/default/platform-api', guest)).toBe(
        403,
      );
      expect(await unregister('component/default/checkout-api', guest)).toBe(
        204,
      );
      expect(await unregister('group/default/checkout-team', guest)).toBe(204);
      expect(await unregister('user/default/ada', guest)).toBe(403);

      // Before the databases close, so the scaffolder's task worker stops
      // polling them.
      await backend.stop();
    },
  );
});
