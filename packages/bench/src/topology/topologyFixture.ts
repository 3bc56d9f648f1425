/*
 * The catalog of the topology benchmark, as a pure function of its size: a
 * cloud estate of N Resource entities (20,000 by default) shaped as the
 * multicloud entity provider writes them, and one System whose topology at
 * the default depth has about 1,000 nodes and 2,000 edges. Reusable: the
 * API benchmark (topology.ts) and a browser benchmark build the same
 * catalog from it.
 */
import { Entity } from '@backstage/catalog-model';

export type TopologyBenchCatalogOptions = {
  /** Resource entities in the catalog. Default 20,000. */
  resources?: number;
  /** About how many nodes the big System's topology has (depth 2). Default 1,000. */
  systemNodes?: number;
};

export type TopologyBenchCatalog = {
  /** Every entity, ready for an entity provider's full mutation. */
  entities: Entity[];
  /** The System whose graph is measured. */
  systemRef: string;
  /** Its topology at the default depth (2), downstream, every group open. */
  expected: { nodes: number; edges: number };
  counts: {
    resources: number;
    components: number;
    systems: number;
    groups: number;
  };
};

/** The location the bench's entities are managed by. */
export const BENCH_LOCATION = 'bench:topology';

/** Resources each component runs on: instances, their volumes, a database, a bucket, a deployment and its service. */
const INSTANCES = 9;
const RESOURCES_PER_COMPONENT = 2 * INSTANCES + 4;
const FILLER_COMPONENTS_PER_SYSTEM = 10;
const TEAMS = 12;
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['eu-west-1', 'us-east-1'];
const SUBNETS = 3;
const SECURITY_GROUPS = 4;
const CLUSTERS = ['prod-eu', 'prod-us'];
const NAMESPACES = 10;
/**
 * Shared infrastructure a System of a dozen components or more reaches: the
 * 12 subnets, 8 of the 16 security groups (components in one place use two),
 * 10 namespaces (each component one).
 */
const SHARED_NODES = 30;

const ref = (kind: string, name: string) => `${kind}:default/${name}`;

function entity(
  kind: string,
  name: string,
  spec: NonNullable<Entity['spec']>,
  metadata: {
    title?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      ...(metadata.title ? { title: metadata.title } : {}),
      annotations: {
        'backstage.io/managed-by-location': BENCH_LOCATION,
        'backstage.io/managed-by-origin-location': BENCH_LOCATION,
        ...metadata.annotations,
      },
      ...(metadata.labels ? { labels: metadata.labels } : {}),
    },
    spec,
  };
}

type Placement = { account: string; region: string };

/** A Resource as the entity provider writes it: provider annotations, account label, console link. */
function awsResource(
  name: string,
  type: string,
  at: Placement,
  options: {
    status?: string;
    dependsOn?: string[];
    dependencyOf?: string;
    owner: string;
  },
): Entity {
  const arn = `arn:aws:ec2:${at.region}:${at.account}:${type}/${name}`;
  return entity(
    'Resource',
    name,
    {
      type,
      owner: options.owner,
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
      ...(options.dependencyOf ? { dependencyOf: [options.dependencyOf] } : {}),
    },
    {
      title: name,
      annotations: {
        'amazonaws.com/arn': arn,
        'amazonaws.com/account-id': at.account,
        'multicloud.io/provider': 'aws',
        'multicloud.io/region': at.region,
        'multicloud.io/resource-id': arn,
        ...(options.status ? { 'multicloud.io/status': options.status } : {}),
        'backstage.io/view-url': `https://${at.region}.console.aws.amazon.com/ec2/home?region=${at.region}#InstanceDetails:instanceId=${name}`,
      },
      labels: {
        'multicloud.io/provider': 'aws',
        'multicloud.io/account': at.account,
        'multicloud.io/region': at.region,
        env: 'prod',
      },
    },
  );
}

