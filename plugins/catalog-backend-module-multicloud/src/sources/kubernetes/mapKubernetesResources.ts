import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  CloudResourceRelation,
  MULTICLOUD_ANNOTATIONS,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { resourceEntityName } from '@multicloud/plugin-multicloud-node';
import { compareByNativeId } from '../../lib/order';

/**
 * The Kubernetes kinds this adapter reads, with the lowercase plural that
 * appears in their API paths and native ids.
 */
export const KUBERNETES_KINDS = {
  Namespace: 'namespaces',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Service: 'services',
  Ingress: 'ingresses',
  PersistentVolumeClaim: 'persistentvolumeclaims',
} as const;

export type KubernetesKind = keyof typeof KUBERNETES_KINDS;

/** One object as the API (or `kubectl get -o json`) returns it, with its kind. */
export type KubernetesObjectEntry = {
  kind: KubernetesKind;
  object: unknown;
};

/** What the mapper knows about the cluster the objects come from. */
export type KubernetesClusterInfo = {
  name: string;
  region: string;
  /** Kubernetes Dashboard base URL; links use its `#/<kind>/<ns>/<name>` routes. */
  dashboardUrl?: string;
  /**
   * API server URL; known when the cluster is read live, not from an
   * inventory. Only then do objects get the Kubernetes plugin's annotations.
   */
  apiServerUrl?: string;
  /** Base64 PEM of the API server's CA. */
  caData?: string;
  skipTLSVerify?: boolean;
  /** Value of `kubernetes.io/auth-provider` on the cluster resource. */
  authProvider?: string;
  /**
   * The ARN of the EKS cluster this is, which an `aws` source reads as a
   * `kubernetes-cluster` entity: the objects then belong to that entity
   * (namespaces depend on it, the Kubernetes plugin's annotations name it),
   * and the source writes no cluster entity of its own, so the catalog and
   * the Kubernetes plugin see one cluster.
   */
  eksClusterArn?: string;
};

/** An EKS cluster's ARN: `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
export const EKS_CLUSTER_ARN =
  /^arn:aws(-[a-z]+)*:eks:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9][A-Za-z0-9_-]{0,99})$/;

/**
 * The resource that stands for the cluster: its EKS cluster, named as the
 * `aws` source names it (by the cluster's name), or the source's own.
 */
function clusterOf(cluster: KubernetesClusterInfo): {
  nativeId: string;
  name: string;
  paired: boolean;
} {
  const eksName = cluster.eksClusterArn?.match(EKS_CLUSTER_ARN)?.[2];
  return eksName
    ? { nativeId: cluster.eksClusterArn!, name: eksName, paired: true }
    : {
        nativeId: clusterNativeId(cluster.name),
        name: cluster.name,
        paired: false,
      };
}

/**
 * Annotations of Backstage's Kubernetes plugin
 * (`@backstage/plugin-kubernetes-common` `catalog-entity-constants`, read by the
 * catalog cluster locator and the fan-out handler of
 * `@backstage/plugin-kubernetes-backend`).
 */
const K8S_ANNOTATIONS = {
  apiServer: 'kubernetes.io/api-server',
  apiServerCa: 'kubernetes.io/api-server-certificate-authority',
  authProvider: 'kubernetes.io/auth-provider',
  skipTlsVerify: 'kubernetes.io/skip-tls-verify',
  dashboardUrl: 'kubernetes.io/dashboard-url',
  namespace: 'backstage.io/kubernetes-namespace',
  labelSelector: 'backstage.io/kubernetes-label-selector',
} as const;

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
const APP_NAME_LABEL = 'app.kubernetes.io/name';
const WORKLOAD_KINDS: ReadonlySet<KubernetesKind> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
]);
/** Routes of the Kubernetes Dashboard, as Backstage's standard link formatter uses them. */
const DASHBOARD_KINDS: Record<Exclude<KubernetesKind, 'Namespace'>, string> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  Service: 'service',
  Ingress: 'ingress',
  PersistentVolumeClaim: 'persistentvolumeclaim',
};

export function clusterNativeId(cluster: string): string {
  return `k8s:${cluster}`;
}

export function namespaceNativeId(cluster: string, namespace: string): string {
  return `k8s:${cluster}/namespaces/${namespace}`;
}

