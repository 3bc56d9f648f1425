import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import catalogModuleMulticloud from '@multicloud/plugin-catalog-backend-module-multicloud';
import multicloudPlugin from '@multicloud/plugin-multicloud-backend';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';

// The portal's metrics as an operator sees them: the backend exports them as
// instrumentation.js sets it up (a global meter provider with a Prometheus
// exporter), a real Prometheus scrapes them every second, and the test asks
// Prometheus for the series the docs, dashboard and alerting rules use.

jest.setTimeout(120_000);

const REPO = resolve(__dirname, '../../..');
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

const INSTANCES = {
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-0abc',
          InstanceType: 't3.small',
          State: { Code: 16, Name: 'running' },
          Placement: { AvailabilityZone: 'eu-west-1a' },
          Tags: [{ Key: 'Name', Value: 'checkout-web-1' }],
        },
        {
          InstanceId: 'i-0def',
          InstanceType: 't3.small',
          State: { Code: 16, Name: 'running' },
          Placement: { AvailabilityZone: 'eu-west-1b' },
          Tags: [{ Key: 'Name', Value: 'checkout-web-2' }],
        },
      ],
    },
  ],
};

const FOCUS_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'EffectiveCost',
  'ListCost',
  'ProviderName',
  'RegionId',
  'ResourceId',
  'ResourceName',
  'ServiceCategory',
  'ServiceName',
  'SubAccountId',
  'Tags',
];