function kubernetesResource(
  name: string,
  type: string,
  cluster: string,
  options: {
    status?: string;
    dependsOn?: string[];
    dependencyOf?: string;
    owner: string;
  },
): Entity {
  return entity(
    'Resource',
    name,
    {
      type,
      owner: options.owner,
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
      ...(options.dependencyOf ? { dependencyOf: [options.dependencyOf] } : {}),
    },
    {
      title: name,
      annotations: {
        'backstage.io/kubernetes-cluster': cluster,
        'multicloud.io/provider': 'kubernetes',
        'multicloud.io/region': 'eu-west-1',
        'multicloud.io/resource-id': `kubernetes://${cluster}/${name}`,
        ...(options.status ? { 'multicloud.io/status': options.status } : {}),
      },
      labels: {
        'multicloud.io/provider': 'kubernetes',
        'multicloud.io/account': cluster,
        'multicloud.io/region': 'eu-west-1',
      },
    },
  );
}

const placements: Placement[] = ACCOUNTS.flatMap(account =>
  REGIONS.map(region => ({ account, region })),
);
const placementKey = (at: Placement) =>
  `${at.account.slice(0, 4)}-${at.region}`;
const subnetName = (at: Placement, i: number) =>
  `subnet-${placementKey(at)}-${i}`;
const sgName = (at: Placement, i: number) => `sg-${placementKey(at)}-${i}`;
const namespaceName = (cluster: string, i: number) => `ns-${cluster}-${i}`;

/** The networks every component's resources sit in: VPCs, subnets, security groups, clusters, namespaces. */
function sharedInfrastructure(owner: string): Entity[] {
  const entities: Entity[] = [];
  for (const at of placements) {
    const vpc = `vpc-${placementKey(at)}`;
    entities.push(awsResource(vpc, 'vpc', at, { status: 'available', owner }));
    for (let i = 0; i < SUBNETS; i++) {
      entities.push(
        awsResource(subnetName(at, i), 'subnet', at, {
          status: 'available',
          dependsOn: [ref('resource', vpc)],
          owner,
        }),
      );
    }
    for (let i = 0; i < SECURITY_GROUPS; i++) {
      entities.push(
        awsResource(sgName(at, i), 'security-group', at, {
          dependsOn: [ref('resource', vpc)],
          owner,
        }),
      );
    }
  }
  for (const cluster of CLUSTERS) {
    entities.push(
      kubernetesResource(`cluster-${cluster}`, 'kubernetes-cluster', cluster, {
        owner,
      }),
    );
    for (let i = 0; i < NAMESPACES; i++) {
      entities.push(
        kubernetesResource(
          namespaceName(cluster, i),
          'kubernetes-namespace',
          cluster,
          {
            status: 'Active',
            dependsOn: [ref('resource', `cluster-${cluster}`)],
            owner,
          },
        ),
      );
    }
  }
  return entities;
}

const STATUSES = [
  'running',
  'running',
  'running',
  'running',
  'stopped',
  'pending',
];

/**
 * The first `count` resources of component number `index` (at most
 * {@link RESOURCES_PER_COMPONENT}), and the edges they add to its graph:
 * component -> each resource, instance -> subnet (and every other one ->
 * security group), volume -> instance, database -> subnet, deployment ->
 * namespace, service -> deployment.
 */
function componentResources(
  component: string,
  index: number,
  owner: string,
  count: number,
): { entities: Entity[]; edges: number } {
  const at = placements[index % placements.length];
  const cluster = CLUSTERS[index % CLUSTERS.length];
  const componentRef = ref('component', component);
  const entities: Entity[] = [];
  let edges = 0;
  const add = (resource: Entity, resourceEdges: number) => {
    if (entities.length < count) {
      entities.push(resource);
      edges += 1 + resourceEdges;
    }
  };
  for (let i = 0; i < INSTANCES; i++) {
    const dependsOn = [ref('resource', subnetName(at, (index + i) % SUBNETS))];
    if (i % 2 === 0) {
      dependsOn.push(
        ref('resource', sgName(at, (index + i) % SECURITY_GROUPS)),
      );
    }
    add(
      awsResource(`${component}-vm-${i}`, 'ec2-instance', at, {
        status: STATUSES[(index + i) % STATUSES.length],
        dependsOn,
        dependencyOf: componentRef,
        owner,
      }),
      dependsOn.length,
    );
  }
  for (let i = 0; i < INSTANCES; i++) {
    add(
      awsResource(`${component}-vol-${i}`, 'ebs-volume', at, {
        status: 'in-use',
        dependsOn: [ref('resource', `${component}-vm-${i}`)],
        dependencyOf: componentRef,
        owner,
      }),
      1,
    );
  }
  add(
    awsResource(`${component}-db`, 'rds-instance', at, {
      status: 'available',
      dependsOn: [ref('resource', subnetName(at, index % SUBNETS))],
      dependencyOf: componentRef,
      owner,
    }),
    1,
  );
  add(
    awsResource(`${component}-bucket`, 's3-bucket', at, {
      dependencyOf: componentRef,
      owner,
    }),
    0,
  );
  add(
    kubernetesResource(
      `${component}-deploy`,
      'kubernetes-deployment',
      cluster,
      {
        status: index % 7 === 0 ? '2/3 ready' : '3/3 ready',
        dependsOn: [
          ref('resource', namespaceName(cluster, index % NAMESPACES)),
        ],
        dependencyOf: componentRef,
        owner,
      },
    ),
    1,
  );
  add(
    kubernetesResource(`${component}-svc`, 'kubernetes-service', cluster, {
      dependsOn: [ref('resource', `${component}-deploy`)],
      dependencyOf: componentRef,
      owner,
    }),
    1,
  );
  return { entities, edges };
}

