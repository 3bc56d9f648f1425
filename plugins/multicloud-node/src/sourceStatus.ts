import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { MulticloudSourceRun } from '@multicloud/plugin-multicloud-common';

/**
 * What is known of one cloud source: its type and its last runs.
 *
 * @public
 */
export type MulticloudSourceStatus = {
  id: string;
  type: string;
  lastRun?: MulticloudSourceRun;
  lastAppliedRun?: MulticloudSourceRun;
};

/**
 * Where the entity provider reports each source's runs and where the
 * multicloud backend reads them for `/health`.
 *
 * @remarks
 * The default implementation keeps the runs of this backend process in
 * memory: in a deployment of several replicas, each replica reports the runs
 * its scheduler executed.
 *
 * @public
 */
export interface MulticloudSourceStatusService {
  /** Declares a source, so it is listed before its first run ends. */
  register(source: { id: string; type: string }): void;
  /** Records a completed run of a registered source. */
  recordRun(sourceId: string, run: MulticloudSourceRun): void;
  /** Every registered source, in registration order. */
  list(): MulticloudSourceStatus[];
}

/**
 * Keeps the status of each source in memory.
 *
 * @public
 */
export function createInMemorySourceStatus(): MulticloudSourceStatusService {
  const sources = new Map<string, MulticloudSourceStatus>();
  return {
    register({ id, type }) {
      if (!sources.has(id)) {
        sources.set(id, { id, type });
      }
    },
    recordRun(sourceId, run) {
      const status = sources.get(sourceId);
      if (!status) {
        throw new Error(`Cloud source '${sourceId}' was never registered`);
      }
      status.lastRun = run;
      if (run.outcome === 'applied') {
        status.lastAppliedRun = run;
      }
    },
    list() {
      return [...sources.values()].map(s => ({ ...s }));
    },
  };
}

/**
 * The status of the cloud sources, shared by the catalog module (which runs
 * them) and the multicloud backend (which reports them).
 *
 * @public
 */
export const multicloudSourceStatusServiceRef =
  createServiceRef<MulticloudSourceStatusService>({
    id: 'multicloud.source-status',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {},
        factory: () => createInMemorySourceStatus(),
      }),
  });
