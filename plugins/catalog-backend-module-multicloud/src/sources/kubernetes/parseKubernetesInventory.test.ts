import { parseKubernetesInventory } from './parseKubernetesInventory';
import kubectlGetAll from './__fixtures__/kubectl-get-all.json';
import deploymentList from './__fixtures__/deployment-list.json';

describe('parseKubernetesInventory', () => {
  it('maps the List printed by kubectl get ... -A -o json, with the cluster', () => {
    const resources = parseKubernetesInventory(kubectlGetAll, {
      clusterName: 'prod-eu',
    });

    expect(resources.map(r => `${r.type} ${r.nativeId}`)).toEqual([
      'kubernetes-cluster k8s:prod-eu',
      'kubernetes-deployment k8s:prod-eu/default/deployments/hello',
      'kubernetes-service k8s:prod-eu/default/services/kubernetes',
      'kubernetes-daemonset k8s:prod-eu/kube-system/daemonsets/fluent-bit',
      'kubernetes-deployment k8s:prod-eu/kube-system/deployments/coredns',
      'kubernetes-service k8s:prod-eu/kube-system/services/kube-dns',
      'kubernetes-namespace k8s:prod-eu/namespaces/default',
      'kubernetes-namespace k8s:prod-eu/namespaces/kube-system',
      'kubernetes-namespace k8s:prod-eu/namespaces/shop',
      'kubernetes-deployment k8s:prod-eu/shop/deployments/cart',
      'kubernetes-deployment k8s:prod-eu/shop/deployments/checkout-api',
      'kubernetes-deployment k8s:prod-eu/shop/deployments/checkout-worker',
      'kubernetes-ingress k8s:prod-eu/shop/ingresses/storefront',
      'kubernetes-persistent-volume-claim k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
      'kubernetes-persistent-volume-claim k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-0',
      'kubernetes-persistent-volume-claim k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-1',
      'kubernetes-persistent-volume-claim k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-archive-0',
      'kubernetes-service k8s:prod-eu/shop/services/cart',
      'kubernetes-service k8s:prod-eu/shop/services/checkout',
      'kubernetes-service k8s:prod-eu/shop/services/postgres',
      'kubernetes-statefulset k8s:prod-eu/shop/statefulsets/postgres',
    ]);

    const cluster = resources[0];
    expect(cluster).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'global',
      type: 'kubernetes-cluster',
      nativeId: 'k8s:prod-eu',
      name: 'prod-eu',
      tags: {},
      relations: [],
      consoleUrl: undefined,
      costResourceId: 'k8s:prod-eu',
      // An inventory does not say where the API server is.
      annotations: {},
    });

    const ingress = resources.find(
      r => r.nativeId === 'k8s:prod-eu/shop/ingresses/storefront',
    )!;
    expect(ingress).toEqual({
      provider: 'kubernetes',
      accountId: 'prod-eu',
      region: 'global',
      type: 'kubernetes-ingress',
      nativeId: 'k8s:prod-eu/shop/ingresses/storefront',
      name: 'storefront',
      tags: { 'app.kubernetes.io/name': 'storefront' },
      relations: [
        { type: 'dependsOn', targetNativeId: 'k8s:prod-eu/namespaces/shop' },
        { type: 'dependsOn', targetNativeId: 'k8s:prod-eu/shop/services/cart' },
        {
          type: 'dependsOn',
          targetNativeId: 'k8s:prod-eu/shop/services/checkout',
        },
      ],
      consoleUrl: undefined,
      costResourceId: 'k8s:prod-eu/shop/ingresses/storefront',
      // No Kubernetes plugin annotation: the plugin cannot reach a cluster
      // known only from a file, so a Kubernetes tab could only fail.
      annotations: {},
    });

    const coredns = resources.find(
      r => r.nativeId === 'k8s:prod-eu/kube-system/deployments/coredns',
    )!;
    expect(coredns.status).toBe('2/2 ready');
    expect(coredns.tags).toEqual({ 'k8s-app': 'kube-dns' });
    // Available of desired replicas, for the alert rules.
    const replicasOf = (nativeId: string) =>
      resources.find(r => r.nativeId === nativeId)!.annotations![
        'multicloud.io/replicas'
      ];
    expect(replicasOf('k8s:prod-eu/kube-system/deployments/coredns')).toBe(
      '2/2',
    );
    expect(replicasOf('k8s:prod-eu/default/deployments/hello')).toBe('0/2');
    expect(replicasOf('k8s:prod-eu/shop/deployments/checkout-api')).toBe('2/3');
    expect(replicasOf('k8s:prod-eu/shop/statefulsets/postgres')).toBe('1/1');
    expect(replicasOf('k8s:prod-eu/kube-system/daemonsets/fluent-bit')).toBe(
      '3/3',
    );
    // Only workloads carry it.
    expect(replicasOf('k8s:prod-eu/shop/services/cart')).toBeUndefined();
    expect(
      resources.find(r => r.nativeId === 'k8s:prod-eu/namespaces/kube-system')!
        .relations,
    ).toEqual([{ type: 'dependsOn', targetNativeId: 'k8s:prod-eu' }]);
  });

  it('links workloads to the claims they mount and keeps the secrets of the export out', () => {
    const resources = parseKubernetesInventory(kubectlGetAll, {
      clusterName: 'prod-eu',
    });
    const relationsOf = (nativeId: string) =>
      resources
        .find(r => r.nativeId === nativeId)!
        .relations.map(r => r.targetNativeId);

    expect(relationsOf('k8s:prod-eu/shop/deployments/checkout-api')).toEqual([
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/persistentvolumeclaims/checkout-uploads',
    ]);
    expect(relationsOf('k8s:prod-eu/shop/statefulsets/postgres')).toEqual([
      'k8s:prod-eu/namespaces/shop',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-0',
      'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-1',
    ]);
    expect(relationsOf('k8s:prod-eu/default/deployments/hello')).toEqual([
      'k8s:prod-eu/namespaces/default',
    ]);
    expect(
      resources.find(
        r =>
          r.nativeId ===
          'k8s:prod-eu/shop/persistentvolumeclaims/data-postgres-archive-0',
      ),
    ).toMatchObject({
      type: 'kubernetes-persistent-volume-claim',
      status: 'Pending',
      tags: {},
    });
    // The export holds a Secret and pod templates that name secrets and
    // config maps; none of those names becomes a resource or a relation.
    expect(kubectlGetAll.items.some(i => i.kind === 'Secret')).toBe(true);
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

  it('writes no replicas for a workload that reports no status yet', () => {
    const [, deployment] = parseKubernetesInventory(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'new', namespace: 'default' },
            spec: { replicas: 3 },
          },
        ],
      },
      { clusterName: 'c' },
    );
    expect(deployment.nativeId).toBe('k8s:c/default/deployments/new');
    expect(deployment.annotations).not.toHaveProperty([
      'multicloud.io/replicas',
    ]);
  });

  it("writes none of the Kubernetes plugin's annotations, which would offer a tab that can only fail", () => {
    const resources = parseKubernetesInventory(kubectlGetAll, {
      clusterName: 'prod-eu',
    });

    const pluginAnnotations = resources.flatMap(r =>
      Object.keys(r.annotations ?? {}).filter(
        key =>
          key.startsWith('backstage.io/kubernetes-') ||
          key.startsWith('kubernetes.io/'),
      ),
    );
    expect(pluginAnnotations).toEqual([]);
    // What the objects say stays readable in their tags.
    expect(
      resources.find(r => r.nativeId === 'k8s:prod-eu/shop/deployments/cart')!
        .tags,
    ).toMatchObject({ 'app.kubernetes.io/name': 'cart' });
  });

  it('uses the region it is given', () => {
    const resources = parseKubernetesInventory(kubectlGetAll, {
      clusterName: 'prod-eu',
      region: 'europe-west4',
    });
    expect(new Set(resources.map(r => r.region))).toEqual(
      new Set(['europe-west4']),
    );
  });

  it('infers the kind of items of a single-kind list from the list kind', () => {
    const resources = parseKubernetesInventory(deploymentList, {
      clusterName: 'prod-eu',
    });
    expect(resources.map(r => [r.type, r.nativeId, r.status])).toEqual([
      ['kubernetes-cluster', 'k8s:prod-eu', undefined],
      [
        'kubernetes-deployment',
        'k8s:prod-eu/shop/deployments/cart',
        '2/2 ready',
      ],
      [
        'kubernetes-deployment',
        'k8s:prod-eu/shop/deployments/checkout-api',
        '2/3 ready',
      ],
    ]);
    // The namespace is not in this inventory, so no relation points at it.
    expect(resources[1].relations).toEqual([]);
  });

  it('skips kinds it does not map, such as pods and replicasets', () => {
    const resources = parseKubernetesInventory(
      {
        apiVersion: 'v1',
        kind: 'List',
        metadata: { resourceVersion: '' },
        items: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'cart-7d9f8b6c5-x2x9z', namespace: 'shop' },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            metadata: { name: 'cart-7d9f8b6c5', namespace: 'shop' },
          },
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'shop' },
            status: { phase: 'Terminating' },
          },
        ],
      },
      { clusterName: 'dev' },
    );
    expect(resources.map(r => [r.nativeId, r.status])).toEqual([
      ['k8s:dev', undefined],
      ['k8s:dev/namespaces/shop', 'Terminating'],
    ]);
  });

  it.each([
    [
      'not a list',
      { kind: 'Deployment', metadata: { name: 'x' } },
      /is not the output of 'kubectl get \.\.\. -o json'/,
    ],
    ['an array', [], /is not the output of 'kubectl get \.\.\. -o json'/],
    [
      'an item without kind',
      { kind: 'List', items: [{ metadata: { name: 'x' } }] },
      /item 0 of the List has no kind/,
    ],
    [
      'an object without name',
      {
        kind: 'List',
        items: [{ kind: 'Service', metadata: { namespace: 'shop' } }],
      },
      /cluster 'prod-eu': Service object has no metadata.name/,
    ],
    [
      'a namespaced object without namespace',
      { kind: 'ServiceList', items: [{ metadata: { name: 'cart' } }] },
      /Service cart has no metadata.namespace/,
    ],
  ])('rejects %s', (_name, json, message) => {
    expect(() =>
      parseKubernetesInventory(json, { clusterName: 'prod-eu' }),
    ).toThrow(message);
  });
});
