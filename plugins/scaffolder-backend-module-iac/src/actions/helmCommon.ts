import { JsonObject } from '@backstage/config';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { z } from 'zod';
import { DNS_LABEL_PATTERN, GO_DURATION_PATTERN } from '../lib/inputSchemas';

/** Input fields shared by the Helm actions. */
export const helmReleaseFields = {
  releaseName: z
    .string({
      description:
        'Name of the Helm release (a DNS label, at most 53 characters).',
    })
    .min(1)
    .max(53)
    .regex(DNS_LABEL_PATTERN, {
      message:
        'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    }),
  namespace: z
    .string({
      description: 'Kubernetes namespace of the release. Default: `default`.',
    })
    .min(1)
    .max(63)
    .regex(DNS_LABEL_PATTERN, {
      message: 'must be a Kubernetes namespace name',
    })
    .default('default'),
  wait: z
    .boolean({
      description:
        'Wait until the resources are ready (or gone) before finishing (`--wait`). Default: true.',
    })
    .default(true),
  waitTimeout: z
    .string({
      description:
        'How long Helm waits for Kubernetes operations (`--timeout`), for example `5m` or `1h`. Default: `5m`.',
    })
    .regex(GO_DURATION_PATTERN, {
      message: 'must be a duration such as 90s, 5m or 1h30m',
    })
    .default('5m'),
};

export const releaseSummarySchema = z.object({
  name: z.string(),
  namespace: z.string(),
  revision: z.number().optional(),
  status: z.string(),
  description: z.string().optional(),
  chart: z.string().optional(),
  chartVersion: z.string().optional(),
  appVersion: z.string().optional(),
  firstDeployed: z.string().optional(),
  lastDeployed: z.string().optional(),
});
export type ReleaseSummary = z.output<typeof releaseSummarySchema>;

/**
 * Picks the status fields out of Helm's release JSON (`-o json`). The
 * `config` (the values, secrets included), `manifest` (rendered Secrets
 * included), `hooks` and notes are dropped here and never reach a log or an
 * output.
 */
export function summarizeRelease(release: JsonObject): ReleaseSummary {
  const info = (release.info ?? {}) as JsonObject;
  const chart = (release.chart ?? {}) as JsonObject;
  const metadata = (chart.metadata ?? {}) as JsonObject;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    name: String(release.name ?? ''),
    namespace: String(release.namespace ?? ''),
    revision: typeof release.version === 'number' ? release.version : undefined,
    status: String(info.status ?? 'unknown'),
    description: str(info.description),
    chart: str(metadata.name),
    chartVersion: str(metadata.version),
    appVersion: str(metadata.appVersion),
    firstDeployed: str(info.first_deployed),
    lastDeployed: str(info.last_deployed),
  };
}

/** One readable line for the task log. */
export function describeRelease(summary: ReleaseSummary): string {
  const chart = summary.chart
    ? ` from chart ${summary.chart}${
        summary.chartVersion ? `-${summary.chartVersion}` : ''
      }${summary.appVersion ? ` (app ${summary.appVersion})` : ''}`
    : '';
  const revision =
    summary.revision !== undefined ? ` revision ${summary.revision}` : '';
  return `Release ${summary.name} in namespace ${
    summary.namespace
  }${revision}: ${summary.status}${
    summary.description ? ` (${summary.description})` : ''
  }${chart}`;
}

/** Deep merge for values: objects merge, anything else is replaced. */
export function mergeValues(
  base: JsonObject,
  override: JsonObject,
): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? mergeValues(current as JsonObject, value as JsonObject)
        : value;
  }
  return result;
}

/** The chart fields of a {@link ReleaseSummary}. */
export type ChartMetadata = Pick<
  ReleaseSummary,
  'chart' | 'chartVersion' | 'appVersion'
>;

/**
 * Checks that a chart directory of the workspace has a Chart.yaml and reads
 * its name and versions; a packaged chart (.tgz) is read by Helm only.
 */
export async function readWorkspaceChart(
  chartPath: string,
  name: string,
): Promise<ChartMetadata> {
  if (!(await fs.promises.stat(chartPath)).isDirectory()) {
    return {};
  }
  let metadata: unknown;
  try {
    metadata = yaml.parse(
      await fs.promises.readFile(path.join(chartPath, 'Chart.yaml'), 'utf8'),
    );
  } catch (error) {
    throw new InputError(
      `chart ${name} needs a readable Chart.yaml: ${(error as Error).message}`,
    );
  }
  const field = (key: string) => {
    const value = (metadata as Record<string, unknown> | null)?.[key];
    return typeof value === 'string' && value ? value : undefined;
  };
  return {
    chart: field('name'),
    chartVersion: field('version'),
    appVersion: field('appVersion'),
  };
}
