import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** A `type: gcp` source block, read and checked. */
export type GcpSourceConfig = {
  scope: string;
  assetTypes?: string[];
  query?: string;
  pageSize: number;
  transport: 'grpc' | 'rest';
  apiEndpoint?: string;
};

const SCOPE_PATTERN =
  /^(?:organizations\/\d+|folders\/\d+|projects\/(?:\d+|(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]))$/;

/**
 * Reads and checks a `type: gcp` source block; throws an InputError naming
 * the offending key.
 */
export function readGcpSourceConfig(
  id: string,
  config: Config,
): GcpSourceConfig {
  const key = `catalog.providers.multicloud.${id}`;
  const scope = config.getString('scope');
  if (!SCOPE_PATTERN.test(scope)) {
    throw new InputError(
      `${key}.scope is '${scope}'; expected organizations/<number>, folders/<number> or projects/<project id or number>`,
    );
  }
  const pageSize = config.getOptionalNumber('pageSize') ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new InputError(
      `${key}.pageSize is ${pageSize}; expected a whole number from 1 (the API caps it at 500)`,
    );
  }
  const transport = config.getOptionalString('transport') ?? 'grpc';
  if (transport !== 'grpc' && transport !== 'rest') {
    throw new InputError(
      `${key}.transport is '${transport}'; expected 'grpc' or 'rest'`,
    );
  }
  const assetTypes = config.getOptionalStringArray('assetTypes');
  return {
    scope,
    assetTypes: assetTypes?.length ? assetTypes : undefined,
    query: config.getOptionalString('query') || undefined,
    pageSize,
    transport,
    apiEndpoint: config.getOptionalString('apiEndpoint'),
  };
}
