import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CloudSource } from '@multicloud/plugin-multicloud-node';
import { createAwsSource } from './aws';
import { createAzureSource } from './azure';
import { createGcpSource } from './gcp';
import { createInventorySource } from './inventory';
import { createKubernetesSource } from './kubernetes';
import { CloudSourceFactoryOptions } from './types';

/** The built-in sources by `type`; each loads its cloud's SDK when called. */
const FACTORIES: Record<
  string,
  (options: CloudSourceFactoryOptions & { rootConfig: Config }) => CloudSource
> = {
  aws: createAwsSource,
  azure: createAzureSource,
  gcp: createGcpSource,
  kubernetes: createKubernetesSource,
  inventory: createInventorySource,
};

/**
 * Builds the built-in source a `catalog.providers.multicloud.<id>` block
 * describes, chosen by its `type`. Only the SDK of that type is loaded.
 */
export function createCloudSourceFromConfig(
  options: CloudSourceFactoryOptions & { rootConfig: Config },
): CloudSource {
  const type = options.config.getString('type');
  const factory = FACTORIES[type];
  if (!factory) {
    throw new InputError(
      `catalog.providers.multicloud.${
        options.id
      }.type is '${type}'; expected one of ${Object.keys(FACTORIES).join(
        ', ',
      )}`,
    );
  }
  return factory(options);
}