/**
 * The benchmark catalog: 12 teams, a domain, the big System `storefront`
 * (components `storefront-<i>`, each on 22 resources of its own plus the
 * shared subnets, security groups and namespaces) and filler Systems of 10
 * such components until there are `resources` Resources in all.
 */
export function topologyBenchCatalog(
  options: TopologyBenchCatalogOptions = {},
): TopologyBenchCatalog {
  const totalResources = options.resources ?? 20_000;
  const systemNodes = options.systemNodes ?? 1_000;
  const teams = Array.from({ length: TEAMS }, (_, i) => `team-${i}`);
  const ownerOf = (i: number) => `group:default/${teams[i % TEAMS]}`;

  const entities: Entity[] = teams.map(team =>
    entity('Group', team, { type: 'team', children: [] }),
  );
  entities.push(entity('Domain', 'commerce', { owner: ownerOf(0) }));
  const shared = sharedInfrastructure(ownerOf(1));
  entities.push(...shared);
  let resources = shared.length;
  let components = 0;
  let systems = 0;

  const addSystem = (name: string, componentCount: number, budget: number) => {
    let left = budget;
    systems += 1;
    entities.push(
      entity('System', name, { owner: ownerOf(systems), domain: 'commerce' }),
    );
    let edges = 0;
    for (let c = 0; c < componentCount && left > 0; c++) {
      const component = `${name}-${c}`;
      components += 1;
      entities.push(
        entity('Component', component, {
          type: 'service',
          lifecycle: 'production',
          owner: ownerOf(components),
          system: name,
        }),
      );
      const made = componentResources(
        component,
        components,
        ownerOf(components),
        Math.min(RESOURCES_PER_COMPONENT, left),
      );
      entities.push(...made.entities);
      left -= made.entities.length;
      resources += made.entities.length;
      edges += 1 + made.edges;
    }
    return edges;
  };

  // system + components + their resources + the shared nodes they reach.
  const storefrontComponents = Math.max(
    1,
    Math.round(
      (systemNodes - 1 - SHARED_NODES) / (1 + RESOURCES_PER_COMPONENT),
    ),
  );
  const storefrontEdges = addSystem(
    'storefront',
    storefrontComponents,
    Math.max(0, totalResources - resources),
  );
  const storefrontResources = resources - shared.length;
  for (let k = 0; resources < totalResources; k++) {
    addSystem(
      `filler-${k}`,
      FILLER_COMPONENTS_PER_SYSTEM,
      totalResources - resources,
    );
  }

  return {
    entities,
    systemRef: 'system:default/storefront',
    expected: {
      nodes:
        1 +
        storefrontComponents +
        storefrontResources +
        sharedReached(entities, 'storefront-'),
      edges: storefrontEdges,
    },
    counts: { resources, components, systems, groups: teams.length },
  };
}

/** The shared subnets, security groups and namespaces the System's resources point at (small Systems reach fewer). */
function sharedReached(entities: Entity[], prefix: string): number {
  const reached = new Set<string>();
  for (const e of entities) {
    if (e.kind === 'Resource' && e.metadata.name.startsWith(prefix)) {
      for (const target of (e.spec?.dependsOn as string[] | undefined) ?? []) {
        if (!target.includes(`/${prefix}`)) {
          reached.add(target);
        }
      }
    }
  }
  return reached.size;
}
