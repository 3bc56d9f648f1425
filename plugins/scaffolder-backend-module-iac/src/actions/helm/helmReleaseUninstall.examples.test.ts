import { runExample } from '../../__testUtils__/examples';
import {
  createChartWorkspace,
  helmConfig,
  TEAM,
} from '../../__testUtils__/helmWorkspace';
import { createTempDir, runAction } from '../../__testUtils__/testContext';
import { examples } from './helmReleaseUninstall.examples';
import { createHelmReleaseUninstallAction } from './helmReleaseUninstall';
import { createHelmReleaseUpgradeAction } from './helmReleaseUpgrade';

jest.setTimeout(30_000);

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'parameters.owner': TEAM,
  'parameters.pullRequest': 42,
};

describe('helm:release:uninstall examples', () => {
  it.each(examples.map(e => [e.description, e]))('%s', async (_, example) => {
    const workspace = createChartWorkspace();
    const config = helmConfig(createTempDir(), {
      allowedNamespaces: ['previews'],
    });
    const installed = await runAction(
      createHelmReleaseUpgradeAction({ config }),
      {
        workspacePath: workspace,
        input: {
          owner: TEAM,
          name: 'preview-42',
          namespace: 'previews',
          chart: 'chart',
        },
      },
    );
    expect(installed.error).toBeUndefined();

    // The example removes the release, and succeeds again once it is gone.
    const uninstall = createHelmReleaseUninstallAction({ config });
    for (const status of ['uninstalled', 'not-found']) {
      const [result] = await runExample(example, {
        actions: [uninstall],
        values,
        workspacePath: workspace,
        isDryRun: false,
      });
      expect(result.schemaErrors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.outputs).toEqual({
        release: {
          name: 'checkout-team-preview-42',
          namespace: 'previews',
          status,
        },
        dryRun: false,
      });
    }
  });
});
