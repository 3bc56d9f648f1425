import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { resourceEntityName } from '@multicloud/plugin-multicloud-node';
import { ApiRequestCounters } from '../../lib/metrics';
import { createKubernetesSource } from './createKubernetesSource';
import { mapEksClusters } from '../aws/mapAwsServiceResources';
import { encodeOffsetToken, listingOf } from '../../testUtils/localServer';
import kubectlGetAll from './__fixtures__/kubectl-get-all.json';
import {
  FakeKubernetesApiServer,
  KUBERNETES_COLLECTIONS,
  KubernetesApiReply,
  KubernetesApiRequest,
  KubernetesEstate,
  kubernetesStatus,
  startFakeKubernetesApiServer,
} from '../../testUtils/fakeKubernetesApiServer';

// The first test loads @kubernetes/client-node, which Jest transforms on a cold
// cache: seconds on a fresh, busy machine, past Jest's default 5 s.
jest.setTimeout(60_000);

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test-service-account-token';
const CA_DATA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBdummytestca\n-----END CERTIFICATE-----\n',
).toString('base64');
const DASHBOARD = 'https://dashboard.prod-eu.example.com';
/**
 * The entity name of cluster prod-eu, which the Kubernetes plugin's catalog
 * cluster locator gives the cluster.
 */
const CLUSTER_ENTITY = 'prod-eu-f01e61cb';

type Fault =
  | '429'
  | '500'
  | '403'
  | 'hang'
  | 'invalid-json'
  | 'wrong-shape'
  | 'nameless-item'
  | 'namespaceless-item';
type KubeObject = {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string };
};

/** The objects of the kubectl fixture, as list items (without kind and apiVersion). */
const fixtureEstate: KubernetesEstate = {
  list(plural, namespace) {
    const { kind } = KUBERNETES_COLLECTIONS[plural];
    return listingOf(
      (kubectlGetAll.items as KubeObject[])
        .filter(
          o =>
            o.kind === kind &&
            (!namespace || o.metadata.namespace === namespace),
        )
        .map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    );
  },
};

const serviceList = (items: unknown): KubernetesApiReply => ({
  body: JSON.stringify({
    kind: 'ServiceList',
    apiVersion: 'v1',
    metadata: {},
    items,
  }),
});

/** The answer of each fault. */
const FAULT_REPLIES: Record<Fault, KubernetesApiReply> = {
  '429': kubernetesStatus(
    429,
    'TooManyRequests',
    'storage is (re)initializing',
    { 'retry-after': '1' },
  ),
  '500': kubernetesStatus(
    500,
    'InternalError',
    'Internal error occurred: etcdserver: request timed out',
  ),
  '403': kubernetesStatus(
    403,
    'Forbidden',
    `services is forbidden: User "system:serviceaccount:backstage:reader" cannot list resource "services" in API group "" at the cluster scope`,
  ),
  hang: 'hang',
  'invalid-json': { body: '{"kind":"ServiceList","items":[{"metadata":' },
  'wrong-shape': serviceList({ kubernetes: {} }),
  'nameless-item': serviceList([{ spec: {} }]),
  'namespaceless-item': serviceList([
    { metadata: { name: 'orphan' }, spec: {} },
  ]),
};

/**
 * The shared fake API server over the kubectl fixture, with faults per
 * request path.
 */
class FakeApiServer {
  /** Faults per request path (pathname + `continue` when paging), consumed in order; `always` repeats. */
  readonly faults = new Map<string, Fault[]>();
  readonly alwaysFaults = new Map<string, Fault>();
  private server?: FakeKubernetesApiServer;
  private readonly waiting: Array<{ path: string; arrived: () => void }> = [];

  get requests(): KubernetesApiRequest[] {
    return this.server!.requests;
  }

  async start(): Promise<string> {
    this.server = await startFakeKubernetesApiServer({
      token: TOKEN,
      estate: fixtureEstate,
      fault: ({ path, query }) => {
        for (const waiter of this.waiting.filter(w => w.path === path)) {
          waiter.arrived();
        }
        const fault =
          this.alwaysFaults.get(path) ??
          this.faults.get(`${path}#${query.get('continue') ?? ''}`)?.shift();
        return fault && FAULT_REPLIES[fault];
      },
    });
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server!.close();
  }

