import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  catalogIngestionReadPermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  createPermission,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PermissionRuleParams,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
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
import {
  MulticloudPermissionPolicy,
  MulticloudPermissionPolicyOptions,
} from './MulticloudPermissionPolicy';

function policyUser(userEntityRef: string, groups: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
  };
}

const users = {
  admin: policyUser('user:default/ada', ['group:default/platform-team']),
  member: policyUser('user:default/guest', ['group:default/checkout-team']),
  anonymous: undefined,
};
type UserName = keyof typeof users;

function entity(
  kind: string,
  name: string,
  options: { owner?: string; tags?: string[] } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      ...(options.tags ? { tags: options.tags } : {}),
    },
    spec: options.owner ? { owner: options.owner } : {},
    relations: options.owner
      ? [{ type: 'ownedBy', targetRef: options.owner }]
      : [],
  };
}

/** The entities the README's decision table speaks of. */
const entities = {
  ownTeamComponent: entity('Component', 'checkout-api', {
    owner: 'group:default/checkout-team',
  }),
  otherTeamComponent: entity('Component', 'platform-api', {
    owner: 'group:default/platform-team',
  }),
  ownTeam: entity('Group', 'checkout-team'),
  otherTeam: entity('Group', 'platform-team'),
  ownUser: entity('User', 'guest'),
  otherUser: entity('User', 'ada'),
  privilegedTemplate: entity('Template', 'rotate-keys', {
    owner: 'group:default/platform-team',
    tags: ['aws', 'privileged'],
  }),
  template: entity('Template', 'aws-vm', {
    owner: 'group:default/platform-team',
    tags: ['aws'],
  }),
  privilegedComponent: entity('Component', 'vault', {
    owner: 'group:default/platform-team',
    tags: ['privileged'],
  }),
};
type EntityName = keyof typeof entities;

/**
 * Evaluates catalog conditions on an entity with the catalog's own rules,
 * as the catalog does when it answers an apply-conditions request.
 */
function applies(
  criteria: PermissionCriteria<PermissionCondition<string>>,
  resource: Entity,
): boolean {
  if ('anyOf' in criteria) {
    return criteria.anyOf.some(c => applies(c, resource));
  }
  if ('allOf' in criteria) {
    return criteria.allOf.every(c => applies(c, resource));
  }
  if ('not' in criteria) {
    return !applies(criteria.not, resource);
  }
  const rule = Object.values(permissionRules).find(
    r => r.name === criteria.rule,
  );
  if (!rule) {
    throw new Error(`No catalog rule ${criteria.rule}`);
  }
  return rule.apply(resource, criteria.params as never);
}

const catalogCondition = (
  rule: string,
  params: PermissionRuleParams,
): PermissionCondition<'catalog-entity'> => ({
  rule,
  resourceType: 'catalog-entity',
  params,
});

/** Owned by one of the member's refs, or is one of them. */
const memberOwnsOrIs: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    anyOf: [
      catalogCondition('IS_ENTITY_OWNER', {
        claims: ['user:default/guest', 'group:default/checkout-team'],
      }),
      {
        allOf: [
          catalogCondition('IS_ENTITY_KIND', { kinds: ['user'] }),
          catalogCondition('HAS_METADATA', {
            key: 'namespace',
            value: 'default',
          }),
          catalogCondition('HAS_METADATA', { key: 'name', value: 'guest' }),
        ],
      },
      {
        allOf: [
          catalogCondition('IS_ENTITY_KIND', { kinds: ['group'] }),
          catalogCondition('HAS_METADATA', {
            key: 'namespace',
            value: 'default',
          }),
          catalogCondition('HAS_METADATA', {
            key: 'name',
            value: 'checkout-team',
          }),
        ],
      },
    ],
  },
};
/** The entities `memberOwnsOrIs` lets the member act on. */
const memberOwnsOrIsEntities: EntityName[] = [
  'ownTeamComponent',
  'ownTeam',
  'ownUser',
];

const notPrivilegedTemplate: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    not: {
      allOf: [
        catalogCondition('IS_ENTITY_KIND', { kinds: ['Template'] }),
        catalogCondition('HAS_METADATA', { key: 'tags', value: 'privileged' }),
      ],
    },
  },
};

const memberCreatedTask: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'scaffolder',
  resourceType: 'scaffolder-task',
  conditions: {
    anyOf: [
      {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/guest'] },
      },
    ],
  },
};

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };
const allEntities = Object.keys(entities) as EntityName[];

