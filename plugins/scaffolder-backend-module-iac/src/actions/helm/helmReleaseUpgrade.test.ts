import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  createChartWorkspace,
  helmCalls,
  helmChanges,
  helmConfig,
  TEAM,
} from '../../__testUtils__/helmWorkspace';
import {
  createTempDir,
  everythingVisible,
  FAKE_HELM,
  runAction,
} from '../../__testUtils__/testContext';
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
        owner: TEAM,
        name: 'checkout',
        namespace: 'shop',
        chart: 'chart',
        values: { image: { tag: '2.4.1' }, db: { user: 'app' } },
        sensitiveValues: { db: { password: 'Sup3r-S3cret!' } },
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([
      'helm.upgrade.shop.checkout-team-checkout',
    ]);
    expect(result.outputs.release).toEqual({
      name: 'checkout-team-checkout',
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
      'info: Release checkout-team-checkout in namespace shop revision 1: deployed (Install complete) from chart web-0.3.0 (app 2.4.1)',
    );
    const visible = everythingVisible(result);
    expect(visible).not.toContain('Sup3r-S3cret!');
    expect(visible).not.toContain('manifest');
    expect(visible).not.toContain('kind: Secret');
    expect(visible).not.toContain('"db"');

    const [list, call] = helmCalls(stateDir);
    expect(list.args).toEqual([
      'list',
      '--namespace',
      'shop',
      '--all',
      '--filter',
      '^checkout-team-checkout$',
      '--selector',
      expect.stringMatching(
        /^multicloud\.io\/owner!=group\.default\.checkout-team\.[0-9a-f]{10}$/,
      ),
      '--output',
      'json',
    ]);
    expect(call.args).toEqual([
      'upgrade',
      'checkout-team-checkout',
      path.join(workspace, 'chart'),
      '--install',
      '--namespace',
      'shop',
      '--labels',
      expect.stringMatching(
        /^multicloud\.io\/owner=group\.default\.checkout-team\.[0-9a-f]{10}$/,
      ),
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
    const input = {
      owner: TEAM,
      name: 'checkout',
      namespace: 'team-checkout',
      chart: 'chart',
    };
    await runAction(action, { workspacePath: workspace, input });
    const result = await runAction(action, { workspacePath: workspace, input });
    expect(result.error).toBeUndefined();
    expect(result.outputs.release).toEqual(
      expect.objectContaining({
        namespace: 'team-checkout',
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
        owner: TEAM,
        name: 'checkout',
        namespace: 'shop',
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
        `Dry run: would run in \\S+: ${FAKE_HELM} upgrade checkout-team-checkout ${path.join(
          workspace,
          'chart',
        )} --install --namespace shop --labels multicloud\\.io/owner=group\\.default\\.checkout-team\\.[0-9a-f]{10} --values \\S+/values\\.json --timeout 5m --output json --atomic --wait$`,
        'm',
      ),
    );
    expect(result.text).toContain(
      'info: Release checkout-team-checkout in namespace shop: dry-run from chart web-0.3.0 (app 2.4.1)',
    );
    expect(everythingVisible(result)).not.toContain('Dry-Run-S3cret!');
    expect(result.outputs).toEqual({
      release: {
        name: 'checkout-team-checkout',
        namespace: 'shop',
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
        owner: TEAM,
        name: 'cache',
        namespace: 'shop',
        repository: 'https://charts.example.com/stable',
        chartName: 'redis',
        version: '20.1.0',
      },
    });
    expect(allowed.error).toBeUndefined();
    expect(helmChanges(stateDir)[0].args.slice(0, 5)).toEqual([
      'upgrade',
      'checkout-team-cache',
      'redis',
      '--repo',
      'https://charts.example.com/stable',
    ]);
    expect(helmChanges(stateDir)[0].args).toEqual(
      expect.arrayContaining(['--version', '20.1.0']),
    );

    const refused = await runAction(action, {
      workspacePath: workspace,
      input: {
        owner: TEAM,
        name: 'cache',
        namespace: 'shop',
        repository: 'https://evil.example.net/charts',
        chartName: 'redis',
      },
    });
    expect(refused.error?.name).toBe('InputError');
    expect(refused.error?.message).toContain(
      'multicloud.iac.helm.allowedRepositories',
    );
    expect(helmChanges(stateDir)).toHaveLength(1);
  });

  it('needs exactly one chart source', async () => {
    const workspace = createChartWorkspace();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    });
    const release = { owner: TEAM, name: 'x', namespace: 'shop' };
    for (const input of [
      release,
      {
        ...release,
        chart: 'chart',
        repository: 'https://charts.example.com/stable',
        chartName: 'redis',
      },
      { ...release, repository: 'https://charts.example.com/stable' },
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
        owner: TEAM,
        name: 'checkout',
        namespace: 'shop',
        chart: 'chart',
        values: { fakeHelm: { fail: 'timed out waiting for the condition' } },
      },
    });
    expect(result.error?.message).toBe(
      'helm upgrade failed (exit code 1): Error: release checkout-team-checkout failed, and has been uninstalled due to atomic being set: timed out waiting for the condition',
    );
    expect(result.text).toContain(
      'error: Error: release checkout-team-checkout failed',
    );
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
        owner: TEAM,
        name: 'checkout',
        namespace: 'shop',
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

describe('issue 9 case 6: Helm releases stay in their namespace and with their owner', () => {
  const release = { owner: TEAM, name: 'web', chart: 'chart' };

  it.each([false, true])(
    'refuses kube-system and every namespace the allowlist does not match (dry run: %s)',
    async isDryRun => {
      const stateDir = createTempDir();
      const workspace = createChartWorkspace();
      const refused = async (
        namespace: string,
        extra: Record<string, any> = {},
      ) => {
        const action = createHelmReleaseUpgradeAction({
          config: helmConfig(stateDir, extra),
        });
        const result = await runAction(action, {
          workspacePath: workspace,
          isDryRun,
          input: { ...release, namespace },
        });
        expect(result.error?.name).toBe('InputError');
        return result.error?.message;
      };
      expect(await refused('kube-system')).toBe(
        'Namespace kube-system belongs to the cluster itself and is refused unless multicloud.iac.helm.allowedNamespaces lists it by name',
      );
      expect(await refused('kube-system', { allowedNamespaces: ['*'] })).toBe(
        'Namespace kube-system belongs to the cluster itself and is refused unless multicloud.iac.helm.allowedNamespaces lists it by name',
      );
      for (const reserved of ['default', 'kube-public', 'kube-node-lease']) {
        expect(await refused(reserved, { allowedNamespaces: ['*'] })).toMatch(
          /belongs to the cluster itself/,
        );
      }
      expect(await refused('payments')).toBe(
        'Namespace payments is not allowed; multicloud.iac.helm.allowedNamespaces allows shop, team-*',
      );
      expect(await refused('my-team-x')).toMatch(/is not allowed/);
      expect(await refused('shop', { allowedNamespaces: undefined })).toBe(
        'Namespace shop is not allowed: no namespace is, until platform engineers list the namespaces templates may deploy to in multicloud.iac.helm.allowedNamespaces (names or patterns such as team-*)',
      );
      expect(helmCalls(stateDir)).toEqual([]);
    },
  );

  it('allows a namespace of the cluster only when it is listed by name', async () => {
    const stateDir = createTempDir();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir, {
        allowedNamespaces: ['team-*', 'default'],
      }),
    });
    const result = await runAction(action, {
      workspacePath: createChartWorkspace(),
      input: { ...release, namespace: 'default' },
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs.release).toEqual(
      expect.objectContaining({
        name: 'checkout-team-web',
        namespace: 'default',
      }),
    );
  });

  it('refuses to upgrade a release that Helm records for another owner', async () => {
    const stateDir = createTempDir();
    const workspace = createChartWorkspace();
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const installed = await runAction(action, {
      workspacePath: workspace,
      input: { ...release, namespace: 'shop' },
    });
    expect(installed.error).toBeUndefined();

    // A user and a group of the same name share the release name.
    for (const owner of [
      'user:default/checkout-team',
      'group:partners/checkout-team',
    ]) {
      const result = await runAction(action, {
        workspacePath: workspace,
        input: { ...release, owner, namespace: 'shop' },
      });
      expect(result.error?.name).toBe('NotAllowedError');
      expect(result.error?.message).toMatch(
        new RegExp(
          `^Release checkout-team-web in namespace shop exists and is not labelled multicloud\\.io/owner=\\S+: it belongs to another owner than ${owner}, or was installed outside the portal\\. It is left as it is; choose another name$`,
        ),
      );
    }
    expect(helmChanges(stateDir)).toHaveLength(1);

    const again = await runAction(action, {
      workspacePath: workspace,
      input: { ...release, namespace: 'shop' },
    });
    expect(again.error).toBeUndefined();
    expect(again.outputs.release).toEqual(
      expect.objectContaining({ revision: 2 }),
    );
  });

  it('refuses to upgrade a release installed outside the portal, without an owner label', async () => {
    const stateDir = createTempDir();
    const workspace = createChartWorkspace();
    execFileSync(
      FAKE_HELM,
      [
        'upgrade',
        'checkout-team-web',
        path.join(workspace, 'chart'),
        '--install',
        '--namespace',
        'shop',
        '--output',
        'json',
      ],
      { env: { ...process.env, FAKE_HELM_STATE_DIR: stateDir } },
    );
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { ...release, namespace: 'shop' },
    });
    expect(result.error?.name).toBe('NotAllowedError');
    expect(helmChanges(stateDir)).toHaveLength(1);
  });

  it('names the release after the owner and refuses a name that makes it too long', async () => {
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    });
    const result = await runAction(action, {
      workspacePath: createChartWorkspace(),
      isDryRun: true,
      input: {
        ...release,
        owner: 'group:default/checkout_team.eu',
        name: 'a'.repeat(40),
        namespace: 'shop',
      },
    });
    expect(result.error?.message).toBe(
      `The release name checkout-team-eu-${'a'.repeat(
        40,
      )} (owner name, "-", name) is 57 characters long; Helm allows 53: choose a name of at most 36 characters for group:default/checkout_team.eu`,
    );
  });

  it('refuses the releaseName input, saying what to pass instead', async () => {
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    });
    const result = await runAction(action, {
      workspacePath: createChartWorkspace(),
      input: { ...release, namespace: 'shop', releaseName: 'web' },
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toBe(
      'releaseName is no longer accepted: the release is named <owner name>-<name> and labelled with its owner; remove releaseName and pass owner (for example ${{ parameters.owner }}) and name (unique per owner) to helm:release:upgrade',
    );
  });
});

