// OpenTelemetry for the backend, loaded before it with `node --require`
// (see https://backstage.io/docs/tutorials/setup-opentelemetry). Off unless
// configured: metrics are served for Prometheus only when the standard
// OTEL_METRICS_EXPORTER variable names `prometheus`, on
// OTEL_EXPORTER_PROMETHEUS_HOST:OTEL_EXPORTER_PROMETHEUS_PORT (default
// localhost:9464, path /metrics). docs/metrics.md lists what is exported.
const { isMainThread } = require('node:worker_threads');

const exporters = (process.env.OTEL_METRICS_EXPORTER ?? '')
  .split(',')
  .map(name => name.trim());

// Worker threads share the main thread's exporter; only it starts the SDK.
if (isMainThread && exporters.includes('prometheus')) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const port = Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 9464);
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'backstage',
    metricReaders: [
      new PrometheusExporter({
        host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || undefined,
        port,
      }),
    ],
    // Metrics only: no traces or logs are sent anywhere.
    spanProcessors: [],
    logRecordProcessors: [],
  });
  // Pull-based: nothing to flush at exit, so no shutdown hook is needed.
  sdk.start();
}
