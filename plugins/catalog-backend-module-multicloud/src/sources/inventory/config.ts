import { resolve } from 'node:path';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { EKS_CLUSTER_ARN } from '../kubernetes/mapKubernetesResources';

/** A `type: inventory` source block, read. */
export type InventorySourceConfig = {
  /** Absolute path of the folder, `path` resolved against the working directory. */
  folder: string;
  /**
   * `kubernetesClusters.<name>.eksClusterArn`: the EKS cluster a kubectl
   * export's cluster (named by its folder) is.
   */
  eksClusterArns: Map<string, string>;
};

export function readInventorySourceConfig(
  config: Config,
): InventorySourceConfig {
  const clusters = config.getOptionalConfig('kubernetesClusters');
  const eksClusterArns = new Map<string, string>();
  for (const name of clusters?.keys() ?? []) {
    const arn = clusters!.getString(`${name}.eksClusterArn`);
    if (!EKS_CLUSTER_ARN.test(arn)) {
      throw new InputError(
        `kubernetesClusters.${name}.eksClusterArn '${arn}' is not an EKS cluster's ARN (arn:aws:eks:<region>:<account>:cluster/<name>)`,
      );
    }
    eksClusterArns.set(name, arn);
  }
  return { folder: resolve(config.getString('path')), eksClusterArns };
}
