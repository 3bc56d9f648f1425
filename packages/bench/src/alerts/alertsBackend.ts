/*
 * The multicloud backend plugin as bench:alerts runs it: the plugin's public
 * entry point (its default export) in a Backstage test backend, on a knex
 * the bench creates, with
 * - the catalog served over HTTP by the parent process (catalogServer.ts):
 *   a discovery service gives its URL for `catalog`, and the plugin's
 *   catalog service (`catalogServiceRef`'s default factory) reads it through
 *   `@backstage/catalog-client`, as in a backend whose catalog is elsewhere;
 * - a scheduler that runs nothing on its own: it keeps the plugin's tasks,
 *   and the bench runs the alert evaluation's itself;
 * - permissions that allow everything, notifications off, no Alertmanager,
 *   and only the rules of the given sources on;
 * - a root logger that prints the plugin's log lines and hands each info
 *   line to the bench (the evaluation's counts come from one).
 * Requests need no token (the test backend takes them as a user's).
 */
import {
  SchedulerService,
  SchedulerServiceTaskDescriptor,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The bench starts the plugin as a backend does, through its public entry point.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import multicloudPlugin from '@multicloud/plugin-multicloud-backend';
import { Knex } from 'knex';
import { ALERT_RULES, ALERT_SOURCES, AlertSource } from '../shared/alertRules';
import { remoteCatalogDiscovery } from '../shared/discovery';
import { printingLogger } from '../shared/logger';

/**
 * Id of the plugin's scheduled alert evaluation (`EVALUATION_TASK_ID` in
 * plugins/multicloud-backend/src/services/Alerts/config.ts).
 */
export const EVALUATION_TASK_ID = 'multicloud-alerts-evaluation';

/**
 * The bench's config: the plugin's defaults, with every rule of the other
 * sources turned off (`multicloud.alerts.rules.<source>.<rule>.enabled`),
 * notifications off and no Alertmanager instance.
 */
export function alertsBenchConfig(sources: AlertSource[]) {
  const rules = Object.fromEntries(
    ALERT_SOURCES.filter(source => !sources.includes(source)).map(source => [
      source,
      Object.fromEntries(
        ALERT_RULES[source].map(name => [name, { enabled: false }]),
      ),
    ]),
  );
  return {
    multicloud: { alerts: { notifications: { enabled: false }, rules } },
  };
}

type ScheduledTask = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/**
 * A scheduler that runs nothing: it keeps every task the plugin schedules
 * (`taskFunction(id)` gives it to the bench) and every trigger it asks for.
 */
export class RecordingScheduler implements SchedulerService {
  readonly #tasks = new Map<string, ScheduledTask>();
  /** Ids of the tasks the plugin asked to run now, in order. */
  readonly triggered: string[] = [];

  async scheduleTask(task: ScheduledTask): Promise<void> {
    this.#tasks.set(task.id, task);
  }

  async triggerTask(id: string): Promise<void> {
    this.triggered.push(id);
  }

  async cancelTask(): Promise<void> {}

  createScheduledTaskRunner(
    schedule: SchedulerServiceTaskScheduleDefinition,
  ): SchedulerServiceTaskRunner {
    return { run: task => this.scheduleTask({ ...schedule, ...task }) };
  }

  async getScheduledTasks(): Promise<SchedulerServiceTaskDescriptor[]> {
    return [...this.#tasks.values()].map(task => ({
      id: task.id,
      scope: task.scope ?? 'global',
      settings: { version: 1 },
    }));
  }

  /** The function of a scheduled task, to run it in the bench's own time. */
  taskFunction(id: string): () => Promise<void> {
    const task = this.#tasks.get(id);
    if (!task) {
      throw new Error(
        `The plugin scheduled no task ${id}; it scheduled ${[
          ...this.#tasks.keys(),
        ].join(', ')}`,
      );
    }
    return async () => {
      await task.fn(new AbortController().signal);
    };
  }
}

export type AlertsBackend = {
  /** `http://127.0.0.1:<port>/api/multicloud` */
  baseUrl: string;
  scheduler: RecordingScheduler;
  stop(): Promise<void>;
};

/** Starts the plugin on `knex` with the catalog at `catalogBaseUrl`. */
export async function startAlertsBackend(options: {
  knex: Knex;
  /** `http://127.0.0.1:<port>/api/catalog` */
  catalogBaseUrl: string;
  /** The sources whose rules are on. */
  sources: AlertSource[];
  logPrefix: string;
  onInfo: (message: string) => void;
}): Promise<AlertsBackend> {
  const scheduler = new RecordingScheduler();
  const logger = printingLogger(options.logPrefix, false, options.onInfo);
  const discovery = remoteCatalogDiscovery(options.catalogBaseUrl);
  const backend = await startTestBackend({
    features: [
      multicloudPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: alertsBenchConfig(options.sources),
      }),
      discovery.factory,
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
    ],
  });
  const port = backend.server.port();
  discovery.listening(port);
  return {
    baseUrl: `http://127.0.0.1:${port}/api/multicloud`,
    scheduler,
    stop: () => backend.stop(),
  };
}
