import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { EKS_CLUSTER_ARN } from './mapKubernetesResources';

/** How the source reaches the API server: exactly one of these is configured. */
export type KubernetesConnection =
  | { method: 'kubeconfig'; kubeconfigPath: string; context?: string }
  | { method: 'inCluster' }
  | {
      method: 'url';
      url: string;
      serviceAccountToken: string;
      caData?: string;
      skipTLSVerify: boolean;
    };

export type KubernetesSourceConfig = {
  clusterName: string;
  region: string;
  dashboardUrl?: string;
  /** Written to `kubernetes.io/auth-provider` on the cluster resource. */
  authProvider: string;
  connection: KubernetesConnection;
  /** Namespaces to read; undefined reads all namespaces. */
  namespaces?: string[];
  pageSize: number;
  /** `cluster.eksClusterArn`: the EKS cluster this cluster is. */
  eksClusterArn?: string;
};

/**
 * Half of kubectl's 500. The client decodes a page whole and twice (the JSON,
 * then its model classes, `managedFields` included), long enough for the
 * garbage collector to move it to the old generation; half-size pages leave
 * less there, for a few more requests.
 */
const DEFAULT_PAGE_SIZE = 250;
const DEFAULT_AUTH_PROVIDER = 'serviceAccount';

/**
 * Reads and validates a `type: kubernetes` source block. Throws an
 * InputError naming the offending key; never includes the token.
 */
export function readKubernetesSourceConfig(
  sourceId: string,
  config: Config,
): KubernetesSourceConfig {
  const key = `catalog.providers.multicloud.${sourceId}`;
  const cluster = config.getConfig('cluster');
  const clusterName = cluster.getString('name');

  const kubeconfigPath = cluster.getOptionalString('kubeconfigPath');
  const context = cluster.getOptionalString('context');
  const inCluster = cluster.getOptionalBoolean('inCluster') ?? false;
  const url = cluster.getOptionalString('url');
  const hasToken = cluster.has('serviceAccountToken');
  const caData = cluster.getOptionalString('caData');
  const skipTLSVerify = cluster.getOptionalBoolean('skipTLSVerify');

  const methods = [
    kubeconfigPath !== undefined && 'cluster.kubeconfigPath',
    inCluster && 'cluster.inCluster',
    (url !== undefined || hasToken) &&
      'cluster.url + cluster.serviceAccountToken',
  ].filter((m): m is string => Boolean(m));
  if (methods.length !== 1) {
    const found =
      methods.length === 0 ? 'none is set' : `found ${methods.join(' and ')}`;
    throw new InputError(
      `${key}: configure exactly one way to connect to cluster '${clusterName}': ` +
        `cluster.kubeconfigPath (optionally with cluster.context), cluster.inCluster: true, ` +
        `or cluster.url with cluster.serviceAccountToken; ${found}`,
    );
  }
  if (context !== undefined && kubeconfigPath === undefined) {
    throw new InputError(
      `${key}: cluster.context is only valid with cluster.kubeconfigPath`,
    );
  }
  if (
    (caData !== undefined || skipTLSVerify !== undefined) &&
    url === undefined
  ) {
    throw new InputError(
      `${key}: cluster.caData and cluster.skipTLSVerify are only valid with cluster.url`,
    );
  }

  let connection: KubernetesConnection;
  if (kubeconfigPath !== undefined) {
    connection = { method: 'kubeconfig', kubeconfigPath, context };
  } else if (inCluster) {
    connection = { method: 'inCluster' };
  } else {
    if (url === undefined || !hasToken) {
      throw new InputError(
        `${key}: cluster.url and cluster.serviceAccountToken must be set together`,
      );
    }
    if (!URL.canParse(url)) {
      throw new InputError(`${key}: cluster.url '${url}' is not a valid URL`);
    }
    if (new URL(url).protocol === 'http:' && !skipTLSVerify) {
      // @kubernetes/client-node refuses plain HTTP unless TLS verification is off.
      throw new InputError(
        `${key}: cluster.url uses http://, which the Kubernetes client only allows with cluster.skipTLSVerify: true`,
      );
    }
    connection = {
      method: 'url',
      url,
      serviceAccountToken: cluster.getString('serviceAccountToken'),
      caData,
      skipTLSVerify: skipTLSVerify ?? false,
    };
  }

  const dashboardUrl = cluster.getOptionalString('dashboardUrl');
  if (dashboardUrl !== undefined && !URL.canParse(dashboardUrl)) {
    throw new InputError(
      `${key}: cluster.dashboardUrl '${dashboardUrl}' is not a valid URL`,
    );
  }

  const eksClusterArn = cluster.getOptionalString('eksClusterArn');
  if (eksClusterArn !== undefined && !EKS_CLUSTER_ARN.test(eksClusterArn)) {
    throw new InputError(
      `${key}: cluster.eksClusterArn '${eksClusterArn}' is not an EKS cluster's ARN (arn:aws:eks:<region>:<account>:cluster/<name>)`,
    );
  }

  const namespaces = config.getOptionalStringArray('namespaces');
  if (namespaces !== undefined && namespaces.length === 0) {
    throw new InputError(
      `${key}: namespaces is empty; omit it to read all namespaces`,
    );
  }
  const pageSize = config.getOptionalNumber('pageSize') ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new InputError(
      `${key}: pageSize must be a positive integer, got ${pageSize}`,
    );
  }

  return {
    clusterName,
    region: cluster.getOptionalString('region') ?? 'global',
    dashboardUrl,
    authProvider:
      cluster.getOptionalString('authProvider') ?? DEFAULT_AUTH_PROVIDER,
    connection,
    namespaces: namespaces && [...new Set(namespaces)],
    pageSize,
    eksClusterArn,
  };
}
