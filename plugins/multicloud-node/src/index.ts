/**
 * Node.js building blocks of the multicloud plugins: the `CloudSource`
 * interface that every cloud source implements, the extension point through
 * which other modules contribute sources, the deterministic entity naming
 * and the source status service. No cloud SDKs: the built-in sources live
 * in `@multicloud/plugin-catalog-backend-module-multicloud`.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './extensions';
export * from './sourceStatus';
export { resourceEntityName } from './entityName';
