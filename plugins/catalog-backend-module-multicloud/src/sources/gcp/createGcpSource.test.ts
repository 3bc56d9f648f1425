import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { OAuth2Client } from 'google-auth-library';
import { createGcpSource, parseGcpInventory } from '.';
import gcloudOutput from './__fixtures__/gcloud-search-all-resources.json';
import {
  CloudAssetReply,
  CloudAssetRequest,
  FakeCloudAssetServer,
  googleError,
  readMasked,
  searchAnswer,
  startFakeCloudAssetServer,
} from '../../testUtils/fakeCloudAssetServer';
import {
  FakeGceMetadataServer,
  startFakeGceMetadataServer,
} from '../../testUtils/fakeGceMetadataServer';

// The first tests load @google-cloud/asset and one starts a Node process of its
// own: seconds on a fresh, busy machine, past Jest's default 5 s.
jest.setTimeout(60_000);

const ACCESS_TOKEN = 'test-access-token-do-not-log';
const SCOPE = 'projects/shop-prod';
const PAGE_SIZE = 3;

type Answer = CloudAssetReply;

/**
 * Which search a request is: the one for every resource, or the one for the
 * versioned resources of the asset types whose relations are in them.
 */
type SearchKind = 'main' | 'versioned';

function searchOf(query: URLSearchParams): SearchKind {
  return query.get('readMask')?.split(',').includes('versionedResources')
    ? 'versioned'
    : 'main';
}

/**
 * Page n (1-based) of a search of the fixture, in the REST API's response
 * shape. As the API does, the read mask keeps the fields it names; the
 * versioned search has its asset types (the main one's are not applied, so
 * that every result of the fixture comes back).
 */
function page(n: number, query: URLSearchParams): Answer {
  const search = searchOf(query);
  const assetTypes = query.getAll('assetTypes');
  const all = (gcloudOutput as Record<string, unknown>[])
    .filter(
      result =>
        search === 'main' || assetTypes.includes(String(result.assetType)),
    )
    .map(result => readMasked(result, query.get('readMask')));
  const results = all.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE);
  const last = n * PAGE_SIZE >= all.length;
  return searchAnswer(results, last ? undefined : `${search}-page-${n + 1}`);
}

function pageNumberOf(query: URLSearchParams): number {
  const token = query.get('pageToken');
  return token ? Number(token.replace(/^\w+-page-/, '')) : 1;
}

const MAIN_PAGES = Math.ceil(gcloudOutput.length / PAGE_SIZE);
/**
 * Instances, the subnetwork, the GKE cluster, Cloud SQL, forwarding rules,
 * firewalls, disks and the address.
 */
const VERSIONED_RESULTS = 13;
const LINKED_TYPES = [
  'compute.googleapis.com/Instance',
  'compute.googleapis.com/Subnetwork',
  'container.googleapis.com/Cluster',
  'sqladmin.googleapis.com/Instance',
  'compute.googleapis.com/ForwardingRule',
  'compute.googleapis.com/Firewall',
  'compute.googleapis.com/Disk',
  'compute.googleapis.com/Address',
  'compute.googleapis.com/GlobalAddress',
];

