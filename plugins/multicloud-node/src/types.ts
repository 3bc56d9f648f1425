import { CloudResource } from '@multicloud/plugin-multicloud-common';

/**
 * What a source run is given: a signal that is aborted when the run must stop.
 *
 * @public
 */
export type CloudSourceReadOptions = {
  signal?: AbortSignal;
};

/**
 * One place cloud resources come from: an AWS account, an Azure subscription
 * set, a GCP scope, a Kubernetes cluster or a folder of inventory files.
 *
 * @remarks
 * `readResources` returns every resource of the source or throws; the entity
 * provider never applies a partial result, so a source must not swallow
 * errors of individual pages.
 *
 * @public
 */
export interface CloudSource {
  /** Config key under `catalog.providers.multicloud`, unique per backend. */
  readonly id: string;
  /** Reads every resource of the source, or throws when any part fails. */
  readResources(options?: CloudSourceReadOptions): Promise<CloudResource[]>;
}
