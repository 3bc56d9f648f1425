import { readFileSync } from 'node:fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  ConfigurationOptions,
  KubeConfig,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSourceReadOptions } from '@multicloud/plugin-multicloud-node';
import { mapWithConcurrency } from '../../lib/limit';
import { ApiRequestCounters } from '../../lib/metrics';
import { isRetryableError, withRetry } from '../../lib/retry';
import {
  CloudSourceFactoryOptions,
  WholeCloudSource,
  readSharedSourceOptions,
} from '../types';
import { KubernetesSourceConfig, readKubernetesSourceConfig } from './config';
import {
  EKS_CLUSTER_ARN,
  KubernetesClusterInfo,
  KubernetesKind,
  KubernetesObjectEntry,
  linkKubernetesResources,
  mapKubernetesObject,
} from './mapKubernetesResources';

/**
 * The Kubernetes client, loaded by the first Kubernetes source created: a
 * backend without one never loads it. A deferred `require` rather than
 * `import()`, which Jest runs only under `--experimental-vm-modules`; both
 * defer the loading alike.
 */
function loadKubernetesSdk() {
  return require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
}

type KubernetesSdk = ReturnType<typeof loadKubernetesSdk>;

/** The message of a kubeconfig loading error, without js-yaml's source snippet (it may hold a token). */
function loadErrorMessage(error: unknown): string {
  const e = error as {
    name?: string;
    reason?: string;
    mark?: { line?: number };
    message?: string;
  };
  if (e?.name === 'YAMLException' && e.reason) {
    return `invalid YAML: ${e.reason}${
      e.mark?.line !== undefined ? ` (line ${e.mark.line + 1})` : ''
    }`;
  }
  return e?.message ?? String(error);
}

/** Builds the client configuration for one run (re-read each run, so rotated credentials apply). */
function loadKubeConfig(
  sdk: KubernetesSdk,
  sourceId: string,
  config: KubernetesSourceConfig,
): KubeConfig {
  const prefix = `Kubernetes source '${sourceId}' (cluster '${config.clusterName}')`;
  const kc = new sdk.KubeConfig();
  const { connection } = config;
  switch (connection.method) {
    case 'kubeconfig': {
      try {
        kc.loadFromFile(connection.kubeconfigPath);
      } catch (error) {
        throw new InputError(
          `${prefix}: cannot load kubeconfig ${
            connection.kubeconfigPath
          }: ${loadErrorMessage(error)}`,
        );
      }
      if (connection.context !== undefined) {
        if (!kc.getContextObject(connection.context)) {
          const known = kc.getContexts().map(c => c.name);
          throw new InputError(
            `${prefix}: context '${connection.context}' not found in ${
              connection.kubeconfigPath
            }; it has ${known.length ? known.join(', ') : 'no contexts'}`,
          );
        }
        kc.setCurrentContext(connection.context);
      }
      break;
    }
    case 'inCluster':
      if (!process.env.KUBERNETES_SERVICE_HOST) {
        throw new InputError(
          `${prefix}: cluster.inCluster is set but KUBERNETES_SERVICE_HOST is not; the backend is not running in a Kubernetes pod`,
        );
      }
      kc.loadFromCluster();
      break;
    default:
      kc.loadFromOptions({
        clusters: [
          {
            name: config.clusterName,
            server: connection.url,
            caData: connection.caData,
            skipTLSVerify: connection.skipTLSVerify,
          },
        ],
        users: [
          {
            name: `${config.clusterName}-reader`,
            token: connection.serviceAccountToken,
          },
        ],
        contexts: [
          {
            name: config.clusterName,
            cluster: config.clusterName,
            user: `${config.clusterName}-reader`,
          },
        ],
        currentContext: config.clusterName,
      });
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError(`${prefix}: the kubeconfig has no current cluster`);
  }
  return kc;
}

function withoutCredentials(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server;
  }
}

function readCaData(
  caData: string | undefined,
  caFile: string | undefined,
): string | undefined {
  if (caData) {
    return caData;
  }
  if (!caFile) {
    return undefined;
  }
  try {
    return readFileSync(caFile).toString('base64');
  } catch {
    // The CA only feeds an annotation; the client reports unreadable files itself.
    return undefined;
  }
}

/** What the cluster resource says about the cluster this run connected to. */
function clusterInfoOf(
  config: KubernetesSourceConfig,
  kc: KubeConfig,
): KubernetesClusterInfo {
  const cluster = kc.getCurrentCluster();
  return {
    // `aws eks update-kubeconfig` names the cluster by its ARN.
    eksClusterArn:
      config.eksClusterArn ??
      (cluster && EKS_CLUSTER_ARN.test(cluster.name)
        ? cluster.name
        : undefined),
    name: config.clusterName,
    region: config.region,
    dashboardUrl: config.dashboardUrl,
    apiServerUrl: cluster ? withoutCredentials(cluster.server) : undefined,
    caData: cluster ? readCaData(cluster.caData, cluster.caFile) : undefined,
    skipTLSVerify: cluster?.skipTLSVerify ?? false,
    authProvider: config.authProvider,
  };
}

