import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogIngestionManagePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  taskCancelPermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  multicloudAlertReadPermission,
  multicloudAlertUpdatePermission,
  multicloudBudgetUpdatePermission,
  multicloudCostImportPermission,
  multicloudCostReadPermission,
  multicloudSourceReadPermission,
  multicloudSourceRefreshPermission,
} from '@multicloud/plugin-multicloud-common';

/**
 * Options of {@link MulticloudPermissionPolicy}, the same keys as the
 * `permission.multicloudPolicy` config block.
 *
 * @public
 */
export interface MulticloudPermissionPolicyOptions {
  /**
   * Groups whose members are allowed everything, as entity refs
   * (`group:default/platform-team`); a bare name (`platform-team`) means a
   * group in the default namespace. A user is a member when the group is
   * one of the ownership refs of their sign-in. Default: none, so nobody
   * can import cost or dry-run templates.
   */
  adminGroups?: string[];
  /**
   * Who may read an entity's cost (`multicloud.cost.read`):
   * `entity-readers` (everyone who can read the entity in the catalog) or
   * `owners` (members of the owning group, and the group or user itself).
   * Default: `entity-readers`.
   */
  costRead?: 'entity-readers' | 'owners';
  /**
   * Templates whose `metadata.tags` include this tag are invisible to, and
   * so cannot be run by, anyone but admins. Default: `privileged`.
   */
  privilegedTemplateTag?: string;
}

const CONFIG_KEY = 'permission.multicloudPolicy';
const COST_READ_MODES = ['entity-readers', 'owners'] as const;
const validator = makeValidator();

/** An invalid option, named by its key below `permission.multicloudPolicy`. */
class PolicyOptionError extends Error {
  constructor(readonly key: string, readonly reason: string) {
    super(`Invalid multicloud permission policy option ${key}: ${reason}`);
    this.name = 'PolicyOptionError';
  }
}

function parseAdminGroup(ref: string, key: string): string {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new PolicyOptionError(
      key,
      `'${ref}' is not an entity ref such as group:default/platform-team or platform-team (${
        (error as Error).message
      })`,
    );
  }
  if (
    !validator.isValidNamespace(parsed.namespace.toLocaleLowerCase('en-US')) ||
    !validator.isValidEntityName(parsed.name)
  ) {
    throw new PolicyOptionError(
      key,
      `'${ref}' is not an entity ref such as group:default/platform-team or platform-team (invalid namespace or name)`,
    );
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new PolicyOptionError(
      key,
      `'${ref}' names a ${parsed.kind}, not a Group`,
    );
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}

/** Ownership refs that parse as entity refs; a malformed one matches nothing. */
function parseOwnershipRefs(refs: string[]): CompoundEntityRef[] {
  return refs.flatMap(ref => {
    try {
      return [parseEntityRef(ref)];
    } catch {
      return [];
    }
  });
}

/**
 * The permission policy of a Backstage with the multicloud plugins.
 *
 * @remarks
 *
 * Members of the admin groups are allowed everything. Everyone else may
 * change the budgets and alerts of the entities they own (directly or
 * through one of their groups) and of their own User and Group entities,
 * read cost (of every entity they can read, or only of their own with
 * `costRead: owners`), see the cloud sources and cost folders, run
 * templates except the privileged ones and see their own scaffolder tasks;
 * cost imports, running a source now ("Refresh now"), template dry runs and the
 * template editor, deleting locations and managing catalog ingestion are
 * for admins. Any other permission is allowed. The package README has the
 * full decision table.
 *
 * @public
 */
export class MulticloudPermissionPolicy implements PermissionPolicy {
  readonly #adminGroups: ReadonlySet<string>;
  readonly #costRead: 'entity-readers' | 'owners';
  readonly #privilegedTemplateTag: string;

  /**
   * Reads the `permission.multicloudPolicy` config block.
   *
   * @throws Error naming the config key when a value is invalid.
   */
  static fromConfig(
    config: Config,
    options?: { logger?: LoggerService },
  ): MulticloudPermissionPolicy {
    const block = config.getOptionalConfig(CONFIG_KEY);
    let policy: MulticloudPermissionPolicy;
    try {
      policy = new MulticloudPermissionPolicy({
        adminGroups: block?.getOptionalStringArray('adminGroups'),
        costRead: block?.getOptionalString('costRead') as
          | MulticloudPermissionPolicyOptions['costRead']
          | undefined,
        privilegedTemplateTag: block?.getOptionalString(
          'privilegedTemplateTag',
        ),
      });
    } catch (error) {
      if (error instanceof PolicyOptionError) {
        throw new Error(
          `Invalid config at ${CONFIG_KEY}.${error.key}: ${error.reason}`,
        );
      }
      throw error;
    }
    if (policy.#adminGroups.size === 0) {
      options?.logger?.warn(
        `No ${CONFIG_KEY}.adminGroups configured: nobody can import cost, refresh sources, dry-run templates, delete locations or run templates tagged '${
          policy.#privilegedTemplateTag
        }'`,
      );
    }
    return policy;
  }

