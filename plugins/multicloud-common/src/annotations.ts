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
