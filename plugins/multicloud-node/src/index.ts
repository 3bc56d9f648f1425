/**
 * Node.js building blocks of the multicloud plugins: the `CloudSource`
 * interface that every cloud adapter implements, and the extension point
 * through which other modules contribute sources.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './extensions';
export * from './sourceStatus';
export { resourceEntityName } from './entityName';
export { createCloudSourceFromConfig } from './sources/createCloudSourceFromConfig';
export type { CloudSourceFactoryOptions } from './sources/types';
export * from './sources/aws';
export * from './sources/azure';
export * from './sources/gcp';
export * from './sources/kubernetes';
export {
  createInventorySourceFromConfig,
  readInventoryFolder,
} from './sources/inventory';
