import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { multicloudPermissions } from '@multicloud/plugin-multicloud-common';
import { createRouter } from './router';
import { createHealthService } from './services/Health/createHealthService';

/**
 * The multicloud backend plugin: cost, topology and alerts for catalog entities.
 *
 * @public
 */
export const multicloudPlugin = createBackendPlugin({
  pluginId: 'multicloud',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ database, httpAuth, httpRouter, permissionsRegistry }) {
        permissionsRegistry.addPermissions(multicloudPermissions);
        const health = await createHealthService({
          knex: await database.getClient(),
        });
        httpRouter.use(await createRouter({ httpAuth, health }));
      },
    });
  },
});
