import { runExample } from '../../__testUtils__/examples';
import { createTempDir } from '../../__testUtils__/testContext';
import {
  terraformConfig,
  writeTerraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { examples } from './terraformPlan.examples';
import { createTerraformPlanAction } from './terraformPlan';

jest.setTimeout(30_000);

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'parameters.owner': 'group:default/checkout-team',
  'parameters.name': 'web-1',
  'parameters.region': 'eu-west-1',
  'parameters.owner | parseEntityRef | pick("name")': 'checkout-team',
  'secrets.dbPassword': 'db-password-0451',
};

describe('terraform:plan examples', () => {
  const plan = createTerraformPlanAction({ config: terraformConfig() });

  it.each(examples.map(e => [e.description, e]))('%s', async (_, example) => {
    const workspace = createTempDir('iac-example-');
    writeTerraformConfig(workspace, 'terraform', ['name', 'region', 'tags']);
    writeTerraformConfig(workspace, 'infra/database', [
      'name',
      'admin_password',
    ]);

    const results = await runExample(example, {
      actions: [plan],
      values,
      workspacePath: workspace,
      isDryRun: false,
      secrets: { dbPassword: values['secrets.dbPassword'] },
    });
    for (const result of results) {
      expect(result.schemaErrors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.outputs).toMatchObject({
        hasChanges: true,
        summary: { add: 1, change: 0, remove: 0 },
        dryRun: false,
      });
      expect(result.text).not.toContain(values['secrets.dbPassword']);
    }
  });
});
