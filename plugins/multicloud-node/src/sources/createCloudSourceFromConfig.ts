import { InputError } from '@backstage/errors';
import { CloudSource } from '../types';
import { createAwsSourceFromConfig } from './aws';
import { createAzureSourceFromConfig } from './azure';
import { createGcpSourceFromConfig } from './gcp';
import { createInventorySourceFromConfig } from './inventory';
import { createKubernetesSourceFromConfig } from './kubernetes';
import { CloudSourceFactoryOptions } from './types';

const FACTORIES: Record<
  string,
  (options: CloudSourceFactoryOptions) => CloudSource
> = {
  aws: createAwsSourceFromConfig,
  azure: createAzureSourceFromConfig,
  gcp: createGcpSourceFromConfig,
  kubernetes: createKubernetesSourceFromConfig,
  inventory: createInventorySourceFromConfig,
};

/**
 * Builds the built-in source a `catalog.providers.multicloud.<id>` block
 * describes, chosen by its `type`.
 *
 * @public
 */
export function createCloudSourceFromConfig(
  options: CloudSourceFactoryOptions,
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
