import { createIacAction } from '../../lib/createIacAction';
import { describeFailure } from '../../lib/toolRuntime';
import { IacActionOptions, Zod } from '../../lib/types';
import { examples } from './helmReleaseUninstall.examples';
import { helmReleaseFields } from './input';
import { refuseReleaseOfAnotherOwner, resolveOwnedRelease } from './release';

const ACTION_ID = 'helm:release:uninstall';

const inputSchema = (z: Zod) =>
  z.object({
    ...helmReleaseFields(z),
    keepHistory: z
      .boolean({
        description:
          'Keep the release history (`--keep-history`). Default: false.',
      })
      .default(false),
    ignoreNotFound: z
      .boolean({
        description: 'Succeed when the release does not exist. Default: false.',
      })
      .default(false),
  });

const outputSchema = (z: Zod) =>
  z.object({
    release: z.object({
      name: z.string(),
      namespace: z.string(),
      status: z
        .enum(['uninstalled', 'not-found', 'dry-run'])
        .describe('uninstalled; not-found (with ignoreNotFound); or dry-run.'),
    }),
    dryRun: z
      .boolean()
      .describe(
        'Whether this was a dry run: nothing ran, nothing reached the cluster.',
      ),
  });

const NOT_FOUND = /release: not found/i;

/**
 * Creates the `helm:release:uninstall` action for the release
 * `<owner name>-<name>` of an allowed namespace; a release of another owner
 * is refused. A dry run runs nothing: it logs the command lines a real run
 * would use.
 *
 * @public
 */
export function createHelmReleaseUninstallAction(options: IacActionOptions) {
  return createIacAction(options, {
    id: ACTION_ID,
    tool: 'helm',
    description:
      'Uninstalls a Helm release and, by default, waits until its resources are gone.',
    examples,
    schema: { input: inputSchema, output: outputSchema },
    check: ({ input, settings }) =>
      resolveOwnedRelease(input, settings.allowedNamespaces, ACTION_ID),
    async run({ input, checked: release, runtime, tmpDir, checkpoint }) {
      const args = [
        'uninstall',
        release.releaseName,
        '--namespace',
        release.namespace,
        '--timeout',
        input.waitTimeout,
      ];
      if (input.wait) {
        args.push('--wait');
      }
      if (input.keepHistory) {
        args.push('--keep-history');
      }

      const status = await checkpoint(
        `helm.uninstall.${release.namespace}.${release.releaseName}`,
        async () => {
          await refuseReleaseOfAnotherOwner(runtime, tmpDir, release);
          let notFound = false;
          const result = await runtime.run(args, {
            cwd: tmpDir,
            label: 'helm uninstall',
            onStderrLine: line => {
              if (!line.trim()) {
                return;
              }
              if (NOT_FOUND.test(line)) {
                notFound = true;
              }
              if (notFound && input.ignoreNotFound) {
                runtime.logger.warn(line);
              } else if (/^Error:/.test(line)) {
                runtime.logger.error(line);
              } else {
                runtime.logger.warn(line);
              }
            },
          });
          if (runtime.dryRun) {
            return 'dry-run' as const;
          }
          if (result.exitCode !== 0) {
            if (notFound && input.ignoreNotFound) {
              runtime.logger.info(
                `Release ${release.releaseName} does not exist in namespace ${release.namespace}; nothing to uninstall`,
              );
              return 'not-found' as const;
            }
            throw new Error(describeFailure('helm uninstall', result));
          }
          return 'uninstalled' as const;
        },
      );
      return {
        release: {
          name: release.releaseName,
          namespace: release.namespace,
          status,
        },
      };
    },
  });
}
