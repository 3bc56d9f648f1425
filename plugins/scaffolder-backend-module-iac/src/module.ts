import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createAnsiblePlaybookRunAction,
  createHelmReleaseUninstallAction,
  createHelmReleaseUpgradeAction,
  createTerraformApplyAction,
  createTerraformDestroyAction,
  createTerraformPlanAction,
} from './actions';
import { readIacSettings } from './lib/config';
import { createToolBinaryResolver } from './lib/toolBinary';

/**
 * Scaffolder module for infrastructure as code: the Terraform, Ansible and
 * Helm actions, configured under `multicloud.iac`.
 *
 * @public
 */
export const scaffolderModuleIac = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'iac',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, config }) {
        // Fail at startup on malformed config rather than in the first task.
        readIacSettings(config);
        const options = { config, binaries: createToolBinaryResolver() };
        scaffolderActions.addActions(
          createTerraformPlanAction(options),
          createTerraformApplyAction(options),
          createTerraformDestroyAction(options),
          createAnsiblePlaybookRunAction(options),
          createHelmReleaseUpgradeAction(options),
          createHelmReleaseUninstallAction(options),
        );
      },
    });
  },
});
