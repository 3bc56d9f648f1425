/*
 * The estate of the alerts benchmark: bench:cost's estate
 * (../cost/queryEstate.ts, `planEstate(facts, { resources })`: N daily facts
 * over 365 days on the ~5,000 resources that bill) inside a catalog of `resources` cloud Resources written the way
 * the multicloud entity provider writes them (resourceToEntity.ts): type,
 * provider, region, resource id, status, console link, tags as labels, the
 * owner from the owner tag or the source's default owner, and the
 * annotations the alert rules read (open ingress, public IP, attached,
 * replicas). Most Resources do not bill (security groups, subnets, roles,
 * interfaces, Kubernetes objects); the ones the savings rules would report
 * are drawn mostly from those that do, so that their savings come from facts.
 *
 * Planted conditions, each a few percent of the resources it applies to, are
 * counted in `planted`; the rules find them (or not) on their own. Budgets
 * (annotation multicloud.io/monthly-budget) sit on a third of the Components
 * and half of the Systems, sized from the cost their lines will have; a few
 * Components get a cost spike or drop in the last week (a line's `spikeDay`
 * and `spikeFactor`, which the store's FOCUS files carry).
 *
 * One Component, `legacy-estate`, runs on 250 Resources that hold exactly
 * 500 alerts (two each): the entity of the API part.
 */
