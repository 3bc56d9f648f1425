import { Zod, ZodRecord, ZodRefined, ZodUnknown } from '../../lib/types';

/*
 * Extra variables have the highest precedence in Ansible and every string in
 * them is a Jinja2 template, rendered on the controller (the Backstage host):
 * `{{ lookup('pipe', 'id') }}` runs a command there, and `ansible_connection`
 * or `ansible_ssh_common_args` decide how and where tasks run. So names that
 * Ansible itself reads are refused, and every string is handed over marked
 * unsafe, which Ansible never renders.
 */

/** A variable name Ansible accepts: a Python identifier, ASCII only. */
export const ANSIBLE_VARIABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names Ansible reads or sets itself: connection settings and magic variables. */
const RESERVED_NAMES = new Set([
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'omit',
  'playbook_dir',
  'play_hosts',
  'environment',
  'vars',
]);
const RESERVED_PREFIXES = ['ansible_', 'inventory_', 'role_'];

/** Why an extra variable name is reserved, or undefined when it is not. */
export function reservedVariableReason(name: string): string | undefined {
  if (
    RESERVED_NAMES.has(name) ||
    RESERVED_PREFIXES.some(prefix => name.startsWith(prefix))
  ) {
    return `${name} is reserved: Ansible reads it to decide how and where tasks run (ansible_*, inventory_*, role_*, hostvars, groups, group_names, omit, playbook_dir, play_hosts, environment, vars); set it in the inventory or the playbook instead`;
  }
  return undefined;
}

/**
 * Why a key inside an extra variable's value is refused: keys are not marked
 * unsafe (JSON keys cannot be), so they must not carry a template, and
 * `__ansible_*` keys are markers of Ansible's JSON decoder.
 */
function nestedKeyReason(key: string): string | undefined {
  if (key.startsWith('__ansible')) {
    return `key ${key} is reserved by Ansible's JSON decoder`;
  }
  if (/\{[{%#]|#jinja2:/.test(key)) {
    return `key ${key} looks like a Jinja2 template; keys must be plain text`;
  }
  return undefined;
}

/** Calls `report` for each refused key inside `value`, at every depth. */
function checkNestedKeys(
  value: unknown,
  path: (string | number)[],
  report: (path: (string | number)[], message: string) => void,
) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkNestedKeys(item, [...path, i], report));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const reason = nestedKeyReason(key);
      if (reason) {
        report(path, reason);
      }
      checkNestedKeys(item, [...path, key], report);
    }
  }
}

/**
 * Extra variables: names checked by pattern (also in the JSON Schema the
 * scaffolder validates against) and against the reserved names, with an
 * issue that names the variable; keys at every depth checked too.
 */
export const ansibleExtraVars = (
  z: Zod,
  description: string,
): ZodRefined<ZodRecord<ZodUnknown>> =>
  z
    .record(
      z.string().regex(ANSIBLE_VARIABLE_PATTERN, {
        message:
          'must be a plain variable name (letters, digits and _, not starting with a digit)',
      }),
      z.unknown(),
      { description },
    )
    .superRefine((vars, ctx) => {
      const report = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
      for (const [name, value] of Object.entries(vars)) {
        const reason = reservedVariableReason(name);
        if (reason) {
          report([name], reason);
        }
        checkNestedKeys(value, [name], report);
      }
    });

/**
 * The JSON of an extra-vars file in which every string, at every depth, is
 * `{"__ansible_unsafe": "..."}`: ansible-core's JSON decoder turns that into
 * an unsafe value, which templating passes through as literal text.
 */
export function toUnsafeExtraVarsJson(vars: Record<string, unknown>): string {
  const mark = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return { __ansible_unsafe: value };
    }
    if (Array.isArray(value)) {
      return value.map(mark);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, mark(item)]),
      );
    }
    return value;
  };
  return JSON.stringify(mark(vars));
}
