import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSource, CloudSourceReadOptions } from '../../types';
import { CloudSourceFactoryOptions, readSharedSourceOptions } from '../types';
import {
  clusterInfoOf,
  loadKubeConfig,
  readKubernetesSourceConfig,
} from './config';
import {
  linkKubernetesResources,
  mapKubernetesObject,
} from './mapKubernetesResources';
import { readKubernetesObjects } from './readKubernetesObjects';

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
 * `cluster.dashboardUrl`, `cluster.authProvider`; exactly one of
 * `cluster.kubeconfigPath` (+ `cluster.context`), `cluster.inCluster: true`, or
 * `cluster.url` + `cluster.serviceAccountToken` (+ `cluster.caData`,
 * `cluster.skipTLSVerify`); optional `namespaces` and `pageSize` (default 250),
 * plus the shared `concurrency`, `retries` and `requestTimeoutMs`.
 */
export function createKubernetesSourceFromConfig(
  options: CloudSourceFactoryOptions & {
    /** Test only: first retry backoff in ms (default: withRetry's). */
    retryBaseDelayMs?: number;
  },
): CloudSource {
  const { id, logger } = options;
  const config = readKubernetesSourceConfig(id, options.config);
  const shared = readSharedSourceOptions(options.config);
  const describeSource = `Kubernetes source '${id}' (cluster '${config.clusterName}')`;

  return {
    id,
    async readResources(
      readOptions?: CloudSourceReadOptions,
    ): Promise<CloudResource[]> {
      const kubeConfig = loadKubeConfig(id, config);
      const cluster = clusterInfoOf(config, kubeConfig);
      const mapped = await readKubernetesObjects(
        {
          describeSource,
          kubeConfig,
          namespaces: config.namespaces,
          pageSize: config.pageSize,
          concurrency: shared.concurrency,
          retries: shared.retries,
          requestTimeoutMs: shared.requestTimeoutMs,
          retryBaseDelayMs: options.retryBaseDelayMs,
          logger,
          signal: readOptions?.signal,
        },
        entry => mapKubernetesObject(cluster, entry),
      );
      return linkKubernetesResources(cluster, mapped);
    },
  };
}
