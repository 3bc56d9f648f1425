import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MulticloudInventoryResponse } from '@multicloud/plugin-multicloud-common';

/** The catalog's cloud resources counted, as the caller may read them. */
export interface InventoryService {
  /** Counts the cloud resources the catalog lets `credentials` read. */
  inventory(
    credentials: BackstageCredentials,
  ): Promise<MulticloudInventoryResponse>;
}