type Row = {
  permission: Permission;
  user: UserName;
  decision: PolicyDecision;
  /** For catalog conditional decisions: the entities they allow. */
  allows?: EntityName[];
  options?: MulticloudPermissionPolicyOptions;
};

const defaults: MulticloudPermissionPolicyOptions = {
  adminGroups: ['group:default/platform-team'],
};

/** Every row of the README's decision table. */
const rows: Row[] = [
  // Admins: everything.
  ...[
    multicloudCostImportPermission,
    multicloudCostReadPermission,
    multicloudBudgetUpdatePermission,
    multicloudAlertReadPermission,
    multicloudAlertUpdatePermission,
    multicloudSourceReadPermission,
    multicloudSourceRefreshPermission,
    catalogEntityReadPermission,
    catalogEntityDeletePermission,
    catalogLocationDeletePermission,
    catalogIngestionManagePermission,
    templateDryRunPermission,
    templateManagementPermission,
    taskReadPermission,
    taskCancelPermission,
  ].map(permission => ({
    permission,
    user: 'admin' as const,
    decision: ALLOW,
  })),
  {
    permission: multicloudCostReadPermission,
    user: 'admin',
    decision: ALLOW,
    options: { ...defaults, costRead: 'owners' },
  },

  // Multicloud permissions for everyone else.
  {
    permission: multicloudCostImportPermission,
    user: 'member',
    decision: DENY,
  },
  { permission: multicloudCostReadPermission, user: 'member', decision: ALLOW },
  {
    permission: multicloudCostReadPermission,
    user: 'member',
    decision: memberOwnsOrIs,
    allows: memberOwnsOrIsEntities,
    options: { ...defaults, costRead: 'owners' },
  },
  {
    permission: multicloudBudgetUpdatePermission,
    user: 'member',
    decision: memberOwnsOrIs,
    allows: memberOwnsOrIsEntities,
  },
  {
    permission: multicloudAlertUpdatePermission,
    user: 'member',
    decision: memberOwnsOrIs,
    allows: memberOwnsOrIsEntities,
  },
  {
    permission: multicloudAlertReadPermission,
    user: 'member',
    decision: ALLOW,
  },
  {
    permission: multicloudSourceReadPermission,
    user: 'member',
    decision: ALLOW,
  },
  {
    permission: multicloudSourceRefreshPermission,
    user: 'member',
    decision: DENY,
  },

  // Catalog.
  {
    permission: catalogEntityReadPermission,
    user: 'member',
    decision: notPrivilegedTemplate,
    allows: allEntities.filter(e => e !== 'privilegedTemplate'),
  },
  {
    permission: catalogEntityDeletePermission,
    user: 'member',
    decision: memberOwnsOrIs,
    allows: memberOwnsOrIsEntities,
  },
  ...[
    catalogEntityRefreshPermission,
    catalogEntityCreatePermission,
    catalogEntityValidatePermission,
    catalogLocationCreatePermission,
    catalogLocationReadPermission,
    catalogLocationAnalyzePermission,
    catalogIngestionReadPermission,
  ].map(permission => ({
    permission,
    user: 'member' as const,
    decision: ALLOW,
  })),
  ...[catalogLocationDeletePermission, catalogIngestionManagePermission].map(
    permission => ({ permission, user: 'member' as const, decision: DENY }),
  ),

  // Scaffolder.
  ...[
    taskCreatePermission,
    actionExecutePermission,
    templateParameterReadPermission,
    templateStepReadPermission,
  ].map(permission => ({
    permission,
    user: 'member' as const,
    decision: ALLOW,
  })),
  ...[templateDryRunPermission, templateManagementPermission].map(
    permission => ({ permission, user: 'member' as const, decision: DENY }),
  ),
  ...[taskReadPermission, taskCancelPermission].map(permission => ({
    permission,
    user: 'member' as const,
    decision: memberCreatedTask,
  })),

  // Permissions the policy does not name.
  {
    permission: createPermission({ name: 'kubernetes.proxy', attributes: {} }),
    user: 'member',
    decision: ALLOW,
  },

  // No user (a request without a user principal): never an admin, owns nothing.
  {
    permission: multicloudCostImportPermission,
    user: 'anonymous',
    decision: DENY,
  },
  {
    permission: multicloudBudgetUpdatePermission,
    user: 'anonymous',
    decision: DENY,
  },
  { permission: taskReadPermission, user: 'anonymous', decision: DENY },
  {
    permission: catalogEntityReadPermission,
    user: 'anonymous',
    decision: notPrivilegedTemplate,
  },
  {
    permission: multicloudAlertReadPermission,
    user: 'anonymous',
    decision: ALLOW,
  },
  {
    permission: multicloudSourceRefreshPermission,
    user: 'anonymous',
    decision: DENY,
  },
];

