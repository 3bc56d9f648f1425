/*
 * A local Kubernetes API server: the list endpoints of the collections the
 * source reads (cluster-wide and per namespace) with `limit` and `continue`,
 * `GET /api/v1/namespaces/<name>`, list envelopes, bearer tokens and Status
 * error objects. The objects come from an estate the caller gives, made one
 * by one as pages ask for them. Shared by the tests and the ingestion
 * benchmark.
 */
import { createServer } from 'node:http';
import {
  closeServer,
  decodeOffsetToken,
  emptyStats,
  encodeOffsetToken,
  Listing,
  listenLocally,
  pageOf,
  ServerStats,
} from './localServer';

/** The collections the fake serves: plural -> API group path, kinds and version. */
export const KUBERNETES_COLLECTIONS: Record<
  string,
  { group: string; kind: string; listKind: string; apiVersion: string }
> = {
  namespaces: {
    group: '/api/v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    apiVersion: 'v1',
  },
  deployments: {
    group: '/apis/apps/v1',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    apiVersion: 'apps/v1',
  },
  statefulsets: {
    group: '/apis/apps/v1',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    apiVersion: 'apps/v1',
  },
  daemonsets: {
    group: '/apis/apps/v1',
    kind: 'DaemonSet',
    listKind: 'DaemonSetList',
    apiVersion: 'apps/v1',
  },
  services: {
    group: '/api/v1',
    kind: 'Service',
    listKind: 'ServiceList',
    apiVersion: 'v1',
  },
  ingresses: {
    group: '/apis/networking.k8s.io/v1',
    kind: 'Ingress',
    listKind: 'IngressList',
    apiVersion: 'networking.k8s.io/v1',
  },
  persistentvolumeclaims: {
    group: '/api/v1',
    kind: 'PersistentVolumeClaim',
    listKind: 'PersistentVolumeClaimList',
    apiVersion: 'v1',
  },
  secrets: {
    group: '/api/v1',
    kind: 'Secret',
    listKind: 'SecretList',
    apiVersion: 'v1',
  },
};

/**
 * The objects of a cluster: for a collection (its plural) and a namespace
 * (undefined: all of them), the objects as list items carry them (without
 * `kind` and `apiVersion`, which the list has).
 *
 * @public
 */
export type KubernetesEstate = {
  list(plural: string, namespace: string | undefined): Listing<unknown>;
};

/**
 * One request the fake received.
 *
 * @public
 */
export type KubernetesApiRequest = {
  path: string;
  query: URLSearchParams;
  authorization?: string;
};

/**
 * What to answer: a body with a status and headers, or no answer at all.
 *
 * @public
 */
export type KubernetesApiReply =
  | {
      status?: number;
      body: string;
      headers?: Record<string, string>;
      items?: number;
    }
  | 'hang';

/**
 * A running {@link startFakeKubernetesApiServer}: its URL, the requests
 * received and what it served.
 *
 * @public
 */
export type FakeKubernetesApiServer = {
  /** `http://127.0.0.1:<port>`, the source's `cluster.url` (with `skipTLSVerify`). */
  url: string;
  requests: KubernetesApiRequest[];
  stats: ServerStats;
  requestsTo(path: string): KubernetesApiRequest[];
  close(): Promise<void>;
};

/** A `Status` error object as the API server answers it. */
export function kubernetesStatus(
  code: number,
  reason: string,
  message: string,
  headers?: Record<string, string>,
): KubernetesApiReply {
  return {
    status: code,
    headers,
    body: JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  };
}

const LIST_PATH =
  /^(\/api\/v1|\/apis\/apps\/v1|\/apis\/networking\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/;
const NAMESPACE_PATH = /^\/api\/v1\/namespaces\/([^/]+)$/;
const RESOURCE_VERSION = '4815162';

/**
 * Serves the estate on 127.0.0.1 over plain http (the client speaks it with
 * `skipTLSVerify`). A request without `Authorization: Bearer <token>` gets a
 * 401; `fault` may answer a request in the server's stead.
 *
 * @public
 */
export async function startFakeKubernetesApiServer(options: {
  token: string;
  estate: KubernetesEstate;
  fault?: (request: KubernetesApiRequest) => KubernetesApiReply | undefined;
}): Promise<FakeKubernetesApiServer> {
  const requests: KubernetesApiRequest[] = [];
  const stats = emptyStats();

  const serve = (url: URL): KubernetesApiReply => {
    const single = NAMESPACE_PATH.exec(url.pathname);
    if (single) {
      const namespaces = options.estate.list('namespaces', undefined);
      for (let index = 0; index < namespaces.count; index++) {
        const namespace = namespaces.item(index) as {
          metadata?: { name?: string };
        };
        if (namespace.metadata?.name === single[1]) {
          return {
            body: JSON.stringify({
              kind: 'Namespace',
              apiVersion: 'v1',
              ...namespace,
            }),
          };
        }
      }
      return kubernetesStatus(
        404,
        'NotFound',
        `namespaces "${single[1]}" not found`,
      );
    }
    const match = LIST_PATH.exec(url.pathname);
    const collection = match && KUBERNETES_COLLECTIONS[match[3]];
    if (!match || !collection || collection.group !== match[1]) {
      return kubernetesStatus(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    const listing = options.estate.list(match[3], match[2]);
    const limit =
      Number(url.searchParams.get('limit') ?? listing.count) || listing.count;
    const start = decodeOffsetToken(url.searchParams.get('continue'));
    if (start < 0) {
      return kubernetesStatus(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result.',
      );
    }
    const page = pageOf(listing, start, limit);
    const metadata: Record<string, unknown> = {
      resourceVersion: RESOURCE_VERSION,
    };
    if (page.next !== undefined) {
      metadata.continue = encodeOffsetToken(page.next);
      metadata.remainingItemCount = listing.count - page.next;
    }
    return {
      body: JSON.stringify({
        kind: collection.listKind,
        apiVersion: collection.apiVersion,
        metadata,
        items: page.items,
      }),
      items: page.items.length,
    };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = {
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    const answer =
      request.authorization === `Bearer ${options.token}`
        ? options.fault?.(request) ?? serve(url)
        : kubernetesStatus(401, 'Unauthorized', 'Unauthorized');
    if (answer === 'hang') {
      return;
    }
    stats.requests++;
    stats.items += answer.items ?? 0;
    stats.bytes += Buffer.byteLength(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json',
      ...answer.headers,
    });
    res.end(answer.body);
  });
  const port = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stats,
    requestsTo: path => requests.filter(r => r.path === path),
    close: () => closeServer(server),
  };
}
