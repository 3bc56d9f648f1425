import { MulticloudHealth } from '@multicloud/plugin-multicloud-common';

/** Reports whether the plugin and its database answer. */
export interface HealthService {
  check(): Promise<MulticloudHealth>;
}