type ReadKubernetesObjectsOptions = {
  /** Prefix of every error message and log line, naming the source and cluster. */
  describeSource: string;
  kubeConfig: KubeConfig;
  /** Namespaces to read; undefined reads every namespace. */
  namespaces?: string[];
  pageSize: number;
  concurrency: number;
  retries: number;
  requestTimeoutMs: number;
  retryBaseDelayMs?: number;
  logger: LoggerService;
  signal?: AbortSignal;
  /** Counters of the requests by API operation (`listNamespacedDeployment`, ...). */
  apiRequests?: ApiRequestCounters;
};

/** A failed request, classified for {@link withRetry}. Its message names the call and never holds credentials. */
class KubernetesRequestError extends Error {
  readonly retryable: boolean;
  /** HTTP status of an API error answer. */
  readonly statusCode?: number;
  /** `reason` of the API's Status object, such as `TooManyRequests` or `Forbidden`. */
  readonly reason?: string;

  constructor(
    message: string,
    options: {
      retryable: boolean;
      statusCode?: number;
      reason?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'KubernetesRequestError';
    this.retryable = options.retryable;
    this.statusCode = options.statusCode;
    this.reason = options.reason;
  }
}

type ListPage = { metadata?: { _continue?: string }; items?: unknown };
type PageParams = { limit: number; _continue?: string };
type ListCall = (
  params: PageParams,
  options: ConfigurationOptions,
) => Promise<ListPage>;

type ReadTask =
  | { kind: KubernetesKind; what: string; list: ListCall }
  | {
      kind: KubernetesKind;
      what: string;
      get: (options: ConfigurationOptions) => Promise<unknown>;
    };

function isRetryable(error: unknown): boolean {
  return error instanceof KubernetesRequestError
    ? error.retryable
    : isRetryableError(error);
}

/** The API's Status object of an error answer (the client hands it over as text). */
function statusOf(body: unknown): { reason?: string; message?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 300) || undefined };
    }
  }
  const status = value as { reason?: unknown; message?: unknown } | undefined;
  return {
    reason: typeof status?.reason === 'string' ? status.reason : undefined,
    message: typeof status?.message === 'string' ? status.message : undefined,
  };
}

