import { runExample } from '../../__testUtils__/examples';
import { createTempDir } from '../../__testUtils__/testContext';
import {
  terraformConfig,
  writeTerraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { examples } from './terraformApply.examples';
import { createTerraformApplyAction } from './terraformApply';
import { createTerraformPlanAction } from './terraformPlan';

jest.setTimeout(30_000);

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'parameters.owner': 'group:default/checkout-team',
  'parameters.name': 'web-1',
};

describe('terraform:apply examples', () => {
  const config = terraformConfig();
  const actions = [
    createTerraformPlanAction({ config }),
    createTerraformApplyAction({ config }),
  ];

  it.each(examples.map(e => [e.description, e]))('%s', async (_, example) => {
    const workspace = createTempDir('iac-example-');
    writeTerraformConfig(workspace, 'terraform', ['name']);
    writeTerraformConfig(workspace, 'infra/bucket', ['bucket_name']);

    const results = await runExample(example, {
      actions,
      values,
      workspacePath: workspace,
      isDryRun: false,
    });
    for (const result of results) {
      expect(result.schemaErrors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.outputs.dryRun).toBe(false);
    }
    const apply = results[results.length - 1];
    expect(apply.outputs).toMatchObject({
      summary: { add: 1, change: 0, remove: 0 },
      outputs: { public_ip: '203.0.113.10' },
      // The first example plans in a step of its own, which apply uses.
      appliedSavedPlan: results.length > 1,
    });
  });
});
