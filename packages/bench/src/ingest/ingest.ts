/*
 * `yarn bench:ingest`: how fast the multicloud module ingests a large estate,
 * driven through its public entry points. Prints figures; asserts nothing
 * about time. See README.md in this folder.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/bench/src/ingest/ingest.ts [--part=provider|catalog|aws|all]
 *     [--provider-resources=100000] [--catalog-resources=20000] [--aws-resources=100000]
 */
import os from 'node:os';
import { runAwsBench } from './awsBench';
import { runCatalogBench } from './catalogBench';
import { readOptions, USAGE, UsageError } from './lib';
import { runProviderBench } from './providerBench';

async function main() {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  console.log(
    `multicloud ingestion benchmark: part=${options.part}, provider resources=${options.providerResources}, ` +
      `catalog resources=${options.catalogResources}, aws resources=${
        options.awsResources
      }; node ${process.version}, ${os.cpus().length} CPUs, ` +
      `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM`,
  );
  if (options.part === 'provider' || options.part === 'all') {
    await runProviderBench(options.providerResources);
  }
  if (options.part === 'catalog' || options.part === 'all') {
    await runCatalogBench(options.catalogResources);
  }
  if (options.part === 'aws' || options.part === 'all') {
    await runAwsBench(options.awsResources);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(
      error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error,
    );
    process.exit(1);
  },
);
