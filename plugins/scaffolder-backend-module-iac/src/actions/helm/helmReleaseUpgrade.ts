import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import path from 'node:path';
import { normalizeRepositoryUrl } from '../../lib/config';
import { createIacAction } from '../../lib/createIacAction';
import {
  CHART_NAME_PATTERN,
  CHART_VERSION_PATTERN,
  REPOSITORY_PATTERN,
  workspacePath,
} from '../../lib/inputSchemas';
import { describeFailure } from '../../lib/toolRuntime';
import { IacActionOptions, Zod } from '../../lib/types';
import { inspectWorkspaceChart, mergeValues } from './chart';
import { examples } from './helmReleaseUpgrade.examples';
import { helmReleaseFields } from './input';
import {
  ChartMetadata,
  describeRelease,
  refuseReleaseOfAnotherOwner,
  releaseSummarySchema,
  resolveOwnedRelease,
  summarizeRelease,
} from './release';

const ACTION_ID = 'helm:release:upgrade';

const valuesSchema = (z: Zod, description: string) =>
  z.record(z.unknown(), { description }).optional();

const inputSchema = (z: Zod) =>
  z.object({
    ...helmReleaseFields(z),
    chart: workspacePath(
      z,
      'Chart directory in the task workspace, allowed only when multicloud.iac.helm.allowWorkspaceCharts is true; its dependencies must come from allowed repositories (or file:// inside the chart). Give this, or `repository` and `chartName`.',
    ).optional(),
    repository: z
      .string({
        description:
          'Chart repository (https:// or oci:// URL). It must be listed in multicloud.iac.helm.allowedRepositories.',
      })
      .max(2048)
      .regex(REPOSITORY_PATTERN, {
        message: 'must be an https:// or oci:// URL',
      })
      .optional(),
    chartName: z
      .string({ description: 'Name of the chart in `repository`.' })
      .max(128)
      .regex(CHART_NAME_PATTERN, { message: 'must be a chart name' })
      .optional(),
    version: z
      .string({
        description: 'Chart version (`--version`). Default: the latest.',
      })
      .max(64)
      .regex(CHART_VERSION_PATTERN, {
        message: 'must be a chart version such as 1.2.3',
      })
      .optional(),
    values: valuesSchema(
      z,
      'Chart values, written to a values file readable only by the backend (mode 0600).',
    ),
    sensitiveValues: valuesSchema(
      z,
      'Chart values that are secrets, deep-merged over `values`; every string in them is masked in the task log.',
    ),
    atomic: z
      .boolean({
        description:
          'Roll back on failure (`--atomic`; it implies waiting). Default: true.',
      })
      .default(true),
    createNamespace: z
      .boolean({
        description:
          'Create the namespace when missing (`--create-namespace`). Default: false.',
      })
      .default(false),
  });

const outputSchema = (z: Zod) =>
  z.object({
    release: releaseSummarySchema(z).describe(
      "Status of the release: name, namespace, revision, status, chart and app version. Values, manifest and notes are never returned. In a dry run the status is `dry-run` and the chart fields come from the chart's Chart.yaml.",
    ),
    dryRun: z
      .boolean()
      .describe(
        'Whether this was a dry run: nothing ran, nothing reached the cluster.',
      ),
  });

/**
 * Creates the `helm:release:upgrade` action: `helm upgrade --install` of a
 * chart from the workspace or an allowed repository, as the release
 * `<owner name>-<name>` labelled with its owner, in an allowed namespace; a
 * release of another owner is refused. A dry run runs nothing
 * (not even `helm --dry-run`, which renders templates and may contact the
 * cluster): it checks the input and the chart and logs the command line and
 * files a real run would use.
 *
 * @public
 */
