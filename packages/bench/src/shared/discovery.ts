/* Discovery for a test backend whose catalog runs elsewhere (bench:alerts' catalog server). */
import {
  DiscoveryService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';

/**
 * A discovery service that gives `catalogBaseUrl` for `catalog` and the
 * backend's own URL for any other plugin, so that a plugin's catalog
 * service (`catalogServiceRef`'s default factory, `CatalogClient` over
 * HTTP) reads the catalog served there. The backend's port is known once it
 * listens: `listening(port)` tells it; nothing asks before.
 */
export function remoteCatalogDiscovery(catalogBaseUrl: string) {
  let ownBaseUrl: string | undefined;
  const discovery: DiscoveryService = {
    async getBaseUrl(pluginId) {
      if (pluginId === 'catalog') {
        return catalogBaseUrl;
      }
      if (!ownBaseUrl) {
        throw new Error(
          `The bench backend does not listen yet: no URL for ${pluginId}`,
        );
      }
      return `${ownBaseUrl}/api/${pluginId}`;
    },
    getExternalBaseUrl: pluginId => discovery.getBaseUrl(pluginId),
  };
  return {
    factory: createServiceFactory({
      service: coreServices.discovery,
      deps: {},
      factory: () => discovery,
    }),
    listening(port: number) {
      ownBaseUrl = `http://127.0.0.1:${port}`;
    },
  };
}
