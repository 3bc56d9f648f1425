import { ResponseError, isError } from '@backstage/errors';
import { multicloudPermissions } from '@multicloud/plugin-multicloud-common';

/** One of the multicloud plugin's permissions. */
export type MulticloudPermission = (typeof multicloudPermissions)[number];

/**
 * What a request needs: the permission and, for a resource permission, the
 * entity it is asked on.
 */
export type RequiredPermission = {
  permission: MulticloudPermission;
  /** The entity's ref, for a resource permission. */
  resourceRef?: string;
};

/** Whether the backend refused a request for want of a permission (403). */
export function isNotAllowedError(error: unknown): boolean {
  if (ResponseError.is(error)) {
    return error.statusCode === 403;
  }
  return isError(error) && error.name === 'NotAllowedError';
}

/**
 * `You need the permission multicloud.budget.update on component:default/x;
 * ask the entity's owners or your Backstage admins.`
 */
export function describeMissingPermission(
  required: RequiredPermission,
): string {
  const { permission, resourceRef } = required;
  return resourceRef
    ? `You need the permission ${permission.name} on ${resourceRef}; ask the entity's owners or your Backstage admins.`
    : `You need the permission ${permission.name}; ask your Backstage admins.`;
}

/**
 * A message a person can act on, for a change the backend refused: the
 * permission it takes on a 403, else the backend's own message.
 */
export function describeActionError(
  error: unknown,
  required: RequiredPermission,
): string {
  if (isNotAllowedError(error)) {
    return describeMissingPermission(required);
  }
  if (ResponseError.is(error)) {
    return error.cause.message;
  }
  return isError(error) ? error.message : String(error);
}
