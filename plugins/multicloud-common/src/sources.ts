import { MulticloudCostFolderHealth, MulticloudSourceHealth } from './types';

/**
 * A cloud source (a key under `catalog.providers.multicloud`, or a source
 * another module added) in `GET /api/multicloud/sources`.
 *
 * @public
 */
export type MulticloudCloudSourceStatus = MulticloudSourceHealth & {
  kind: 'cloud';
  /** Whether a run of the source is under way in this backend. */
  running: boolean;
  /** When the scheduler starts the next run, if it knows. */
  nextRunAt?: string;
  /** The schedule in words ("every 30 minutes", a cron expression). */
  schedule?: string;
};

/**
 * A cost import folder (`multicloud.cost.imports.folders`) in
 * `GET /api/multicloud/sources`.
 *
 * @public
 */
export type MulticloudCostFolderStatus = MulticloudCostFolderHealth & {
  kind: 'cost';
  /** Whether an import of the folder is under way in this backend. */
  running: boolean;
  /** When the scheduler starts the next run, if it knows. */
  nextRunAt?: string;
  /** The schedule in words ("every 30 minutes", a cron expression). */
  schedule?: string;
};

/**
 * Answer of `GET /api/multicloud/sources`: every configured cloud source and
 * cost folder with its last run, in configuration order.
 *
 * @public
 */
export type MulticloudSourcesResponse = {
  sources: MulticloudCloudSourceStatus[];
  costFolders: MulticloudCostFolderStatus[];
};

/**
 * Answer of `POST /api/multicloud/sources/{cloud|cost}/{id}/refresh` (202):
 * the scheduler was asked to run the source's task now.
 *
 * @public
 */
export type MulticloudSourceRefreshResponse = {
  kind: 'cloud' | 'cost';
  id: string;
  /** ISO time the run was asked for; the source's `lastRun.startedAt` passes it once the run has ended. */
  requestedAt: string;
};

/**
 * A count of the catalog's cloud resources with one value of a dimension.
 *
 * @public
 */
export type MulticloudInventoryCount = {
  /** The value (`aws`, `ec2-instance`, `123456789012`, `group:default/payments`). */
  key: string;
  /** The provider, for values that only mean something with it (accounts, regions). */
  provider?: string;
  count: number;
};

/**
 * What one source's last applied run changed in the catalog.
 *
 * @public
 */
export type MulticloudInventoryChange = {
  sourceId: string;
  /** ISO time the run ended. */
  finishedAt: string;
  added: number;
  removed: number;
};

/**
 * Answer of `GET /api/multicloud/inventory`: the cloud resources (`Resource`
 * entities of the multicloud sources) the caller may read, counted.
 *
 * @public
 */
export type MulticloudInventoryResponse = {
  total: number;
  byProvider: MulticloudInventoryCount[];
  byType: MulticloudInventoryCount[];
  byAccount: MulticloudInventoryCount[];
  byRegion: MulticloudInventoryCount[];
  byOwner: MulticloudInventoryCount[];
  /** Resources whose owner tag named no known group (the source's default owner). */
  unowned: number;
  /** Resources with no tags at all. */
  untagged: number;
  /** Per source, what its last applied run added and removed. */
  changes: MulticloudInventoryChange[];
};
