/**
 * Scaffolder actions that run Terraform, Ansible and Helm with version-checked
 * binaries, an allowlisted environment and secrets masked in the task log.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIac as default } from './module';
export * from './actions';
export type { IacActionOptions } from './lib/types';
export type { IacToolName, ToolSettings } from './lib/config';
export {
  createRedactor,
  MIN_SECRET_LENGTH,
  type RedactedLine,
  type RedactedLineStream,
  type Redactor,
  type SecretInput,
} from './lib/redactor';
export {
  createToolBinaryResolver,
  type ToolBinaryResolver,
  type ResolvedTool,
} from './lib/toolBinary';
