import { InputError } from '@backstage/errors';
import {
  Zod,
  ZodOptional,
  ZodOutput,
  ZodRecord,
  ZodSchema,
  ZodString,
  ZodUnknown,
} from './types';

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
/**
 * An entity reference as the owner pickers give it: `[kind:][namespace/]name`,
 * each part a catalog entity name (letters, digits, `-`, `_`, `.`, starting
 * and ending with a letter or digit). The kind is checked in code, see
 * {@link parseOwnerRef}.
 */
export const ENTITY_REF_PATTERN =
  /^(?:[A-Za-z]+:)?(?:[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?\/)?[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;
/**
 * The short name of a Terraform state: dot-separated parts of lower-case
 * letters, digits and `-`, each starting with a letter or digit, so it can
 * never be `..` or hold a `/`.
 */
export const STATE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

export const workspacePath = (z: Zod, description: string): ZodString =>
  z.string({ description }).min(1).max(1024).regex(WORKSPACE_PATH_PATTERN, {
    message:
      'must be a relative path inside the workspace (letters, digits, . _ - + @ /; no "..", no leading "/" or "-")',
  });

/** The owning group or user of what an action creates. */
export const ownerRef = (z: Zod, description: string): ZodString =>
  z.string({ description }).max(260).regex(ENTITY_REF_PATTERN, {
    message:
      'must be the entity ref of a group or user, such as group:default/checkout-team',
  });

/**
 * An input an action no longer takes. It stays in the schema so the action
 * can refuse it with a message saying what to pass instead (see
 * {@link refuseRemovedInput}); unknown fields would only get the
 * scaffolder's generic "additional property" error.
 */
export const removedInput = (
  z: Zod,
  description: string,
): ZodOptional<ZodUnknown> => z.unknown({ description }).optional();

/** Fails with `message` when a removed input was given. */
export function refuseRemovedInput(
  input: Record<string, unknown>,
  name: string,
  message: string,
) {
  if (input[name] !== undefined) {
    throw new InputError(`${name} is no longer accepted: ${message}`);
  }
}

/** A group or user entity, as {@link parseOwnerRef} reads it. */
export interface OwnerRef {
  kind: 'group' | 'user';
  namespace: string;
  name: string;
  /** `kind:namespace/name`, lower-case: entity refs compare without case. */
  ref: string;
}

/**
 * Reads an owner entity ref. The kind defaults to `group` and the namespace
 * to `default`, as the scaffolder's OwnerPicker does; any kind other than
 * group or user is refused.
 */
export function parseOwnerRef(value: string, inputName = 'owner'): OwnerRef {
  const match = /^(?:([A-Za-z]+):)?(?:([^/:]+)\/)?([^/:]+)$/.exec(value);
  if (!match || !ENTITY_REF_PATTERN.test(value)) {
    throw new InputError(
      `${inputName} must be the entity ref of a group or user, such as group:default/checkout-team: ${value}`,
    );
  }
  const kind = (match[1] ?? 'group').toLocaleLowerCase('en-US');
  if (kind !== 'group' && kind !== 'user') {
    throw new InputError(
      `${inputName} must be a group or user, not a ${kind}: ${value}`,
    );
  }
  const namespace = (match[2] ?? 'default').toLocaleLowerCase('en-US');
  const name = match[3].toLocaleLowerCase('en-US');
  return { kind, namespace, name, ref: `${kind}:${namespace}/${name}` };
}

/** Values that become files the tool reads, never arguments. */
export const jsonValues = (
  z: Zod,
  description: string,
): ZodRecord<ZodUnknown> =>
  z.record(
    z.string().regex(IDENTIFIER_PATTERN, { message: 'invalid name' }),
    z.unknown(),
    { description },
  );

/**
 * Parses action input with its schema; a failure is an {@link InputError}
 * naming each offending field, without echoing the values.
 */
export function parseInput<TSchema extends ZodSchema>(
  schema: TSchema,
  input: unknown,
  actionId: string,
): ZodOutput<TSchema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map(issue => `${issue.path.join('.') || 'input'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid input to ${actionId}: ${problems}`);
  }
  return result.data;
}
