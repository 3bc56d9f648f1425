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
  /** `dependsOn`: this resource needs the target, as an instance needs its subnet. */
  type: 'dependsOn';
  /** Native id of the target resource, as in {@link CloudResource.nativeId}. */
  targetNativeId: string;
  /**
   * The target's name ({@link CloudResource.name}) when another source reads
   * it, as a Kubernetes cluster's EKS, AKS or GKE cluster: the entity
   * provider resolves relations to resources of the same source by native
   * id, and to a resource of another source by this name and the native id.
   */
  targetName?: string;
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
  /**
   * The part of its source that read the resource (an AWS service in one
   * account and region, say), for sources that keep a failure to the part
   * that failed (`CloudSourceReadResult` of `@multicloud/plugin-multicloud-node`). Written on the entity as
   * `multicloud.io/source-part`.
   */
  sourcePart?: string;
};

/**
 * The last completed run of a cloud source, as the entity provider reported it.
 *
 * @public
 */
export type MulticloudSourceRun = {
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time the run ended (applied, refused or failed). */
  finishedAt: string;
  /**
   * `applied`: the entities were handed to the catalog; `refused`: the
   * removal guard kept the previous entities; `failed`: reading the source
   * failed and the previous entities were kept.
   */
  outcome: 'applied' | 'refused' | 'failed';
  /** Resources the source returned (absent when reading failed). */
  resources?: number;
  /** Entities handed to the catalog (`applied` runs only). */
  entities?: number;
  /**
   * Entities the run added to the catalog and removed from it, against the
   * source's entities before the run (`applied` runs).
   */
  added?: number;
  removed?: number;
  /** Groups in the catalog when the run resolved owner tags (`applied` runs). */
  groups?: number;
  /**
   * Owner tag values that named no group the catalog had (`applied` runs):
   * those resources got the default owner. When the catalog's groups change
   * afterwards, the provider runs again.
   */
  unresolvedOwners?: number;
  /** Why the run did not apply, in words a person can act on. */
  error?: string;
  /**
   * Parts of the source that failed in an `applied` run: none of their
   * entities were removed, and the rest of the source was applied.
   */
  failedParts?: Array<{ part: string; error: string }>;
};

/**
 * A cloud source in `GET /api/multicloud/health`.
 *
 * @public
 */
export type MulticloudSourceHealth = {
  /** Key under `catalog.providers.multicloud`. */
  id: string;
  /** Source type (`aws`, `azure`, `gcp`, `kubernetes`, `inventory`, or `extension`). */
  type: string;
  /** The last completed run, absent until the first run ends. */
  lastRun?: MulticloudSourceRun;
  /** The last run that applied its entities, absent until one has. */
  lastAppliedRun?: MulticloudSourceRun;
  /** Entities of this source the catalog serves now (processed and stitched). */
  catalogEntities: number;
  /**
   * Whether the catalog serves exactly the entities of the last applied run,
   * that is, the catalog has finished processing it.
   */
  ingested: boolean;
};

/**
 * The last run of a cost import folder.
 *
 * @public
 */
export type MulticloudCostFolderHealth = {
  /** Id under `multicloud.cost.imports.folders`. */
  id: string;
  lastRun?: {
    startedAt: string;
    finishedAt: string;
    imported: number;
    failed: number;
    skipped: number;
    error?: string;
  };
};

/**
 * Cost in `GET /api/multicloud/health`.
 *
 * @public
 */
export type MulticloudCostHealth = {
  /** ISO time of the last successful import (upload or folder), if any. */
  lastImportAt?: string;
  folders: MulticloudCostFolderHealth[];
  attribution: {
    /** The last completed attribution refresh. */
    lastRefresh?: {
      startedAt: string;
      finishedAt: string;
      /** Whether it rewrote the attribution (the catalog had changed). */
      changed: boolean;
      error?: string;
    };
    /**
     * Whether cost is attributed against the catalog as it is now: a refresh
     * started after every source's last applied run had been fully processed
     * by the catalog and after the last import, and succeeded.
     */
    upToDate: boolean;
  };
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
  /**
   * Whether everything configured has caught up: every source's last applied
   * run is in the catalog, every cost folder has run once, and attribution is
   * up to date. Tests and operators wait on this, never on a sleep.
   */
  ready: boolean;
  /** What `ready` still waits for, one line each; empty when ready. */
  pending: string[];
  /** The cloud sources this backend's catalog runs. */
  sources: MulticloudSourceHealth[];
  cost: MulticloudCostHealth;
};
