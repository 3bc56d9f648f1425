import { InputError } from '@backstage/errors';
import { z } from 'zod';

/*
 * Every string that ends up as a command-line argument is matched against an
 * allowlist pattern: no shell metacharacters (the tools run without a shell,
 * but the patterns keep input honest anyway), no whitespace, and never a
 * leading '-', so no value can be read as an option (`--kubeconfig`,
 * `-var-file=/etc/passwd`). The patterns become JSON Schema `pattern`s, so the
 * scaffolder already rejects bad input before the action runs; the action
 * parses its input with the same schema again.
 */

/** A relative path inside the workspace: no leading '/' or '-', no '..'. */
export const WORKSPACE_PATH_PATTERN =
  /^(?![-/])(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_.@+/-]+$/;
/** A Kubernetes / DNS-1123 label. */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Terraform variable and backend setting names, Ansible variable names. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A host name, IPv4 or IPv6 address. */
export const HOST_PATTERN = /^(?![-.])[A-Za-z0-9_.:[\]-]+$/;
/** An Ansible host pattern for `--limit`: names, groups, globs, `!`, `&`, `,`. */
export const HOST_LIMIT_PATTERN = /^(?![-])[A-Za-z0-9_.:*!&,[\]-]+$/;
/** An Ansible tag. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A Unix user name. */
export const USER_PATTERN = /^[a-z_][a-z0-9_.-]*$/;
/** A chart name in a repository. */
export const CHART_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** A chart version: a SemVer, optionally with a leading v. */
export const CHART_VERSION_PATTERN =
  /^v?[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** A chart repository: https:// or oci:// URL, no credentials or query. */
export const REPOSITORY_PATTERN =
  /^(https|oci):\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~-]+)*\/?$/;
/** A Go duration as Helm takes it, for example `5m` or `1h30m`. */
export const GO_DURATION_PATTERN = /^([0-9]+(ms|s|m|h))+$/;

export const workspacePath = (description: string) =>
  z.string({ description }).min(1).max(1024).regex(WORKSPACE_PATH_PATTERN, {
    message:
      'must be a relative path inside the workspace (letters, digits, . _ - + @ /; no "..", no leading "/" or "-")',
  });

/** Values that become files the tool reads, never arguments. */
export const jsonValues = (description: string) =>
  z.record(
    z.string().regex(IDENTIFIER_PATTERN, { message: 'invalid name' }),
    z.unknown(),
    { description },
  );

/**
 * Parses action input with its schema; a failure is an {@link InputError}
 * naming each offending field, without echoing the values.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  actionId: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map(issue => `${issue.path.join('.') || 'input'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid input to ${actionId}: ${problems}`);
  }
  return result.data;
}

/**
 * The form the scaffolder wants for `schema.input` / `schema.output`.
 *
 * @remarks
 * `@backstage/plugin-scaffolder-node` converts the zod schema to JSON Schema
 * by its shape; its typings pin another copy of zod than this package, so the
 * schema is handed over untyped and the handler parses `ctx.input` itself
 * with {@link parseInput}, which also applies the defaults.
 */
export function forScaffolder(schema: z.ZodTypeAny): (zImpl: any) => any {
  return () => schema;
}