describe('createGcpSource (REST transport against a local Cloud Asset API)', () => {
  let server: FakeCloudAssetServer;
  let apiEndpoint: string;
  let requests: CloudAssetRequest[];
  let answer: (
    pageNumber: number,
    attempt: number,
    query: URLSearchParams,
  ) => Answer;

  beforeAll(async () => {
    server = await startFakeCloudAssetServer({
      reply: ({ query }) => {
        const pageNumber = pageNumberOf(query);
        const attempt = requests.filter(
          r =>
            pageNumberOf(r.query) === pageNumber &&
            searchOf(r.query) === searchOf(query),
        ).length;
        return answer(pageNumber, attempt, query);
      },
    });
    apiEndpoint = `http://127.0.0.1:${server.port}`;
  });

  beforeEach(() => {
    server.requests.length = 0;
    requests = server.requests;
    answer = (n, _attempt, query) => page(n, query);
  });

  /** Faults for the main search only; the versioned search answers normally. */
  const main =
    (fault: (n: number, attempt: number) => Answer | undefined) =>
    (n: number, attempt: number, query: URLSearchParams): Answer =>
      (searchOf(query) === 'main' ? fault(n, attempt) : undefined) ??
      page(n, query);

  afterEach(() => {
    // Drops the connections of requests left hanging on purpose.
    server.dropConnections();
  });

  afterAll(async () => {
    await server.close();
  });

  /** The source's config block: the REST transport, at the local API. */
  function sourceConfig(extraConfig: Record<string, unknown> = {}) {
    return {
      type: 'gcp',
      scope: SCOPE,
      query: 'labels.env:*',
      pageSize: PAGE_SIZE,
      transport: 'rest',
      apiEndpoint,
      retries: 2,
      ...extraConfig,
    };
  }

  /**
   * A source in this process. Its credentials are injected: in Jest,
   * gaxios cannot load node-fetch (ESM, by a dynamic import that Jest's
   * CommonJS runtime refuses), so Application Default Credentials cannot
   * fetch a token; Node's own fetch speaks the same HTTP.
   */
  function makeSource(extraConfig: Record<string, unknown> = {}) {
    const logger = mockServices.logger.mock();
    const authClient = new OAuth2Client({
      transporterOptions: { fetchImplementation: fetch },
    });
    authClient.setCredentials({ access_token: ACCESS_TOKEN });
    const source = createGcpSource({
      id: 'gcp-shop',
      config: new ConfigReader(sourceConfig(extraConfig)),
      logger,
      authClient,
      retryBaseDelayMs: 1,
    });
    return { source, logger };
  }

  /**
   * Reads a source created from its config alone, as the catalog module
   * creates it, in a fresh Node process (where gaxios loads its fetch) whose
   * environment is a Compute Engine VM's as Application Default Credentials
   * see it: the fake metadata server at GCE_METADATA_HOST, no credential
   * file (an empty HOME; gcloud, when installed, finds no account there
   * either) and none of the variables that name a project or another
   * metadata server.
   */
  async function readInFreshProcess(
    metadata: FakeGceMetadataServer,
  ): Promise<{ resources: CloudResource[]; warnings: string[] }> {
    const home = await mkdtemp(join(tmpdir(), 'multicloud-gcp-adc-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    for (const name of [
      'GOOGLE_APPLICATION_CREDENTIALS',
      'GOOGLE_CLOUD_PROJECT',
      'GCLOUD_PROJECT',
      'GCE_METADATA_IP',
      'CLOUDSDK_CONFIG',
      'CLOUDSDK_CORE_PROJECT',
    ]) {
      delete env[name];
    }
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          resolve(__dirname, '__testUtils__/readGcpSourceFromConfig.ts'),
          JSON.stringify(sourceConfig()),
        ],
        {
          cwd: resolve(__dirname, '../../..'),
          env: { ...env, ...metadata.env },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      return JSON.parse(stdout);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }

  it('reads every page of both searches and maps them exactly as the gcloud inventory, with credentials from the metadata server', async () => {
    const metadata = await startFakeGceMetadataServer({
      token: ACCESS_TOKEN,
      projectId: 'shop-prod',
    });
    let read: Awaited<ReturnType<typeof readInFreshProcess>>;
    try {
      read = await readInFreshProcess(metadata);
    } finally {
      await metadata.close();
    }
    const { resources, warnings } = read;

    // Application Default Credentials took the default service account's
    // token from the metadata server, asking as a VM does.
    expect(metadata.requests).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        path: 'instance/service-accounts/default/token',
        metadataFlavor: 'Google',
      }),
    );
    const tokenRequest = metadata.requests.find(r =>
      r.path.endsWith('/token'),
    )!;
    expect(tokenRequest.query.get('scopes')).toBe(
      'https://www.googleapis.com/auth/cloud-platform',
    );
    expect(metadata.requests.every(r => r.metadataFlavor === 'Google')).toBe(
      true,
    );

    // The client decodes versioned resources as protobuf Structs; the links
    // read from them are those read from gcloud's JSON.
    expect(resources).toEqual(parseGcpInventory(gcloudOutput));
    expect(resources).toHaveLength(gcloudOutput.length);
    expect(
      resources.find(
        r => r.name === 'web-1' && r.type === 'gcp-compute-instance',
      )!.relations,
    ).toContainEqual({
      type: 'dependsOn',
      targetNativeId:
        '//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/disks/web-1',
    });
    // The alert facts come from the versioned search, as the client decodes it.
    expect(
      resources.find(r => r.name === 'allow-ssh-anywhere')!.annotations,
    ).toHaveProperty(['multicloud.io/open-ingress']);
    expect(
      resources.find(r => r.name === 'orphan-export')!.annotations,
    ).toHaveProperty(['multicloud.io/attached'], 'false');
    for (const request of requests) {
      expect(request.method).toBe('GET');
      expect(request.path).toBe(`/v1/${SCOPE}:searchAllResources`);
      expect(request.query.get('query')).toBe('labels.env:*');
      expect(request.query.get('pageSize')).toBe(String(PAGE_SIZE));
      expect(request.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    }
    const mainRequests = requests.filter(r => searchOf(r.query) === 'main');
    const versionedRequests = requests.filter(
      r => searchOf(r.query) === 'versioned',
    );
    // Every resource, with only the fields the mapping reads...
    expect(mainRequests).toHaveLength(MAIN_PAGES);
    for (const request of mainRequests) {
      expect(request.query.getAll('assetTypes')).toEqual([]);
      expect(request.query.get('readMask')).toBe(
        'name,assetType,project,displayName,location,labels,state,parentFullResourceName,additionalAttributes',
      );
    }
    expect(mainRequests.map(r => r.query.get('pageToken'))).toEqual(
      Array.from({ length: MAIN_PAGES }, (_, i) =>
        i === 0 ? null : `main-page-${i + 1}`,
      ),
    );
    // ...then the versioned resources of the types whose relations are in them.
    expect(versionedRequests).toHaveLength(
      Math.ceil(VERSIONED_RESULTS / PAGE_SIZE),
    );
    for (const request of versionedRequests) {
      expect(request.query.getAll('assetTypes')).toEqual(LINKED_TYPES);
      expect(request.query.get('readMask')).toBe(
        'name,assetType,versionedResources',
      );
    }
    expect(requests.slice(0, MAIN_PAGES)).toEqual(mainRequests);
    expect(warnings).toEqual([]);
  });

  it('asks for the versioned resources of the configured asset types only', async () => {
    await makeSource({
      assetTypes: [
        'compute.googleapis.com/.*',
        'storage.googleapis.com/Bucket',
      ],
    }).source.readResources();

    for (const request of requests.filter(r => searchOf(r.query) === 'main')) {
      expect(request.query.getAll('assetTypes')).toEqual([
        'compute.googleapis.com/.*',
        'storage.googleapis.com/Bucket',
      ]);
    }
    const versioned = requests.filter(r => searchOf(r.query) === 'versioned');
    expect(versioned.length).toBeGreaterThan(0);
    for (const request of versioned) {
      expect(request.query.getAll('assetTypes')).toEqual([
        'compute.googleapis.com/Instance',
        'compute.googleapis.com/Subnetwork',
        'compute.googleapis.com/ForwardingRule',
        'compute.googleapis.com/Firewall',
        'compute.googleapis.com/Disk',
        'compute.googleapis.com/Address',
        'compute.googleapis.com/GlobalAddress',
      ]);
    }

    requests.length = 0;
    await makeSource({
      assetTypes: ['storage.googleapis.com/Bucket'],
    }).source.readResources();
    // No type with relations or facts in its versioned resources: no second
    // search.
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every(r => searchOf(r.query) === 'main')).toBe(true);
  });

  it('retries a throttled page (429 RESOURCE_EXHAUSTED) and resumes at that page', async () => {
    answer = main((n, attempt) =>
      n === 2 && attempt === 1
        ? googleError(
            429,
            'RESOURCE_EXHAUSTED',
            "Quota exceeded for quota metric 'Search requests'",
          )
        : undefined,
    );
    const { source, logger } = makeSource();

    const resources = await source.readResources();

    expect(resources).toHaveLength(gcloudOutput.length);
    expect(
      requests
        .filter(r => searchOf(r.query) === 'main')
        .map(r => r.query.get('pageToken'))
        .slice(0, 4),
    ).toEqual([null, 'main-page-2', 'main-page-2', 'main-page-3']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const [message] = (logger.warn as jest.Mock).mock.calls[0];
    expect(message).toMatch(
      /^GCP source 'gcp-shop': Cloud Asset searchAllResources on projects\/shop-prod, page 2 failed \(HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Search requests'\); retry 1 of 2 in \d+ ms$/,
    );
    expect(message).not.toContain(ACCESS_TOKEN);
  });

  it('rejects after the retries when a page keeps failing with 500', async () => {
    answer = main(n =>
      n === 1
        ? undefined
        : googleError(500, 'INTERNAL', 'Internal error encountered.'),
    );
    const { source, logger } = makeSource();

    await expect(source.readResources()).rejects.toThrow(
      "GCP source 'gcp-shop': Cloud Asset searchAllResources on projects/shop-prod failed on page 2 after 3 attempts: HTTP 500 INTERNAL: Internal error encountered.",
    );
    expect(requests.map(r => r.query.get('pageToken'))).toEqual([
      null,
      'main-page-2',
      'main-page-2',
      'main-page-2',
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('does not retry a permission error', async () => {
    answer = () =>
      googleError(
        403,
        'PERMISSION_DENIED',
        "The caller does not have permission 'cloudasset.assets.searchAllResources'",
      );
    const { source } = makeSource();

    await expect(source.readResources()).rejects.toThrow(
      /failed on page 1 after 1 attempt: HTTP 403 PERMISSION_DENIED: The caller does not have permission/,
    );
    expect(requests).toHaveLength(1);
  });

  it('rejects through the request timeout when the API never answers', async () => {
    answer = main(n => (n === 2 ? 'hang' : undefined));
    // Long enough that the pages that do answer never time out on a busy
    // machine: only the hanging page may.
    const { source, logger } = makeSource({
      requestTimeoutMs: 1500,
      retries: 1,
    });

    await expect(source.readResources()).rejects.toThrow(
      /failed on page 2 after 2 attempts: no answer within 1500 ms \(requestTimeoutMs\)$/,
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['invalid JSON', '{"results": [', /malformed answer \(/],
    [
      'results that are not a list',
      JSON.stringify({ results: 'none' }),
      /expected an array for field results/,
    ],
    [
      'a result without a name',
      JSON.stringify({
        results: [{ assetType: 'compute.googleapis.com/Instance' }],
      }),
      /malformed answer: result 1 has no full resource name/,
    ],
  ])('rejects a page with %s', async (_label, body, detail) => {
    answer = main(n => (n === 2 ? { status: 200, body } : undefined));
    const { source } = makeSource();

    const error = await source.readResources().then(
      () => undefined,
      e => e as Error,
    );
    expect(error?.message).toMatch(
      /^GCP source 'gcp-shop': Cloud Asset searchAllResources on projects\/shop-prod failed on page 2 after 1 attempt: /,
    );
    expect(error?.message).toMatch(detail);
    expect(requests).toHaveLength(2);
  });

  it('fails the run, naming the search, when the versioned search keeps failing', async () => {
    answer = (n, _attempt, query) =>
      searchOf(query) === 'versioned'
        ? googleError(
            403,
            'PERMISSION_DENIED',
            "The caller does not have permission 'cloudasset.assets.searchAllResources'",
          )
        : page(n, query);
    const { source } = makeSource();

    await expect(source.readResources()).rejects.toThrow(
      `GCP source 'gcp-shop': Cloud Asset searchAllResources on projects/shop-prod (versionedResources of ${LINKED_TYPES.join(
        ', ',
      )}) failed on page 1 after 1 attempt: HTTP 403 PERMISSION_DENIED`,
    );
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    // Aborted once the first request is in flight, which never gets an answer.
    answer = () => {
      controller.abort(new Error('catalog refresh cancelled'));
      return 'hang';
    };
    const { source } = makeSource();
    const run = source.readResources({ signal: controller.signal });

    await expect(run).rejects.toThrow('catalog refresh cancelled');
  });

  it.each([
    [
      { scope: 'my-project' },
      /scope is 'my-project'; expected organizations\/<number>, folders\/<number> or projects\//,
    ],
    [{ scope: 'organizations/acme' }, /scope is 'organizations\/acme'/],
    [{ pageSize: 0 }, /pageSize is 0/],
    [{ transport: 'http2' }, /transport is 'http2'; expected 'grpc' or 'rest'/],
    [
      { transport: 'grpc' },
      /apiEndpoint is 'http:\/\/127\.0\.0\.1:\d+'; plain http needs transport: rest/,
    ],
  ])('refuses the config %j', (config, message) => {
    expect(() => makeSource(config)).toThrow(InputError);
    expect(() => makeSource(config)).toThrow(message);
  });

  it('accepts folder, organization and project number scopes', () => {
    for (const scope of [
      'folders/418253016442',
      'organizations/730114526071',
      'projects/482913847261',
      'projects/example.com:shop-prod',
    ]) {
      expect(() => makeSource({ scope })).not.toThrow();
    }
  });
});
