import { JsonObject } from '@backstage/config';
import { isChildPath } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { z } from 'zod';
import { normalizeRepositoryUrl } from '../lib/config';
import {
  DNS_LABEL_PATTERN,
  GO_DURATION_PATTERN,
  OwnerRef,
  ownerRef,
  parseOwnerRef,
  refuseRemovedInput,
  removedInput,
} from '../lib/inputSchemas';
import {
  helmReleaseName,
  OWNER_LABEL,
  ownerLabelValue,
} from '../lib/ownership';
import { describeFailure, ToolRuntime } from '../lib/toolRuntime';

/** Input fields shared by the Helm actions. */
export const helmReleaseFields = {
  owner: ownerRef(
    'Entity ref of the group or user that owns the release, for example `${{ parameters.owner }}` from an OwnerPicker (`group:default/checkout-team`; the kind defaults to group, the namespace to default). The release is named `<owner name>-<name>` and labelled multicloud.io/owner; a release of another owner is never changed.',
  ),
  name: z
    .string({
      description:
        'Short name of the release, unique per owner: the release is `<owner name>-<name>`, at most 53 characters in all (a DNS label).',
    })
    .min(1)
    .max(53)
    .regex(DNS_LABEL_PATTERN, {
      message:
        'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    }),
  namespace: z
    .string({
      description:
        'Kubernetes namespace of the release. It must be allowed by multicloud.iac.helm.allowedNamespaces.',
    })
    .min(1)
    .max(63)
    .regex(DNS_LABEL_PATTERN, {
      message: 'must be a Kubernetes namespace name',
    }),
  releaseName: removedInput(
    'No longer accepted, and refused: the release name is derived from `owner` and `name`.',
  ),
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

/** Namespaces of the cluster itself: allowed only when listed by name. */
export const RESERVED_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * Refuses a namespace that `multicloud.iac.helm.allowedNamespaces` does not
 * allow. A pattern's `*` stands for any run of characters; the cluster's own
 * namespaces ({@link RESERVED_NAMESPACES}) are allowed only when listed by
 * name, never through a pattern.
 */
export function checkNamespaceAllowed(namespace: string, allowed: string[]) {
  const key = 'multicloud.iac.helm.allowedNamespaces';
  if (allowed.length === 0) {
    throw new InputError(
      `Namespace ${namespace} is not allowed: no namespace is, until platform engineers list the namespaces templates may deploy to in ${key} (names or patterns such as team-*)`,
    );
  }
  if (RESERVED_NAMESPACES.includes(namespace)) {
    if (!allowed.includes(namespace)) {
      throw new InputError(
        `Namespace ${namespace} belongs to the cluster itself and is refused unless ${key} lists it by name`,
      );
    }
    return;
  }
  // Patterns hold only [-a-z0-9*] (checked when config is read).
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split('*').join('[-a-z0-9]*')}$`).test(namespace);
  if (!allowed.some(matches)) {
    throw new InputError(
      `Namespace ${namespace} is not allowed; ${key} allows ${allowed.join(
        ', ',
      )}`,
    );
  }
}

/** The release an action works on, derived from its owner and name. */
export interface OwnedRelease {
  owner: OwnerRef;
  releaseName: string;
  namespace: string;
  /** `multicloud.io/owner=<value>`, as `--labels` takes it. */
  ownerLabel: string;
}

/**
 * Checks the input shared by the Helm actions (no `releaseName`, an allowed
 * namespace, an owner of kind group or user) and derives the release.
 */
export function resolveOwnedRelease(
  input: Record<string, unknown> & {
    owner: string;
    name: string;
    namespace: string;
  },
  allowedNamespaces: string[],
  actionId: string,
): OwnedRelease {
  refuseRemovedInput(
    input,
    'releaseName',
    `the release is named <owner name>-<name> and labelled with its owner; remove releaseName and pass owner (for example \${{ parameters.owner }}) and name (unique per owner) to ${actionId}`,
  );
  const owner = parseOwnerRef(input.owner);
  checkNamespaceAllowed(input.namespace, allowedNamespaces);
  return {
    owner,
    releaseName: helmReleaseName(owner, input.name),
    namespace: input.namespace,
    ownerLabel: `${OWNER_LABEL}=${ownerLabelValue(owner)}`,
  };
}

/**
 * Refuses to touch a release of the same name that Helm records for another
 * owner, or for none. `helm list --selector` (Helm 3.12+) filters on the
 * labels `--labels` gave the release; with `!=` it also lists a release
 * without the label, so an empty list means the release is new or ours. In
 * a dry run the command is only logged.
 */
export async function refuseReleaseOfAnotherOwner(
  runtime: ToolRuntime,
  cwd: string,
  release: OwnedRelease,
) {
  const stdout: string[] = [];
  const result = await runtime.run(
    [
      'list',
      '--namespace',
      release.namespace,
      '--all',
      '--filter',
      `^${release.releaseName}$`,
      '--selector',
      release.ownerLabel.replace('=', '!='),
      '--output',
      'json',
    ],
    {
      cwd,
      label: 'helm list',
      onStdoutLine: line => stdout.push(line),
      onStderrLine: line => line.trim() && runtime.logger.warn(line),
    },
  );
  if (runtime.dryRun) {
    return;
  }
  if (result.exitCode !== 0) {
    throw new Error(describeFailure('helm list', result));
  }
  let others: unknown;
  try {
    others = JSON.parse(stdout.join('\n'));
  } catch {
    throw new Error('helm list did not print the releases as JSON');
  }
  if (!Array.isArray(others)) {
    throw new Error('helm list did not print the releases as a JSON array');
  }
  if (others.length > 0) {
    throw new NotAllowedError(
      `Release ${release.releaseName} in namespace ${release.namespace} exists and is not labelled ${release.ownerLabel}: it belongs to another owner than ${release.owner.ref}, or was installed outside the portal. It is left as it is; choose another name`,
    );
  }
}

/**
 * Checks a chart of the task workspace as a chart from a repository is
 * checked, and reads its name and versions. Every dependency in Chart.yaml
 * (or requirements.yaml), of the chart and of each chart in its charts/
 * folder, must come from an allowed repository or, with `file://`, from
 * inside the chart's folder. A packaged chart (.tgz) cannot be checked
 * without unpacking it, so it is refused, as the chart or in charts/.
 */
export async function inspectWorkspaceChart(
  chartPath: string,
  chartInput: string,
  allowedRepositories: string[],
): Promise<ChartMetadata> {
  if (!(await fs.promises.stat(chartPath)).isDirectory()) {
    throw new InputError(
      `chart ${chartInput} is a packaged chart, whose dependencies cannot be checked; put the unpacked chart folder in the workspace instead`,
    );
  }
  const metadata = await readChartMetadata(chartPath, chartInput);
  const checked = new Set<string>();
  const check = async (dir: string, meta: Record<string, unknown>) => {
    checked.add(dir);
    const shown = path.join(chartInput, path.relative(chartPath, dir));
    const dependencies = [
      ...asArray(meta.dependencies),
      ...asArray(await readRequirements(dir, shown)),
    ];
    for (const dependency of dependencies) {
      const name = String(dependency?.name ?? '?');
      const repository = String(dependency?.repository ?? '').trim();
      if (!repository) {
        continue;
      }
      if (repository.startsWith('file://')) {
        const target = path.resolve(dir, repository.slice('file://'.length));
        if (target !== chartPath && !isChildPath(chartPath, target)) {
          throw new InputError(
            `chart ${shown}: dependency ${name} (${repository}) lies outside the chart folder ${chartInput}; file:// dependencies must stay inside it`,
          );
        }
        if (!checked.has(target) && (await isDirectory(target))) {
          await check(target, await readChartMetadata(target, shown));
        }
        continue;
      }
      if (!allowedRepositories.includes(normalizeRepositoryUrl(repository))) {
        throw new InputError(
          `chart ${shown}: dependency ${name} comes from ${repository}, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories`,
        );
      }
    }
    const charts = path.join(dir, 'charts');
    if (!(await isDirectory(charts))) {
      return;
    }
    for (const entry of await fs.promises.readdir(charts, {
      withFileTypes: true,
    })) {
      const sub = path.join(charts, entry.name);
      if (entry.isFile() && /\.tgz$/.test(entry.name)) {
        throw new InputError(
          `chart ${shown}: the packaged subchart charts/${entry.name} cannot be checked; unpack it into charts/ instead`,
        );
      }
      if (
        entry.isDirectory() &&
        !checked.has(sub) &&
        fs.existsSync(path.join(sub, 'Chart.yaml'))
      ) {
        await check(
          sub,
          await readChartMetadata(sub, path.join(shown, 'charts', entry.name)),
        );
      }
    }
  };
  await check(chartPath, metadata);

  const field = (key: string) => {
    const value = metadata[key];
    return typeof value === 'string' && value ? value : undefined;
  };
  return {
    chart: field('name'),
    chartVersion: field('version'),
    appVersion: field('appVersion'),
  };
}

async function readChartMetadata(
  dir: string,
  shown: string,
): Promise<Record<string, any>> {
  let metadata: unknown;
  try {
    metadata = yaml.parse(
      await fs.promises.readFile(path.join(dir, 'Chart.yaml'), 'utf8'),
    );
  } catch (error) {
    throw new InputError(
      `chart ${shown} needs a readable Chart.yaml: ${(error as Error).message}`,
    );
  }
  return metadata && typeof metadata === 'object'
    ? (metadata as Record<string, any>)
    : {};
}

/** Dependencies of an apiVersion v1 chart, in requirements.yaml. */
async function readRequirements(dir: string, shown: string) {
  const file = path.join(dir, 'requirements.yaml');
  if (!fs.existsSync(file)) {
    return [];
  }
  try {
    return (yaml.parse(await fs.promises.readFile(file, 'utf8')) ?? {})
      .dependencies;
  } catch (error) {
    throw new InputError(
      `chart ${shown}: requirements.yaml is not readable YAML: ${
        (error as Error).message
      }`,
    );
  }
}

function asArray(value: unknown): Array<Record<string, unknown> | undefined> {
  return Array.isArray(value) ? value : [];
}

async function isDirectory(file: string): Promise<boolean> {
  return fs.promises.stat(file).then(
    s => s.isDirectory(),
    () => false,
  );
}
