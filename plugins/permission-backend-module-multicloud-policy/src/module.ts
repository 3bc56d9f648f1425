import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { MulticloudPermissionPolicy } from './MulticloudPermissionPolicy';

/**
 * Installs {@link MulticloudPermissionPolicy} as the permission backend's
 * policy, configured by `permission.multicloudPolicy`.
 *
 * @public
 */
export const permissionModuleMulticloudPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'multicloud-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        policy.setPolicy(
          MulticloudPermissionPolicy.fromConfig(config, { logger }),
        );
      },
    });
  },
});
