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
 * What a source that keeps failures to the part that failed read in one run.
 *
 * @remarks
 * A source made of independent parts (services, accounts, regions) can
 * apply the parts it read while one of them fails. Each resource names the
 * part that read it in {@link @multicloud/plugin-multicloud-common#CloudResource.sourcePart};
 * `failedParts` lists the parts that failed this run. The entity provider
 * removes none of the entities of a failed part, also when it has no earlier
 * run of its own to remember them by (the first run after a restart):
 * a failed part `p` covers the entities whose part is `p` or starts with
 * `p:`, so a failed account (`services:123456789012`) covers its regions
 * and services.
 *
 * @public
 */
export type CloudSourceReadResult = {
  resources: CloudResource[];
  /** The parts that failed this run, and why, in words a person can act on. */
  failedParts: Array<{ part: string; error: string }>;
};

/**
 * One place cloud resources come from: an AWS account, an Azure subscription
 * set, a GCP scope, a Kubernetes cluster or a folder of inventory files.
 *
 * @remarks
 * `readResources` returns every resource of the source or throws, and the
 * entity provider then keeps every entity of the source; a source must not
 * swallow errors of individual pages. A source made of independent parts may
 * instead return a {@link CloudSourceReadResult} naming the parts that
 * failed: the provider applies the rest and keeps the failed parts' entities.
 *
 * @public
 */
export interface CloudSource {
  /** Config key under `catalog.providers.multicloud`, unique per backend. */
  readonly id: string;
  /**
   * Reads every resource of the source, or throws when it cannot; a source
   * of independent parts returns the parts that failed with the rest.
   */
  readResources(
    options?: CloudSourceReadOptions,
  ): Promise<CloudResource[] | CloudSourceReadResult>;
}
