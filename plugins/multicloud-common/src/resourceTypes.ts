import { CloudProvider } from './types';

/**
 * One entry of the resource type table: the entity `spec.type`, its provider,
 * a human title, and the provider-native type names that map to it.
 *
 * @public
 */
export type ResourceTypeInfo = {
  provider: CloudProvider;
  title: string;
  /** Native type names: ARM types, Cloud Asset types, Kubernetes kinds. */
  nativeTypes: string[];
};

/**
 * Every `spec.type` the multicloud plugins produce for known resource kinds.
 * Types of other native resources are derived by {@link resourceTypeFor}.
 *
 * @public
 */
export const RESOURCE_TYPES: Record<string, ResourceTypeInfo> = {
  'ec2-instance': {
    provider: 'aws',
    title: 'EC2 instance',
    nativeTypes: ['AWS::EC2::Instance'],
  },
  vpc: { provider: 'aws', title: 'VPC', nativeTypes: ['AWS::EC2::VPC'] },
  subnet: {
    provider: 'aws',
    title: 'Subnet',
    nativeTypes: ['AWS::EC2::Subnet'],
  },
  'security-group': {
    provider: 'aws',
    title: 'Security group',
    nativeTypes: ['AWS::EC2::SecurityGroup'],
  },
  'ebs-volume': {
    provider: 'aws',
    title: 'EBS volume',
    nativeTypes: ['AWS::EC2::Volume'],
  },
  'network-interface': {
    provider: 'aws',
    title: 'Network interface',
    nativeTypes: ['AWS::EC2::NetworkInterface'],
  },
  'elastic-ip': {
    provider: 'aws',
    title: 'Elastic IP',
    nativeTypes: ['AWS::EC2::EIP'],
  },
  'nat-gateway': {
    provider: 'aws',
    title: 'NAT gateway',
    nativeTypes: ['AWS::EC2::NatGateway'],
  },
  's3-bucket': {
    provider: 'aws',
    title: 'S3 bucket',
    nativeTypes: ['AWS::S3::Bucket'],
  },
  'rds-instance': {
    provider: 'aws',
    title: 'RDS instance',
    nativeTypes: ['AWS::RDS::DBInstance'],
  },
  'lambda-function': {
    provider: 'aws',
    title: 'Lambda function',
    nativeTypes: ['AWS::Lambda::Function'],
  },
  'eks-cluster': {
    provider: 'aws',
    title: 'EKS cluster',
    nativeTypes: ['AWS::EKS::Cluster'],
  },
  'rds-cluster': {
    provider: 'aws',
    title: 'RDS cluster',
    nativeTypes: ['AWS::RDS::DBCluster'],
  },
  'rds-subnet-group': {
    provider: 'aws',
    title: 'DB subnet group',
    nativeTypes: ['AWS::RDS::DBSubnetGroup'],
  },
  'load-balancer': {
    provider: 'aws',
    title: 'Load balancer',
    nativeTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
  },
  'target-group': {
    provider: 'aws',
    title: 'Target group',
    nativeTypes: ['AWS::ElasticLoadBalancingV2::TargetGroup'],
  },
  'dynamodb-table': {
    provider: 'aws',
    title: 'DynamoDB table',
    nativeTypes: ['AWS::DynamoDB::Table'],
  },
  'elasticache-cluster': {
    provider: 'aws',
    title: 'ElastiCache cluster',
    nativeTypes: ['AWS::ElastiCache::CacheCluster'],
  },
  'ecs-cluster': {
    provider: 'aws',
    title: 'ECS cluster',
    nativeTypes: ['AWS::ECS::Cluster'],
  },
  'ecs-service': {
    provider: 'aws',
    title: 'ECS service',
    nativeTypes: ['AWS::ECS::Service'],
  },
  'sqs-queue': {
    provider: 'aws',
    title: 'SQS queue',
    nativeTypes: ['AWS::SQS::Queue'],
  },
  'sns-topic': {
    provider: 'aws',
    title: 'SNS topic',
    nativeTypes: ['AWS::SNS::Topic'],
  },

  'azure-resource-group': {
    provider: 'azure',
    title: 'Resource group',
    nativeTypes: ['Microsoft.Resources/resourceGroups'],
  },
  'azure-virtual-machine': {
    provider: 'azure',
    title: 'Virtual machine',
    nativeTypes: ['Microsoft.Compute/virtualMachines'],
  },
  'azure-vm-scale-set': {
    provider: 'azure',
    title: 'VM scale set',
    nativeTypes: ['Microsoft.Compute/virtualMachineScaleSets'],
  },
  'azure-disk': {
    provider: 'azure',
    title: 'Managed disk',
    nativeTypes: ['Microsoft.Compute/disks'],
  },
  'azure-virtual-network': {
    provider: 'azure',
    title: 'Virtual network',
    nativeTypes: ['Microsoft.Network/virtualNetworks'],
  },
  'azure-subnet': {
    provider: 'azure',
    title: 'Subnet',
    nativeTypes: ['Microsoft.Network/virtualNetworks/subnets'],
  },
  'azure-private-endpoint': {
    provider: 'azure',
    title: 'Private endpoint',
    nativeTypes: ['Microsoft.Network/privateEndpoints'],
  },
  'azure-network-interface': {
    provider: 'azure',
    title: 'Network interface',
    nativeTypes: ['Microsoft.Network/networkInterfaces'],
  },
  'azure-network-security-group': {
    provider: 'azure',
    title: 'Network security group',
    nativeTypes: ['Microsoft.Network/networkSecurityGroups'],
  },
  'azure-public-ip': {
    provider: 'azure',
    title: 'Public IP address',
    nativeTypes: ['Microsoft.Network/publicIPAddresses'],
  },
  'azure-load-balancer': {
    provider: 'azure',
    title: 'Load balancer',
    nativeTypes: ['Microsoft.Network/loadBalancers'],
  },
  'azure-storage-account': {
    provider: 'azure',
    title: 'Storage account',
    nativeTypes: ['Microsoft.Storage/storageAccounts'],
  },
  'azure-sql-server': {
    provider: 'azure',
    title: 'SQL server',
    nativeTypes: ['Microsoft.Sql/servers'],
  },
  'azure-sql-database': {
    provider: 'azure',
    title: 'SQL database',
    nativeTypes: ['Microsoft.Sql/servers/databases'],
  },
  'azure-aks-cluster': {
    provider: 'azure',
    title: 'AKS cluster',
    nativeTypes: ['Microsoft.ContainerService/managedClusters'],
  },
  'azure-app-service': {
    provider: 'azure',
    title: 'App Service',
    nativeTypes: ['Microsoft.Web/sites'],
  },
  'azure-key-vault': {
    provider: 'azure',
    title: 'Key vault',
    nativeTypes: ['Microsoft.KeyVault/vaults'],
  },

  'gcp-project': {
    provider: 'gcp',
    title: 'Project',
    nativeTypes: ['cloudresourcemanager.googleapis.com/Project'],
  },
  'gcp-compute-instance': {
    provider: 'gcp',
    title: 'Compute Engine instance',
    nativeTypes: ['compute.googleapis.com/Instance'],
  },
  'gcp-compute-disk': {
    provider: 'gcp',
    title: 'Persistent disk',
    nativeTypes: ['compute.googleapis.com/Disk'],
  },
  'gcp-network': {
    provider: 'gcp',
    title: 'VPC network',
    nativeTypes: ['compute.googleapis.com/Network'],
  },
  'gcp-subnetwork': {
    provider: 'gcp',
    title: 'Subnetwork',
    nativeTypes: ['compute.googleapis.com/Subnetwork'],
  },
  'gcp-firewall': {
    provider: 'gcp',
    title: 'Firewall rule',
    nativeTypes: ['compute.googleapis.com/Firewall'],
  },
  'gcp-address': {
    provider: 'gcp',
    title: 'IP address',
    nativeTypes: ['compute.googleapis.com/Address'],
  },
  'gcp-storage-bucket': {
    provider: 'gcp',
    title: 'Cloud Storage bucket',
    nativeTypes: ['storage.googleapis.com/Bucket'],
  },
  'gcp-cloudsql-instance': {
    provider: 'gcp',
    title: 'Cloud SQL instance',
    nativeTypes: ['sqladmin.googleapis.com/Instance'],
  },
  'gcp-gke-cluster': {
    provider: 'gcp',
    title: 'GKE cluster',
    nativeTypes: ['container.googleapis.com/Cluster'],
  },
  'gcp-forwarding-rule': {
    provider: 'gcp',
    title: 'Forwarding rule',
    nativeTypes: ['compute.googleapis.com/ForwardingRule'],
  },
  'gcp-backend-service': {
    provider: 'gcp',
    title: 'Backend service',
    nativeTypes: ['compute.googleapis.com/BackendService'],
  },
  'gcp-cloud-run-service': {
    provider: 'gcp',
    title: 'Cloud Run service',
    nativeTypes: ['run.googleapis.com/Service'],
  },

  'kubernetes-cluster': {
    provider: 'kubernetes',
    title: 'Kubernetes cluster',
    nativeTypes: ['Cluster'],
  },
  'kubernetes-namespace': {
    provider: 'kubernetes',
    title: 'Namespace',
    nativeTypes: ['Namespace'],
  },
  'kubernetes-deployment': {
    provider: 'kubernetes',
    title: 'Deployment',
    nativeTypes: ['Deployment'],
  },
  'kubernetes-statefulset': {
    provider: 'kubernetes',
    title: 'StatefulSet',
    nativeTypes: ['StatefulSet'],
  },
  'kubernetes-daemonset': {
    provider: 'kubernetes',
    title: 'DaemonSet',
    nativeTypes: ['DaemonSet'],
  },
  'kubernetes-service': {
    provider: 'kubernetes',
    title: 'Service',
    nativeTypes: ['Service'],
  },
  'kubernetes-ingress': {
    provider: 'kubernetes',
    title: 'Ingress',
    nativeTypes: ['Ingress'],
  },
  'kubernetes-persistent-volume-claim': {
    provider: 'kubernetes',
    title: 'Persistent volume claim',
    nativeTypes: ['PersistentVolumeClaim'],
  },
};

