import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** A `type: gcp` source block, read and checked. */
export type GcpSourceConfig = {
  scope: string;
  assetTypes?: string[];
  query?: string;
  pageSize: number;
  transport: 'grpc' | 'rest';
  /** Where the Cloud Asset client connects; the SDK's defaults without it. */
  endpoint?: GcpApiEndpoint;
};

/**
 * The Cloud Asset client's `apiEndpoint` (a host), and the `port` and
 * `protocol` when the config names them with a URL.
 */
export type GcpApiEndpoint = {
  host: string;
  port?: number;
  protocol?: 'http' | 'https';
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
  const apiEndpoint = config.getOptionalString('apiEndpoint');
  return {
    scope,
    assetTypes: assetTypes?.length ? assetTypes : undefined,
    query: config.getOptionalString('query') || undefined,
    pageSize,
    transport,
    endpoint: apiEndpoint
      ? readApiEndpoint(`${key}.apiEndpoint`, apiEndpoint, transport)
      : undefined,
  };
}

const DEFAULT_PORTS = { 'https:': 443, 'http:': 80 } as const;

/**
 * `apiEndpoint` as a host (`cloudasset.googleapis.com`, passed on as it is)
 * or as a URL, `https://host[:port]` or `http://host[:port]`, for a private
 * endpoint, a proxy or an emulator. Plain http only with the REST transport:
 * the gRPC transport always speaks TLS, so it would send a TLS handshake to a
 * plain http port.
 */
function readApiEndpoint(
  key: string,
  value: string,
  transport: GcpSourceConfig['transport'],
): GcpApiEndpoint {
  if (!value.includes('://')) {
    return { host: value };
  }
  const expected =
    'expected a host name, https://host[:port] or http://host[:port]';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${key} is '${value}', not a valid URL; ${expected}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `${key} is '${value}'; the scheme must be https or http (${expected})`,
    );
  }
  if (url.username || url.password) {
    // Not echoed: the value carries a secret.
    throw new InputError(
      `${key} carries credentials in its URL; the source authenticates with Application Default Credentials, so give only the scheme, host and port`,
    );
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new InputError(
      `${key} is '${value}'; the URL may not have a path, query or fragment: the client adds the API's paths itself (${expected})`,
    );
  }
  if (url.protocol === 'http:' && transport !== 'rest') {
    throw new InputError(
      `${key} is '${value}'; plain http needs transport: rest, since the gRPC transport always speaks TLS`,
    );
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol],
    protocol: url.protocol === 'http:' ? 'http' : 'https',
  };
}