export function objectNativeId(
  cluster: string,
  kind: Exclude<KubernetesKind, 'Namespace'>,
  namespace: string,
  name: string,
): string {
  return `k8s:${cluster}/${namespace}/${KUBERNETES_KINDS[kind]}/${name}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(asRecord(value) ?? {})) {
    if (typeof item === 'string') {
      result[key] = item;
    }
  }
  return result;
}

function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    current = asRecord(current)?.[key];
  }
  return current;
}

function dashboardLink(
  base: string | undefined,
  hash: string,
): string | undefined {
  if (!base) {
    return undefined;
  }
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) {
    url.pathname += '/';
  }
  url.hash = hash;
  return url.toString();
}

/** `<ready>/<desired> ready` of a workload, or undefined when the object has no status. */
function workloadStatus(
  kind: KubernetesKind,
  object: unknown,
): string | undefined {
  const status = asRecord(path(object, 'status'));
  if (kind === 'DaemonSet') {
    if (!status) {
      return undefined;
    }
    const ready = asNumber(status.numberReady) ?? 0;
    const desired = asNumber(status.desiredNumberScheduled) ?? 0;
    return `${ready}/${desired} ready`;
  }
  // spec.replicas defaults to 1 when unset (apps/v1 API defaulting).
  const desired = asNumber(path(object, 'spec', 'replicas')) ?? 1;
  const ready = asNumber(status?.readyReplicas) ?? 0;
  return `${ready}/${desired} ready`;
}

/**
 * `<available>/<desired>` replicas of a workload (a DaemonSet: available of
 * desired scheduled pods), or undefined when it reports no status yet.
 * Available, not ready: a pod counts once it has been ready for the
 * workload's `minReadySeconds`.
 */
function workloadReplicas(
  kind: KubernetesKind,
  object: unknown,
): string | undefined {
  const status = asRecord(path(object, 'status'));
  if (!status) {
    return undefined;
  }
  if (kind === 'DaemonSet') {
    const available = asNumber(status.numberAvailable) ?? 0;
    const desired = asNumber(status.desiredNumberScheduled) ?? 0;
    return `${available}/${desired}`;
  }
  // spec.replicas defaults to 1 when unset (apps/v1 API defaulting).
  const desired = asNumber(path(object, 'spec', 'replicas')) ?? 1;
  const available = asNumber(status.availableReplicas) ?? 0;
  return `${available}/${desired}`;
}

/**
 * Names of the PersistentVolumeClaims a workload's pods mount
 * (`spec.template.spec.volumes[].persistentVolumeClaim.claimName`). Only
 * claims are read from the pod template: its Secret and ConfigMap volumes,
 * `envFrom` and `env` are never looked at, so no secret name reaches the
 * catalog.
 */
function podTemplateClaimNames(object: unknown): string[] {
  const names = new Set<string>();
  for (const volume of asArray(
    path(object, 'spec', 'template', 'spec', 'volumes'),
  )) {
    const claimName = asString(
      path(volume, 'persistentVolumeClaim', 'claimName'),
    );
    if (claimName) {
      names.add(claimName);
    }
  }
  return [...names];
}

/** Names of a StatefulSet's `volumeClaimTemplates`. */
function claimTemplateNames(object: unknown): string[] {
  return asArray(path(object, 'spec', 'volumeClaimTemplates'))
    .map(template => asString(path(template, 'metadata', 'name')))
    .filter((name): name is string => Boolean(name));
}

/** Names of the services an Ingress routes to (rules and default backend). */
function ingressServiceNames(object: unknown): string[] {
  const names = new Set<string>();
  const add = (backend: unknown) => {
    const name = asString(path(backend, 'service', 'name'));
    if (name) {
      names.add(name);
    }
  };
  add(path(object, 'spec', 'defaultBackend'));
  for (const rule of asArray(path(object, 'spec', 'rules'))) {
    for (const httpPath of asArray(path(rule, 'http', 'paths'))) {
      add(path(httpPath, 'backend'));
    }
  }
  return [...names];
}

function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  const pairs = Object.entries(selector);
  return (
    pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value)
  );
}

/**
 * What Backstage's Kubernetes plugin reads on an object's entity: its
 * cluster, namespace and workload id, which offer the entity's Kubernetes
 * tab. Written only for a cluster the plugin can reach (one read live, whose
 * API server is known and written on the cluster's entity for the catalog
 * cluster locator): on objects of an inventory file the tab could only fail.
 * The cluster is named as that locator names it, by its entity's name.
 */
function kubernetesPluginAnnotations(
  cluster: KubernetesClusterInfo,
  namespace: string,
  labels: Record<string, string>,
): Record<string, string> {
  const { name, nativeId } = clusterOf(cluster);
  const annotations: Record<string, string> = {
    [CLOUD_ANNOTATIONS.kubernetesCluster]: resourceEntityName(name, nativeId),
    [K8S_ANNOTATIONS.namespace]: namespace,
  };
  const kubernetesId = labels[KUBERNETES_ID_LABEL];
  const appName = labels[APP_NAME_LABEL];
  if (kubernetesId) {
    annotations[CLOUD_ANNOTATIONS.kubernetesId] = kubernetesId;
  } else if (appName) {
    annotations[CLOUD_ANNOTATIONS.kubernetesId] = appName;
    // The Kubernetes plugin selects objects by `backstage.io/kubernetes-id=<id>`
    // unless told otherwise; these objects only carry the app name label.
    annotations[K8S_ANNOTATIONS.labelSelector] = `${APP_NAME_LABEL}=${appName}`;
  }
  return annotations;
}

/** A namespace's relation to its cluster, or to the EKS cluster it is. */
function clusterRelation(
  cluster: KubernetesClusterInfo,
): CloudResourceRelation {
  const { nativeId, name, paired } = clusterOf(cluster);
  return paired
    ? { type: 'dependsOn', targetNativeId: nativeId, targetName: name }
    : { type: 'dependsOn', targetNativeId: nativeId };
}

function clusterResource(cluster: KubernetesClusterInfo): CloudResource {
  const annotations: Record<string, string> = {};
  if (cluster.apiServerUrl) {
    annotations[K8S_ANNOTATIONS.apiServer] = cluster.apiServerUrl;
    if (cluster.caData) {
      annotations[K8S_ANNOTATIONS.apiServerCa] = cluster.caData;
    }
    if (cluster.authProvider) {
      annotations[K8S_ANNOTATIONS.authProvider] = cluster.authProvider;
    }
    if (cluster.skipTLSVerify) {
      annotations[K8S_ANNOTATIONS.skipTlsVerify] = 'true';
    }
  }
  if (cluster.dashboardUrl) {
    annotations[K8S_ANNOTATIONS.dashboardUrl] = cluster.dashboardUrl;
  }
  const nativeId = clusterNativeId(cluster.name);
  return {
    provider: 'kubernetes',
    accountId: cluster.name,
    region: cluster.region,
    type: resourceTypeFor('kubernetes', 'Cluster'),
    nativeId,
    name: cluster.name,
    tags: {},
    relations: [],
    consoleUrl: cluster.dashboardUrl,
    costResourceId: nativeId,
    annotations,
  };
}

/**
 * One object mapped on its own, with what linking needs from it. The API
 * object itself is not kept: a live source maps each page as it arrives, so
 * that the decoded pages can be collected before the next one is read.
 */
export type MappedKubernetesObject = {
  kind: KubernetesKind;
  namespace?: string;
  resource: CloudResource;
  /** Workloads: labels of the pod template, which services select. */
  podLabels?: Record<string, string>;
  /** Services: `spec.selector`. */
  selector?: Record<string, string>;
  /** Ingresses: the services they route to. */
  serviceNames?: string[];
  /** Workloads: the PersistentVolumeClaims their pod template mounts. */
  claimNames?: string[];
  /**
   * StatefulSets: `<template>-<statefulset>`, the name of each claim its
   * `volumeClaimTemplates` create without the trailing `-<ordinal>`.
   */
  claimPrefixes?: string[];
};

function describeObject(kind: string, object: unknown): string {
  const namespace = asString(path(object, 'metadata', 'namespace'));
  const name = asString(path(object, 'metadata', 'name'));
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? '<unnamed>'}`;
}

