/*
 * Run by createCloudSourceFromConfig.test.ts in a fresh Node process (with
 * Backstage's TypeScript loader): creates the entity providers of the
 * `catalog.providers.multicloud` block given as JSON in argv[2] the way the
 * catalog module does, runs each once, and prints as JSON the cloud SDK
 * packages loaded meanwhile, and the entities each provider applied. Only
 * this package and plain stubs are loaded: the backend test utilities would
 * load cloud SDKs of their own.
 */
import { registerHooks } from 'node:module';

const CLOUD_SDK =
  /\/node_modules\/(@aws-sdk\/[^/]+|@azure\/[^/]+|@google-cloud\/[^/]+|@kubernetes\/client-node|google-auth-library|@backstage\/integration-aws-node)\//;

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const sdk = CLOUD_SDK.exec(resolved.url);
    if (sdk) {
      loaded.add(sdk[1]);
    }
    return resolved;
  },
});

async function main() {
  // Loaded once the hook is in place, so that it sees what they load.
  const { ConfigReader } =
    require('@backstage/config') as typeof import('@backstage/config');
  const { MulticloudEntityProvider } =
    require('../..') as typeof import('../..');
  const { createInMemorySourceStatus } =
    require('@multicloud/plugin-multicloud-node') as typeof import('@multicloud/plugin-multicloud-node');

  const logger = {
    debug() {},
    info() {},
    warn() {},
    error(message: string) {
      process.stderr.write(`${message}\n`);
    },
    child() {
      return logger;
    },
  };
  const providers = MulticloudEntityProvider.fromConfig(
    new ConfigReader({
      catalog: { providers: { multicloud: JSON.parse(process.argv[2]) } },
    }),
    {
      logger,
      scheduler: {
        createScheduledTaskRunner: () => ({
          run: async ({ fn }: { fn: () => Promise<void> }) => fn(),
        }),
      } as any,
      catalog: {
        queryEntities: async () => ({
          items: [],
          totalItems: 0,
          pageInfo: {},
        }),
        getEntities: async () => ({ items: [] }),
      } as any,
      auth: { getOwnServiceCredentials: async () => ({}) } as any,
      sourceStatus: createInMemorySourceStatus(),
    },
  );
  const applied: Record<string, number> = {};
  const run = process.argv[3] === 'run';
  for (const provider of run ? providers : []) {
    await provider.connect({
      applyMutation: async mutation => {
        applied[provider.getProviderName()] =
          mutation.type === 'full' ? mutation.entities.length : -1;
      },
      refresh: async () => {},
    });
  }
  process.stdout.write(JSON.stringify({ loaded: [...loaded].sort(), applied }));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
