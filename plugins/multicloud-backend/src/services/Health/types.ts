import {
  MulticloudCostFolderHealth,
  MulticloudHealth,
  MulticloudSourceHealth,
} from '@multicloud/plugin-multicloud-common';

/** Counts of one folder import run. */
export type FolderRunCounts = {
  imported: number;
  skipped: number;
  failed: number;
};

/**
 * Reports whether the plugin, its database and the work it depends on have
 * caught up, and records that work as it runs.
 */
export interface HealthService {
  check(): Promise<MulticloudHealth>;
  /**
   * The part of {@link HealthService.check} about runs: each source's runs
   * next to what the catalog serves, and each cost folder's last run; without
   * the database round trip, the last import or attribution, for callers that
   * poll runs (the sources list).
   */
  runs(): Promise<{
    sources: MulticloudSourceHealth[];
    folders: MulticloudCostFolderHealth[];
  }>;
  /**
   * Runs an attribution refresh and records it, together with whether the
   * catalog served every source's last applied run when it started.
   */
  trackRefresh(refresh: () => Promise<{ changed: boolean }>): Promise<void>;
  /**
   * Seconds since the oldest change attribution has not caught up with (an
   * applied source run or an import after the last refresh that caught up);
   * 0 when attribution is up to date.
   */
  attributionLagSeconds(): Promise<number>;
  /** Runs one import of a cost folder and records its outcome. */
  trackFolderRun(
    folderId: string,
    run: () => Promise<FolderRunCounts>,
  ): Promise<void>;
}