  requestsTo(path: string): KubernetesApiRequest[] {
    return this.server!.requestsTo(path);
  }

  /** Settles when a request to `path` arrives. */
  requestArrives(path: string): Promise<void> {
    return new Promise(arrived => this.waiting.push({ path, arrived }));
  }
}

describe('createKubernetesSource', () => {
  let server: FakeApiServer;
  let baseUrl: string;

  beforeEach(async () => {
    server = new FakeApiServer();
    baseUrl = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  /** A source for the fake server; `connection` replaces the url + token connection. */
  function makeSource(
    overrides: JsonObject = {},
    connection?: JsonObject,
    apiRequests?: ApiRequestCounters,
  ) {
    const logger = mockServices.logger.mock();
    const source = createKubernetesSource({
      id: 'k8s-prod-eu',
      logger,
      apiRequests,
      retryBaseDelayMs: 1,
      config: new ConfigReader({
        type: 'kubernetes',
        cluster: {
          name: 'prod-eu',
          region: 'eu-west-1',
          dashboardUrl: DASHBOARD,
          ...(connection ?? {
            url: baseUrl,
            serviceAccountToken: TOKEN,
            caData: CA_DATA,
            skipTLSVerify: true,
          }),
        },
        pageSize: 2,
        retries: 3,
        ...overrides,
      }),
    });
    return { source, logger };
  }

  const byId = (resources: CloudResource[], nativeId: string) => {
    const found = resources.find(r => r.nativeId === nativeId);
    if (!found) {
      throw new Error(`no resource ${nativeId}`);
    }
    return found;
  };

  it('pages through every collection with limit and continue, sending the token', async () => {
    const { source } = makeSource();
    const resources = await source.readResources();

    expect(resources).toHaveLength(21);
    expect(resources.map(r => r.nativeId)).toEqual(
      [...resources.map(r => r.nativeId)].sort(),
    );

    const deploymentPages = server.requestsTo('/apis/apps/v1/deployments');
    expect(deploymentPages).toHaveLength(3);
    expect(deploymentPages.map(r => r.query.get('limit'))).toEqual([
      '2',
      '2',
      '2',
    ]);
    expect(deploymentPages[0].query.has('continue')).toBe(false);
    expect(deploymentPages[1].query.get('continue')).toBeTruthy();
    expect(deploymentPages[2].query.get('continue')).not.toBe(
      deploymentPages[1].query.get('continue'),
    );
    expect(server.requestsTo('/api/v1/services')).toHaveLength(3);
    expect(server.requestsTo('/api/v1/namespaces')).toHaveLength(2);
    expect(
      server.requestsTo('/apis/networking.k8s.io/v1/ingresses'),
    ).toHaveLength(1);
    expect(server.requestsTo('/api/v1/persistentvolumeclaims')).toHaveLength(2);

    expect(
      server.requests.every(r => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
    expect(
      resources.filter(r => r.type === 'kubernetes-deployment'),
    ).toHaveLength(5);
  });

  it('maps names, types, tags, status, relations, annotations, cost ids and console links', async () => {
    const { source } = makeSource();
    const resources = await source.readResources();

    expect(byId(resources, 'k8s:prod-eu')).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'eu-west-1',
      type: 'kubernetes-cluster',
      nativeId: 'k8s:prod-eu',
      name: 'prod-eu',
      tags: {},
      relations: [],
      consoleUrl: DASHBOARD,
      costResourceId: 'k8s:prod-eu',
      annotations: {
        'kubernetes.io/api-server': baseUrl,
        'kubernetes.io/api-server-certificate-authority': CA_DATA,
        'kubernetes.io/auth-provider': 'serviceAccount',
        'kubernetes.io/skip-tls-verify': 'true',
        'kubernetes.io/dashboard-url': DASHBOARD,
      },
    });

    expect(byId(resources, 'k8s:prod-eu/namespaces/shop')).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'eu-west-1',
      type: 'kubernetes-namespace',
      nativeId: 'k8s:prod-eu/namespaces/shop',
      name: 'shop',
      tags: {
        'kubernetes.io/metadata.name': 'shop',
        owner: 'team-shop',
        system: 'webshop',
      },
      status: 'Active',
      relations: [{ type: 'dependsOn', targetNativeId: 'k8s:prod-eu' }],
      consoleUrl: `${DASHBOARD}/#/workloads?namespace=shop`,
      costResourceId: 'k8s:prod-eu/namespaces/shop',
      annotations: {},
    });

    expect(
      byId(resources, 'k8s:prod-eu/shop/deployments/checkout-api'),
    ).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'eu-west-1',
      type: 'kubernetes-deployment',
      nativeId: 'k8s:prod-eu/shop/deployments/checkout-api',
      name: 'checkout-api',
      tags: {
        'app.kubernetes.io/name': 'checkout-api',
        'backstage.io/kubernetes-id': 'checkout',
        owner: 'team-shop',
        component: 'checkout',
      },
      status: '2/3 ready',
      relations: [
        { type: 'dependsOn', targetNativeId: 'k8s:prod-eu/namespaces/shop' },
        {
          type: 'dependsOn',
          targetNativeId:
            'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
        },
      ],
      consoleUrl: `${DASHBOARD}/#/deployment/shop/checkout-api?namespace=shop`,
      costResourceId: 'k8s:prod-eu/shop/deployments/checkout-api',
      annotations: {
        'backstage.io/kubernetes-id': 'checkout',
        'backstage.io/kubernetes-cluster': CLUSTER_ENTITY,
        'backstage.io/kubernetes-namespace': 'shop',
        'multicloud.io/replicas': '2/3',
      },
    });

    // Falls back to app.kubernetes.io/name and tells the Kubernetes plugin how to select it.
    expect(
      byId(resources, 'k8s:prod-eu/shop/deployments/cart').annotations,
    ).toEqual({
      'backstage.io/kubernetes-id': 'cart',
      'backstage.io/kubernetes-label-selector': 'app.kubernetes.io/name=cart',
      'backstage.io/kubernetes-cluster': CLUSTER_ENTITY,
      'backstage.io/kubernetes-namespace': 'shop',
      'multicloud.io/replicas': '2/2',
    });
    // Two desired, none available: its status has no availableReplicas.
    const hello = byId(resources, 'k8s:prod-eu/default/deployments/hello');
    expect(hello.status).toBe('0/2 ready');
    expect(hello.tags).toEqual({});
    expect(hello.annotations).toEqual({
      'backstage.io/kubernetes-cluster': CLUSTER_ENTITY,
      'backstage.io/kubernetes-namespace': 'default',
      'multicloud.io/replicas': '0/2',
    });

    expect(
      byId(resources, 'k8s:prod-eu/shop/statefulsets/postgres'),
    ).toMatchObject({
      type: 'kubernetes-statefulset',
      status: '1/1 ready',
      consoleUrl: `${DASHBOARD}/#/statefulset/shop/postgres?namespace=shop`,
      annotations: expect.objectContaining({ 'multicloud.io/replicas': '1/1' }),
    });
    expect(
      byId(resources, 'k8s:prod-eu/kube-system/daemonsets/fluent-bit'),
    ).toMatchObject({
      type: 'kubernetes-daemonset',
      status: '3/3 ready',
      annotations: expect.objectContaining({ 'multicloud.io/replicas': '3/3' }),
    });

    const relationsOf = (nativeId: string) =>
      byId(resources, nativeId)
        .relations.map(r => r.targetNativeId)
        .sort();
    // Selector app=checkout,tier=api matches checkout-api but not checkout-worker (tier=worker).
    expect(relationsOf('k8s:prod-eu/shop/services/checkout')).toEqual([
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/deployments/checkout-api',
    ]);
    expect(relationsOf('k8s:prod-eu/shop/services/postgres')).toEqual([
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/statefulsets/postgres',
    ]);
    expect(relationsOf('k8s:prod-eu/kube-system/services/kube-dns')).toEqual([
      'k8s:prod-eu/kube-system/deployments/coredns',
      'k8s:prod-eu/namespaces/kube-system',
    ]);
    // No selector: no workload.
    expect(relationsOf('k8s:prod-eu/default/services/kubernetes')).toEqual([
      'k8s:prod-eu/namespaces/default',
    ]);
    // Rules and default backend; the missing legacy-search service is not linked.
    expect(relationsOf('k8s:prod-eu/shop/ingresses/storefront')).toEqual([
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/services/cart',
      'k8s:prod-eu/shop/services/checkout',
    ]);
    expect(
      byId(resources, 'k8s:prod-eu/shop/services/checkout').status,
    ).toBeUndefined();

    const ids = new Set(resources.map(r => r.nativeId));
    for (const resource of resources) {
      expect(resource.costResourceId).toBe(resource.nativeId);
      for (const relation of resource.relations) {
        expect(ids.has(relation.targetNativeId)).toBe(true);
      }
    }
  });

  it("writes the Kubernetes plugin's annotations on every object of the live cluster, naming the cluster as the catalog cluster locator does", async () => {
    const { source } = makeSource();
    const resources = await source.readResources();

    const objects = resources.filter(
      r => r.type !== 'kubernetes-cluster' && r.type !== 'kubernetes-namespace',
    );
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(object.annotations).toMatchObject({
        'backstage.io/kubernetes-cluster': CLUSTER_ENTITY,
        'backstage.io/kubernetes-namespace': expect.any(String),
      });
    }
    expect(
      objects.filter(r => r.annotations?.['backstage.io/kubernetes-id']),
    ).not.toHaveLength(0);
  });

  it('links workloads to the claims they mount, and never reads or writes a secret name', async () => {
    const { source } = makeSource();
    const resources = await source.readResources();

    expect(
      byId(
        resources,
        'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
      ),
    ).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'eu-west-1',
      type: 'kubernetes-persistent-volume-claim',
      nativeId: 'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
      name: 'checkout-uploads',
      tags: { 'app.kubernetes.io/name': 'checkout-api', owner: 'team-shop' },
      status: 'Bound',
      relations: [
        { type: 'dependsOn', targetNativeId: 'k8s:prod-eu/namespaces/shop' },
      ],
      consoleUrl: `${DASHBOARD}/#/persistentvolumeclaim/shop/checkout-uploads?namespace=shop`,
      costResourceId:
        'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
      annotations: {
        'backstage.io/kubernetes-id': 'checkout-api',
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/name=checkout-api',
        'backstage.io/kubernetes-cluster': CLUSTER_ENTITY,
        'backstage.io/kubernetes-namespace': 'shop',
      },
    });
    const claimsOf = (nativeId: string) =>
      byId(resources, nativeId)
        .relations.map(r => r.targetNativeId)
        .filter(id => id.includes('/persistentvolumeclaims/'));
    // Pod template volumes: two deployments share one claim.
    expect(claimsOf('k8s:prod-eu/shop/deployments/checkout-api')).toEqual([
      'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
    ]);
    expect(claimsOf('k8s:prod-eu/shop/deployments/checkout-worker')).toEqual([
      'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
    ]);
    // A claim the cluster does not have is not linked.
    expect(claimsOf('k8s:prod-eu/default/deployments/hello')).toEqual([]);
    // volumeClaimTemplates: data-postgres-<n>, the retained one included,
    // but not data-postgres-archive-0.
    expect(claimsOf('k8s:prod-eu/shop/statefulsets/postgres')).toEqual([
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-0',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-1',
    ]);

    // Secrets and ConfigMaps are never listed, and the names the pod
    // template gives them (volumes, env, envFrom, imagePullSecrets) never
    // reach a resource.
    expect(
      server.requests.filter(r => /secrets|configmaps/.test(r.path)),
    ).toEqual([]);
    const json = JSON.stringify(resources);
    for (const name of [
      'checkout-db-credentials',
      'checkout-signing-keys',
      'checkout-api-env',
      'stripe-api-key',
      'ghcr-pull-secret',
      'checkout-api-config',
    ]) {
      expect(json).not.toContain(name);
    }
  });

  it('never puts the token in annotations, resources or logs', async () => {
    const { source, logger } = makeSource();
    server.faults.set('/api/v1/namespaces#', ['429']);
    const resources = await source.readResources();

    expect(server.requests[0].authorization).toBe(`Bearer ${TOKEN}`);
    for (const resource of resources) {
      for (const value of Object.values(resource.annotations ?? {})) {
        expect(value).not.toContain(TOKEN);
      }
    }
    expect(JSON.stringify(resources)).not.toContain(TOKEN);
    const logged = JSON.stringify([
      logger.warn.mock.calls,
      logger.info.mock.calls,
      logger.debug.mock.calls,
      logger.error.mock.calls,
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logged).not.toContain(TOKEN);
  });

  it('retries a throttled page (429) and resumes at that page', async () => {
    const { source, logger } = makeSource();
    // Throttle page 2 of the deployments once; its continue token comes from page 1.
    const deploymentsPath = '/apis/apps/v1/deployments';
    const page2Token = encodeOffsetToken(2);
    server.faults.set(`${deploymentsPath}#${page2Token}`, ['429']);

    const resources = await source.readResources();

    expect(
      resources.filter(r => r.type === 'kubernetes-deployment'),
    ).toHaveLength(5);
    const pages = server
      .requestsTo(deploymentsPath)
      .map(r => r.query.get('continue'));
    expect(pages).toEqual([null, page2Token, page2Token, expect.any(String)]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /^Kubernetes source 'k8s-prod-eu' \(cluster 'prod-eu'\): listDeploymentForAllNamespaces page 2 failed: HTTP 429 TooManyRequests: storage is \(re\)initializing; retry 1 of 3 in \d+ ms$/,
    );
  });

  it('counts the requests of each API operation, and the throttled ones', async () => {
    const counts = new Map<string, { attempted: number; throttled: number }>();
    const { source } = makeSource({}, undefined, operation => {
      const count = counts.get(operation) ?? { attempted: 0, throttled: 0 };
      counts.set(operation, count);
      return {
        attempted: () => count.attempted++,
        throttled: () => count.throttled++,
      };
    });
    const deploymentsPath = '/apis/apps/v1/deployments';
    server.faults.set(`${deploymentsPath}#${encodeOffsetToken(2)}`, ['429']);

    await source.readResources();

    expect(counts.get('listDeploymentForAllNamespaces')).toEqual({
      attempted: server.requestsTo(deploymentsPath).length,
      throttled: 1,
    });
    expect(counts.get('listNamespace')).toEqual({
      attempted: server.requestsTo('/api/v1/namespaces').length,
      throttled: 0,
    });
  });

  it('rejects after the retries when the API keeps answering 500', async () => {
    const { source, logger } = makeSource({ retries: 2 });
    server.alwaysFaults.set('/api/v1/services', '500');

    await expect(source.readResources()).rejects.toThrow(
      "Kubernetes source 'k8s-prod-eu' (cluster 'prod-eu'): listServiceForAllNamespaces page 1 failed: HTTP 500 InternalError: Internal error occurred: etcdserver: request timed out",
    );
    expect(server.requestsTo('/api/v1/services')).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('does not retry a forbidden list', async () => {
    const { source, logger } = makeSource();
    server.alwaysFaults.set('/api/v1/services', '403');

    await expect(source.readResources()).rejects.toThrow(
      /listServiceForAllNamespaces page 1 failed: HTTP 403 Forbidden: services is forbidden/,
    );
    expect(server.requestsTo('/api/v1/services')).toHaveLength(1);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('rejects via the request timeout when the API never answers', async () => {
    const { source, logger } = makeSource({
      requestTimeoutMs: 1500,
      retries: 1,
    });
    server.alwaysFaults.set('/apis/networking.k8s.io/v1/ingresses', 'hang');

    await expect(source.readResources()).rejects.toThrow(
      "Kubernetes source 'k8s-prod-eu' (cluster 'prod-eu'): listIngressForAllNamespaces page 1 timed out after 1500 ms",
    );
    expect(
      server.requestsTo('/apis/networking.k8s.io/v1/ingresses'),
    ).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'invalid-json' as const,
      /listServiceForAllNamespaces page 1 returned a malformed answer \(HTTP 200\)/,
    ],
    [
      'wrong-shape' as const,
      /listServiceForAllNamespaces page 1 returned a malformed answer/,
    ],
    [
      'nameless-item' as const,
      /listServiceForAllNamespaces page 1 returned a malformed answer: an object has no metadata.name/,
    ],
    // Mapped as its page arrives, so the read stops right there.
    ['namespaceless-item' as const, /Service orphan has no metadata.namespace/],
  ])(
    'rejects a malformed page (%s) without retrying',
    async (fault, message) => {
      const { source } = makeSource();
      server.alwaysFaults.set('/api/v1/services', fault);

      await expect(source.readResources()).rejects.toThrow(message);
      expect(server.requestsTo('/api/v1/services')).toHaveLength(1);
    },
  );

  it('reads only the configured namespaces, through the namespaced paths', async () => {
    const { source } = makeSource({ namespaces: ['shop'] });
    const resources = await source.readResources();

    expect(server.requestsTo('/api/v1/namespaces/shop')).toHaveLength(1);
    expect(
      server.requestsTo('/apis/apps/v1/namespaces/shop/deployments'),
    ).toHaveLength(2);
    expect(server.requestsTo('/apis/apps/v1/deployments')).toHaveLength(0);
    expect(server.requestsTo('/api/v1/namespaces')).toHaveLength(0);
    expect(
      server.requestsTo('/api/v1/namespaces/shop/persistentvolumeclaims'),
    ).toHaveLength(2);
    expect(resources.map(r => r.nativeId)).toEqual([
      'k8s:prod-eu',
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/deployments/cart',
      'k8s:prod-eu/shop/deployments/checkout-api',
      'k8s:prod-eu/shop/deployments/checkout-worker',
      'k8s:prod-eu/shop/ingresses/storefront',
      'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-0',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-1',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-archive-0',
      'k8s:prod-eu/shop/services/cart',
      'k8s:prod-eu/shop/services/checkout',
      'k8s:prod-eu/shop/services/postgres',
      'k8s:prod-eu/shop/statefulsets/postgres',
    ]);
    expect(
      byId(resources, 'k8s:prod-eu/shop/statefulsets/postgres').relations,
    ).toEqual([
      { type: 'dependsOn', targetNativeId: 'k8s:prod-eu/namespaces/shop' },
      {
        type: 'dependsOn',
        targetNativeId:
          'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-0',
      },
      {
        type: 'dependsOn',
        targetNativeId:
          'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-1',
      },
    ]);
  });

  it('rejects with the API message when a configured namespace does not exist', async () => {
    const { source } = makeSource({ namespaces: ['payments'] });
    await expect(source.readResources()).rejects.toThrow(
      `readNamespace (namespace 'payments') failed: HTTP 404 NotFound: namespaces "payments" not found`,
    );
  });

  it('connects through a kubeconfig file and its named context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-source-'));
    try {
      const kubeconfigPath = join(dir, 'config');
      writeFileSync(
        kubeconfigPath,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: elsewhere',
          'clusters:',
          '- name: local',
          '  cluster:',
          `    server: ${baseUrl}`,
          '    insecure-skip-tls-verify: true',
          '- name: other',
          '  cluster:',
          '    server: https://203.0.113.99:6443',
          'users:',
          '- name: reader',
          '  user:',
          `    token: ${TOKEN}`,
          'contexts:',
          '- name: prod-eu',
          '  context: {cluster: local, user: reader}',
          '- name: elsewhere',
          '  context: {cluster: other, user: reader}',
          '',
        ].join('\n'),
      );
      const { source } = makeSource({}, { kubeconfigPath, context: 'prod-eu' });
      const resources = await source.readResources();
      expect(resources).toHaveLength(21);
      expect(byId(resources, 'k8s:prod-eu').annotations).toMatchObject({
        'kubernetes.io/api-server': baseUrl,
        'kubernetes.io/skip-tls-verify': 'true',
      });

      const missing = makeSource(
        {},
        { kubeconfigPath, context: 'staging' },
      ).source;
      await expect(missing.readResources()).rejects.toThrow(
        `context 'staging' not found in ${kubeconfigPath}; it has prod-eu, elsewhere`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pairs with the EKS cluster a kubeconfig of `aws eks update-kubeconfig` names, instead of writing its own cluster', async () => {
    const arn = 'arn:aws:eks:eu-west-1:111122223333:cluster/platform-prod';
    const dir = mkdtempSync(join(tmpdir(), 'k8s-source-'));
    try {
      // What `aws eks update-kubeconfig --name platform-prod` writes: the
      // cluster, user and context are named by the cluster's ARN.
      const kubeconfigPath = join(dir, 'config');
      writeFileSync(
        kubeconfigPath,
        [
          'apiVersion: v1',
          'kind: Config',
          `current-context: ${arn}`,
          'clusters:',
          `- name: ${arn}`,
          '  cluster:',
          `    server: ${baseUrl}`,
          '    insecure-skip-tls-verify: true',
          'users:',
          `- name: ${arn}`,
          '  user:',
          `    token: ${TOKEN}`,
          'contexts:',
          `- name: ${arn}`,
          `  context: {cluster: "${arn}", user: "${arn}"}`,
          '',
        ].join('\n'),
      );
      const { source } = makeSource({}, { kubeconfigPath });
      const resources = await source.readResources();

      // The EKS cluster's entity, as the aws source names it.
      const [eks] = mapEksClusters(
        [
          {
            name: 'platform-prod',
            arn,
            endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
            tags: { Name: 'Platform (prod)' },
          },
        ],
        { accountId: '111122223333', region: 'eu-west-1' },
      );
      expect(eks.nativeId).toBe(arn);
      const eksEntity = resourceEntityName(eks.name, eks.nativeId);

      expect(resources.map(r => r.type)).not.toContain('kubernetes-cluster');
      const namespaces = resources.filter(
        r => r.type === 'kubernetes-namespace',
      );
      expect(namespaces.length).toBeGreaterThan(0);
      for (const namespace of namespaces) {
        expect(namespace.relations).toEqual([
          {
            type: 'dependsOn',
            targetNativeId: arn,
            targetName: 'platform-prod',
          },
        ]);
      }
      for (const object of resources.filter(
        r => r.annotations?.['backstage.io/kubernetes-namespace'],
      )) {
        expect(object.annotations!['backstage.io/kubernetes-cluster']).toBe(
          eksEntity,
        );
      }

      // Configured, it wins over the kubeconfig; unconfigured and unnamed
      // by an ARN, the source writes its own cluster.
      const other = 'arn:aws:eks:us-east-1:111122223333:cluster/other';
      const configured = await makeSource(
        {},
        { kubeconfigPath, eksClusterArn: other },
      ).source.readResources();
      expect(
        configured.find(r => r.type === 'kubernetes-namespace')!.relations,
      ).toEqual([
        { type: 'dependsOn', targetNativeId: other, targetName: 'other' },
      ]);
      expect(
        (await makeSource().source.readResources()).filter(
          r => r.type === 'kubernetes-cluster',
        ),
      ).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops when the caller aborts', async () => {
    const { source } = makeSource({ requestTimeoutMs: 10_000 });
    const controller = new AbortController();
    // Aborted once the services list is in flight; it never gets an answer.
    server.alwaysFaults.set('/api/v1/services', 'hang');
    const servicesRequested = server.requestArrives('/api/v1/services');
    const run = source.readResources({ signal: controller.signal });
    await servicesRequested;
    controller.abort(new Error('shutting down'));
    await expect(run).rejects.toThrow('shutting down');
  });

  it.each([
    [
      'no connection method',
      {},
      /configure exactly one way to connect to cluster 'prod-eu'.*none is set/,
    ],
    [
      'several connection methods',
      { kubeconfigPath: '/etc/kube/config', inCluster: true },
      /found cluster.kubeconfigPath and cluster.inCluster/,
    ],
    [
      'a url without token',
      { url: 'https://k8s.example.com' },
      /cluster.url and cluster.serviceAccountToken must be set together/,
    ],
    [
      'plain http without skipTLSVerify',
      { url: 'http://127.0.0.1:1', serviceAccountToken: TOKEN },
      /only allows with cluster.skipTLSVerify: true/,
    ],
    [
      'a context without kubeconfig',
      { inCluster: true, context: 'x' },
      /cluster.context is only valid with cluster.kubeconfigPath/,
    ],
    [
      'an eksClusterArn that is no EKS cluster ARN',
      {
        inCluster: true,
        eksClusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod',
      },
      /cluster.eksClusterArn 'arn:aws:ecs:eu-west-1:111122223333:cluster\/prod' is not an EKS cluster's ARN/,
    ],
  ])('rejects config with %s', (_name, cluster, message) => {
    const create = () =>
      createKubernetesSource({
        id: 'k8s-prod-eu',
        logger: mockServices.logger.mock(),
        config: new ConfigReader({
          type: 'kubernetes',
          cluster: { name: 'prod-eu', ...cluster },
        }),
      });
    expect(create).toThrow(message);
    let thrown: unknown;
    try {
      create();
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).not.toContain(TOKEN);
  });
});
