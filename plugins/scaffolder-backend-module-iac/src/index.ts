/**
 * Scaffolder actions for Terraform, Ansible and Helm.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIac as default } from './module';
export * from './actions';
export type { IacActionOptions } from './lib/types';
export { createRedactor, type Redactor } from './lib/redactor';
export {
  createToolBinaryResolver,
  type ToolBinaryResolver,
  type ResolvedTool,
} from './lib/toolBinary';
