/**
 * Cloud providers the multicloud plugins understand.
 *
 * @public
 */
export type CloudProvider = 'aws' | 'azure' | 'gcp' | 'kubernetes';

/**
 * A directed relation from one cloud resource to another, by native id.
 *
 * @public
 */
export type CloudResourceRelation = {
  /** `dependsOn`: this resource needs the target (instance -> subnet). */
  type: 'dependsOn';
  /** Native id of the target resource, as in {@link CloudResource.nativeId}. */
  targetNativeId: string;
};

/**
 * One cloud resource, normalized across providers. Every source adapter
 * produces these; the entity provider maps them to `Resource` entities.
 *
 * @public
 */
export type CloudResource = {
  provider: CloudProvider;
  /** AWS account id, Azure subscription id, GCP project id or cluster name. */
  accountId: string;
  /** Region or location; `global` for resources without one. */
  region: string;
  /** Entity `spec.type`, kebab case, for example `ec2-instance`. */
  type: string;
  /** The provider's own id: ARN, ARM id, asset name, or Kubernetes uid path. */
  nativeId: string;
  /** Human name (Name tag, resource name). */
  name: string;
  tags: Record<string, string>;
  /** Provider status such as `running` or `Succeeded`, when the API reports one. */
  status?: string;
  relations: CloudResourceRelation[];
  /** Link to the resource in the provider's console. */
  consoleUrl?: string;
  /** The id FOCUS cost exports use in `ResourceId` for this resource. */
  costResourceId: string;
  /**
   * Provider-specific annotations, such as `amazonaws.com/arn` or the
   * `kubernetes.io/api-server` of a cluster.
   */
  annotations?: Record<string, string>;
};

/**
 * Answer of `GET /api/multicloud/health`.
 *
 * @public
 */
export type MulticloudHealth = {
  status: 'ok';
  /** Version of the multicloud backend package. */
  version: string;
  /** The database the plugin stores its data in. */
  database: 'sqlite' | 'postgres' | 'mysql';
};
