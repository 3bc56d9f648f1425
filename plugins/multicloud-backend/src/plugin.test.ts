import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { multicloudPlugin } from './plugin';

// A whole backend's start, migrations included, on a cold, loaded machine
// passes Jest's 5 s default.
jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe('multicloud backend plugin', () => {
  it('runs its backend tests on PostgreSQL when CI asks for it, never skipping silently', () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    const postgresMissingInCi =
      Boolean(process.env.CI) && !ids.some(id => id.startsWith('POSTGRES'));
    expect(postgresMissingInCi).toBe(false);
  });

  it.each(databases.eachSupportedId())(
    'answers /health with its version and database kind on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [multicloudPlugin, mockServices.database.factory({ knex })],
      });

      const res = await request(server).get('/api/multicloud/health');

      expect(res.status).toBe(200);
      // No source or folder is configured; attribution has not run yet.
      expect(res.body).toEqual({
        status: 'ok',
        version: require('../package.json').version,
        database: databaseId.startsWith('POSTGRES') ? 'postgres' : 'sqlite',
        ready: false,
        pending: ['cost attribution has not caught up yet'],
        sources: [],
        cost: { folders: [], attribution: { upToDate: false } },
      });
    },
  );

  it('refuses unauthenticated callers', async () => {
    const { server } = await startTestBackend({ features: [multicloudPlugin] });

    const res = await request(server)
      .get('/api/multicloud/health')
      .set('Authorization', mockCredentials.none.header());

    expect(res.status).toBe(401);
  });

  it('registers its permissions', async () => {
    const { server } = await startTestBackend({ features: [multicloudPlugin] });

    const res = await request(server)
      .get('/api/multicloud/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());

    expect(res.status).toBe(200);
    expect(
      res.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual([
      'multicloud.alert.read',
      'multicloud.alert.update',
      'multicloud.budget.update',
      'multicloud.cost.import',
      'multicloud.cost.read',
      'multicloud.source.read',
      'multicloud.source.refresh',
    ]);
  });
});
