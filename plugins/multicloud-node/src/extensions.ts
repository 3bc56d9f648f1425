import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { CloudSource } from './types';

/**
 * Lets other backend modules contribute cloud sources to the multicloud
 * entity provider, beside the ones configured in app-config.
 *
 * @public
 */
export interface MulticloudSourcesExtensionPoint {
  /**
   * Adds sources for the entity provider to read. Ids must be unique among
   * added sources; a key of the same id under `catalog.providers.multicloud`
   * sets the source's schedule and owner options.
   */
  addSource(...sources: CloudSource[]): void;
}

/**
 * Extension point of `@multicloud/plugin-catalog-backend-module-multicloud`.
 *
 * @public
 */
export const multicloudSourcesExtensionPoint =
  createExtensionPoint<MulticloudSourcesExtensionPoint>({
    id: 'multicloud.sources',
  });