const byNativeType = new Map<string, string>();
for (const [type, info] of Object.entries(RESOURCE_TYPES)) {
  for (const native of info.nativeTypes) {
    byNativeType.set(`${info.provider}:${native.toLowerCase()}`, type);
  }
}

function kebab(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/**
 * The entity `spec.type` for a provider-native type name: the table's entry
 * when there is one, else a kebab-case name derived from the native type:
 * `Microsoft.Web/staticSites` becomes `azure-web-static-sites` and
 * `pubsub.googleapis.com/Topic` becomes `gcp-pubsub-topic`.
 *
 * @public
 */
export function resourceTypeFor(
  provider: CloudProvider,
  nativeType: string,
): string {
  const known = byNativeType.get(`${provider}:${nativeType.toLowerCase()}`);
  if (known) {
    return known;
  }
  switch (provider) {
    case 'azure':
      return `azure-${kebab(nativeType.replace(/^Microsoft\./i, ''))}`;
    case 'gcp':
      return `gcp-${kebab(nativeType.replace(/\.googleapis\.com\//, '-'))}`;
    case 'aws':
      return kebab(nativeType.replace(/^AWS::/, ''));
    default:
      return `kubernetes-${kebab(nativeType)}`;
  }
}

/**
 * Entity types of managed databases, caches and search clusters: what can be
 * given a public address (the `public-database` alert rule checks these by
 * default).
 *
 * @public
 */
export const DATABASE_RESOURCE_TYPES: readonly string[] = [
  ...[
    'AWS::RDS::DBInstance',
    'AWS::RDS::DBCluster',
    'AWS::Redshift::Cluster',
    'AWS::DocDB::DBCluster',
    'AWS::Neptune::DBCluster',
    'AWS::ElastiCache::CacheCluster',
    'AWS::OpenSearchService::Domain',
  ].map(t => resourceTypeFor('aws', t)),
  ...[
    'Microsoft.Sql/servers',
    'Microsoft.Sql/servers/databases',
    'Microsoft.Sql/managedInstances',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforPostgreSQL/servers',
    'Microsoft.DBforMySQL/flexibleServers',
    'Microsoft.DBforMySQL/servers',
    'Microsoft.DBforMariaDB/servers',
    'Microsoft.DocumentDB/databaseAccounts',
    'Microsoft.Cache/Redis',
  ].map(t => resourceTypeFor('azure', t)),
  ...[
    'sqladmin.googleapis.com/Instance',
    'redis.googleapis.com/Instance',
    'alloydb.googleapis.com/Cluster',
  ].map(t => resourceTypeFor('gcp', t)),
];
