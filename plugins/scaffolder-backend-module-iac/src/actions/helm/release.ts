import { InputError, NotAllowedError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  OwnerRef,
  parseOwnerRef,
  refuseRemovedInput,
} from '../../lib/inputSchemas';
import {
  helmReleaseName,
  OWNER_LABEL,
  ownerLabelValue,
} from '../../lib/ownership';
import { describeFailure, ToolRuntime } from '../../lib/toolRuntime';
import {
  Zod,
  ZodNumber,
  ZodObject,
  ZodOptional,
  ZodOutput,
  ZodString,
} from '../../lib/types';

/** The step output of a release's status. */
export const releaseSummarySchema = (
  z: Zod,
): ZodObject<{
  name: ZodString;
  namespace: ZodString;
  revision: ZodOptional<ZodNumber>;
  status: ZodString;
  description: ZodOptional<ZodString>;
  chart: ZodOptional<ZodString>;
  chartVersion: ZodOptional<ZodString>;
  appVersion: ZodOptional<ZodString>;
  firstDeployed: ZodOptional<ZodString>;
  lastDeployed: ZodOptional<ZodString>;
}> =>
  z.object({
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
export type ReleaseSummary = ZodOutput<ReturnType<typeof releaseSummarySchema>>;

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
