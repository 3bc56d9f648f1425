import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/**
 * Scaffolder module for infrastructure as code: Terraform, Ansible and Helm
 * actions.
 *
 * @public
 */
export const scaffolderModuleIac = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'iac',
  register({ registerInit }) {
    registerInit({
      deps: { scaffolderActions: scaffolderActionsExtensionPoint },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions();
      },
    });
  },
});
