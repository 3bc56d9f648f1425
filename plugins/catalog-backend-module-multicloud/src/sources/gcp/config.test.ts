import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readGcpSourceConfig } from './config';

const KEY = 'catalog.providers.multicloud.gcp-org.apiEndpoint';

function endpointOf(config: Record<string, unknown>) {
  return readGcpSourceConfig(
    'gcp-org',
    new ConfigReader({
      type: 'gcp',
      scope: 'organizations/730114526071',
      ...config,
    }),
  ).endpoint;
}

describe('readGcpSourceConfig: apiEndpoint', () => {
  it('leaves the SDK its default endpoint without one', () => {
    expect(endpointOf({})).toBeUndefined();
  });

  it('passes a bare host on as it is, as the client host', () => {
    expect(endpointOf({ apiEndpoint: 'cloudasset.googleapis.com' })).toEqual({
      host: 'cloudasset.googleapis.com',
    });
    expect(
      endpointOf({ apiEndpoint: 'private.googleapis.com', transport: 'rest' }),
    ).toEqual({ host: 'private.googleapis.com' });
  });

  it.each([
    [
      'https://cloudasset.example.com',
      'grpc',
      { host: 'cloudasset.example.com', port: 443, protocol: 'https' },
    ],
    [
      'https://proxy.internal:8443/',
      'grpc',
      { host: 'proxy.internal', port: 8443, protocol: 'https' },
    ],
    [
      'HTTPS://Proxy.Internal:8443',
      'rest',
      { host: 'proxy.internal', port: 8443, protocol: 'https' },
    ],
    [
      'http://127.0.0.1:8080',
      'rest',
      { host: '127.0.0.1', port: 8080, protocol: 'http' },
    ],
    [
      'http://emulator.internal',
      'rest',
      { host: 'emulator.internal', port: 80, protocol: 'http' },
    ],
    [
      'http://[::1]:9090',
      'rest',
      { host: '[::1]', port: 9090, protocol: 'http' },
    ],
  ])(
    'reads the URL %s (transport %s) as host, port and protocol',
    (apiEndpoint, transport, endpoint) => {
      expect(endpointOf({ apiEndpoint, transport })).toEqual(endpoint);
    },
  );

  it.each([
    [
      'plain http with the gRPC transport',
      { apiEndpoint: 'http://127.0.0.1:8080', transport: 'grpc' },
      `${KEY} is 'http://127.0.0.1:8080'; plain http needs transport: rest, since the gRPC transport always speaks TLS`,
    ],
    [
      'plain http with the default (gRPC) transport',
      { apiEndpoint: 'http://127.0.0.1:8080' },
      /plain http needs transport: rest/,
    ],
    [
      'a path',
      { apiEndpoint: 'https://proxy.internal/cloudasset/v1' },
      `${KEY} is 'https://proxy.internal/cloudasset/v1'; the URL may not have a path, query or fragment: the client adds the API's paths itself (expected a host name, https://host[:port] or http://host[:port])`,
    ],
    [
      'a query',
      { apiEndpoint: 'https://proxy.internal?key=1', transport: 'rest' },
      /the URL may not have a path, query or fragment/,
    ],
    [
      'another scheme',
      { apiEndpoint: 'grpc://cloudasset.googleapis.com:443' },
      `${KEY} is 'grpc://cloudasset.googleapis.com:443'; the scheme must be https or http (expected a host name, https://host[:port] or http://host[:port])`,
    ],
    [
      'an invalid URL',
      { apiEndpoint: 'https://:8443' },
      `${KEY} is 'https://:8443', not a valid URL; expected a host name, https://host[:port] or http://host[:port]`,
    ],
  ])('refuses %s, naming the key', (_label, config, message) => {
    expect(() => endpointOf(config)).toThrow(InputError);
    expect(() => endpointOf(config)).toThrow(message);
  });

  it('refuses credentials in the URL without repeating them', () => {
    const read = () =>
      endpointOf({
        apiEndpoint: 'https://user:s3cret@proxy.internal:8443',
        transport: 'rest',
      });

    expect(read).toThrow(InputError);
    expect(read).toThrow(
      `${KEY} carries credentials in its URL; the source authenticates with Application Default Credentials, so give only the scheme, host and port`,
    );
    expect(read).not.toThrow(/s3cret/);
  });
});