describe('MulticloudPermissionPolicy', () => {
  it.each(
    rows.map(row => [
      row.permission.name,
      row.user,
      row.options?.costRead ? `costRead: ${row.options.costRead}` : 'defaults',
      row,
    ]),
  )('%s for %s (%s)', async (_name, _user, _options, row) => {
    const { permission, user, decision, allows, options } = row as Row;
    const policy = new MulticloudPermissionPolicy(options ?? defaults);

    const actual = await policy.handle({ permission }, users[user]);

    expect(actual).toEqual(decision);
    const allowed =
      allows && actual.result === AuthorizeResult.CONDITIONAL
        ? allEntities.filter(name => applies(actual.conditions, entities[name]))
        : undefined;
    expect(allowed?.sort()).toEqual(allows && [...allows].sort());
  });

  it('reads the config block, with defaults', async () => {
    const policy = MulticloudPermissionPolicy.fromConfig(
      new ConfigReader({
        permission: {
          multicloudPolicy: {
            adminGroups: ['platform-team', 'Group:Default/SRE'],
            costRead: 'owners',
            privilegedTemplateTag: 'admins-only',
          },
        },
      }),
    );
    const sre = policyUser('user:default/grace', ['group:default/sre']);

    await expect(
      policy.handle({ permission: multicloudCostImportPermission }, sre),
    ).resolves.toEqual(ALLOW);
    await expect(
      policy.handle(
        { permission: multicloudCostImportPermission },
        users.admin,
      ),
    ).resolves.toEqual(ALLOW);
    await expect(
      policy.handle({ permission: multicloudCostReadPermission }, users.member),
    ).resolves.toEqual(memberOwnsOrIs);
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, users.member),
    ).resolves.toMatchObject({
      conditions: {
        not: {
          allOf: [
            catalogCondition('IS_ENTITY_KIND', { kinds: ['Template'] }),
            catalogCondition('HAS_METADATA', {
              key: 'tags',
              value: 'admins-only',
            }),
          ],
        },
      },
    });
  });

  it('makes nobody an admin without config, and warns', async () => {
    const logger = { warn: jest.fn() };
    const policy = MulticloudPermissionPolicy.fromConfig(new ConfigReader({}), {
      logger: logger as any,
    });

    await expect(
      policy.handle(
        { permission: multicloudCostImportPermission },
        users.admin,
      ),
    ).resolves.toEqual(DENY);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'No permission.multicloudPolicy.adminGroups configured',
      ),
    );
  });

  it.each([
    [
      { adminGroups: ['platform-team', 'group:default/'] },
      "Invalid config at permission.multicloudPolicy.adminGroups[1]: 'group:default/' is not an entity ref such as group:default/platform-team or platform-team",
    ],
    [
      { adminGroups: ['platform team'] },
      "Invalid config at permission.multicloudPolicy.adminGroups[0]: 'platform team' is not an entity ref",
    ],
    [
      { adminGroups: ['user:default/ada'] },
      "Invalid config at permission.multicloudPolicy.adminGroups[0]: 'user:default/ada' names a user, not a Group",
    ],
    [
      { costRead: 'everyone' },
      "Invalid config at permission.multicloudPolicy.costRead: 'everyone' is neither 'entity-readers' nor 'owners'",
    ],
    [
      { privilegedTemplateTag: 'Admins Only' },
      "Invalid config at permission.multicloudPolicy.privilegedTemplateTag: 'Admins Only' is not a valid catalog tag",
    ],
    [
      { adminGroups: 'platform-team' },
      "Invalid type in config for key 'permission.multicloudPolicy.adminGroups'",
    ],
  ])('refuses %j at startup', (multicloudPolicy, message) => {
    expect(() =>
      MulticloudPermissionPolicy.fromConfig(
        new ConfigReader({ permission: { multicloudPolicy } }),
      ),
    ).toThrow(message);
  });

  it('names the option when constructed directly', () => {
    expect(
      () => new MulticloudPermissionPolicy({ adminGroups: ['component:x'] }),
    ).toThrow(
      "Invalid multicloud permission policy option adminGroups[0]: 'component:x' names a component, not a Group",
    );
  });
});