/**
 * Maps one object of the cluster to its CloudResource, without the relations
 * between objects ({@link linkKubernetesResources} adds those).
 *
 * @throws Error when the object lacks `metadata.name` (or, when namespaced,
 *   `metadata.namespace`).
 */
export function mapKubernetesObject(
  cluster: KubernetesClusterInfo,
  entry: KubernetesObjectEntry,
): MappedKubernetesObject {
  const { kind, object } = entry;
  const name = asString(path(object, 'metadata', 'name'));
  if (!name) {
    throw new Error(`${kind} object has no metadata.name`);
  }
  const labels = stringMap(path(object, 'metadata', 'labels'));
  const base = {
    provider: 'kubernetes' as const,
    accountId: cluster.name,
    region: cluster.region,
    type: resourceTypeFor('kubernetes', kind),
    name,
    tags: labels,
  };

  if (kind === 'Namespace') {
    const nativeId = namespaceNativeId(cluster.name, name);
    return {
      kind,
      resource: {
        ...base,
        nativeId,
        status: asString(path(object, 'status', 'phase')),
        relations: [clusterRelation(cluster)],
        consoleUrl: dashboardLink(
          cluster.dashboardUrl,
          `/workloads?namespace=${encodeURIComponent(name)}`,
        ),
        costResourceId: nativeId,
        annotations: {},
      },
    };
  }

  const namespace = asString(path(object, 'metadata', 'namespace'));
  if (!namespace) {
    throw new Error(
      `${describeObject(kind, object)} has no metadata.namespace`,
    );
  }
  const nativeId = objectNativeId(cluster.name, kind, namespace, name);
  const annotations: Record<string, string> = cluster.apiServerUrl
    ? kubernetesPluginAnnotations(cluster, namespace, labels)
    : {};
  const replicas = WORKLOAD_KINDS.has(kind)
    ? workloadReplicas(kind, object)
    : undefined;
  if (replicas) {
    annotations[MULTICLOUD_ANNOTATIONS.replicas] = replicas;
  }
  const encodedNamespace = encodeURIComponent(namespace);
  return {
    kind,
    namespace,
    ...(WORKLOAD_KINDS.has(kind)
      ? {
          podLabels: stringMap(
            path(object, 'spec', 'template', 'metadata', 'labels'),
          ),
          claimNames: podTemplateClaimNames(object),
        }
      : {}),
    ...(kind === 'StatefulSet'
      ? {
          claimPrefixes: claimTemplateNames(object).map(
            template => `${template}-${name}`,
          ),
        }
      : {}),
    ...(kind === 'Service'
      ? { selector: stringMap(path(object, 'spec', 'selector')) }
      : {}),
    ...(kind === 'Ingress'
      ? { serviceNames: ingressServiceNames(object) }
      : {}),
    resource: {
      ...base,
      nativeId,
      status: WORKLOAD_KINDS.has(kind)
        ? workloadStatus(kind, object)
        : asString(path(object, 'status', 'phase')),
      relations: [
        {
          type: 'dependsOn',
          targetNativeId: namespaceNativeId(cluster.name, namespace),
        },
      ],
      consoleUrl: dashboardLink(
        cluster.dashboardUrl,
        `/${DASHBOARD_KINDS[kind]}/${encodedNamespace}/${encodeURIComponent(
          name,
        )}?namespace=${encodedNamespace}`,
      ),
      costResourceId: nativeId,
      annotations,
    },
  };
}

