import { resolve } from 'node:path';
import { Config } from '@backstage/config';

/** A `type: inventory` source block, read. */
export type InventorySourceConfig = {
  /** Absolute path of the folder, `path` resolved against the working directory. */
  folder: string;
};

export function readInventorySourceConfig(
  config: Config,
): InventorySourceConfig {
  return { folder: resolve(config.getString('path')) };
}
