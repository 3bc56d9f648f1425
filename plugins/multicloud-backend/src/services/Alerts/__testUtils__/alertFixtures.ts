import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogEntity } from '../../../testUtils/catalog';
import { AlertFinding, AlertRuleSet, ComputedAlertSource } from '../types';

/**
 * A rule set whose findings the test sets between evaluations; `fail`
 * makes its next evaluations throw, as a rule set does when the catalog is
 * down.
 */
export function craftedRuleSet(source: ComputedAlertSource) {
  const state: { findings: AlertFinding[]; fail?: Error; evaluations: number } =
    { findings: [], evaluations: 0 };
  const ruleSet: AlertRuleSet = {
    source,
    async evaluate() {
      state.evaluations += 1;
      if (state.fail) {
        throw state.fail;
      }
      return state.findings;
    },
  };
  return { ruleSet, state };
}

export function finding(overrides: Partial<AlertFinding> = {}): AlertFinding {
  return {
    source: 'hygiene',
    rule: 'open-to-world',
    entityRef: 'resource:default/sg-web',
    entityTitle: 'sg-web',
    ownerRef: 'group:default/checkout-team',
    subject: 'tcp/22',
    severity: 'critical',
    title: 'SSH is open to the internet on sg-web',
    description: 'Port 22 accepts traffic from 0.0.0.0/0; restrict the source.',
    links: [{ title: 'Console', url: 'https://console.example/sg-web' }],
    ...overrides,
  };
}

const ref = (type: string, targetRef: string) => ({ type, targetRef });

/**
 * checkout-team owns System checkout (Component checkout-api on Resources
 * web-1 and sg-web, Resource checkout-db) and the unattached volume vol-1;
 * data-team owns the data-platform System and Resource bucket-data.
 */
export function alertsCatalog(): Entity[] {
  const team = 'group:default/checkout-team';
  return [
    catalogEntity(team, {
      relations: [
        ref('ownerOf', 'system:default/checkout'),
        ref('ownerOf', 'component:default/checkout-api'),
        ref('ownerOf', 'resource:default/vol-1'),
        ref('hasMember', 'user:default/alice'),
      ],
    }),
    catalogEntity('user:default/alice', {
      relations: [ref('memberOf', team)],
    }),
    catalogEntity('group:default/data-team', {
      relations: [
        ref('ownerOf', 'system:default/data-platform'),
        ref('ownerOf', 'resource:default/bucket-data'),
      ],
    }),
    catalogEntity('system:default/checkout', {
      relations: [
        ref('ownedBy', team),
        ref('hasPart', 'component:default/checkout-api'),
        ref('hasPart', 'resource:default/checkout-db'),
      ],
    }),
    catalogEntity('system:default/data-platform', {
      relations: [ref('ownedBy', 'group:default/data-team')],
    }),
    catalogEntity('component:default/checkout-api', {
      annotations: { 'multicloud.io/alert-matchers': 'service="checkout"' },
      relations: [
        ref('ownedBy', team),
        ref('partOf', 'system:default/checkout'),
        ref('dependsOn', 'resource:default/web-1'),
        ref('dependsOn', 'resource:default/sg-web'),
      ],
    }),
    ...['web-1', 'sg-web', 'checkout-db', 'vol-1'].map(name =>
      catalogEntity(`resource:default/${name}`, {
        title: name,
        relations: [
          ref('ownedBy', team),
          ...(name === 'checkout-db'
            ? [ref('partOf', 'system:default/checkout')]
            : []),
          ...(name === 'web-1' || name === 'sg-web'
            ? [ref('dependencyOf', 'component:default/checkout-api')]
            : []),
        ],
      }),
    ),
    catalogEntity('resource:default/bucket-data', {
      relations: [ref('ownedBy', 'group:default/data-team')],
    }),
  ];
}

export const OUTSIDER = 'user:default/outsider';

const userOf = (credentials: BackstageCredentials) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef;

/**
 * The in-memory catalog as a permission policy would serve it: the refs in
 * `hidden` are not readable for OUTSIDER, and are for everyone else.
 */
export function catalogHiding(
  entities: Entity[],
  hidden: string[] = [],
): CatalogService {
  const catalog = catalogServiceMock({ entities });
  const mayRead = (credentials: BackstageCredentials, entityRef: string) =>
    !hidden.includes(entityRef.toLocaleLowerCase('en-US')) ||
    userOf(credentials) !== OUTSIDER;
  return new Proxy(catalog, {
    get(target, property: keyof CatalogService) {
      if (property === 'getEntitiesByRefs') {
        return async (
          ...[request, options]: Parameters<CatalogService['getEntitiesByRefs']>
        ) => {
          const { items } = await target.getEntitiesByRefs(request, options);
          return {
            items: items.map((entity, i) =>
              entity && mayRead(options.credentials, request.entityRefs[i])
                ? entity
                : null,
            ),
          };
        };
      }
      if (property === 'getEntityByRef') {
        return async (
          ...[entityRef, options]: Parameters<CatalogService['getEntityByRef']>
        ) => {
          const entity = await target.getEntityByRef(entityRef, options);
          const refText =
            typeof entityRef === 'string'
              ? entityRef
              : `${entityRef.kind}:${entityRef.namespace ?? 'default'}/${
                  entityRef.name
                }`;
          return entity && mayRead(options.credentials, refText)
            ? entity
            : undefined;
        };
      }
      const value = target[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
