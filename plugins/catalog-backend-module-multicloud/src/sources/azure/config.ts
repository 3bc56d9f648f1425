import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const DEFAULT_ENDPOINT = 'https://management.azure.com';

/** A `type: azure` source block, read and checked. */
export type AzureSourceConfig = {
  subscriptionIds: string[];
  /** ARM endpoint, without a trailing slash. */
  endpoint: string;
  tokenScope: string;
  caCertificate?: string;
  includeResourceGroups: boolean;
  /** ARM resource types to read; undefined reads all. */
  resourceTypes?: string[];
  portalUrl?: string;
};

function readEndpoint(id: string, value: string | undefined): string {
  const endpoint = (value ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(
      `catalog.providers.multicloud.${id}.endpoint '${endpoint}' is not a URL`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new InputError(
      `catalog.providers.multicloud.${id}.endpoint must be https (ARM sends bearer tokens only over TLS)`,
    );
  }
  return endpoint;
}

/**
 * Reads and checks a `type: azure` source block; throws an InputError naming
 * the offending key.
 */
export function readAzureSourceConfig(
  id: string,
  config: Config,
): AzureSourceConfig {
  const subscriptionIds = config.getStringArray('subscriptionIds');
  if (subscriptionIds.length === 0) {
    throw new InputError(
      `catalog.providers.multicloud.${id}.subscriptionIds must list at least one subscription id`,
    );
  }
  const endpoint = readEndpoint(id, config.getOptionalString('endpoint'));
  return {
    subscriptionIds,
    endpoint,
    tokenScope:
      config.getOptionalString('tokenScope') ??
      `${new URL(endpoint).origin}/.default`,
    caCertificate: config.getOptionalString('caCertificate'),
    includeResourceGroups:
      config.getOptionalBoolean('includeResourceGroups') ?? true,
    resourceTypes: config.getOptionalStringArray('resourceTypes'),
    portalUrl: config.getOptionalString('portalUrl'),
  };
}
