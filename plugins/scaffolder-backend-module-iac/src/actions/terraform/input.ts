import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { BackendProfile, TerraformSettings } from '../../lib/config';
import {
  IDENTIFIER_PATTERN,
  jsonValues,
  OwnerRef,
  ownerRef,
  parseOwnerRef,
  refuseRemovedInput,
  removedInput,
  STATE_NAME_PATTERN,
  workspacePath,
} from '../../lib/inputSchemas';
import { terraformStateKey } from '../../lib/ownership';
import {
  Zod,
  ZodDefault,
  ZodObject,
  ZodOptional,
  ZodOutput,
  ZodRecord,
  ZodString,
  ZodUnknown,
} from '../../lib/types';

/** The input schema shared by the Terraform actions. */
export const terraformInputSchema = (
  z: Zod,
): ZodObject<{
  workingDirectory: ZodDefault<ZodString>;
  variables: ZodOptional<ZodRecord<ZodUnknown>>;
  sensitiveVariables: ZodOptional<ZodRecord<ZodUnknown>>;
  backend: ZodOptional<ZodString>;
  owner: ZodOptional<ZodString>;
  name: ZodOptional<ZodString>;
  backendConfig: ZodOptional<ZodUnknown>;
}> =>
  z.object({
    workingDirectory: workspacePath(
      z,
      'Directory of the Terraform configuration, relative to the task workspace. Default: the workspace itself.',
    ).default('.'),
    variables: jsonValues(
      z,
      'Input variables by name. Written to a JSON -var-file readable only by the backend (mode 0600), never passed on the command line.',
    ).optional(),
    sensitiveVariables: jsonValues(
      z,
      'Input variables whose values are secrets, for example `${{ secrets.dbPassword }}`. Written to the same var file; every string in them is masked in the task log and in outputs.',
    ).optional(),
    backend: z
      .string({
        description:
          'Name of a backend profile under multicloud.iac.terraform.backends whose settings (bucket, region, locking...) are passed to `terraform init`, with a state key derived from `owner` and `name`. Only platform config sets backend settings.',
      })
      .max(64)
      .regex(IDENTIFIER_PATTERN, { message: 'must be a profile name' })
      .optional(),
    owner: ownerRef(
      z,
      'Entity ref of the group or user that owns what the configuration manages, for example `${{ parameters.owner }}` from an OwnerPicker (`group:default/checkout-team`; the kind defaults to group, the namespace to default). Needed with `backend`: the state key lies under the owner.',
    ).optional(),
    name: z
      .string({
        description:
          'Short name of what the configuration manages, unique per owner (two owners may both use `aws-vm.web-1`): dot-separated parts of lower-case letters, digits and `-`. Needed with `backend`: the state key is `<keyPrefix>/<owner kind>/<owner namespace>/<owner name>/<name>.tfstate`.',
      })
      .max(128)
      .regex(STATE_NAME_PATTERN, {
        message:
          'must be dot-separated parts of lower-case letters, digits and "-", each starting with a letter or digit',
      })
      .optional(),
    backendConfig: removedInput(
      z,
      'No longer accepted, and refused: backend settings come only from the profile named by `backend`, and the state key is derived from `owner` and `name`.',
    ),
  });

export type TerraformInputSchema = ReturnType<typeof terraformInputSchema>;
export type TerraformInput = ZodOutput<TerraformInputSchema>;

/** The secret input of a Terraform action, for the redactor. */
export function terraformSensitiveInput(input: TerraformInput): unknown[] {
  return [input.sensitiveVariables ?? {}];
}

/** The backend profile and the derived state key of a run with `backend`. */
export interface TerraformState {
  profile: BackendProfile;
  owner: OwnerRef;
  key: string;
}

/**
 * Checks the backend input and derives the state key: backend settings come
 * only from a profile in config, and the key only from the owner and name, so
 * no input can point a run at another owner's state.
 */
export function resolveTerraformState(
  input: TerraformInput,
  settings: TerraformSettings,
  actionId: string,
): TerraformState | undefined {
  refuseRemovedInput(
    input,
    'backendConfig',
    `backend settings come only from the profile multicloud.iac.terraform.backends.<backend> in app-config, and the state key is derived from owner and name. Remove backendConfig and pass backend (the profile), owner (for example \${{ parameters.owner }}) and name (unique per owner) to ${actionId}`,
  );
  if (input.backend === undefined) {
    if (input.owner !== undefined || input.name !== undefined) {
      throw new InputError(
        `owner and name make the state key of a backend profile; pass backend as well (a profile under multicloud.iac.terraform.backends)`,
      );
    }
    return undefined;
  }
  const profile = settings.backends[input.backend];
  if (!profile) {
    throw new InputError(
      `Backend profile '${input.backend}' is not configured; platform engineers define it under multicloud.iac.terraform.backends.${input.backend}`,
    );
  }
  if (input.owner === undefined || input.name === undefined) {
    throw new InputError(
      `${actionId} with backend ${input.backend} needs owner (the owning group or user, for example \${{ parameters.owner }}) and name (unique per owner): the state key is derived from them`,
    );
  }
  const owner = parseOwnerRef(input.owner);
  return { profile, owner, key: terraformStateKey(profile, owner, input.name) };
}

/** Fingerprint of what a plan was made from, to match a later apply. */
export function terraformInputFingerprint(input: TerraformInput): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(canonical);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map(k => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(
      JSON.stringify(
        canonical({
          variables: input.variables ?? {},
          sensitiveVariables: input.sensitiveVariables ?? {},
          backend: input.backend ?? null,
          owner: input.owner ? parseOwnerRef(input.owner).ref : null,
          name: input.name ?? null,
        }),
      ),
    )
    .digest('hex');
}
