import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * Hands out the scheduler, so a test runs each scheduled task when it says.
 * The mock scheduler of `startTestBackend` is one instance for all plugins.
 */
export function schedulerProbe() {
  const probe: { scheduler?: SchedulerService } = {};
  const module = createBackendModule({
    pluginId: 'multicloud',
    moduleId: 'scheduler-probe',
    register(reg) {
      reg.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          probe.scheduler = scheduler;
        },
      });
    },
  });
  return { probe, module };
}

/** A database of its own for each plugin, as in a real backend. */
export function databasePerPlugin(clients: Record<string, Knex>) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => ({
      getClient: async () => clients[plugin.getId()],
    }),
  });
}

/** Polls a state the product reports until it holds (at most `attempts` times, 200 ms apart). */
export async function until<T>(
  read: () => Promise<T>,
  holds: (value: T) => boolean,
  what: string,
  attempts = 1200,
): Promise<T> {
  let value = await read();
  for (let attempt = 0; !holds(value); attempt++) {
    if (attempt === attempts) {
      throw new Error(`Gave up waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}
