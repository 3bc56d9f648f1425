import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  resolvePackagePath,
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

/** The repository's demo data (catalog files, inventory, cost generator). */
export const EXAMPLES = resolvePackagePath(
  '@multicloud/plugin-multicloud-backend',
  '../../examples',
);

/** The demo catalog files the portal registers: the organisation and the software. */
export const DEMO_CATALOG_FILES = [
  `${EXAMPLES}/org.yaml`,
  `${EXAMPLES}/entities.yaml`,
];

/**
 * The `catalog` config of a test backend that reads the demo as the portal
 * does: the demo catalog files and the multicloud inventory provider on the
 * demo inventory.
 */
export function demoCatalogConfig() {
  return {
    rules: [
      {
        allow: [
          'Component',
          'System',
          'Domain',
          'API',
          'Resource',
          'Location',
          'Group',
          'User',
        ],
      },
    ],
    locations: DEMO_CATALOG_FILES.map(target => ({ type: 'file', target })),
    providers: {
      multicloud: {
        demo: {
          type: 'inventory',
          path: `${EXAMPLES}/inventory`,
          defaultOwner: 'group:platform-team',
        },
      },
    },
  };
}
