import { runExample } from '../../__testUtils__/examples';
import {
  createChartWorkspace,
  helmConfig,
} from '../../__testUtils__/helmWorkspace';
import { createTempDir } from '../../__testUtils__/testContext';
import { examples } from './helmReleaseUpgrade.examples';
import { createHelmReleaseUpgradeAction } from './helmReleaseUpgrade';

jest.setTimeout(30_000);

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'parameters.owner': 'group:default/checkout-team',
  'parameters.name': 'web',
  'parameters.namespace': 'shop',
  'parameters.image': 'registry.example.com/shop/web',
  'parameters.tag': '2.4.1',
  'parameters.replicas': 3,
  'secrets.redisPassword': 'redis-password-7731',
};

describe('helm:release:upgrade examples', () => {
  it.each(examples.map(e => [e.description, e]))('%s', async (_, example) => {
    const workspace = createChartWorkspace();
    const config = helmConfig(createTempDir(), {
      allowedRepositories: [
        'https://charts.example.com/stable/',
        'oci://registry-1.docker.io/bitnamicharts',
      ],
    });

    const [result] = await runExample(example, {
      actions: [createHelmReleaseUpgradeAction({ config })],
      values,
      workspacePath: workspace,
      isDryRun: false,
      secrets: { redisPassword: values['secrets.redisPassword'] },
    });
    expect(result.schemaErrors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      release: {
        name: expect.stringMatching(/^checkout-team-/),
        namespace: 'shop',
        status: 'deployed',
        revision: 1,
      },
      dryRun: false,
    });
    expect(JSON.stringify(result.outputs)).not.toContain(
      values['secrets.redisPassword'],
    );
  });
});
