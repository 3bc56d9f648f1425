import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { MulticloudSourceRun } from '@multicloud/plugin-multicloud-common';
import { MulticloudSourceStatusService } from '@multicloud/plugin-multicloud-node';
import { RequestCounter } from './retry';

/** Counts the requests of one API operation of a source's cloud. */
export type ApiRequestCounters = (operation: string) => RequestCounter;

/** The metrics of one source, its id and type bound as attributes. */
export type SourceMetrics = {
  /** Records a run where the provider reports it. */
  recordRun(run: MulticloudSourceRun): void;
  /** The request counters of the source's cloud API, by operation. */
  apiRequests: ApiRequestCounters;
};

/** Bucket boundaries (seconds) of source runs: from a small inventory to a large estate. */
const RUN_SECONDS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** The instruments of the multicloud sources; see docs/metrics.md. */
export type MulticloudSourceMetrics = {
  forSource(sourceId: string, sourceType: string): SourceMetrics;
};

/**
 * Creates the instruments of the multicloud sources on the plugin's metrics
 * service: run durations and outcomes, what the last runs read and applied,
 * and the requests each source sends to its cloud.
 */
export function createMulticloudSourceMetrics(
  metrics: MetricsService,
): MulticloudSourceMetrics {
  const runDuration = metrics.createHistogram(
    'multicloud.source.run.duration',
    {
      description: 'Duration of a run of a multicloud source, by outcome.',
      unit: 's',
      advice: { explicitBucketBoundaries: RUN_SECONDS },
    },
  );
  const runs = metrics.createCounter('multicloud.source.runs', {
    description:
      'Runs of a multicloud source by outcome: applied, refused by the removal guard, or failed.',
    unit: '{run}',
  });
  const resources = metrics.createGauge('multicloud.source.resources', {
    description: 'Resources the last run of a multicloud source read.',
    unit: '{resource}',
  });
  const entities = metrics.createGauge('multicloud.source.entities', {
    description:
      'Entities the last applied run of a multicloud source emitted.',
    unit: '{entity}',
  });
  const lastSuccess = metrics.createGauge(
    'multicloud.source.last_success.time',
    {
      description:
        'Unix time at which the last applied run of a multicloud source ended.',
      unit: 's',
    },
  );
  const apiRequests = metrics.createCounter('multicloud.source.api.requests', {
    description:
      'Requests a multicloud source sent to its cloud API, retries included.',
    unit: '{request}',
  });
  const apiThrottles = metrics.createCounter(
    'multicloud.source.api.throttles',
    {
      description:
        'Requests of a multicloud source that its cloud API throttled.',
      unit: '{request}',
    },
  );

  return {
    forSource(sourceId, sourceType) {
      const source = { 'source.id': sourceId, 'source.type': sourceType };
      return {
        recordRun(run) {
          const attributes = { ...source, outcome: run.outcome };
          const finishedAt = Date.parse(run.finishedAt);
          runDuration.record(
            (finishedAt - Date.parse(run.startedAt)) / 1000,
            attributes,
          );
          runs.add(1, attributes);
          if (run.resources !== undefined) {
            resources.record(run.resources, source);
          }
          if (run.outcome === 'applied') {
            if (run.entities !== undefined) {
              entities.record(run.entities, source);
            }
            lastSuccess.record(finishedAt / 1000, source);
          }
        },
        apiRequests: operation => {
          const attributes = {
            'cloud.provider': sourceType,
            operation,
            'source.id': sourceId,
          };
          return {
            attempted: () => apiRequests.add(1, attributes),
            throttled: () => apiThrottles.add(1, attributes),
          };
        },
      };
    },
  };
}

/**
 * The source status service as one source's provider sees it: every run it
 * records is also measured.
 */
export function measuredSourceStatus(
  sourceStatus: MulticloudSourceStatusService,
  metrics: SourceMetrics,
): MulticloudSourceStatusService {
  return {
    register: source => sourceStatus.register(source),
    recordRun(sourceId, run) {
      sourceStatus.recordRun(sourceId, run);
      metrics.recordRun(run);
    },
    list: () => sourceStatus.list(),
  };
}
