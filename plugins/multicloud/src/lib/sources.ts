import {
  MulticloudCloudSourceStatus,
  MulticloudCostFolderStatus,
  MulticloudSourceRefreshResponse,
  MulticloudSourcesResponse,
} from '@multicloud/plugin-multicloud-common';

type MulticloudSourceKind = MulticloudSourceRefreshResponse['kind'];

/**
 * What a source's row says of it: its last run's outcome, `running` while a
 * run is under way, `never run` before the backend process's first run of
 * it ends (runs are kept in memory: after a restart, until the next one).
 */
export type SourceStatus =
  | 'applied'
  | 'refused'
  | 'failed'
  | 'succeeded'
  | 'partly failed'
  | 'running'
  | 'never run';

/** A cloud source or a cost folder, as one row of the Sources table. */
export type SourceRow = {
  /** `cloud:<id>` or `cost:<id>`: ids are unique within a kind only. */
  key: string;
  kind: MulticloudSourceKind;
  id: string;
  /** `aws`, `azure`, `gcp`, `kubernetes`, `inventory`, `extension`, or `FOCUS folder`. */
  type: string;
  status: SourceStatus;
  running: boolean;
  lastRun?: { startedAt: string; finishedAt: string };
  /** What the last run counted, in words (`12 resources, 11 entities, +2 −1`). */
  counts?: string;
  /** Entities of a cloud source the catalog serves, and whether it has caught up. */
  catalog?: { entities: number; ingested: boolean };
  /** Why the last run failed or fell short, in full. */
  errors: string[];
  nextRunAt?: string;
  schedule?: string;
};

/** The row key of a source. */
export function sourceKey(kind: MulticloudSourceKind, id: string): string {
  return `${kind}:${id}`;
}

function cloudCounts(
  run: NonNullable<MulticloudCloudSourceStatus['lastRun']>,
): string | undefined {
  const parts = [
    run.resources === undefined ? undefined : `${run.resources} resources`,
    run.entities === undefined ? undefined : `${run.entities} entities`,
    run.added === undefined && run.removed === undefined
      ? undefined
      : `+${run.added ?? 0} −${run.removed ?? 0}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

function cloudRow(source: MulticloudCloudSourceStatus): SourceRow {
  const run = source.lastRun;
  let status: SourceStatus = run?.outcome ?? 'never run';
  if (source.running) {
    status = 'running';
  }
  return {
    key: sourceKey('cloud', source.id),
    kind: 'cloud',
    id: source.id,
    type: source.type,
    status,
    running: source.running,
    lastRun: run && { startedAt: run.startedAt, finishedAt: run.finishedAt },
    counts: run && cloudCounts(run),
    catalog: { entities: source.catalogEntities, ingested: source.ingested },
    errors: [
      ...(run?.error ? [run.error] : []),
      ...(run?.failedParts ?? []).map(({ part, error }) => `${part}: ${error}`),
    ],
    nextRunAt: source.nextRunAt,
    schedule: source.schedule,
  };
}

function costFolderStatus(folder: MulticloudCostFolderStatus): SourceStatus {
  const run = folder.lastRun;
  if (folder.running) {
    return 'running';
  }
  if (!run) {
    return 'never run';
  }
  if (run.error || (run.failed > 0 && run.imported === 0)) {
    return 'failed';
  }
  return run.failed > 0 ? 'partly failed' : 'succeeded';
}

function costFolderRow(folder: MulticloudCostFolderStatus): SourceRow {
  const run = folder.lastRun;
  return {
    key: sourceKey('cost', folder.id),
    kind: 'cost',
    id: folder.id,
    type: 'FOCUS folder',
    status: costFolderStatus(folder),
    running: folder.running,
    lastRun: run && { startedAt: run.startedAt, finishedAt: run.finishedAt },
    counts:
      run &&
      `${run.imported} imported, ${run.skipped} skipped, ${run.failed} failed`,
    errors: run?.error ? [run.error] : [],
    nextRunAt: folder.nextRunAt,
    schedule: folder.schedule,
  };
}

/** The rows of the Sources table: the cloud sources, then the cost folders, in configuration order. */
export function sourceRows(response: MulticloudSourcesResponse): SourceRow[] {
  return [
    ...response.sources.map(cloudRow),
    ...response.costFolders.map(costFolderRow),
  ];
}

/**
 * Whether the run asked for at `requestedAt` has ended: the source is idle
 * and its last run started at or after the request.
 */
export function hasRunSince(row: SourceRow, requestedAt: string): boolean {
  return (
    !row.running &&
    row.lastRun !== undefined &&
    Date.parse(row.lastRun.startedAt) >= Date.parse(requestedAt)
  );
}

/** `850 ms`, `42 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) {
    return `${Math.max(0, Math.round(milliseconds))} ms`;
  }
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
