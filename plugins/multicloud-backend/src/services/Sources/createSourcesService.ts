import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  isError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { MulticloudSourceStatusService } from '@multicloud/plugin-multicloud-node';
import { HealthService } from '../Health/types';
import { SchedulerTask, SourceKind, SourcesService } from './types';

/** Where Backstage's scheduler serves each plugin's tasks. */
const SCHEDULER_TASKS_PATH = '/.backstage/scheduler/v1/tasks';

/** The catalog plugin runs the cloud sources: one entity provider task each. */
export const cloudSourceTaskId = (sourceId: string) =>
  `MulticloudEntityProvider:${sourceId}:refresh`;

/** This plugin runs the cost folders: one import task each. */
export const costFolderTaskId = (folderId: string) =>
  `multicloud-cost-import:${folderId}`;

const DURATION_UNITS = [
  'year',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
] as const;
const ISO_DURATION =
  /^P(?:([\d.]+)Y)?(?:([\d.]+)M)?(?:([\d.]+)W)?(?:([\d.]+)D)?(?:T(?:([\d.]+)H)?(?:([\d.]+)M)?(?:([\d.]+)S)?)?$/;

/**
 * A task's cadence as the scheduler stores it (an ISO 8601 duration, a cron
 * expression or `manual`) in words: `every 30 minutes`, `every hour`,
 * `0 3 * * *`, `only when asked`.
 */
export function scheduleInWords(cadence: string | undefined) {
  if (!cadence) {
    return undefined;
  }
  if (cadence === 'manual') {
    return 'only when asked';
  }
  const match = ISO_DURATION.exec(cadence);
  if (!match) {
    return cadence;
  }
  const parts = DURATION_UNITS.flatMap((unit, index) => {
    const amount = Number(match[index + 1] ?? 0);
    return amount ? [{ unit, amount }] : [];
  });
  if (parts.length === 1 && parts[0].amount === 1) {
    return `every ${parts[0].unit}`;
  }
  const words = parts.map(
    ({ unit, amount }) => `${amount} ${unit}${amount === 1 ? '' : 's'}`,
  );
  if (words.length === 0) {
    return 'continuously';
  }
  return `every ${words.join(' and ')}`;
}

/** What the scheduler says of a source's task: running, next run, schedule. */
function taskFacts(task: SchedulerTask | undefined) {
  const state = task?.taskState;
  const schedule = scheduleInWords(task?.settings?.cadence);
  return {
    running: state?.status === 'running',
    ...(state?.status === 'idle' && state.startsAt
      ? { nextRunAt: state.startsAt }
      : {}),
    ...(schedule ? { schedule } : {}),
  };
}

/**
 * Creates the sources service. Cloud sources run as tasks of the catalog
 * plugin's scheduler, cost folders as tasks of this plugin's: both are read
 * and triggered through the scheduler, never by calling the work directly,
 * so that a run asked for here is the same run the schedule starts, on
 * whichever replica the scheduler hands it to.
 */
export function createSourcesService(options: {
  health: HealthService;
  sourceStatus: MulticloudSourceStatusService;
  folderIds: string[];
  scheduler: SchedulerService;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  now?: () => Date;
}): SourcesService {
  const { health, sourceStatus, scheduler, discovery, auth, logger } = options;
  const now = options.now ?? (() => new Date());

  /** Calls a plugin's scheduler API with this plugin's service credentials. */
  async function callScheduler(
    pluginId: string,
    path: string,
    method: 'GET' | 'POST',
  ): Promise<Response> {
    const [baseUrl, { token }] = await Promise.all([
      discovery.getBaseUrl(pluginId),
      auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: pluginId,
      }),
    ]);
    return fetch(`${baseUrl}${SCHEDULER_TASKS_PATH}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}` },
    });
  }

  /** The tasks of a plugin's scheduler by id; none when it cannot be asked. */
  async function tasksOf(
    pluginId: string,
  ): Promise<Map<string, SchedulerTask>> {
    try {
      const response = await callScheduler(pluginId, '', 'GET');
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const { tasks } = (await response.json()) as { tasks: SchedulerTask[] };
      return new Map(tasks.map(task => [task.taskId, task]));
    } catch (error) {
      logger.warn(
        `Could not read the tasks of the ${pluginId} plugin's scheduler; sources are listed without their next runs: ${error}`,
      );
      return new Map();
    }
  }

  /** Throws NotFoundError, naming the configured ids, unless `id` is one. */
  function assertConfigured(kind: SourceKind, id: string) {
    const ids =
      kind === 'cloud'
        ? sourceStatus.list().map(source => source.id)
        : options.folderIds;
    if (!ids.includes(id)) {
      const what = kind === 'cloud' ? 'cloud source' : 'cost folder';
      throw new NotFoundError(
        `No ${what} '${id}'; the configured ${what}s are ${
          ids.length ? ids.map(other => `'${other}'`).join(', ') : 'none'
        }`,
      );
    }
  }

  const runningNow = (kind: SourceKind, id: string) =>
    new ConflictError(
      `${
        kind === 'cloud' ? 'Cloud source' : 'Cost folder'
      } '${id}' is running now; its result will show when it ends`,
    );

  return {
    async list() {
      const [runs, catalogTasks, ownTasks] = await Promise.all([
        health.runs(),
        tasksOf('catalog'),
        tasksOf('multicloud'),
      ]);
      return {
        sources: runs.sources.map(source => ({
          ...source,
          kind: 'cloud' as const,
          ...taskFacts(catalogTasks.get(cloudSourceTaskId(source.id))),
        })),
        costFolders: runs.folders.map(folder => ({
          ...folder,
          kind: 'cost' as const,
          ...taskFacts(ownTasks.get(costFolderTaskId(folder.id))),
        })),
      };
    },

    async refresh(kind, id) {
      assertConfigured(kind, id);
      const requestedAt = now().toISOString();
      if (kind === 'cost') {
        try {
          await scheduler.triggerTask(costFolderTaskId(id));
        } catch (error) {
          if (isError(error) && error.name === 'ConflictError') {
            throw runningNow(kind, id);
          }
          throw error;
        }
        return { kind, id, requestedAt };
      }
      const taskId = cloudSourceTaskId(id);
      const response = await callScheduler(
        'catalog',
        `/${encodeURIComponent(taskId)}/trigger`,
        'POST',
      );
      if (response.status === 409) {
        throw runningNow(kind, id);
      }
      if (response.status === 404) {
        throw new NotFoundError(
          `The catalog's scheduler has no task ${taskId}: cloud source '${id}' is registered but its entity provider is not scheduled in this backend`,
        );
      }
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      return { kind, id, requestedAt };
    },
  };
}
