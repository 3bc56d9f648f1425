/**
 * Scaffolder actions for Terraform, Ansible and Helm.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIac as default } from './module';
export { createRedactor, type Redactor } from './lib/redactor';
