/*
 * Run by createGcpSource.test.ts in a fresh Node process (with Backstage's
 * TypeScript loader): creates a GCP source from the `type: gcp` block given
 * as JSON in argv[2], with nothing but its config, as the catalog module
 * does, reads it once and prints `{ resources, warnings }` as JSON. The
 * credentials are Application Default Credentials, found through the
 * environment the test gives this process. In Jest's own process they
 * cannot be: google-auth-library's HTTP client (gaxios) loads its fetch with
 * a dynamic `import()`, which Jest's CommonJS runtime refuses.
 */
import { ConfigReader } from '@backstage/config';
import { createGcpSource } from '../createGcpSource';

async function main() {
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn(message: string) {
      warnings.push(message);
    },
    error(message: string) {
      warnings.push(message);
    },
    child() {
      return logger;
    },
  };
  const source = createGcpSource({
    id: 'gcp-shop',
    config: new ConfigReader(JSON.parse(process.argv[2])),
    logger,
  });
  const resources = await source.readResources();
  process.stdout.write(JSON.stringify({ resources, warnings }));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