describe('issue 9 case 6: charts from the workspace are checked like charts from a repository', () => {
  const input = {
    owner: TEAM,
    name: 'web',
    namespace: 'shop',
    chart: 'chart',
  };

  function writeChart(dir: string, dependencies: unknown[]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'Chart.yaml'),
      yaml.stringify({
        apiVersion: 'v2',
        name: path.basename(dir),
        version: '1.0.0',
        dependencies,
      }),
    );
  }

  it.each([false, true])(
    'refuses a workspace chart when allowWorkspaceCharts is not true (dry run: %s)',
    async isDryRun => {
      const stateDir = createTempDir();
      const action = createHelmReleaseUpgradeAction({
        config: helmConfig(stateDir, { allowWorkspaceCharts: undefined }),
      });
      const result = await runAction(action, {
        workspacePath: createChartWorkspace(),
        isDryRun,
        input,
      });
      expect(result.error?.name).toBe('InputError');
      expect(result.error?.message).toBe(
        'Charts from the task workspace are not allowed; install from an allowed repository with repository and chartName, or ask platform engineers to set multicloud.iac.helm.allowWorkspaceCharts to true',
      );
      expect(helmCalls(stateDir)).toEqual([]);
    },
  );

  it.each([false, true])(
    'refuses a dependency from a repository that is not allowed, in the chart or its charts/ folder (dry run: %s)',
    async isDryRun => {
      const stateDir = createTempDir();
      const action = createHelmReleaseUpgradeAction({
        config: helmConfig(stateDir),
      });
      const cases: Array<[(chart: string) => void, string]> = [
        [
          chart =>
            writeChart(chart, [
              {
                name: 'redis',
                version: '20.1.0',
                repository: 'https://evil.example.net/charts',
              },
            ]),
          'chart chart: dependency redis comes from https://evil.example.net/charts, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories',
        ],
        [
          chart => {
            writeChart(chart, []);
            writeChart(path.join(chart, 'charts', 'cache'), [
              {
                name: 'redis',
                version: '20.1.0',
                repository: 'oci://registry.evil.example.net/charts',
              },
            ]);
          },
          'chart chart/charts/cache: dependency redis comes from oci://registry.evil.example.net/charts, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories',
        ],
        [
          chart =>
            writeChart(chart, [
              { name: 'redis', version: '20.1.0', repository: '@stable' },
            ]),
          'chart chart: dependency redis comes from @stable, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories',
        ],
        [
          chart =>
            writeChart(chart, [
              {
                name: 'other',
                version: '1.0.0',
                repository: 'file://../other',
              },
            ]),
          'chart chart: dependency other (file://../other) lies outside the chart folder chart; file:// dependencies must stay inside it',
        ],
        [
          chart => {
            writeChart(chart, [
              { name: 'lib', version: '1.0.0', repository: 'file://lib' },
            ]);
            writeChart(path.join(chart, 'lib'), [
              {
                name: 'redis',
                version: '20.1.0',
                repository: 'https://evil.example.net/charts',
              },
            ]);
          },
          'chart chart/lib: dependency redis comes from https://evil.example.net/charts, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories',
        ],
        [
          chart => {
            writeChart(chart, []);
            fs.writeFileSync(
              path.join(chart, 'charts', 'redis-20.1.0.tgz'),
              '',
            );
          },
          'chart chart: the packaged subchart charts/redis-20.1.0.tgz cannot be checked; unpack it into charts/ instead',
        ],
      ];
      for (const [make, message] of cases) {
        const workspace = createTempDir('iac-helm-');
        fs.mkdirSync(path.join(workspace, 'chart', 'charts'), {
          recursive: true,
        });
        make(path.join(workspace, 'chart'));
        const result = await runAction(action, {
          workspacePath: workspace,
          isDryRun,
          input,
        });
        expect(result.error?.name).toBe('InputError');
        expect(result.error?.message).toBe(message);
      }
      expect(helmCalls(stateDir)).toEqual([]);
    },
  );

  it('accepts dependencies from allowed repositories, vendored ones and file:// inside the chart', async () => {
    const stateDir = createTempDir();
    const workspace = createTempDir('iac-helm-');
    const chart = path.join(workspace, 'chart');
    writeChart(chart, [
      {
        name: 'redis',
        version: '20.1.0',
        repository: 'https://charts.example.com/stable/',
      },
      { name: 'common', version: '2.0.0', repository: 'file://charts/common' },
      { name: 'vendored', version: '1.0.0' },
    ]);
    writeChart(path.join(chart, 'charts', 'common'), []);
    writeChart(path.join(chart, 'charts', 'vendored'), [
      {
        name: 'postgresql',
        version: '15.0.0',
        repository: 'https://charts.example.com/stable',
      },
    ]);
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(stateDir),
    });
    const result = await runAction(action, { workspacePath: workspace, input });
    expect(result.error).toBeUndefined();
    expect(result.outputs.release).toEqual(
      expect.objectContaining({ chart: 'chart', status: 'deployed' }),
    );
  });

  it('refuses a packaged chart from the workspace', async () => {
    const workspace = createChartWorkspace();
    fs.writeFileSync(path.join(workspace, 'web-0.3.0.tgz'), '');
    const action = createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    });
    const result = await runAction(action, {
      workspacePath: workspace,
      input: { ...input, chart: 'web-0.3.0.tgz' },
    });
    expect(result.error?.message).toBe(
      'chart web-0.3.0.tgz is a packaged chart, whose dependencies cannot be checked; put the unpacked chart folder in the workspace instead',
    );
  });

  it.each([false, true])(
    'refuses a symbolic link in the chart folder, naming it (dry run: %s)',
    async isDryRun => {
      const stateDir = createTempDir();
      const workspace = createChartWorkspace();
      const outside = createTempDir();
      fs.writeFileSync(path.join(outside, 'config'), 'kubeconfig');
      fs.symlinkSync(
        path.join(outside, 'config'),
        path.join(workspace, 'chart', 'templates', 'kubeconfig.yaml'),
      );
      const action = createHelmReleaseUpgradeAction({
        config: helmConfig(stateDir),
      });
      const result = await runAction(action, {
        workspacePath: workspace,
        isDryRun,
        input,
      });
      expect(result.error?.name).toBe('InputError');
      expect(result.error?.message).toBe(
        'chart chart holds the symbolic link chart/templates/kubeconfig.yaml; symbolic links are not allowed in the folders a tool runs on: replace it with the file or folder it points to',
      );
      expect(helmCalls(stateDir)).toEqual([]);
    },
  );
});
