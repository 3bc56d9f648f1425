import {
  FakeGceMetadataServer,
  startFakeGceMetadataServer,
} from './fakeGceMetadataServer';

describe('startFakeGceMetadataServer', () => {
  let server: FakeGceMetadataServer;

  beforeAll(async () => {
    server = await startFakeGceMetadataServer({
      token: 'metadata-token',
      projectId: 'shop-prod',
    });
  });

  afterAll(async () => {
    await server.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://${server.host}/computeMetadata/v1/${path}`, { headers });

  it('names itself in the environment ADC reads', () => {
    expect(server.env).toEqual({
      GCE_METADATA_HOST: server.host,
      METADATA_SERVER_DETECTION: 'assume-present',
    });
    expect(server.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("serves the default service account's token and the project id to requests with Metadata-Flavor: Google", async () => {
    const token = await get(
      'instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/cloud-platform',
      { 'Metadata-Flavor': 'Google' },
    );
    expect(token.status).toBe(200);
    expect(token.headers.get('metadata-flavor')).toBe('Google');
    expect(await token.json()).toEqual({
      access_token: 'metadata-token',
      expires_in: 3599,
      token_type: 'Bearer',
    });

    const project = await get('project/project-id', {
      'Metadata-Flavor': 'Google',
    });
    expect(await project.text()).toBe('shop-prod');
    const email = await get(
      `instance/service-accounts/${server.serviceAccountEmail}/email`,
      { 'Metadata-Flavor': 'Google' },
    );
    expect(await email.text()).toBe(server.serviceAccountEmail);
  });

  it('refuses requests without Metadata-Flavor: Google or with X-Forwarded-For, as the real server does', async () => {
    expect((await get('project/project-id')).status).toBe(403);
    expect(
      (await get('project/project-id', { 'Metadata-Flavor': 'Other' })).status,
    ).toBe(403);
    expect(
      (
        await get('project/project-id', {
          'Metadata-Flavor': 'Google',
          'X-Forwarded-For': '10.0.0.1',
        })
      ).status,
    ).toBe(403);
  });

  it('answers 404 to other paths and service accounts', async () => {
    const headers = { 'Metadata-Flavor': 'Google' };
    expect((await get('instance/hostname/extra', headers)).status).toBe(404);
    expect(
      (
        await get(
          'instance/service-accounts/other@example.iam.gserviceaccount.com/token',
          headers,
        )
      ).status,
    ).toBe(404);
  });
});