/** A FOCUS 1.0 export of one usage row per hour of a day, for the two instances. */
function focusExport(): { csv: string; rows: number } {
  const lines = [FOCUS_COLUMNS.join(',')];
  for (const [resourceId, name] of [
    ['i-0abc', 'checkout-web-1'],
    ['i-0def', 'checkout-web-2'],
  ]) {
    for (let hour = 0; hour < 24; hour++) {
      const start = `2026-10-05T${String(hour).padStart(2, '0')}:00:00Z`;
      const end =
        hour === 23
          ? '2026-10-06T00:00:00Z'
          : `2026-10-05T${String(hour + 1).padStart(2, '0')}:00:00Z`;
      lines.push(
        [
          '0.5',
          '"111122223333"',
          '"USD"',
          '"2026-11-01T00:00:00Z"',
          '"2026-10-01T00:00:00Z"',
          '"Usage"',
          `"${end}"`,
          `"${start}"`,
          '1',
          '"Hours"',
          '0.5',
          '0.6',
          '"AWS"',
          '"eu-west-1"',
          `"${resourceId}"`,
          `"${name}"`,
          '"Compute"',
          '"Amazon Elastic Compute Cloud"',
          '"111122223333"',
          'NULL',
        ].join(','),
      );
    }
  }
  return { csv: `${lines.join('\n')}\n`, rows: lines.length - 1 };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `read` until `holds`, at most until the deadline, 250 ms apart. */
async function until<T>(
  read: () => Promise<T>,
  holds: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!holds(value)) {
    if (Date.now() > deadline) {
      throw new Error(`Gave up waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise(r => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

type Sample = { metric: Record<string, string>; value: [number, string] };

describe('metrics scraped by Prometheus', () => {
  let exporterPort: number;
  let prometheusPort: number;
  let exporter: PrometheusExporter;
  let meterProvider: MeterProvider;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let root: string;

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) {
      throw new Error(
        `${PROMETHEUS} is missing: run scripts/bootstrap.sh --for-tests, or apt-get install prometheus`,
      );
    }
    root = await mkdtemp(join(tmpdir(), 'multicloud-metrics-'));

    // What instrumentation.js does, on a free port of its own.
    exporterPort = await freePort();
    exporter = new PrometheusExporter({
      host: '127.0.0.1',
      port: exporterPort,
      preventServerStart: true,
    });
    await exporter.startServer();
    meterProvider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(meterProvider);

    // A Prometheus of the test's own: its own port, config and storage.
    prometheusPort = await freePort();
    await writeFile(
      join(root, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: backstage',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${exporterPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(root, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(root, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr!.on('data', chunk => {
      prometheusLog = `${prometheusLog}${chunk}`.slice(-4000);
    });
    prometheus.stdout!.resume();
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise(r => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await meterProvider?.shutdown();
    metrics.disable();
    if (root) {
      await rm(root, { recursive: true, force: true });
    }
  });

  /** The samples of an instant query, from Prometheus's HTTP API. */
  async function query(promql: string): Promise<Sample[]> {
    try {
      const res = await fetch(
        `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(
          promql,
        )}`,
      );
      const body = (await res.json()) as {
        status: string;
        data?: { result: Sample[] };
        error?: string;
      };
      if (body.status !== 'success') {
        throw new Error(`Prometheus rejected ${promql}: ${body.error}`);
      }
      return body.data!.result;
    } catch (error) {
      if (prometheus?.exitCode !== null) {
        throw new Error(`Prometheus exited: ${prometheusLog}`);
      }
      // Not listening yet.
      if ((error as Error).message.startsWith('fetch failed')) {
        return [];
      }
      throw error;
    }
  }

  const seriesOf = (promql: string, what: string) =>
    until(
      () => query(promql),
      samples => samples.length > 0,
      `${what} (${promql})`,
    );

  it('exports the ingestion, import and API metrics Prometheus scrapes, under the documented names', async () => {
    const region = join(root, 'inventory/aws/111122223333/eu-west-1');
    await mkdir(region, { recursive: true });
    await writeFile(
      join(region, 'describe-instances.json'),
      JSON.stringify(INSTANCES),
    );

    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMulticloud,
        multicloudPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Resource', 'Location'] }],
              providers: {
                multicloud: {
                  demo: {
                    type: 'inventory',
                    path: join(root, 'inventory'),
                    defaultOwner: 'group:platform-team',
                    // No initial delay: the test scheduler runs it at startup.
                    schedule: {
                      frequency: { minutes: 30 },
                      timeout: { minutes: 5 },
                    },
                  },
                },
              },
            },
          },
        }),
      ],
    });

    const { csv, rows } = focusExport();
    const upload = await request(server)
      .post('/api/multicloud/cost/imports?fileName=metrics.csv')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv));
    expect(upload.status).toBe(201);
    expect(upload.body.rows).toBe(rows);

    // Ingestion: the inventory source's run, applied, and what it read.
    const runs = await seriesOf(
      'multicloud_source_runs_total{source_id="demo",source_type="inventory",outcome="applied"}',
      'an applied run of the demo source',
    );
    expect(Number(runs[0].value[1])).toBeGreaterThanOrEqual(1);
    await seriesOf(
      'multicloud_source_run_duration_count{source_id="demo",outcome="applied"}',
      'the duration of the applied run',
    );
    const resources = await seriesOf(
      'multicloud_source_resources{source_id="demo"}',
      'the resources the run read',
    );
    expect(Number(resources[0].value[1])).toBe(2);
    const entities = await seriesOf(
      'multicloud_source_entities{source_id="demo"}',
      'the entities the run emitted',
    );
    expect(Number(entities[0].value[1])).toBe(2);
    const lastSuccess = await seriesOf(
      'time() - multicloud_source_last_success_time{source_id="demo"}',
      'the time of the last applied run',
    );
    expect(Number(lastSuccess[0].value[1])).toBeLessThan(120);

    // The cost import.
    const importedRows = await seriesOf(
      'multicloud_cost_import_rows_total{import_trigger="upload"}',
      'the rows the import read',
    );
    expect(Number(importedRows[0].value[1])).toBe(rows);
    const bytes = await seriesOf(
      'multicloud_cost_import_size_total{import_trigger="upload"}',
      'the bytes the import read',
    );
    expect(Number(bytes[0].value[1])).toBe(Buffer.byteLength(csv));
    await seriesOf(
      'multicloud_cost_import_duration_count{import_trigger="upload",outcome="succeeded"} == 1',
      'the duration of the import',
    );
    await seriesOf(
      'multicloud_cost_imports_total{import_trigger="upload",outcome="succeeded"} == 1',
      'the import count',
    );
    await seriesOf(
      'time() - multicloud_cost_last_import_time < 120',
      'the time of the last import',
    );
    await seriesOf(
      'multicloud_cost_rebuild_duration_count{rebuild_scope="days"}',
      'the rebuild of the imported days',
    );

    // The API, by route pattern: never the URL with its query.
    const latency = await seriesOf(
      'histogram_quantile(0.95, sum by (le, http_route) (rate(multicloud_http_server_request_duration_bucket{http_route="/cost/imports",http_request_method="POST",http_response_status_code="201"}[1m])))',
      'the p95 latency of the import route',
    );
    expect(latency[0].metric.http_route).toBe('/cost/imports');
    const routes = await query(
      'count by (http_route) (multicloud_http_server_request_duration_count)',
    );
    expect(routes.map(r => r.metric.http_route)).not.toContainEqual(
      expect.stringContaining('fileName'),
    );

    // Collected at scrape time.
    const openAlerts = await seriesOf(
      'multicloud_alerts_open',
      'the open alerts by severity',
    );
    expect(openAlerts.map(s => s.metric.alert_severity).sort()).toEqual([
      'critical',
      'info',
      'warning',
    ]);
    await seriesOf('multicloud_cost_attribution_lag >= 0', 'attribution lag');

    // Every family the exporter serves is in the metrics documentation, by
    // the name Prometheus stores; the dashboard and rules use only those.
    const exposition = await (
      await fetch(`http://127.0.0.1:${exporterPort}/metrics`)
    ).text();
    const families = [
      ...exposition.matchAll(/^# TYPE (multicloud_\S+) (\S+)$/gm),
    ].map(([, name, type]) => ({ name, type }));
    expect(families.map(f => f.name)).toEqual(
      expect.arrayContaining([
        'multicloud_source_run_duration',
        'multicloud_source_runs_total',
        'multicloud_source_resources',
        'multicloud_source_entities',
        'multicloud_source_last_success_time',
        'multicloud_cost_import_duration',
        'multicloud_cost_import_rows_total',
        'multicloud_cost_import_size_total',
        'multicloud_cost_imports_total',
        'multicloud_cost_last_import_time',
        'multicloud_cost_attribution_lag',
        'multicloud_cost_rebuild_duration',
        'multicloud_http_server_request_duration',
        'multicloud_alerts_open',
      ]),
    );
    const doc = readFileSync(join(REPO, 'docs/metrics.md'), 'utf8');
    expect(families.filter(({ name }) => !doc.includes(`\`${name}\``))).toEqual(
      [],
    );
    const documented = new Set(
      [...doc.matchAll(/`(multicloud_[a-z_]+)`/g)].map(([, name]) => name),
    );
    const used = (text: string) =>
      new Set(
        [...text.matchAll(/\b(multicloud_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)]
          .map(([, name]) => name)
          .filter(name => !name.endsWith('_')),
      );
    // Every query of the dashboard is PromQL Prometheus accepts.
    const dashboard = JSON.parse(
      readFileSync(join(REPO, 'docs/grafana/multicloud.json'), 'utf8'),
    ) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const expressions = dashboard.panels.flatMap(p =>
      (p.targets ?? []).map(t => t.expr),
    );
    expect(expressions.length).toBeGreaterThan(15);
    for (const expr of expressions) {
      await query(
        expr
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__range', '5m')
          .replaceAll('$source', '.*'),
      );
    }

    for (const file of [
      'docs/grafana/multicloud.json',
      'docs/prometheus/rules.yaml',
    ]) {
      const undocumented = [
        ...used(readFileSync(join(REPO, file), 'utf8')),
      ].filter(name => !documented.has(name));
      expect({ file, undocumented }).toEqual({ file, undocumented: [] });
    }
  });

  it('ships alerting rules promtool accepts', async () => {
    if (!existsSync(PROMTOOL)) {
      throw new Error(
        `${PROMTOOL} is missing: run scripts/bootstrap.sh --for-tests, or apt-get install prometheus`,
      );
    }
    const { stdout } = await promisify(execFile)(PROMTOOL, [
      'check',
      'rules',
      join(REPO, 'docs/prometheus/rules.yaml'),
    ]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
