import {
  createChartWorkspace,
  helmCalls,
  helmConfig,
} from '../__testUtils__/helmWorkspace';
import {
  createTempDir,
  FAKE_HELM,
  runAction,
} from '../__testUtils__/testContext';
import { createHelmReleaseUninstallAction } from './helmReleaseUninstall';
import { createHelmReleaseUpgradeAction } from './helmReleaseUpgrade';

jest.setTimeout(30_000);

describe('helm:release:uninstall', () => {
  it('uninstalls a release and waits for it', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const config = helmConfig(stateDir);
    await runAction(createHelmReleaseUpgradeAction({ config }), {
      workspacePath: workspace,
      input: { releaseName: 'checkout', namespace: 'shop', chart: 'chart' },
    });

    const result = await runAction(
      createHelmReleaseUninstallAction({ config }),
      {
        workspacePath: workspace,
        input: { releaseName: 'checkout', namespace: 'shop' },
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['helm.uninstall.shop.checkout']);
    expect(result.text).toContain('info: release "checkout" uninstalled');
    expect(result.outputs.release).toEqual({
      name: 'checkout',
      namespace: 'shop',
      status: 'uninstalled',
    });
    expect(helmCalls(stateDir).pop().args).toEqual([
      'uninstall',
      'checkout',
      '--namespace',
      'shop',
      '--timeout',
      '5m',
      '--wait',
    ]);
  });

  it('fails for a missing release unless told to ignore it', async () => {
    const workspace = createChartWorkspace();
    const config = helmConfig(createTempDir());
    const action = createHelmReleaseUninstallAction({ config });
    const failed = await runAction(action, {
      workspacePath: workspace,
      input: { releaseName: 'gone' },
    });
    expect(failed.error?.message).toBe(
      'helm uninstall failed (exit code 1): Error: uninstall: Release not loaded: gone: release: not found',
    );
    const ignored = await runAction(action, {
      workspacePath: workspace,
      input: { releaseName: 'gone', ignoreNotFound: true },
    });
    expect(ignored.error).toBeUndefined();
    expect(ignored.outputs.release).toEqual(
      expect.objectContaining({ status: 'not-found' }),
    );
  });

  it('issue 9 case 1: runs nothing in a dry run, not even helm --dry-run, and logs the command of a real run', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const config = helmConfig(stateDir);
    const result = await runAction(
      createHelmReleaseUninstallAction({ config }),
      {
        workspacePath: workspace,
        input: { releaseName: 'checkout' },
        isDryRun: true,
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(helmCalls(stateDir)).toEqual([]);
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in \\S+: ${FAKE_HELM} uninstall checkout --namespace default --timeout 5m --wait$`,
        'm',
      ),
    );
    expect(result.outputs).toEqual({
      release: { name: 'checkout', namespace: 'default', status: 'dry-run' },
      dryRun: true,
    });
  });
});
