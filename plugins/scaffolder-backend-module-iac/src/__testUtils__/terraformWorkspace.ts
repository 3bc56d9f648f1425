import fs from 'node:fs';
import path from 'node:path';
import { createTempDir, FAKE_TERRAFORM, iacConfig } from './testContext';

export const MAIN_TF = `terraform {
  backend "s3" {}
}

variable "name" {
  type = string
}

variable "admin_password" {
  type      = string
  sensitive = true
  default   = "unused"
}

resource "aws_instance" "vm" {
  ami = "ami-0123456789abcdef0"
}

resource "aws_security_group" "vm" {
  name = var.name
}

output "public_ip" {
  value = aws_instance.vm.public_ip
}

output "admin_password" {
  value     = var.admin_password
  sensitive = true
}
`;

export function createTerraformWorkspace(
  files: Record<string, string> = {},
): string {
  const workspace = createTempDir('iac-ws-');
  fs.mkdirSync(path.join(workspace, 'terraform'));
  fs.writeFileSync(path.join(workspace, 'terraform', 'main.tf'), MAIN_TF);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(workspace, 'terraform', name), content);
  }
  return workspace;
}

export function terraformCalls(workspace: string): any[] {
  const file = path.join(
    workspace,
    'terraform',
    '.fake-terraform',
    'calls.jsonl',
  );
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line))
    : [];
}

export const terraformConfig = (extra: Record<string, any> = {}) =>
  iacConfig({
    terraform: {
      binary: FAKE_TERRAFORM,
      backends: { aws: { bucket: 'state-bucket', region: 'eu-west-1' } },
      ...extra,
    },
  });

/**
 * Writes a configuration into a directory of the workspace that declares the
 * given variables (the first one required, the others with a default), a
 * resource and an output: what an example's step needs to plan and apply.
 */
export function writeTerraformConfig(
  workspace: string,
  directory: string,
  variables: string[],
) {
  const dir = path.join(workspace, directory);
  fs.mkdirSync(dir, { recursive: true });
  const declarations = variables.map((name, i) =>
    i === 0
      ? `variable "${name}" {\n  type = string\n}\n`
      : `variable "${name}" {\n  default = null\n}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'main.tf'),
    [
      'terraform {\n  backend "s3" {}\n}\n',
      ...declarations,
      'resource "aws_instance" "vm" {\n  ami = "ami-0123456789abcdef0"\n}\n',
      'output "public_ip" {\n  value = aws_instance.vm.public_ip\n}\n',
    ].join('\n'),
  );
}