function errorMessageOf(error: unknown): string {
  const e = error as {
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

/**
 * Per-request options: a middleware that puts the request's abort signal on
 * the fetch (the v2 client's `RequestContext.setSignal`) and notes whether an
 * answer arrived, so that a failure after it counts as a malformed answer.
 */
function requestOptions(
  sdk: KubernetesSdk,
  signal: AbortSignal,
  onResponse: (status: number) => void,
): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new sdk.Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) => {
          onResponse(context.httpStatusCode);
          return new sdk.Observable(Promise.resolve(context));
        },
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Lists namespaces, deployments, statefulsets, daemonsets, services,
 * ingresses and persistentvolumeclaims of a cluster (every namespace, or the
 * configured ones), never Secrets or ConfigMaps, page by page with `limit`
 * and `continue`, and returns what `mapEntry` makes of each
 * object. Objects are mapped as their page arrives, so that the client's
 * decoded pages (`managedFields`, whole pod templates) are garbage before the
 * next page is read instead of piling up for the whole cluster. Each request
 * runs under its own timeout and inside {@link withRetry}; a retried page
 * resumes at that page. The first request or mapping that fails for good
 * aborts the others and rejects.
 */
async function readKubernetesObjects<Mapped>(
  sdk: KubernetesSdk,
  options: ReadKubernetesObjectsOptions,
  mapEntry: (entry: KubernetesObjectEntry) => Mapped,
): Promise<Mapped[]> {
  const { describeSource, kubeConfig, namespaces, pageSize, logger } = options;
  const core = kubeConfig.makeApiClient(sdk.CoreV1Api);
  const apps = kubeConfig.makeApiClient(sdk.AppsV1Api);
  const networking = kubeConfig.makeApiClient(sdk.NetworkingV1Api);

  const tasks: ReadTask[] = [];
  if (!namespaces) {
    tasks.push(
      {
        kind: 'Namespace',
        what: 'listNamespace',
        list: (p, o) => core.listNamespace(p, o),
      },
      {
        kind: 'Deployment',
        what: 'listDeploymentForAllNamespaces',
        list: (p, o) => apps.listDeploymentForAllNamespaces(p, o),
      },
      {
        kind: 'StatefulSet',
        what: 'listStatefulSetForAllNamespaces',
        list: (p, o) => apps.listStatefulSetForAllNamespaces(p, o),
      },
      {
        kind: 'DaemonSet',
        what: 'listDaemonSetForAllNamespaces',
        list: (p, o) => apps.listDaemonSetForAllNamespaces(p, o),
      },
      {
        kind: 'Service',
        what: 'listServiceForAllNamespaces',
        list: (p, o) => core.listServiceForAllNamespaces(p, o),
      },
      {
        kind: 'Ingress',
        what: 'listIngressForAllNamespaces',
        list: (p, o) => networking.listIngressForAllNamespaces(p, o),
      },
      {
        kind: 'PersistentVolumeClaim',
        what: 'listPersistentVolumeClaimForAllNamespaces',
        list: (p, o) => core.listPersistentVolumeClaimForAllNamespaces(p, o),
      },
    );
  } else {
    for (const namespace of namespaces) {
      const ns = `(namespace '${namespace}')`;
      tasks.push(
        {
          kind: 'Namespace',
          what: `readNamespace ${ns}`,
          get: o => core.readNamespace({ name: namespace }, o),
        },
        {
          kind: 'Deployment',
          what: `listNamespacedDeployment ${ns}`,
          list: (p, o) => apps.listNamespacedDeployment({ namespace, ...p }, o),
        },
        {
          kind: 'StatefulSet',
          what: `listNamespacedStatefulSet ${ns}`,
          list: (p, o) =>
            apps.listNamespacedStatefulSet({ namespace, ...p }, o),
        },
        {
          kind: 'DaemonSet',
          what: `listNamespacedDaemonSet ${ns}`,
          list: (p, o) => apps.listNamespacedDaemonSet({ namespace, ...p }, o),
        },
        {
          kind: 'Service',
          what: `listNamespacedService ${ns}`,
          list: (p, o) => core.listNamespacedService({ namespace, ...p }, o),
        },
        {
          kind: 'Ingress',
          what: `listNamespacedIngress ${ns}`,
          list: (p, o) =>
            networking.listNamespacedIngress({ namespace, ...p }, o),
        },
        {
          kind: 'PersistentVolumeClaim',
          what: `listNamespacedPersistentVolumeClaim ${ns}`,
          list: (p, o) =>
            core.listNamespacedPersistentVolumeClaim({ namespace, ...p }, o),
        },
      );
    }
  }

  // Aborted by the caller's signal, or by the first failure so that the
  // other paginations stop instead of running to completion.
  const run = new AbortController();
  const onCallerAbort = () => run.abort(options.signal?.reason);
  if (options.signal?.aborted) {
    throw options.signal.reason ?? new Error(`${describeSource}: aborted`);
  }
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const send = async <T>(
    what: string,
    call: (o: ConfigurationOptions) => Promise<T>,
  ): Promise<T> => {
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new KubernetesRequestError(
            `${describeSource}: ${what} timed out after ${options.requestTimeoutMs} ms`,
            { retryable: true },
          ),
        ),
      options.requestTimeoutMs,
    );
    let answeredWith: number | undefined;
    try {
      return await call(
        requestOptions(
          sdk,
          AbortSignal.any([run.signal, timeout.signal]),
          status => {
            answeredWith = status;
          },
        ),
      );
    } catch (error) {
      if (run.signal.aborted) {
        throw run.signal.reason ?? error;
      }
      if (timeout.signal.aborted) {
        throw timeout.signal.reason;
      }
      if (error instanceof sdk.ApiException) {
        const { reason, message } = statusOf(error.body);
        throw new KubernetesRequestError(
          `${describeSource}: ${what} failed: HTTP ${error.code}${
            reason ? ` ${reason}` : ''
          }: ${message ?? 'no message'}`,
          {
            retryable: error.code === 429 || error.code >= 500,
            statusCode: error.code,
            reason,
            cause: error,
          },
        );
      }
      if (answeredWith !== undefined && !isRetryableError(error)) {
        throw new KubernetesRequestError(
          `${describeSource}: ${what} returned a malformed answer (HTTP ${answeredWith}): ${errorMessageOf(
            error,
          )}`,
          { retryable: false, cause: error },
        );
      }
      throw new KubernetesRequestError(
        `${describeSource}: ${what} failed: ${errorMessageOf(error)}`,
        {
          retryable: isRetryableError(error),
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  };

  const retrying = <T>(
    what: string,
    call: (o: ConfigurationOptions) => Promise<T>,
  ): Promise<T> =>
    withRetry(() => send(what, call), {
      retries: options.retries,
      baseDelayMs: options.retryBaseDelayMs,
      signal: run.signal,
      isRetryable,
      // `what` starts with the client method, the API operation.
      requests: options.apiRequests?.(what.split(' ')[0]),
      onRetry: ({ error, attempt, delayMs }) =>
        logger.warn(
          `${(error as Error)?.message ?? String(error)}; retry ${attempt} of ${
            options.retries
          } in ${delayMs} ms`,
        ),
    });

  const malformed = (what: string, detail: string) =>
    new KubernetesRequestError(
      `${describeSource}: ${what} returned a malformed answer: ${detail}`,
      {
        retryable: false,
      },
    );

  const checkObject = (what: string, object: unknown): unknown => {
    const name = (object as { metadata?: { name?: unknown } } | undefined)
      ?.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      throw malformed(what, 'an object has no metadata.name');
    }
    return object;
  };

  const runTask = async (task: ReadTask): Promise<Mapped[]> => {
    if ('get' in task) {
      const object = await retrying(task.what, task.get);
      return [
        mapEntry({ kind: task.kind, object: checkObject(task.what, object) }),
      ];
    }
    const mapped: Mapped[] = [];
    let continueToken: string | undefined;
    for (let pageNumber = 1; ; pageNumber++) {
      const what = `${task.what} page ${pageNumber}`;
      const params: PageParams = { limit: pageSize, _continue: continueToken };
      const page = await retrying(what, o => task.list(params, o));
      if (!Array.isArray(page?.items)) {
        throw malformed(what, 'the list has no items array');
      }
      for (const object of page.items) {
        mapped.push(
          mapEntry({ kind: task.kind, object: checkObject(what, object) }),
        );
      }
      continueToken = page.metadata?._continue || undefined;
      if (!continueToken) {
        return mapped;
      }
    }
  };

  try {
    const results = await mapWithConcurrency(
      tasks,
      options.concurrency,
      async task => {
        try {
          return await runTask(task);
        } catch (error) {
          run.abort(error);
          throw error;
        }
      },
    );
    return results.flat();
  } finally {
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * A source that reads one Kubernetes cluster through its API server: the
 * cluster, its namespaces, deployments, statefulsets, daemonsets, services,
 * ingresses and persistentvolumeclaims.
 *
 * Native ids: `k8s:<cluster>` for the cluster, `k8s:<cluster>/namespaces/<name>`
 * for a namespace and `k8s:<cluster>/<namespace>/<kind plural>/<name>` for
 * namespaced objects. The cost resource id is the native id: no cloud cost
 * export bills Kubernetes objects directly, so cost rows only match them when
 * an allocation tool writes these ids.
 *
 * Config (the source block): `cluster.name`, optional `cluster.region`,
 * `cluster.dashboardUrl`, `cluster.authProvider`, `cluster.eksClusterArn`
 * (else the kubeconfig's cluster name when it is an EKS ARN, as
 * `aws eks update-kubeconfig` writes it); exactly one of
 * `cluster.kubeconfigPath` (+ `cluster.context`), `cluster.inCluster: true`, or
 * `cluster.url` + `cluster.serviceAccountToken` (+ `cluster.caData`,
 * `cluster.skipTLSVerify`); optional `namespaces` and `pageSize` (default 250),
 * plus the shared `concurrency`, `retries` and `requestTimeoutMs`.
 */
export function createKubernetesSource(
  options: CloudSourceFactoryOptions & {
    /** Test only: first retry backoff in ms (default: withRetry's). */
    retryBaseDelayMs?: number;
  },
): WholeCloudSource {
  const { id, logger } = options;
  const config = readKubernetesSourceConfig(id, options.config);
  const shared = readSharedSourceOptions(options.config);
  const describeSource = `Kubernetes source '${id}' (cluster '${config.clusterName}')`;
  const sdk = loadKubernetesSdk();

  return {
    id,
    async readResources(
      readOptions?: CloudSourceReadOptions,
    ): Promise<CloudResource[]> {
      const kubeConfig = loadKubeConfig(sdk, id, config);
      const cluster = clusterInfoOf(config, kubeConfig);
      const mapped = await readKubernetesObjects(
        sdk,
        {
          describeSource,
          kubeConfig,
          namespaces: config.namespaces,
          pageSize: config.pageSize,
          concurrency: shared.concurrency,
          retries: shared.retries,
          requestTimeoutMs: shared.requestTimeoutMs,
          retryBaseDelayMs: options.retryBaseDelayMs,
          apiRequests: options.apiRequests,
          logger,
          signal: readOptions?.signal,
        },
        entry => mapKubernetesObject(cluster, entry),
      );
      return linkKubernetesResources(cluster, mapped);
    },
  };
}
