import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CatalogClient } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * The catalog service as the backend builds it (the real CatalogClient
 * over HTTP) for a catalog at `baseUrl`: it throws what the topology meets
 * when the catalog is down or failing.
 */
export function catalogServiceAt(baseUrl: string): CatalogService {
  const client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
  });
  return catalogServiceMock.mock({
    getEntitiesByRefs: entityRequest => client.getEntitiesByRefs(entityRequest),
  });
}

/** The catalog's base URL on a port nothing listens on: connections are refused. */
export async function unreachableCatalogUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${port}/api/catalog`;
}

/**
 * A catalog on 127.0.0.1 that answers every request with `status` and a
 * Backstage error body, as the catalog backend does when it fails or refuses.
 */
export async function failingCatalog(
  status: number,
  error: { name: string; message: string },
) {
  const server = http.createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error,
        request: { method: req.method, url: req.url },
        response: { statusCode: status },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/**
 * A catalog on 127.0.0.1 that drops the connection of its first `resets`
 * requests without answering (as a server closing a kept-alive socket the
 * client just reused), then answers `by-refs` with `entities` (in order,
 * null for refs it does not hold).
 */
export async function resettingCatalog(
  resets: number,
  entities: Array<{ kind: string; metadata: { name: string } }>,
) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    if (requests <= resets) {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const { entityRefs } = JSON.parse(body) as { entityRefs: string[] };
      const byRef = new Map(
        entities.map(entity => [
          `${entity.kind.toLocaleLowerCase('en-US')}:default/${
            entity.metadata.name
          }`,
          entity,
        ]),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          items: entityRefs.map(ref => byRef.get(ref) ?? null),
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    requests: () => requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
