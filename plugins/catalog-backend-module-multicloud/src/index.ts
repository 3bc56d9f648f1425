/**
 * Catalog backend module that ingests AWS, Azure, GCP and Kubernetes
 * resources as `Resource` entities.
 *
 * @packageDocumentation
 */

export { catalogModuleMulticloud as default } from './module';
export { MulticloudEntityProvider } from './providers/MulticloudEntityProvider';
export type { MulticloudProviderOptions } from './providers/MulticloudEntityProvider';
