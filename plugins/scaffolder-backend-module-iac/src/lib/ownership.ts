import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { BackendProfile } from './config';
import { OwnerRef } from './inputSchemas';

/**
 * The Terraform state key of one owner's configuration:
 * `<keyPrefix>/<owner kind>/<owner namespace>/<owner name>/<name>.tfstate`,
 * or that directory without the `.tfstate` file for a backend whose setting
 * is a prefix (gcs stores `<prefix>/<workspace>.tfstate` itself). Each part
 * is validated (no `/`, never `..`), so no input can leave the owner's
 * directory: two owners who pick the same name get two different states.
 */
export function terraformStateKey(
  profile: BackendProfile,
  owner: OwnerRef,
  name: string,
): string {
  const directory = [
    profile.keyPrefix,
    owner.kind,
    owner.namespace,
    owner.name,
  ].join('/');
  return profile.keySetting === 'prefix'
    ? `${directory}/${name}`
    : `${directory}/${name}.tfstate`;
}

/** Helm's limit on release names (they become label values with a suffix). */
export const HELM_RELEASE_NAME_MAX = 53;

/**
 * The Helm release of one owner's deployment: `<owner name>-<name>`, the
 * owner's name made a DNS label (lower-case; `_` and `.` become `-`). Release
 * names are unique per namespace only, so the owner's name keeps teams apart
 * by default; {@link ownerLabelValue} settles who owns an existing release.
 */
export function helmReleaseName(owner: OwnerRef, name: string): string {
  const ownerPart = owner.name.replace(/[^a-z0-9-]/g, '-');
  const releaseName = `${ownerPart}-${name}`;
  if (releaseName.length > HELM_RELEASE_NAME_MAX) {
    throw new InputError(
      `The release name ${releaseName} (owner name, "-", name) is ${
        releaseName.length
      } characters long; Helm allows ${HELM_RELEASE_NAME_MAX}: choose a name of at most ${Math.max(
        HELM_RELEASE_NAME_MAX - ownerPart.length - 1,
        0,
      )} characters for ${owner.ref}`,
    );
  }
  return releaseName;
}

/** The Helm release label that records the owning entity. */
export const OWNER_LABEL = 'multicloud.io/owner';

/**
 * The value of {@link OWNER_LABEL} for an owner: its ref made a Kubernetes
 * label value (`group.default.checkout-team`, cut to fit), followed by a
 * hash of the full ref, since entity names may hold `.` and a cut ref could
 * name two owners.
 */
export function ownerLabelValue(owner: OwnerRef): string {
  const readable = `${owner.kind}.${owner.namespace}.${owner.name}`.slice(
    0,
    52,
  );
  const hash = createHash('sha256').update(owner.ref).digest('hex');
  return `${readable}.${hash.slice(0, 10)}`;
}
