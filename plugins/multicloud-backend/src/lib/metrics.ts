import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  ALERT_SEVERITIES,
  AlertSeverity,
} from '@multicloud/plugin-multicloud-common';
import express from 'express';

/** What started a cost import: an upload through the API, or a folder run. */
export type CostImportTrigger = 'upload' | 'folder';

/** What a rebuild of the rollups covered. */
export type RebuildScope = 'full' | 'days' | 'reattribution';

/**
 * The instruments of the multicloud backend (see docs/metrics.md): cost
 * imports, attribution, rollup rebuilds, alert evaluations and the API.
 */
export type MulticloudMetrics = {
  /** Records one cost import: its duration, outcome, rows read and bytes. */
  recordImport(run: {
    trigger: CostImportTrigger;
    outcome: 'succeeded' | 'failed';
    seconds: number;
    rows?: number;
    bytes?: number;
  }): void;
  /** Runs an attribution refresh and records its duration, outcome and whether it changed anything. */
  timeAttributionRefresh<T extends { changed: boolean }>(
    refresh: () => Promise<T>,
  ): Promise<T>;
  /** Runs a rebuild of the rollups and records its duration by scope. */
  timeRebuild<T>(scope: RebuildScope, rebuild: () => Promise<T>): Promise<T>;
  /** Runs an alert evaluation and records its duration. */
  timeAlertsEvaluation<T>(evaluate: () => Promise<T>): Promise<T>;
  /** Reports, at each collection, the time of the last successful import. */
  observeLastImport(lastImportAt: () => Promise<string | null>): void;
  /** Reports, at each collection, how far attribution lags behind (seconds). */
  observeAttributionLag(lagSeconds: () => Promise<number>): void;
  /** Reports, at each collection, the open alerts by severity. */
  observeOpenAlerts(
    openBySeverity: () => Promise<Partial<Record<AlertSeverity, number>>>,
  ): void;
  /** Express middleware recording the duration of every request by route pattern, method and status. */
  httpRequests(): express.RequestHandler;
};

/** Bucket boundaries (seconds) of work that takes from milliseconds to many minutes. */
const WORK_SECONDS = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
];
/** Bucket boundaries (seconds) of API requests, as OpenTelemetry's HTTP semantic conventions advise. */
const REQUEST_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs `work`, then records its duration with the attributes its outcome gives. */
async function timed<T>(
  work: () => Promise<T>,
  record: (seconds: number, result: { value: T } | { error: unknown }) => void,
): Promise<T> {
  const started = process.hrtime.bigint();
  let value: T;
  try {
    value = await work();
  } catch (error) {
    record(secondsSince(started), { error });
    throw error;
  }
  record(secondsSince(started), { value });
  return value;
}

/**
 * Creates the multicloud backend's instruments on the plugin's metrics
 * service. Nothing is exported unless the backend sets up an OpenTelemetry
 * meter provider (packages/backend/src/instrumentation.js).
 */
export function createMulticloudMetrics(
  metrics: MetricsService,
): MulticloudMetrics {
  const importDuration = metrics.createHistogram(
    'multicloud.cost.import.duration',
    {
      description: 'Duration of a cost import, by trigger and outcome.',
      unit: 's',
      advice: { explicitBucketBoundaries: WORK_SECONDS },
    },
  );
  const importRows = metrics.createCounter('multicloud.cost.import.rows', {
    description: 'Rows of FOCUS files that cost imports read.',
    unit: '{row}',
  });
  const importSize = metrics.createCounter('multicloud.cost.import.size', {
    description: 'Bytes of the FOCUS files that cost imports read.',
    unit: 'By',
  });
  const imports = metrics.createCounter('multicloud.cost.imports', {
    description: 'Cost imports, by trigger and outcome.',
    unit: '{import}',
  });
  const lastImport = metrics.createObservableGauge(
    'multicloud.cost.last_import.time',
    {
      description: 'Unix time at which the last successful cost import ended.',
      unit: 's',
    },
  );
  const attributionLag = metrics.createObservableGauge(
    'multicloud.cost.attribution.lag',
    {
      description:
        'Seconds since the oldest change (an applied source run or an import) cost attribution has not caught up with; 0 when it is up to date.',
      unit: 's',
    },
  );
  const refreshDuration = metrics.createHistogram(
    'multicloud.cost.attribution.refresh.duration',
    {
      description:
        'Duration of a cost attribution refresh, by outcome and whether it changed the attribution.',
      unit: 's',
      advice: { explicitBucketBoundaries: WORK_SECONDS },
    },
  );
  const rebuildDuration = metrics.createHistogram(
    'multicloud.cost.rebuild.duration',
    {
      description:
        'Duration of a rebuild of the cost rollups: full, of some days, or a re-attribution of moved pairs.',
      unit: 's',
      advice: { explicitBucketBoundaries: WORK_SECONDS },
    },
  );
  const httpDuration = metrics.createHistogram(
    'multicloud.http.server.request.duration',
    {
      description: 'Duration of requests to the multicloud API, by route.',
      unit: 's',
      advice: { explicitBucketBoundaries: REQUEST_SECONDS },
    },
  );
  const evaluationDuration = metrics.createHistogram(
    'multicloud.alerts.evaluation.duration',
    {
      description: 'Duration of an evaluation of the alert rules.',
      unit: 's',
      advice: { explicitBucketBoundaries: WORK_SECONDS },
    },
  );
  const openAlerts = metrics.createObservableGauge('multicloud.alerts.open', {
    description: 'Computed alerts whose status is open, by severity.',
    unit: '{alert}',
  });

  return {
    recordImport({ trigger, outcome, seconds, rows, bytes }) {
      const attributes = { 'import.trigger': trigger, outcome };
      importDuration.record(seconds, attributes);
      imports.add(1, attributes);
      if (rows !== undefined) {
        importRows.add(rows, { 'import.trigger': trigger });
      }
      if (bytes !== undefined) {
        importSize.add(bytes, { 'import.trigger': trigger });
      }
    },

    timeAttributionRefresh: refresh =>
      timed(refresh, (seconds, result) =>
        refreshDuration.record(
          seconds,
          'value' in result
            ? { changed: result.value.changed, outcome: 'succeeded' }
            : { changed: false, outcome: 'failed' },
        ),
      ),

    timeRebuild: (scope, rebuild) =>
      timed(rebuild, seconds =>
        rebuildDuration.record(seconds, { 'rebuild.scope': scope }),
      ),

    timeAlertsEvaluation: evaluate =>
      timed(evaluate, seconds => evaluationDuration.record(seconds)),

    observeLastImport(lastImportAt) {
      lastImport.addCallback(async result => {
        const at = await lastImportAt();
        if (at) {
          result.observe(Date.parse(at) / 1000);
        }
      });
    },

    observeAttributionLag(lagSeconds) {
      attributionLag.addCallback(async result => {
        result.observe(await lagSeconds());
      });
    },

    observeOpenAlerts(openBySeverity) {
      openAlerts.addCallback(async result => {
        const counts = await openBySeverity();
        for (const severity of ALERT_SEVERITIES) {
          result.observe(counts[severity] ?? 0, { 'alert.severity': severity });
        }
      });
    },

    httpRequests: () => (req, res, next) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // The matched route's pattern (`/cost/entity`, `/alerts/:id`), never
        // the URL: unmatched requests have none.
        const route: unknown = req.route?.path;
        httpDuration.record(secondsSince(started), {
          ...(typeof route === 'string' ? { 'http.route': route } : {}),
          'http.request.method': req.method,
          'http.response.status_code': res.statusCode,
        });
      });
      next();
    },
  };
}
