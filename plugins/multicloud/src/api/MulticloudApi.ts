import { createApiRef } from '@backstage/core-plugin-api';
import { MulticloudHealth } from '@multicloud/plugin-multicloud-common';

/**
 * Client of the multicloud backend (`/api/multicloud`).
 *
 * @public
 */
export interface MulticloudApi {
  getHealth(): Promise<MulticloudHealth>;
}

/**
 * Reference to the {@link MulticloudApi}.
 *
 * @public
 */
export const multicloudApiRef = createApiRef<MulticloudApi>({
  id: 'plugin.multicloud.api',
});
