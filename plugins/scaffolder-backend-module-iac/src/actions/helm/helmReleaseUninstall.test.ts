import {
  createChartWorkspace,
  helmCalls,
  helmConfig,
  TEAM,
} from '../../__testUtils__/helmWorkspace';
import {
  createTempDir,
  FAKE_HELM,
  runAction,
} from '../../__testUtils__/testContext';
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
      input: {
        owner: TEAM,
        name: 'checkout',
        namespace: 'shop',
        chart: 'chart',
      },
    });

    const result = await runAction(
      createHelmReleaseUninstallAction({ config }),
      {
        workspacePath: workspace,
        input: { owner: TEAM, name: 'checkout', namespace: 'shop' },
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([
      'helm.uninstall.shop.checkout-team-checkout',
    ]);
    expect(result.text).toContain(
      'info: release "checkout-team-checkout" uninstalled',
    );
    expect(result.outputs.release).toEqual({
      name: 'checkout-team-checkout',
      namespace: 'shop',
      status: 'uninstalled',
    });
    expect(helmCalls(stateDir).pop().args).toEqual([
      'uninstall',
      'checkout-team-checkout',
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
    const gone = { owner: TEAM, name: 'gone', namespace: 'shop' };
    const failed = await runAction(action, {
      workspacePath: workspace,
      input: gone,
    });
    expect(failed.error?.message).toBe(
      'helm uninstall failed (exit code 1): Error: uninstall: Release not loaded: checkout-team-gone: release: not found',
    );
    const ignored = await runAction(action, {
      workspacePath: workspace,
      input: { ...gone, ignoreNotFound: true },
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
        input: { owner: TEAM, name: 'checkout', namespace: 'shop' },
        isDryRun: true,
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(helmCalls(stateDir)).toEqual([]);
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in \\S+: ${FAKE_HELM} uninstall checkout-team-checkout --namespace shop --timeout 5m --wait$`,
        'm',
      ),
    );
    expect(result.outputs).toEqual({
      release: {
        name: 'checkout-team-checkout',
        namespace: 'shop',
        status: 'dry-run',
      },
      dryRun: true,
    });
  });
});

describe('issue 9 case 6: uninstall only touches the release of its owner', () => {
  it('refuses to uninstall a release that Helm records for another owner', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const config = helmConfig(stateDir);
    const installed = await runAction(
      createHelmReleaseUpgradeAction({ config }),
      {
        workspacePath: workspace,
        input: { owner: TEAM, name: 'web', namespace: 'shop', chart: 'chart' },
      },
    );
    expect(installed.error).toBeUndefined();

    const action = createHelmReleaseUninstallAction({ config });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        owner: 'user:default/checkout-team',
        name: 'web',
        namespace: 'shop',
      },
    });
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toContain(
      'Release checkout-team-web in namespace shop exists and is not labelled multicloud.io/owner=user.default.checkout-team.',
    );
    expect(helmCalls(stateDir).map(call => call.args[0])).toEqual([
      'list',
      'upgrade',
      'list',
    ]);
  });

  it('refuses a namespace that multicloud.iac.helm.allowedNamespaces does not allow', async () => {
    const stateDir = createTempDir();
    const action = createHelmReleaseUninstallAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, {
      workspacePath: createChartWorkspace(),
      isDryRun: true,
      input: { owner: TEAM, name: 'coredns', namespace: 'kube-system' },
    });
    expect(result.error?.message).toBe(
      'Namespace kube-system belongs to the cluster itself and is refused unless multicloud.iac.helm.allowedNamespaces lists it by name',
    );
    expect(helmCalls(stateDir)).toEqual([]);
  });
});