/**
 * Maps Kubernetes objects of one cluster, plus the cluster itself, to
 * CloudResources. Shared by the `kubectl` inventory parser, since `kubectl
 * get -o json` prints the API's own object shape; the live source maps each
 * object with {@link mapKubernetesObject} as its page arrives and links them
 * with {@link linkKubernetesResources}.
 *
 * @throws Error when an object lacks `metadata.name` (or, when namespaced,
 *   `metadata.namespace`).
 */
export function mapKubernetesResources(
  cluster: KubernetesClusterInfo,
  entries: readonly KubernetesObjectEntry[],
): CloudResource[] {
  return linkKubernetesResources(
    cluster,
    entries.map(entry => mapKubernetesObject(cluster, entry)),
  );
}

/**
 * Adds the cluster (unless it is an EKS cluster, whose entity the `aws`
 * source writes) and the relations between the mapped objects, and returns
 * every resource once, sorted by native id.
 *
 * Relations (`dependsOn`): namespace -> cluster (or its EKS cluster); every namespaced object ->
 * its namespace; service -> each deployment, statefulset or daemonset of its
 * namespace whose pod template labels match all of the service's selector;
 * ingress -> each service named in its rules and default backend; workload
 * -> each PersistentVolumeClaim its pod template mounts; statefulset -> each
 * claim its `volumeClaimTemplates` created (`<template>-<statefulset>-<n>`).
 * Relations whose target is not among the mapped resources are dropped, so
 * every `targetNativeId` names a resource of the result or the EKS cluster.
 */
