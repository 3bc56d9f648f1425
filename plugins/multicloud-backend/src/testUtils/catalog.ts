import { Entity } from '@backstage/catalog-model';

type Relation = { type: string; targetRef: string };

/** A catalog entity as the catalog serves it, relations included. */
export function catalogEntity(
  ref: string,
  options: {
    title?: string;
    annotations?: Record<string, string>;
    relations?: Relation[];
  } = {},
): Entity {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: kind[0].toUpperCase() + kind.slice(1),
    metadata: {
      name,
      namespace,
      ...(options.title ? { title: options.title } : {}),
      annotations: options.annotations ?? {},
    },
    spec: {},
    relations: options.relations ?? [],
  };
}

/**
 * A small organisation: checkout-team owns the checkout system (domain
 * commerce) and its component checkout-api, which depends on two EC2
 * resources; data-team owns the data-platform system.
 */
export function demoCatalog(): Entity[] {
  return [
    catalogEntity('group:default/checkout-team', { title: 'Checkout team' }),
    catalogEntity('group:default/data-team'),
    catalogEntity('group:default/platform-team'),
    catalogEntity('domain:default/commerce', {
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/checkout-team' },
      ],
    }),
    catalogEntity('system:default/checkout', {
      relations: [
        { type: 'partOf', targetRef: 'domain:default/commerce' },
        { type: 'ownedBy', targetRef: 'group:default/checkout-team' },
      ],
    }),
    catalogEntity('system:default/data-platform', {
      relations: [{ type: 'ownedBy', targetRef: 'group:default/data-team' }],
    }),
    catalogEntity('component:default/checkout-api', {
      annotations: { 'multicloud.io/monthly-budget': '500 USD' },
      relations: [
        { type: 'partOf', targetRef: 'system:default/checkout' },
        { type: 'ownedBy', targetRef: 'group:default/checkout-team' },
      ],
    }),
    catalogEntity('resource:default/checkout-web-1', {
      title: 'checkout-web-1',
      annotations: { 'multicloud.io/resource-id': 'i-0abc' },
      relations: [
        { type: 'dependencyOf', targetRef: 'component:default/checkout-api' },
        { type: 'ownedBy', targetRef: 'group:default/platform-team' },
      ],
    }),
    catalogEntity('resource:default/checkout-db', {
      annotations: {
        'multicloud.io/resource-id':
          '/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Sql/servers/checkout-db',
      },
      relations: [
        { type: 'dependencyOf', targetRef: 'component:default/checkout-api' },
      ],
    }),
  ];
}