export function createHelmReleaseUpgradeAction(options: IacActionOptions) {
  return createIacAction(options, {
    id: ACTION_ID,
    tool: 'helm',
    description:
      'Installs or upgrades a Helm release (helm upgrade --install, atomic and waiting by default) from a chart in the workspace or an allowed repository. Returns the release status.',
    examples,
    schema: { input: inputSchema, output: outputSchema },
    sensitiveInput: input => [input.sensitiveValues ?? {}],
    async check({ input, settings, workspace }) {
      const release = resolveOwnedRelease(
        input,
        settings.allowedNamespaces,
        ACTION_ID,
      );
      const needsOneChart = () =>
        new InputError(
          `${ACTION_ID} needs either chart (a path in the workspace) or both repository and chartName`,
        );
      if (input.chart) {
        if (input.repository !== undefined || input.chartName !== undefined) {
          throw needsOneChart();
        }
        if (!settings.allowWorkspaceCharts) {
          throw new InputError(
            `Charts from the task workspace are not allowed; install from an allowed repository with repository and chartName, or ask platform engineers to set multicloud.iac.helm.allowWorkspaceCharts to true`,
          );
        }
        const chartPath = await workspace.resolve(
          input.chart,
          'file or directory',
          'chart',
        );
        await workspace.refuseLinks(input.chart, 'chart');
        const chart = await inspectWorkspaceChart(
          chartPath,
          input.chart,
          settings.allowedRepositories,
        );
        return { release, chartArgs: [chartPath], chart };
      }
      if (!input.repository || !input.chartName) {
        throw needsOneChart();
      }
      const repository = normalizeRepositoryUrl(input.repository);
      if (!settings.allowedRepositories.includes(repository)) {
        throw new InputError(
          `Chart repository ${repository} is not allowed; platform engineers list allowed repositories in multicloud.iac.helm.allowedRepositories`,
        );
      }
      const chartArgs = repository.startsWith('oci://')
        ? [`${repository}/${input.chartName}`]
        : [input.chartName, '--repo', repository];
      const chart: ChartMetadata = {
        chart: input.chartName,
        chartVersion: input.version,
      };
      return { release, chartArgs, chart };
    },
    async run({ input, checked, runtime, tmpDir, checkpoint }) {
      const { release, chartArgs, chart } = checked;
      const valuesFile = path.join(tmpDir, 'values.json');
      await runtime.writeFile(
        valuesFile,
        JSON.stringify(
          mergeValues(
            (input.values ?? {}) as JsonObject,
            (input.sensitiveValues ?? {}) as JsonObject,
          ),
        ),
        'chart values',
      );

      const args = [
        'upgrade',
        release.releaseName,
        ...chartArgs,
        '--install',
        '--namespace',
        release.namespace,
        '--labels',
        release.ownerLabel,
        '--values',
        valuesFile,
        '--timeout',
        input.waitTimeout,
        '--output',
        'json',
      ];
      if (input.version) {
        args.push('--version', input.version);
      }
      if (input.atomic) {
        args.push('--atomic');
      }
      if (input.wait) {
        args.push('--wait');
      }
      if (input.createNamespace) {
        args.push('--create-namespace');
      }

      const summary = await checkpoint(
        `helm.upgrade.${release.namespace}.${release.releaseName}`,
        async () => {
          await refuseReleaseOfAnotherOwner(runtime, tmpDir, release);
          const stdout: string[] = [];
          if (!runtime.dryRun) {
            runtime.logger.info(
              `Installing or upgrading release ${release.releaseName} of ${release.owner.ref} in namespace ${release.namespace}`,
            );
          }
          const result = await runtime.run(args, {
            cwd: tmpDir,
            label: 'helm upgrade',
            // The release JSON holds the values and the rendered manifest: it
            // is parsed here and never logged.
            onStdoutLine: line => stdout.push(line),
            onStderrLine: line => {
              if (!line.trim()) {
                return;
              }
              if (/^Error:/.test(line)) {
                runtime.logger.error(line);
              } else {
                runtime.logger.warn(line);
              }
            },
          });
          if (runtime.dryRun) {
            return {
              name: release.releaseName,
              namespace: release.namespace,
              status: 'dry-run',
              ...chart,
            };
          }
          if (result.exitCode !== 0) {
            throw new Error(describeFailure('helm upgrade', result));
          }
          let installed: JsonObject;
          try {
            installed = JSON.parse(stdout.join('\n'));
          } catch {
            throw new Error(
              'helm upgrade succeeded but did not print the release as JSON',
            );
          }
          return runtime.redactor.redactValue(summarizeRelease(installed));
        },
      );
      runtime.logger.info(describeRelease(summary));
      return { release: summary };
    },
  });
}
