import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { ApiRequestCounters } from '../lib/metrics';
import {
  CloudSource,
  CloudSourceReadOptions,
  CloudSourceReadResult,
} from '@multicloud/plugin-multicloud-node';

/** A source whose every run reads all of it, or throws. */
export interface WholeCloudSource extends CloudSource {
  readResources(options?: CloudSourceReadOptions): Promise<CloudResource[]>;
}

/** A source of independent parts, which names the parts that failed. */
export interface PartedCloudSource extends CloudSource {
  readResources(
    options?: CloudSourceReadOptions,
  ): Promise<CloudSourceReadResult>;
}

/**
 * What every built-in source's `create<Cloud>Source` receives: the source id
 * (its key under `catalog.providers.multicloud`), that key's config block,
 * a logger, and the counters of its cloud API requests by operation.
 */
export type CloudSourceFactoryOptions = {
  id: string;
  config: Config;
  logger: LoggerService;
  apiRequests?: ApiRequestCounters;
};

/** Options every source shares, read by {@link readSharedSourceOptions}. */
export type SharedSourceOptions = {
  /** Requests in flight at once for this source. Default 4. */
  concurrency: number;
  /** Retries of a throttled or failed request. Default 5. */
  retries: number;
  /** Timeout of one request in milliseconds. Default 30000. */
  requestTimeoutMs: number;
};

/** Reads the options every source shares from its config block. */
export function readSharedSourceOptions(config: Config): SharedSourceOptions {
  return {
    concurrency: config.getOptionalNumber('concurrency') ?? 4,
    retries: config.getOptionalNumber('retries') ?? 5,
    requestTimeoutMs: config.getOptionalNumber('requestTimeoutMs') ?? 30_000,
  };
}
