import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { MulticloudAlert } from '@multicloud/plugin-multicloud-common';

type EntityPermission = ResourcePermission<'catalog-entity'>;

/**
 * The permission checks of the plugin, shared by the REST API and the
 * actions so that both refuse the same callers with the same words.
 */
export interface Access {
  /** Throws 403 unless the caller holds the basic `permission`. */
  authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void>;
  /** Throws 403 unless the caller holds `permission` on `entity`. */
  authorizeOn(
    credentials: BackstageCredentials,
    permission: EntityPermission,
    entity: Entity,
  ): Promise<void>;
  /**
   * The entity, if the caller may see it in the catalog (else 404, so that
   * its existence is not told) and holds `permission` on it (else 403).
   */
  authorizedEntity(
    credentials: BackstageCredentials,
    permission: EntityPermission,
    entityRef: string,
  ): Promise<Entity>;
  /** Of `entityRefs`, those on which the caller holds `permission`. */
  allowedRefs(
    credentials: BackstageCredentials,
    permission: EntityPermission,
    entityRefs: string[],
  ): Promise<Set<string>>;
  /** The entity, if the caller may see it in the catalog. */
  entityFor(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity>;
  /**
   * The computed alert, if the caller may see its entity in the catalog
   * (else 404) and holds `permission` on it (else 403).
   */
  authorizedAlert(
    alert: MulticloudAlert,
    credentials: BackstageCredentials,
    permission: EntityPermission,
  ): Promise<MulticloudAlert>;
}

export function createAccess(options: {
  permissions: PermissionsService;
  catalog: CatalogService;
}): Access {
  const { permissions, catalog } = options;

  const authorize: Access['authorize'] = async (credentials, permission) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You need the permission ${permission.name}; ask your Backstage admins for it`,
      );
    }
  };

  const authorizeOn: Access['authorizeOn'] = async (
    credentials,
    permission,
    entity,
  ) => {
    const resourceRef = stringifyEntityRef(entity);
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You need the permission ${permission.name} on ${resourceRef}; ask its owners or your Backstage admins`,
      );
    }
  };

  const entityFor: Access['entityFor'] = async (entityRef, credentials) => {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
  };

  return {
    authorize,
    authorizeOn,
    entityFor,
    async authorizedEntity(credentials, permission, entityRef) {
      const entity = await entityFor(entityRef, credentials);
      await authorizeOn(credentials, permission, entity);
      return entity;
    },
    async allowedRefs(credentials, permission, entityRefs) {
      const refs = [...new Set(entityRefs)];
      if (refs.length === 0) {
        return new Set();
      }
      const decisions = await permissions.authorize(
        refs.map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      return new Set(
        refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
      );
    },
    async authorizedAlert(alert, credentials, permission) {
      const entity = await catalog.getEntityByRef(alert.entityRef, {
        credentials,
      });
      if (!entity) {
        throw new NotFoundError(`No alert ${alert.id}`);
      }
      await authorizeOn(credentials, permission, entity);
      return alert;
    },
  };
}
