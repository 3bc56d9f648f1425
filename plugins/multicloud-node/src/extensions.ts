import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { CloudSource } from './types';

/**
 * Lets other backend modules contribute cloud sources to the multicloud
 * entity provider, beside the ones configured in app-config.
 *
 * @public
 */
export interface MulticloudSourcesExtensionPoint {
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
