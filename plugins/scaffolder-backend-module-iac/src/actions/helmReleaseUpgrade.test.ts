import path from 'node:path';
import {
  createChartWorkspace,
  helmCalls,
  helmConfig,
} from '../__testUtils__/helmWorkspace';
import {
  createTempDir,
  everythingVisible,
  FAKE_HELM,
  runAction,
} from '../__testUtils__/testContext';
import { createHelmReleaseUpgradeAction } from './helmReleaseUpgrade';

jest.setTimeout(30_000);

describe('helm:release:upgrade', () => {
  it('installs a chart from the workspace and returns the release status, never its values or manifest', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        releaseName: 'checkout',
        namespace: 'shop',
        chart: 'chart',
        values: { image: { tag: '2.4.1' }, db: { user: 'app' } },
        sensitiveValues: { db: { password: 'Sup3r-S3cret!' } },
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['helm.upgrade.shop.checkout']);
    expect(result.outputs.release).toEqual({
      name: 'checkout',
      namespace: 'shop',
      revision: 1,
      status: 'deployed',
      description: 'Install complete',
      chart: 'web',
      chartVersion: '0.3.0',
      appVersion: '2.4.1',
      firstDeployed: expect.any(String),
      lastDeployed: expect.any(String),
    });
    expect(result.text).toContain(
      'info: Release checkout in namespace shop revision 1: deployed (Install complete) from chart web-0.3.0 (app 2.4.1)',
    );
    const visible = everythingVisible(result);
    expect(visible).not.toContain('Sup3r-S3cret!');
    expect(visible).not.toContain('manifest');
    expect(visible).not.toContain('kind: Secret');
    expect(visible).not.toContain('"db"');

    const [call] = helmCalls(stateDir);
    expect(call.args).toEqual([
      'upgrade',
      'checkout',
      path.join(workspace, 'chart'),
      '--install',
      '--namespace',
      'shop',
      '--values',
      expect.stringMatching(/values\.json$/),
      '--timeout',
      '5m',
      '--output',
      'json',
      '--atomic',
      '--wait',
    ]);
    expect(call.valuesMode).toBe('600');
  });

  it('upgrades an existing release', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const input = { releaseName: 'checkout', chart: 'chart' };
    await runAction(action, { workspacePath: workspace, input });
    const result = await runAction(action, { workspacePath: workspace, input });
    expect(result.outputs.release).toEqual(
      expect.objectContaining({
        namespace: 'default',
        revision: 2,
        description: 'Upgrade complete',
      }),
    );
  });

  it('issue 9 case 1: runs nothing in a dry run, not even helm --dry-run, and logs the command of a real run', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      isDryRun: true,
      input: {
        releaseName: 'checkout',
        chart: 'chart',
        sensitiveValues: { db: { password: 'Dry-Run-S3cret!' } },
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(helmCalls(stateDir)).toEqual([]);
    expect(result.text).not.toContain('Using helm');
    expect(result.text).toMatch(
      /Dry run: would write \S+\/values\.json \(\d+ bytes, mode 0600\): chart values/,
    );
    expect(result.text).toMatch(
      new RegExp(
        `Dry run: would run in \\S+: ${FAKE_HELM} upgrade checkout ${path.join(
          workspace,
          'chart',
        )} --install --namespace default --values \\S+/values\\.json --timeout 5m --output json --atomic --wait$`,
        'm',
      ),
    );
    expect(result.text).toContain(
      'info: Release checkout in namespace default: dry-run from chart web-0.3.0 (app 2.4.1)',
    );
    expect(everythingVisible(result)).not.toContain('Dry-Run-S3cret!');
    expect(result.outputs).toEqual({
      release: {
        name: 'checkout',
        namespace: 'default',
        status: 'dry-run',
        chart: 'web',
        chartVersion: '0.3.0',
        appVersion: '2.4.1',
      },
      dryRun: true,
    });
  });

  it('installs from an allowed repository only', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const allowed = await runAction(action, {
      workspacePath: workspace,
      input: {
        releaseName: 'cache',
        repository: 'https://charts.example.com/stable',
        chartName: 'redis',
        version: '20.1.0',
      },
    });
    expect(allowed.error).toBeUndefined();
    expect(helmCalls(stateDir)[0].args.slice(0, 5)).toEqual([
      'upgrade',
      'cache',
      'redis',
      '--repo',
      'https://charts.example.com/stable',
    ]);
    expect(helmCalls(stateDir)[0].args).toEqual(
      expect.arrayContaining(['--version', '20.1.0']),
    );

    const refused = await runAction(action, {
      workspacePath: workspace,
      input: {
        releaseName: 'cache',
        repository: 'https://evil.example.net/charts',
        chartName: 'redis',
      },
    });
    expect(refused.error?.name).toBe('InputError');
    expect(refused.error?.message).toContain(
      'multicloud.iac.helm.allowedRepositories',
    );
    expect(helmCalls(stateDir)).toHaveLength(1);
  });

  it('needs exactly one chart source', async () => {
    const workspace = createChartWorkspace();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    });
    for (const input of [
      { releaseName: 'x' },
      {
        releaseName: 'x',
        chart: 'chart',
        repository: 'https://charts.example.com/stable',
        chartName: 'redis',
      },
      { releaseName: 'x', repository: 'https://charts.example.com/stable' },
    ]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input,
      });
      expect(result.error?.name).toBe('InputError');
    }
  });

  it('fails with the error Helm reports, after --atomic rolled back', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        releaseName: 'checkout',
        chart: 'chart',
        values: { fakeHelm: { fail: 'timed out waiting for the condition' } },
      },
    });
    expect(result.error?.message).toBe(
      'helm upgrade failed (exit code 1): Error: release checkout failed, and has been uninstalled due to atomic being set: timed out waiting for the condition',
    );
    expect(result.text).toContain('error: Error: release checkout failed');
  });

  it('escalates to SIGKILL when Helm ignores SIGINT and SIGTERM on timeout', async () => {
    const workspace = createChartWorkspace();
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir, { timeout: '1s', killGracePeriod: '500ms' }),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: {
        releaseName: 'checkout',
        chart: 'chart',
        values: {
          fakeHelm: { sleepSeconds: 30, ignoreSignals: ['SIGINT', 'SIGTERM'] },
        },
      },
    });
    expect(result.error?.message).toBe(
      'helm upgrade timed out after 1 second: stopped after SIGKILL (ended by SIGKILL)',
    );
    const warnings = result.logs
      .filter(l => l.level === 'warn')
      .map(l => l.message);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^helm upgrade exceeded its timeout of 1 second: sending SIGINT \(pid \d+\)$/,
      ),
      'helm upgrade did not stop within 500 ms of SIGINT: sending SIGTERM',
      'helm upgrade did not stop within 500 ms of SIGTERM: sending SIGKILL',
      'helm upgrade timed out after 1 second: stopped after SIGKILL (ended by SIGKILL)',
    ]);
  });
});
