/**
 * Annotations written by the multicloud entity provider and read by the
 * multicloud backend and frontend.
 *
 * @public
 */
export const MULTICLOUD_ANNOTATIONS = {
  /** Cloud provider of a Resource entity: `aws`, `azure`, `gcp` or `kubernetes`. */
  provider: 'multicloud.io/provider',
  /** Region (or location / cluster zone) the resource lives in. */
  region: 'multicloud.io/region',
  /**
   * State of a Resource as its provider words it (`running`, `stopped`,
   * `Succeeded`, `2/3 ready`...), when the provider reports one.
   */
  status: 'multicloud.io/status',
  /** The id FOCUS cost exports put in `ResourceId`; cost rows join on it. */
  resourceId: 'multicloud.io/resource-id',
  /** Monthly budget of an entity, for example `1500` or `1500 USD`. */
  monthlyBudget: 'multicloud.io/monthly-budget',
  /** Alertmanager label matchers that select this entity's alerts. */
  alertMatchers: 'multicloud.io/alert-matchers',
  /**
   * `true` when no owner tag named a known Group and the source's
   * `defaultOwner` was used (the hygiene rule `no-owner` reads it). Absent
   * when an owner tag resolved.
   */
  defaultOwner: 'multicloud.io/default-owner',
  /**
   * The value of the owner tag (the first of the source's `ownerTagKeys`
   * with a value) when it names no Group of the catalog, for example a team
   * that has been deleted. Written only together with `default-owner: true`;
   * the owner tag itself never becomes a label, so this is where the
   * "resources of a deleted owner" rule finds it.
   */
  ownerTag: 'multicloud.io/owner-tag',
  /**
   * The part of its source that read the resource, for example
   * `services:123456789012:eu-west-1:rds-instances`: when that part fails,
   * the entity provider removes none of the entities that carry it.
   */
  sourcePart: 'multicloud.io/source-part',
  /**
   * Inbound rules of a security group, network security group or firewall
   * that allow traffic from anywhere (`0.0.0.0/0`, `::/0`, `*`, `Internet`),
   * as a JSON array of objects with `protocol`, `ports` and `source`, for
   * example `[{"protocol": "tcp", "ports": "80-443", "source": "0.0.0.0/0"}]`:
   * one entry per protocol, port or port range and source, in the order the
   * rules list them. `protocol` is lower case (`tcp`, `udp`, `icmp`, ...) or
   * `all`; `ports` is one port (`22`), a range (`80-443`), or `all` when the
   * rule names every port (`*`, `0-65535`, none) or its protocol has no ports
   * (ICMP); `source` is the prefix as the provider wrote it. Written on AWS
   * security groups, Azure network security groups and GCP firewall rules;
   * absent when nothing is open to anywhere.
   */
  openIngress: 'multicloud.io/open-ingress',
  /**
   * The resource's public IP addresses, comma separated, or `true` when it
   * is publicly accessible without a known address (an Azure SQL,
   * PostgreSQL or MySQL server with public network access enabled, a Cloud
   * SQL instance with public IPv4 but no address listed). Written on
   * instances, network interfaces, NAT gateways, Elastic / public IPs,
   * external addresses and database servers; absent when it has none.
   */
  publicIp: 'multicloud.io/public-ip',
  /**
   * `true` or `false`: whether a volume, disk or reserved IP address is
   * attached to (associated with) something. Absent for other types, and
   * when the source does not know.
   */
  attached: 'multicloud.io/attached',
  /**
   * Replicas of a Kubernetes workload: `<available>/<desired>`, for example
   * `0/3` (a DaemonSet: available of desired scheduled pods). Absent when
   * the workload reports no status yet.
   */
  replicas: 'multicloud.io/replicas',
} as const;

/**
 * Well-known annotations of other ecosystems that the provider also writes.
 *
 * @public
 */
export const CLOUD_ANNOTATIONS = {
  awsArn: 'amazonaws.com/arn',
  awsAccountId: 'amazonaws.com/account-id',
  azureResourceId: 'management.azure.com/resource-id',
  azureSubscriptionId: 'management.azure.com/subscription-id',
  gcpAssetName: 'cloud.google.com/asset-name',
  gcpProjectId: 'cloud.google.com/project-id',
  kubernetesId: 'backstage.io/kubernetes-id',
  kubernetesCluster: 'backstage.io/kubernetes-cluster',
} as const;
