import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  KUBERNETES_KINDS,
  KubernetesKind,
  KubernetesObjectEntry,
  mapKubernetesResources,
} from './mapKubernetesResources';

function isKubernetesKind(kind: string): kind is KubernetesKind {
  return Object.prototype.hasOwnProperty.call(KUBERNETES_KINDS, kind);
}

/**
 * Maps the JSON that `kubectl get namespaces,deployments,statefulsets,daemonsets,services,ingresses,persistentvolumeclaims -A -o json`
 * prints (a `List` whose items carry their own `kind`), or a single-kind list
 * such as `kubectl get deployments -A -o json` (`DeploymentList`, whose items
 * may lack `kind`), to CloudResources of the given cluster, the cluster
 * itself included. Items of other kinds (pods, replicasets, secrets...) are
 * skipped.
 *
 * @throws InputError when the JSON is not a Kubernetes list.
 */
export function parseKubernetesInventory(
  json: unknown,
  context: { clusterName: string; region?: string; eksClusterArn?: string },
): CloudResource[] {
  const list = json as { kind?: unknown; items?: unknown } | null;
  if (
    typeof list !== 'object' ||
    list === null ||
    typeof list.kind !== 'string' ||
    !list.kind.endsWith('List') ||
    !Array.isArray(list.items)
  ) {
    throw new InputError(
      `Kubernetes inventory of cluster '${context.clusterName}' is not the output of 'kubectl get ... -o json': expected an object with kind '...List' and an items array`,
    );
  }
  const listKind =
    list.kind === 'List' ? undefined : list.kind.slice(0, -'List'.length);

  const entries: KubernetesObjectEntry[] = [];
  list.items.forEach((item, index) => {
    const itemKind = (item as { kind?: unknown } | null)?.kind;
    const kind = typeof itemKind === 'string' ? itemKind : listKind;
    if (kind === undefined) {
      throw new InputError(
        `Kubernetes inventory of cluster '${context.clusterName}': item ${index} of the List has no kind`,
      );
    }
    if (isKubernetesKind(kind)) {
      entries.push({ kind, object: item });
    }
  });

  try {
    return mapKubernetesResources(
      {
        name: context.clusterName,
        region: context.region ?? 'global',
        eksClusterArn: context.eksClusterArn,
      },
      entries,
    );
  } catch (error) {
    throw new InputError(
      `Kubernetes inventory of cluster '${context.clusterName}': ${
        (error as Error).message
      }`,
    );
  }
}
