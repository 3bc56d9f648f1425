import { resolve } from 'node:path';
import { CloudSource } from '../../types';
import { CloudSourceFactoryOptions } from '../types';
import { readInventoryFolder } from './readInventoryFolder';

/**
 * A source over a folder of inventory files exported by the clouds' own CLIs
 * (`aws ec2 describe-*`, `az resource list`, `gcloud asset
 * search-all-resources`, `kubectl get -o json`). The folder is read anew on
 * every run. Config: `path`, relative to the backend's working directory.
 */
export function createInventorySourceFromConfig(
  options: CloudSourceFactoryOptions,
): CloudSource {
  const folder = resolve(options.config.getString('path'));
  return {
    id: options.id,
    readResources: () => readInventoryFolder(folder),
  };
}

export { readInventoryFolder };