import { Entity } from '@backstage/catalog-model';
import {
  CloudProvider,
  DATABASE_RESOURCE_TYPES,
  MULTICLOUD_ANNOTATIONS,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { APPLICATIONS, PROVIDERS, Provider, hexOf } from '../cost/estate';
import {
  DAYS,
  Estate,
  PlannedResource,
  entity,
  planEstate,
  relation,
} from '../cost/queryEstate';
import { pick, random } from '../shared/random';

/** The Component of the API part, and what its Resources hold. */
export const API_COMPONENT = 'legacy-estate';
const LEGACY = { instances: 150, securityGroups: 50, volumes: 50 };
export const API_COMPONENT_ALERTS =
  2 * (LEGACY.instances + LEGACY.securityGroups + LEGACY.volumes);

/** Groups that no longer exist: owners of a few resources and owner tags. */
const DELETED_GROUPS = [
  'team-archived',
  'payments-legacy',
  'data-old',
  'ops-2019',
];
/** Share of the month's cost a budget allows, drawn per budget. */
const BUDGET_MULTIPLIERS: Array<[number, [number, number]]> = [
  [0.8, [1.3, 2.2]],
  [0.1, [0.98, 1.15]],
  [0.06, [0.75, 0.98]],
  [0.04, [0.3, 0.7]],
];

export type AlertsEstate = Estate & {
  /** Cloud Resources (with the provider annotation): what the rules read. */
  cloudResources: number;
  /** `component:default/legacy-estate` and the alerts its Resources hold. */
  apiEntityRef: string;
  apiAlerts: number;
  /** How many resources carry each planted condition. */
  planted: Record<string, number>;
};

type FreeType = { type: string; provider: CloudProvider; weight: number };

const aws = (type: string, weight: number): FreeType => ({
  type,
  provider: 'aws',
  weight,
});
const azure = (native: string, weight: number): FreeType => ({
  type: resourceTypeFor('azure', native),
  provider: 'azure',
  weight,
});
const gcp = (native: string, weight: number): FreeType => ({
  type: resourceTypeFor('gcp', native),
  provider: 'gcp',
  weight,
});
const k8s = (kind: string, weight: number): FreeType => ({
  type: resourceTypeFor('kubernetes', kind),
  provider: 'kubernetes',
  weight,
});

/** Resources that do not bill by themselves, by type (weights in percent). */
const FREE_TYPES: FreeType[] = [
  aws('security-group', 7),
  aws('subnet', 3),
  aws('vpc', 0.5),
  aws('network-interface', 6),
  aws('ebs-volume', 6),
  aws('ec2-instance', 5),
  aws('elastic-ip', 1.5),
  aws('s3-bucket', 2),
  aws('lambda-function', 3),
  aws('rds-instance', 1),
  aws(resourceTypeFor('aws', 'AWS::IAM::Role'), 8),
  aws(resourceTypeFor('aws', 'AWS::EC2::RouteTable'), 3),
  aws(resourceTypeFor('aws', 'AWS::CloudWatch::Alarm'), 3),
  aws(resourceTypeFor('aws', 'AWS::ECR::Repository'), 1),
  azure('Microsoft.Network/networkSecurityGroups', 3),
  azure('Microsoft.Network/virtualNetworks', 1),
  azure('Microsoft.Network/virtualNetworks/subnets', 2),
  azure('Microsoft.Network/networkInterfaces', 3),
  azure('Microsoft.Compute/disks', 3),
  azure('Microsoft.Compute/virtualMachines', 2.5),
  azure('Microsoft.Network/publicIPAddresses', 1),
  azure('Microsoft.Storage/storageAccounts', 1.5),
  azure('Microsoft.Sql/servers/databases', 0.5),
  azure('Microsoft.KeyVault/vaults', 1),
  azure('Microsoft.Resources/resourceGroups', 1.5),
  gcp('compute.googleapis.com/Firewall', 3),
  gcp('compute.googleapis.com/Network', 0.5),
  gcp('compute.googleapis.com/Subnetwork', 1.5),
  gcp('compute.googleapis.com/Disk', 3),
  gcp('compute.googleapis.com/Instance', 2.5),
  gcp('compute.googleapis.com/Address', 1),
  gcp('storage.googleapis.com/Bucket', 1.5),
  gcp('sqladmin.googleapis.com/Instance', 0.5),
  gcp('iam.googleapis.com/ServiceAccount', 1.5),
  k8s('Deployment', 5),
  k8s('Service', 4.5),
  k8s('StatefulSet', 0.8),
  k8s('DaemonSet', 0.5),
  k8s('Namespace', 1),
  k8s('Ingress', 1.5),
  k8s('PersistentVolumeClaim', 1.7),
];

/** Native types of the cost estate's services (estate.ts), by service name. */
const BILLED_NATIVE_TYPES: Record<string, string> = {
  'Amazon Elastic Compute Cloud': 'AWS::EC2::Instance',
  'Amazon Elastic Block Store': 'AWS::EC2::Volume',
  'Elastic Load Balancing': 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'Amazon Simple Storage Service': 'AWS::S3::Bucket',
  'Amazon Relational Database Service': 'AWS::RDS::DBInstance',
  AmazonCloudWatch: 'AWS::Logs::LogGroup',
  'Amazon Simple Queue Service': 'AWS::SQS::Queue',
  'AWS Lambda': 'AWS::Lambda::Function',
  'Amazon Virtual Private Cloud': 'AWS::EC2::NatGateway',
  'Amazon Elastic Container Service': 'AWS::ECS::Cluster',
  'Amazon DynamoDB': 'AWS::DynamoDB::Table',
  'Amazon CloudFront': 'AWS::CloudFront::Distribution',
  'Virtual Machines': 'Microsoft.Compute/virtualMachines',
  'Storage Accounts': 'Microsoft.Storage/storageAccounts',
  'Azure Kubernetes Service': 'Microsoft.ContainerService/managedClusters',
  'SQL Database': 'Microsoft.Sql/servers/databases',
  'Azure Machine Learning': 'Microsoft.MachineLearningServices/workspaces',
  'Azure Monitor': 'Microsoft.OperationalInsights/workspaces',
  'Azure App Service': 'Microsoft.Web/serverFarms',
  'Azure Cosmos DB': 'Microsoft.DocumentDB/databaseAccounts',
  'Compute Engine': 'compute.googleapis.com/Instance',
  'Cloud Storage': 'storage.googleapis.com/Bucket',
  BigQuery: 'bigquery.googleapis.com/Dataset',
  'Cloud SQL': 'sqladmin.googleapis.com/Instance',
  'Kubernetes Engine': 'container.googleapis.com/Cluster',
  'Cloud Run': 'run.googleapis.com/Service',
  'Cloud Logging': 'logging.googleapis.com/LogBucket',
  Networking: 'compute.googleapis.com/ForwardingRule',
};

const PROVIDER_OF: Record<Provider['name'], CloudProvider | undefined> = {
  AWS: 'aws',
  Microsoft: 'azure',
  'Google Cloud': 'gcp',
  // No multicloud source discovers Oracle: its resources stay hand-written
  // Resources that only carry cost.
  Oracle: undefined,
};

const SECURITY_GROUP_TYPES = new Set([
  'security-group',
  resourceTypeFor('azure', 'Microsoft.Network/networkSecurityGroups'),
  resourceTypeFor('gcp', 'compute.googleapis.com/Firewall'),
]);
const VOLUME_TYPES = new Set(['ebs-volume', 'azure-disk', 'gcp-compute-disk']);
const IP_TYPES = new Set(['elastic-ip', 'azure-public-ip', 'gcp-address']);
const INSTANCE_TYPES = new Set([
  'ec2-instance',
  'azure-virtual-machine',
  'gcp-compute-instance',
]);
const WORKLOAD_TYPES = new Set(
  ['Deployment', 'StatefulSet', 'DaemonSet'].map(kind =>
    resourceTypeFor('kubernetes', kind),
  ),
);
/** The types the `public-database` rule checks by default. */
const DATABASE_TYPES = new Set(DATABASE_RESOURCE_TYPES);

/** How each provider words a running and a stopped instance. */
const INSTANCE_STATUS: Record<string, [string, string]> = {
  aws: ['running', 'stopped'],
  azure: ['VM running', 'VM deallocated'],
  gcp: ['RUNNING', 'TERMINATED'],
};
const CLUSTERS = ['prod-eu', 'prod-us', 'staging-eu', 'dev-eu'];
const SENSITIVE_OPENINGS: Array<[number, string]> = [
  [0.55, '22'],
  [0.2, '3389'],
  [0.08, '5432'],
  [0.05, '3306'],
  [0.04, '6379'],
  [0.08, 'all'],
];
const NAME_PARTS = [
  'checkout',
  'payments',
  'search',
  'orders',
  'billing',
  'identity',
  'gateway',
  'reporting',
  'ingest',
  'inventory',
  'shipping',
  'media',
  'fraud',
  'loyalty',
];

/** Picks from [probability, value] pairs (the rest of the mass: the last). */
function weighted<T>(next: () => number, choices: Array<[number, T]>): T {
  let x = next() * choices.reduce((sum, [p]) => sum + p, 0);
  for (const [p, value] of choices) {
    x -= p;
    if (x < 0) {
      return value;
    }
  }
  return choices[choices.length - 1][1];
}

/** The list kept under `key`, created empty the first time. */
function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** One Resource of the catalog before it becomes an entity. */
type Draft = {
  name: string;
  title: string;
  type: string;
  provider: CloudProvider;
  account: string;
  region: string;
  resourceId: string;
  component: string;
  billed: boolean;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  owner: string;
  dependsOn: string[];
};

/** The console link the entity provider writes (`backstage.io/view-url`). */
function consoleUrl(draft: Draft): string {
  if (draft.provider === 'aws') {
    return `https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(
      draft.resourceId,
    )}`;
  }
  if (draft.provider === 'azure') {
    return `https://portal.azure.com/#@/resource${draft.resourceId}`;
  }
  return `https://console.cloud.google.com/home/dashboard?project=${draft.account}`;
}

/** A cloud id shaped like the provider's (an ARN, an ARM id, a full resource name). */
function cloudId(
  kind: FreeType,
  p: { account: string; region: string; hex: string; nameBase: string },
): string {
  if (kind.provider === 'aws') {
    return `arn:aws:ec2:${p.region}:${p.account}:${kind.type}/${p.hex}`;
  }
  if (kind.provider === 'azure') {
    return `${p.account}/resourceGroups/rg-${
      p.nameBase.split('-')[0]
    }/providers/${kind.type}/${p.nameBase}`;
  }
  return `//compute.googleapis.com/projects/${p.account}/regions/${p.region}/${kind.type}/${p.nameBase}`;
}

/** The estate with a catalog of `resources` cloud Resources around its facts. */
export function planAlertsEstate(
  facts: number,
  resources: number,
): AlertsEstate {
  const estate = planEstate(facts, { resources });
  const { planned, components, systems, domains, groups, pickComponent } =
    estate.plan;
  const next = random(1107);
  const defaultOwner = `group:default/${groups[0]}`;
  const planted = new Map<string, number>();
  const plant = (what: string) =>
    planted.set(what, (planted.get(what) ?? 0) + 1);

  // --- Owners and tags, as the entity provider maps them ---
  const ownerAndTags = (draft: Draft, componentOwner: string) => {
    const x = next();
    if (x < 0.035) {
      // No owner tag: the source's default owner.
      draft.owner = defaultOwner;
      draft.annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] = 'true';
      plant('no owner tag (default owner)');
    } else if (x < 0.045) {
      // An owner tag naming a team that was deleted.
      draft.owner = defaultOwner;
      draft.annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] = 'true';
      draft.annotations[MULTICLOUD_ANNOTATIONS.ownerTag] = pick(
        next,
        DELETED_GROUPS,
      );
      plant('owner tag naming a deleted team');
    } else if (x < 0.05) {
      // Owned by a group deleted since the last ingestion.
      draft.owner = `group:default/${pick(next, DELETED_GROUPS)}`;
      plant('owner group deleted');
    } else {
      draft.owner =
        next() < 0.7 ? componentOwner : `group:default/${pick(next, groups)}`;
    }
    draft.labels.application = pick(next, APPLICATIONS);
    draft.labels.environment = pick(next, ['prod', 'staging', 'dev']);
    if (next() < 0.04) {
      plant('no cost-center tag');
    } else {
      draft.labels['cost-center'] = `cc-${1000 + Math.floor(next() * 40)}`;
    }
  };

  // --- What the hygiene rules look at, by type ---
  const typeAnnotations = (draft: Draft) => {
    const a = draft.annotations;
    if (SECURITY_GROUP_TYPES.has(draft.type)) {
      const x = next();
      const rule = (ports: string) => ({
        protocol: ports === 'all' ? 'all' : 'tcp',
        ports,
        source: draft.provider === 'azure' ? 'Internet' : '0.0.0.0/0',
      });
      if (x < 0.03) {
        const ports = weighted(next, SENSITIVE_OPENINGS);
        a[MULTICLOUD_ANNOTATIONS.openIngress] = JSON.stringify([
          rule('443'),
          rule(ports),
        ]);
        plant('security group open to the world on a sensitive port');
      } else if (x < 0.35) {
        a[MULTICLOUD_ANNOTATIONS.openIngress] = JSON.stringify(
          next() < 0.5 ? [rule('443')] : [rule('80'), rule('443')],
        );
      }
    }
    if (DATABASE_TYPES.has(draft.type) && next() < 0.03) {
      a[MULTICLOUD_ANNOTATIONS.publicIp] =
        draft.provider === 'aws'
          ? `52.${Math.floor(next() * 255)}.${Math.floor(
              next() * 255,
            )}.${Math.floor(next() * 255)}`
          : 'true';
      plant('database with a public IP');
    }
    if (WORKLOAD_TYPES.has(draft.type)) {
      const desired = 1 + Math.floor(next() * 6);
      const x = next();
      if (x < 0.02) {
        a[MULTICLOUD_ANNOTATIONS.replicas] = `0/${desired}`;
        plant('workload with no replica available');
      } else if (x < 0.04 && desired > 1) {
        a[MULTICLOUD_ANNOTATIONS.replicas] = `${desired - 1}/${desired}`;
      } else {
        a[MULTICLOUD_ANNOTATIONS.replicas] = `${desired}/${desired}`;
      }
    }
    if (IP_TYPES.has(draft.type)) {
      const unassociated = next() < 0.04;
      a[MULTICLOUD_ANNOTATIONS.attached] = unassociated ? 'false' : 'true';
      if (unassociated) {
        plant('IP address associated with nothing');
      }
    }
    if (INSTANCE_TYPES.has(draft.type)) {
      const stopped = next() < (draft.billed ? 0.12 : 0.015);
      a[MULTICLOUD_ANNOTATIONS.status] =
        INSTANCE_STATUS[draft.provider][stopped ? 1 : 0];
      if (stopped) {
        plant(`stopped instance (${draft.billed ? 'bills' : 'no cost'})`);
      }
    } else if (DATABASE_TYPES.has(draft.type)) {
      a[MULTICLOUD_ANNOTATIONS.status] = 'available';
    }
    if (draft.provider !== 'kubernetes') {
      a['backstage.io/view-url'] = consoleUrl(draft);
    }
  };

  const drafts: Draft[] = [];
  const draftBase = (
    fields: Omit<
      Draft,
      'annotations' | 'labels' | 'owner' | 'dependsOn' | 'title'
    > & { title?: string },
  ): Draft => ({
    title: fields.title ?? fields.name,
    ...fields,
    annotations: {
      [MULTICLOUD_ANNOTATIONS.provider]: fields.provider,
      [MULTICLOUD_ANNOTATIONS.region]: fields.region,
      [MULTICLOUD_ANNOTATIONS.resourceId]: fields.resourceId,
    },
    labels: {},
    owner: defaultOwner,
    dependsOn: [],
  });
  const componentOwner = new Map(
    components.map(c => [c.name, `group:default/${c.owner}`]),
  );

  // The resources that bill and have an entity (the cost estate's).
  const handWritten: PlannedResource[] = [];
  for (const p of planned) {
    if (p.mode !== 'resource') {
      continue;
    }
    const provider = PROVIDER_OF[p.resource.provider.name];
    if (!provider) {
      handWritten.push(p);
      continue;
    }
    const draft = draftBase({
      name: p.entityName,
      title: p.resource.name,
      type: resourceTypeFor(
        provider,
        BILLED_NATIVE_TYPES[p.resource.service.name] ??
          p.resource.service.resourceType,
      ),
      provider,
      account: p.resource.account.id,
      region: p.resource.region,
      resourceId: p.resource.id,
      component: p.component.name,
      billed: true,
    });
    ownerAndTags(draft, componentOwner.get(p.component.name)!);
    drafts.push(draft);
  }
  const billedCount = drafts.length;

  // The resources that do not bill, until the catalog has `resources`.
  const legacyCount = LEGACY.instances + LEGACY.securityGroups + LEGACY.volumes;
  const freeCount = Math.max(0, resources - billedCount - legacyCount);
  const totalWeight = FREE_TYPES.reduce((sum, t) => sum + t.weight, 0);
  const freeTypes: Array<[number, FreeType]> = FREE_TYPES.map(t => [
    t.weight / totalWeight,
    t,
  ]);
  const accountsOf = new Map(
    PROVIDERS.map(p => [PROVIDER_OF[p.name], p.accounts]),
  );
  const freeDraft = (
    index: number,
    kind: FreeType,
    component: string,
  ): Draft => {
    const nameBase = `${pick(next, NAME_PARTS)}-${pick(next, [
      'prod',
      'staging',
      'dev',
    ])}-${index.toString(36)}`;
    const hex = hexOf(next, 17);
    let account: string;
    let region: string;
    let resourceId: string;
    if (kind.provider === 'kubernetes') {
      account = pick(next, CLUSTERS);
      region = account.endsWith('-us') ? 'us-east-1' : 'eu-west-1';
      resourceId = `${account}/${nameBase.split('-')[0]}/${kind.type.replace(
        'kubernetes-',
        '',
      )}/${nameBase}`;
    } else {
      const chosen = pick(next, accountsOf.get(kind.provider)!);
      account = chosen.id;
      region = pick(next, chosen.regions);
      resourceId = cloudId(kind, { account, region, hex, nameBase });
    }
    return draftBase({
      name: `${kind.type}-${index.toString(36)}`.slice(-63),
      title: nameBase,
      type: kind.type,
      provider: kind.provider,
      account,
      region,
      resourceId,
      component,
      billed: false,
    });
  };
  for (let i = 0; i < freeCount; i++) {
    const kind = weighted(next, freeTypes);
    const component = components[pickComponent()];
    const draft = freeDraft(i, kind, component.name);
    ownerAndTags(draft, componentOwner.get(component.name)!);
    drafts.push(draft);
  }
  for (const draft of drafts) {
    typeAnnotations(draft);
  }

  // Volumes: most are attached to an instance of their provider (the
  // stopped-instance rule adds their cost up); a few are attached to
  // nothing. The volumes that bill go to instances that bill.
  const instances = (billed: boolean, provider: string) =>
    drafts.filter(
      d =>
        d.billed === billed &&
        d.provider === provider &&
        INSTANCE_TYPES.has(d.type),
    );
  const instancePools = new Map<string, Draft[]>();
  for (const draft of drafts.filter(d => VOLUME_TYPES.has(d.type))) {
    const key = `${draft.billed}:${draft.provider}`;
    if (!instancePools.has(key)) {
      instancePools.set(key, instances(draft.billed, draft.provider));
    }
    const pool = instancePools.get(key)!;
    const unattached = next() < (draft.billed ? 0.2 : 0.015);
    if (unattached || pool.length === 0) {
      draft.annotations[MULTICLOUD_ANNOTATIONS.attached] = 'false';
      plant(
        `volume attached to nothing (${draft.billed ? 'bills' : 'no cost'})`,
      );
    } else {
      draft.annotations[MULTICLOUD_ANNOTATIONS.attached] = 'true';
      draft.dependsOn.push(pick(next, pool).name);
    }
  }

  // The API part's Component: 250 Resources, two alerts each.
  const legacySystem = systems[0];
  const legacyOwner = `group:default/${groups[0]}`;
  const legacy: Draft[] = [];
  const legacyDraft = (index: number, kind: FreeType) => {
    const draft = freeDraft(freeCount + index, kind, API_COMPONENT);
    draft.owner = legacyOwner;
    draft.labels = {
      application: 'LegacyEstate',
      environment: 'prod',
      'cost-center': 'cc-0999',
    };
    legacy.push(draft);
    return draft;
  };
  for (let i = 0; i < LEGACY.instances; i++) {
    // No owner tag: no-owner, and missing-tags (owner).
    const draft = legacyDraft(i, aws('ec2-instance', 0));
    draft.owner = defaultOwner;
    draft.annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] = 'true';
    draft.annotations[MULTICLOUD_ANNOTATIONS.status] = 'running';
  }
  for (let i = 0; i < LEGACY.securityGroups; i++) {
    // SSH and Remote Desktop open to the world: two open-to-world.
    const draft = legacyDraft(LEGACY.instances + i, aws('security-group', 0));
    draft.annotations[MULTICLOUD_ANNOTATIONS.openIngress] = JSON.stringify([
      { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '3389', source: '0.0.0.0/0' },
    ]);
  }
  for (let i = 0; i < LEGACY.volumes; i++) {
    // Attached to nothing, and no cost-center tag: unattached-volume and
    // missing-tags (cost-center).
    const draft = legacyDraft(
      LEGACY.instances + LEGACY.securityGroups + i,
      aws('ebs-volume', 0),
    );
    draft.annotations[MULTICLOUD_ANNOTATIONS.attached] = 'false';
    delete draft.labels['cost-center'];
  }
  drafts.push(...legacy);

  // --- Budgets and spikes, from the cost the lines will have ---
  const componentOfResource = new Map<string, string>();
  for (const p of planned) {
    if (p.mode !== 'none') {
      componentOfResource.set(p.resource.id, p.component.name);
    }
  }
  // The trend of the facts' daily factor at the end of the year.
  const recentFactor = 1 + (DAYS - 1) / 1500;
  const dailyOf = new Map<string, number>();
  const linesOf = new Map<string, Estate['lines']>();
  for (const line of estate.lines) {
    const component = componentOfResource.get(line.resourceId);
    if (!component) {
      continue;
    }
    dailyOf.set(
      component,
      (dailyOf.get(component) ?? 0) +
        line.baseCost * line.discount * recentFactor,
    );
    listIn(linesOf, component).push(line);
  }
  const budgetFor = (daily: number) => {
    const [low, high] = weighted(
      next,
      BUDGET_MULTIPLIERS.map(([p, range]) => [p, range]),
    );
    const amount = Math.max(
      1,
      Math.round(daily * 30.4 * (low + next() * (high - low))),
    );
    return next() < 0.5 ? String(amount) : `${amount} USD`;
  };
  const componentBudgets = new Map<string, string>();
  for (const c of components) {
    const daily = dailyOf.get(c.name) ?? 0;
    if (daily > 0.5 && next() < 0.33) {
      componentBudgets.set(c.name, budgetFor(daily));
      plant('component budget');
    }
    const lines = linesOf.get(c.name) ?? [];
    const largest = [...lines].sort(
      (a, b) => b.baseCost * b.discount - a.baseCost * a.discount,
    )[0];
    const x = next();
    if (largest && x < 0.03) {
      const share = (largest.baseCost * largest.discount) / (daily || 1);
      largest.spikeDay = DAYS - 1 - Math.floor(next() * 7);
      largest.spikeFactor = Math.min(200, 1 + Math.max(2, 1 / share));
      plant('component with a cost spike in the last week');
    } else if (largest && x < 0.04) {
      const share =
        (largest.baseCost * largest.discount * recentFactor) / (daily || 1);
      if (share >= 0.5) {
        largest.spikeDay = DAYS - 1 - Math.floor(next() * 7);
        largest.spikeFactor = 0.05;
        plant('component with a cost drop in the last week');
      }
    }
  }
  const systemBudgets = new Map<string, string>();
  for (const s of systems) {
    const daily = components
      .filter(c => c.system === s.name)
      .reduce((sum, c) => sum + (dailyOf.get(c.name) ?? 0), 0);
    if (daily > 0.5 && next() < 0.5) {
      systemBudgets.set(s.name, budgetFor(daily));
      plant('system budget');
    }
  }

  // --- Entities, with relations both ways as the catalog serves them ---
  const entities: Entity[] = [];
  const refOf = (kind: string, name: string) => `${kind}:default/${name}`;
  const ownerOf = new Map<string, string[]>();
  const owns = (owner: string, ref: string) => listIn(ownerOf, owner).push(ref);
  const resourcesOf = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const draft of drafts) {
    for (const target of draft.dependsOn) {
      listIn(dependents, target).push(refOf('resource', draft.name));
    }
  }
  for (const draft of drafts) {
    const ref = refOf('resource', draft.name);
    const componentRef = refOf('component', draft.component);
    listIn(resourcesOf, draft.component).push(ref);
    owns(draft.owner, ref);
    for (const [key, value] of Object.entries({
      provider: draft.provider,
      account: draft.account.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(-63),
      region: draft.region,
    })) {
      draft.labels[`multicloud.io/${key}`] = value.replace(
        /^[^a-zA-Z0-9]+/,
        '',
      );
    }
    entities.push(
      entity('Resource', draft.name, {
        title: draft.title,
        annotations: draft.annotations,
        labels: draft.labels,
        spec: {
          type: draft.type,
          owner: draft.owner,
          dependencyOf: [componentRef],
          ...(draft.dependsOn.length
            ? { dependsOn: draft.dependsOn.map(n => `resource:${n}`) }
            : {}),
        },
        relations: [
          relation('dependencyOf', componentRef),
          relation('ownedBy', draft.owner),
          ...draft.dependsOn.map(n =>
            relation('dependsOn', refOf('resource', n)),
          ),
          ...(dependents.get(draft.name) ?? []).map(r =>
            relation('dependencyOf', r),
          ),
        ],
      }),
    );
  }
  for (const p of handWritten) {
    const ref = refOf('resource', p.entityName);
    const owner = `group:default/${p.component.owner}`;
    listIn(resourcesOf, p.component.name).push(ref);
    owns(owner, ref);
    entities.push(
      entity('Resource', p.entityName, {
        annotations: { [MULTICLOUD_ANNOTATIONS.resourceId]: p.resource.id },
        spec: { type: `oci-${p.resource.service.resourceType}`, owner },
        relations: [
          relation('dependencyOf', refOf('component', p.component.name)),
          relation('ownedBy', owner),
        ],
      }),
    );
  }
  const allComponents = [
    ...components,
    { name: API_COMPONENT, system: legacySystem.name, owner: groups[0] },
  ];
  for (const c of allComponents) {
    const ref = refOf('component', c.name);
    const owner = `group:default/${c.owner}`;
    owns(owner, ref);
    const budget = componentBudgets.get(c.name);
    entities.push(
      entity('Component', c.name, {
        annotations: budget
          ? { [MULTICLOUD_ANNOTATIONS.monthlyBudget]: budget }
          : {},
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner,
          system: c.system,
        },
        relations: [
          relation('partOf', refOf('system', c.system)),
          relation('ownedBy', owner),
          ...(resourcesOf.get(c.name) ?? []).map(r => relation('dependsOn', r)),
        ],
      }),
    );
  }
  for (const s of systems) {
    const ref = refOf('system', s.name);
    const owner = `group:default/${s.owner}`;
    owns(owner, ref);
    const budget = systemBudgets.get(s.name);
    entities.push(
      entity('System', s.name, {
        annotations: budget
          ? { [MULTICLOUD_ANNOTATIONS.monthlyBudget]: budget }
          : {},
        spec: { owner, domain: s.domain },
        relations: [
          relation('partOf', refOf('domain', s.domain)),
          relation('ownedBy', owner),
          ...allComponents
            .filter(c => c.system === s.name)
            .map(c => relation('hasPart', refOf('component', c.name))),
        ],
      }),
    );
  }
  domains.forEach((d, i) => {
    const owner = `group:default/${groups[i % groups.length]}`;
    owns(owner, refOf('domain', d));
    entities.push(
      entity('Domain', d, {
        spec: { owner },
        relations: [
          relation('ownedBy', owner),
          ...systems
            .filter(s => s.domain === d)
            .map(s => relation('hasPart', refOf('system', s.name))),
        ],
      }),
    );
  });
  for (const g of groups) {
    entities.push(
      entity('Group', g, {
        spec: { type: 'team', children: [] },
        relations: (ownerOf.get(`group:default/${g}`) ?? []).map(r =>
          relation('ownerOf', r),
        ),
      }),
    );
  }

  const byProvider = (provider: string) =>
    drafts.filter(d => d.provider === provider).length;
  return {
    ...estate,
    entities,
    cloudResources: drafts.length,
    apiEntityRef: refOf('component', API_COMPONENT),
    apiAlerts: API_COMPONENT_ALERTS,
    planted: Object.fromEntries(
      [...planted].sort((a, b) => a[0].localeCompare(b[0])),
    ),
    counts: {
      ...estate.counts,
      cloudResources: drafts.length,
      billedResourceEntities: billedCount,
      handWrittenResources: handWritten.length,
      aws: byProvider('aws'),
      azure: byProvider('azure'),
      gcp: byProvider('gcp'),
      kubernetes: byProvider('kubernetes'),
      components: allComponents.length,
      entities: entities.length,
    },
  };
}
