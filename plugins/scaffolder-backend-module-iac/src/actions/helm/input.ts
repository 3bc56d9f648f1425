import {
  DNS_LABEL_PATTERN,
  GO_DURATION_PATTERN,
  ownerRef,
  removedInput,
} from '../../lib/inputSchemas';
import {
  Zod,
  ZodBoolean,
  ZodDefault,
  ZodOptional,
  ZodString,
  ZodUnknown,
} from '../../lib/types';

/** Input fields shared by the Helm actions. */
export const helmReleaseFields = (
  z: Zod,
): {
  owner: ZodString;
  name: ZodString;
  namespace: ZodString;
  releaseName: ZodOptional<ZodUnknown>;
  wait: ZodDefault<ZodBoolean>;
  waitTimeout: ZodDefault<ZodString>;
} => ({
  owner: ownerRef(
    z,
    'Entity ref of the group or user that owns the release, for example `${{ parameters.owner }}` from an OwnerPicker (`group:default/checkout-team`; the kind defaults to group, the namespace to default). The release is named `<owner name>-<name>` and labelled multicloud.io/owner; a release of another owner is never changed.',
  ),
  name: z
    .string({
      description:
        'Short name of the release, unique per owner: the release is `<owner name>-<name>`, at most 53 characters in all (a DNS label).',
    })
    .min(1)
    .max(53)
    .regex(DNS_LABEL_PATTERN, {
      message:
        'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    }),
  namespace: z
    .string({
      description:
        'Kubernetes namespace of the release. It must be allowed by multicloud.iac.helm.allowedNamespaces.',
    })
    .min(1)
    .max(63)
    .regex(DNS_LABEL_PATTERN, {
      message: 'must be a Kubernetes namespace name',
    }),
  releaseName: removedInput(
    z,
    'No longer accepted, and refused: the release name is derived from `owner` and `name`.',
  ),
  wait: z
    .boolean({
      description:
        'Wait until the resources are ready (or gone) before finishing (`--wait`). Default: true.',
    })
    .default(true),
  waitTimeout: z
    .string({
      description:
        'How long Helm waits for Kubernetes operations (`--timeout`), for example `5m` or `1h`. Default: `5m`.',
    })
    .regex(GO_DURATION_PATTERN, {
      message: 'must be a duration such as 90s, 5m or 1h30m',
    })
    .default('5m'),
});
