import {
  MulticloudSourceRefreshResponse,
  MulticloudSourcesResponse,
} from '@multicloud/plugin-multicloud-common';

/** What a source is: a cloud source of the catalog, or a cost import folder. */
export type SourceKind = MulticloudSourceRefreshResponse['kind'];

/**
 * A task as Backstage's scheduler serves it at
 * `GET <plugin>/.backstage/scheduler/v1/tasks`, with what this plugin reads.
 */
export type SchedulerTask = {
  taskId: string;
  settings?: { cadence?: string };
  taskState?: {
    status: 'idle' | 'running';
    /** When the next run starts (idle tasks). */
    startsAt?: string;
  } | null;
};

/**
 * The configured cloud sources and cost folders with their runs and
 * schedules, and running one of them now through its scheduler.
 */
export interface SourcesService {
  list(): Promise<MulticloudSourcesResponse>;
  /**
   * Asks the scheduler that owns the source's task to run it now.
   * NotFoundError for an unknown source, ConflictError while it runs.
   */
  refresh(
    kind: SourceKind,
    id: string,
  ): Promise<MulticloudSourceRefreshResponse>;
}
