import { Entity, parseEntityRef } from '@backstage/catalog-model';

/** What a test says about one entity; relations are derived as the catalog does. */
export type EntitySpec = {
  title?: string;
  type?: string;
  owner?: string;
  system?: string;
  domain?: string;
  dependsOn?: string[];
  dependencyOf?: string[];
  /** Resources: provider, account, region, status, resource id annotations and label. */
  cloud?: {
    provider: string;
    account?: string;
    region?: string;
    status?: string;
    resourceId?: string;
  };
};

const full = (ref: string, defaultKind: string) => {
  const parsed = parseEntityRef(ref, {
    defaultKind,
    defaultNamespace: 'default',
  });
  return `${parsed.kind}:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase(
    'en-US',
  );
};

/**
 * Catalog entities with the relations the catalog's processing would give
 * them from their specs (both directions): owner -> ownedBy / ownerOf,
 * system and domain -> partOf / hasPart, dependsOn / dependencyOf.
 */
export function catalogOf(specs: Record<string, EntitySpec>): Entity[] {
  const relations = new Map<string, Array<{ type: string; targetRef: string }>>(
    Object.keys(specs).map(ref => [ref, []]),
  );
  const relate = (from: string, type: string, reverse: string, to: string) => {
    relations.get(from)?.push({ type, targetRef: to });
    relations.get(to)?.push({ type: reverse, targetRef: from });
  };
  for (const [ref, spec] of Object.entries(specs)) {
    if (spec.owner) {
      relate(ref, 'ownedBy', 'ownerOf', full(spec.owner, 'group'));
    }
    if (spec.system) {
      relate(ref, 'partOf', 'hasPart', full(spec.system, 'system'));
    }
    if (spec.domain) {
      relate(ref, 'partOf', 'hasPart', full(spec.domain, 'domain'));
    }
    for (const target of spec.dependsOn ?? []) {
      relate(ref, 'dependsOn', 'dependencyOf', full(target, 'component'));
    }
    for (const target of spec.dependencyOf ?? []) {
      relate(ref, 'dependencyOf', 'dependsOn', full(target, 'component'));
    }
  }
  return Object.entries(specs).map(([ref, spec]) => {
    const { kind, namespace, name } = parseEntityRef(ref);
    const annotations: Record<string, string> = {};
    const labels: Record<string, string> = {};
    if (spec.cloud) {
      annotations['multicloud.io/provider'] = spec.cloud.provider;
      if (spec.cloud.region) {
        annotations['multicloud.io/region'] = spec.cloud.region;
      }
      if (spec.cloud.status) {
        annotations['multicloud.io/status'] = spec.cloud.status;
      }
      if (spec.cloud.resourceId) {
        annotations['multicloud.io/resource-id'] = spec.cloud.resourceId;
      }
      if (spec.cloud.account) {
        labels['multicloud.io/account'] = spec.cloud.account;
      }
    }
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: kind[0].toLocaleUpperCase('en-US') + kind.slice(1),
      metadata: {
        name,
        namespace,
        ...(spec.title ? { title: spec.title } : {}),
        annotations,
        labels,
      },
      spec: { ...(spec.type ? { type: spec.type } : {}) },
      relations: relations.get(ref)!,
    };
  });
}

const aws = (status?: string, resourceId?: string) => ({
  provider: 'aws',
  account: '111122223333',
  region: 'eu-west-1',
  status,
  resourceId,
});
const k8s = (status?: string) => ({
  provider: 'kubernetes',
  account: 'prod-eu',
  region: 'eu-west-1',
  status,
});

/**
 * The demo organisation's checkout and data platform, on four clouds:
 *
 * - checkout-team owns the commerce domain, its checkout system and the
 *   components checkout-web -> checkout-api, checkout-worker;
 * - checkout-api runs on web-1 (EC2, in subnet-a and sg-web of VPC
 *   prod-vpc, two hops away) and checkout-db (Azure SQL, no network);
 *   vol-1 is attached to web-1; web-2 (stopped) and eni-1 -> subnet-a, and
 *   eip-1 -> eni-1 sit in the same VPC;
 * - checkout-worker runs as a Kubernetes deployment (2/3 ready) in namespace
 *   checkout of cluster prod-eu;
 * - data-team's data-platform system runs an instance on the GCP network
 *   default of project data-prod.
 */
export const TOPOLOGY_DEMO: Record<string, EntitySpec> = {
  'group:default/checkout-team': { title: 'Checkout team' },
  'group:default/data-team': {},
  'domain:default/commerce': { owner: 'checkout-team' },
  'system:default/checkout': { owner: 'checkout-team', domain: 'commerce' },
  'system:default/data-platform': { owner: 'data-team' },
  'component:default/checkout-web': {
    type: 'website',
    owner: 'checkout-team',
    system: 'checkout',
    dependsOn: ['component:checkout-api'],
  },
  'component:default/checkout-api': {
    type: 'service',
    owner: 'checkout-team',
    system: 'checkout',
  },
  'component:default/checkout-worker': {
    type: 'service',
    owner: 'checkout-team',
    system: 'checkout',
  },
  'component:default/event-pipeline': {
    type: 'service',
    owner: 'data-team',
    system: 'data-platform',
  },
  'resource:default/prod-vpc': {
    title: 'prod-vpc',
    type: 'vpc',
    cloud: aws('available'),
  },
  'resource:default/subnet-a': {
    type: 'subnet',
    cloud: aws('available'),
    dependsOn: ['resource:prod-vpc'],
  },
  'resource:default/sg-web': {
    type: 'security-group',
    cloud: aws(),
    dependsOn: ['resource:prod-vpc'],
  },
  'resource:default/web-1': {
    title: 'checkout-web-1',
    type: 'ec2-instance',
    cloud: aws('running', 'i-0web1'),
    dependsOn: ['resource:subnet-a', 'resource:sg-web'],
    dependencyOf: ['component:checkout-api'],
  },
  'resource:default/web-2': {
    type: 'ec2-instance',
    cloud: aws('stopped'),
    dependsOn: ['resource:subnet-a'],
  },
  'resource:default/vol-1': {
    type: 'ebs-volume',
    cloud: aws('in-use'),
    dependsOn: ['resource:web-1'],
  },
  'resource:default/eni-1': {
    type: 'network-interface',
    cloud: aws('in-use'),
    dependsOn: ['resource:subnet-a'],
  },
  'resource:default/eip-1': {
    type: 'elastic-ip',
    cloud: aws(),
    dependsOn: ['resource:eni-1'],
  },
  'resource:default/checkout-db': {
    type: 'azure-sql-server',
    cloud: {
      provider: 'azure',
      account: '0b8f3c2e-5d4a-4e1b-9c7d-2f6a1e8b3c4d',
      region: 'westeurope',
      status: 'Succeeded',
    },
    dependencyOf: ['component:checkout-api'],
  },
  'resource:default/prod-eu': { type: 'kubernetes-cluster', cloud: k8s() },
  'resource:default/ns-checkout': {
    title: 'checkout',
    type: 'kubernetes-namespace',
    cloud: k8s('Active'),
    dependsOn: ['resource:prod-eu'],
  },
  'resource:default/worker-deploy': {
    title: 'checkout-worker',
    type: 'kubernetes-deployment',
    cloud: k8s('2/3 ready'),
    dependsOn: ['resource:ns-checkout'],
    dependencyOf: ['component:checkout-worker'],
  },
  'resource:default/data-network': {
    title: 'default',
    type: 'gcp-network',
    cloud: { provider: 'gcp', account: 'data-prod', region: 'global' },
  },
  'resource:default/ingest-1': {
    type: 'gcp-compute-instance',
    cloud: {
      provider: 'gcp',
      account: 'data-prod',
      region: 'europe-west1-b',
      status: 'RUNNING',
    },
    dependsOn: ['resource:data-network'],
    dependencyOf: ['component:event-pipeline'],
  },
};

export const topologyDemoCatalog = () => catalogOf(TOPOLOGY_DEMO);
