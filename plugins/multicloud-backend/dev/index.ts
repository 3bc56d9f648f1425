import { createBackend } from '@backstage/backend-defaults';

// Standalone backend for developing this plugin: `yarn start` in this folder,
// then `curl -H 'Authorization: Bearer <token>' localhost:7007/api/multicloud/health`.
const backend = createBackend();
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('../src'));
backend.start();