  /**
   * Creates the policy from options, with the same keys and defaults as the
   * config block.
   *
   * @throws Error naming the option when a value is invalid.
   */
  constructor(options: MulticloudPermissionPolicyOptions = {}) {
    this.#adminGroups = new Set(
      (options.adminGroups ?? []).map((ref, index) =>
        parseAdminGroup(ref, `adminGroups[${index}]`),
      ),
    );

    const costRead = options.costRead ?? 'entity-readers';
    if (!COST_READ_MODES.includes(costRead)) {
      throw new PolicyOptionError(
        'costRead',
        `'${costRead}' is neither ${COST_READ_MODES.map(m => `'${m}'`).join(
          ' nor ',
        )}`,
      );
    }
    this.#costRead = costRead;

    const tag = options.privilegedTemplateTag ?? 'privileged';
    if (!validator.isValidTag(tag)) {
      throw new PolicyOptionError(
        'privilegedTemplateTag',
        `'${tag}' is not a valid catalog tag (lower-case letters, digits, ':', '+', '#' and single dashes, at most 63 characters), so no template could carry it`,
      );
    }
    this.#privilegedTemplateTag = tag;
  }

  /**
   * Decides one permission for a user; `user` is undefined for a request
   * without a user principal, which is treated as a non-admin who owns
   * nothing.
   */
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (this.#isAdmin(user)) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (
      isPermission(permission, multicloudCostImportPermission) ||
      isPermission(permission, multicloudSourceRefreshPermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (isPermission(permission, multicloudSourceReadPermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPermission(permission, multicloudCostReadPermission)) {
      return this.#costRead === 'owners'
        ? ownedByOrIsOneOf(permission, user)
        : { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, multicloudBudgetUpdatePermission) ||
      isPermission(permission, multicloudAlertUpdatePermission)
    ) {
      return ownedByOrIsOneOf(permission, user);
    }
    if (isPermission(permission, multicloudAlertReadPermission)) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (isPermission(permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(permission, {
        not: {
          allOf: [
            catalogConditions.isEntityKind({ kinds: ['Template'] }),
            catalogConditions.hasMetadata({
              key: 'tags',
              value: this.#privilegedTemplateTag,
            }),
          ],
        },
      });
    }
    if (isPermission(permission, catalogEntityDeletePermission)) {
      return ownedByOrIsOneOf(permission, user);
    }
    if (
      isPermission(permission, catalogLocationDeletePermission) ||
      isPermission(permission, catalogIngestionManagePermission) ||
      isPermission(permission, templateDryRunPermission) ||
      isPermission(permission, templateManagementPermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }

    if (
      isPermission(permission, taskReadPermission) ||
      isPermission(permission, taskCancelPermission)
    ) {
      if (!user) {
        return { result: AuthorizeResult.DENY };
      }
      return createScaffolderTaskConditionalDecision(permission, {
        anyOf: [
          scaffolderTaskConditions.isTaskOwner({
            createdBy: [user.info.userEntityRef],
          }),
        ],
      });
    }

    return { result: AuthorizeResult.ALLOW };
  }

  #isAdmin(user: PolicyQueryUser | undefined): boolean {
    return (user?.info.ownershipEntityRefs ?? []).some(ref =>
      this.#adminGroups.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}

/**
 * The entity is owned by one of the user's ownership refs, or is one of
 * them (the user's own User entity, their teams' Group entities).
 */
function ownedByOrIsOneOf(
  permission: ResourcePermission<'catalog-entity'>,
  user: PolicyQueryUser | undefined,
): PolicyDecision {
  const claims = user?.info.ownershipEntityRefs ?? [];
  if (claims.length === 0) {
    return { result: AuthorizeResult.DENY };
  }
  const isOneOfClaims: PermissionCriteria<
    PermissionCondition<'catalog-entity'>
  >[] = parseOwnershipRefs(claims).map(ref => ({
    allOf: [
      catalogConditions.isEntityKind({ kinds: [ref.kind] }),
      catalogConditions.hasMetadata({
        key: 'namespace',
        value: ref.namespace,
      }),
      catalogConditions.hasMetadata({ key: 'name', value: ref.name }),
    ],
  }));
  return createCatalogConditionalDecision(permission, {
    anyOf: [catalogConditions.isEntityOwner({ claims }), ...isOneOfClaims],
  });
}