export function linkKubernetesResources(
  cluster: KubernetesClusterInfo,
  mapped: readonly MappedKubernetesObject[],
): CloudResource[] {
  // Workloads indexed by namespace and one pod label pair, so a service is
  // checked only against workloads sharing a pair of its selector rather than
  // against every workload of its namespace (quadratic in big namespaces).
  const workloadsByLabel = new Map<
    string,
    { workload: MappedKubernetesObject; podLabels: Record<string, string> }[]
  >();
  const labelKey = (namespace: string, key: string, value: string) =>
    `${namespace}\u0000${key}\u0000${value}`;
  for (const item of mapped) {
    const { podLabels } = item;
    if (podLabels && item.namespace) {
      for (const [key, value] of Object.entries(podLabels)) {
        const indexKey = labelKey(item.namespace, key, value);
        const list = workloadsByLabel.get(indexKey) ?? [];
        list.push({ workload: item, podLabels });
        workloadsByLabel.set(indexKey, list);
      }
    }
  }

  // Claims indexed by namespace and name without the trailing `-<ordinal>`,
  // the name a StatefulSet's claim template gives each of its replicas.
  const claimsByPrefix = new Map<string, string[]>();
  for (const item of mapped) {
    if (item.kind === 'PersistentVolumeClaim' && item.namespace) {
      const prefix = item.resource.name.match(/^(.+)-\d+$/)?.[1];
      if (prefix) {
        const key = `${item.namespace}\u0000${prefix}`;
        const list = claimsByPrefix.get(key) ?? [];
        list.push(item.resource.nativeId);
        claimsByPrefix.set(key, list);
      }
    }
  }

  for (const item of mapped) {
    if (item.namespace) {
      for (const claimName of item.claimNames ?? []) {
        item.resource.relations.push({
          type: 'dependsOn',
          targetNativeId: objectNativeId(
            cluster.name,
            'PersistentVolumeClaim',
            item.namespace,
            claimName,
          ),
        });
      }
      for (const prefix of item.claimPrefixes ?? []) {
        for (const claim of claimsByPrefix.get(
          `${item.namespace}\u0000${prefix}`,
        ) ?? []) {
          item.resource.relations.push({
            type: 'dependsOn',
            targetNativeId: claim,
          });
        }
      }
    }
    const { selector } = item;
    if (selector && item.namespace) {
      const [firstPair] = Object.entries(selector);
      const candidates = firstPair
        ? workloadsByLabel.get(labelKey(item.namespace, ...firstPair)) ?? []
        : [];
      for (const { workload, podLabels } of candidates) {
        if (selectorMatches(selector, podLabels)) {
          item.resource.relations.push({
            type: 'dependsOn',
            targetNativeId: workload.resource.nativeId,
          });
        }
      }
    } else if (item.serviceNames && item.namespace) {
      for (const serviceName of item.serviceNames) {
        item.resource.relations.push({
          type: 'dependsOn',
          targetNativeId: objectNativeId(
            cluster.name,
            'Service',
            item.namespace,
            serviceName,
          ),
        });
      }
    }
  }

  const byId = new Map<string, CloudResource>();
  const paired = clusterOf(cluster);
  if (!paired.paired) {
    const clusterRes = clusterResource(cluster);
    byId.set(clusterRes.nativeId, clusterRes);
  }
  for (const item of mapped) {
    byId.set(item.resource.nativeId, item.resource);
  }
  const resources = [...byId.values()];
  for (const resource of resources) {
    const seen = new Set<string>();
    resource.relations = resource.relations.filter(
      (relation: CloudResourceRelation) => {
        if (
          (!byId.has(relation.targetNativeId) &&
            relation.targetNativeId !== paired.nativeId) ||
          seen.has(relation.targetNativeId)
        ) {
          return false;
        }
        seen.add(relation.targetNativeId);
        return true;
      },
    );
  }
  return resources.sort(compareByNativeId);
}
