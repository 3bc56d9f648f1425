import { runExample } from '../../__testUtils__/examples';
import { createTempDir, runAction } from '../../__testUtils__/testContext';
import {
  terraformConfig,
  writeTerraformConfig,
} from '../../__testUtils__/terraformWorkspace';
import { createTerraformApplyAction } from './terraformApply';
import { examples } from './terraformDestroy.examples';
import { createTerraformDestroyAction } from './terraformDestroy';

jest.setTimeout(30_000);

/** The values the examples' expressions take, as a template run would give them. */
const values = {
  'parameters.owner': 'group:default/checkout-team',
  'parameters.name': 'pr-42',
};

describe('terraform:destroy examples', () => {
  const config = terraformConfig();

  it.each(examples.map(e => [e.description, e]))('%s', async (_, example) => {
    const workspace = createTempDir('iac-example-');
    writeTerraformConfig(workspace, 'terraform', ['name']);
    // Something to destroy: what an earlier task applied.
    const applied = await runAction(createTerraformApplyAction({ config }), {
      workspacePath: workspace,
      input: {
        workingDirectory: 'terraform',
        variables: { name: values['parameters.name'] },
      },
    });
    expect(applied.error).toBeUndefined();

    const [result] = await runExample(example, {
      actions: [createTerraformDestroyAction({ config })],
      values,
      workspacePath: workspace,
      isDryRun: false,
    });
    expect(result.schemaErrors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      summary: { add: 0, change: 0, remove: 1 },
      dryRun: false,
    });
  });
});
