import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import {
  ANNOTATION_VIEW_URL,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AlertLink,
  MULTICLOUD_ANNOTATIONS,
} from '@multicloud/plugin-multicloud-common';

/** Entities per catalog page: large enough that 100,000 resources are 100 requests. */
const PAGE_SIZE = 1000;
/** Refs per `getEntitiesByRefs` request. */
const REFS_PER_REQUEST = 500;

/** The Resources the multicloud entity provider wrote (hand-written Resources carry no cloud facts). */
export const CLOUD_RESOURCE_FILTER: EntityFilterQuery = {
  kind: 'Resource',
  [`metadata.annotations.${MULTICLOUD_ANNOTATIONS.provider}`]:
    CATALOG_FILTER_EXISTS,
};

/** Fields every rule reads of a resource. */
export const RESOURCE_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.type',
  'spec.owner',
];

/**
 * Pages of the catalog entities that match `filter`, with only `fields`,
 * read with the plugin's own credentials. One page is in memory at a time.
 */
export async function* catalogPages(
  catalog: CatalogService,
  auth: AuthService,
  request: { filter: EntityFilterQuery; fields: string[] },
): AsyncGenerator<Entity[]> {
  yield* catalogPagesAs(
    catalog,
    await auth.getOwnServiceCredentials(),
    request,
  );
}

/** Like {@link catalogPages}, with the credentials of a caller. */
export async function* catalogPagesAs(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  request: { filter: EntityFilterQuery; fields: string[] },
): AsyncGenerator<Entity[]> {
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, fields: request.fields, limit: PAGE_SIZE }
        : {
            filter: request.filter,
            fields: request.fields,
            limit: PAGE_SIZE,
          },
      { credentials },
    );
    yield page.items;
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
}

/** Labels the entity provider writes itself; every other label is a tag. */
const PROVIDER_LABELS = new Set(
  ['provider', 'account', 'region'].map(key => `multicloud.io/${key}`),
);

/** Whether a label of a cloud Resource is one of its tags. */
export const isTagLabel = (key: string) => !PROVIDER_LABELS.has(key);

/** The entities of `refs` that exist, with only `fields`, keyed by lower-cased ref. */
export async function entitiesByRef(
  catalog: CatalogService,
  auth: AuthService,
  refs: string[],
  fields: string[],
): Promise<Map<string, Entity>> {
  const credentials = await auth.getOwnServiceCredentials();
  const found = new Map<string, Entity>();
  for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs.slice(i, i + REFS_PER_REQUEST), fields },
      { credentials },
    );
    for (const entity of items) {
      if (entity) {
        found.set(refOf(entity), entity);
      }
    }
  }
  return found;
}

/** Lower case as entity refs compare (locale-independent, as `en-US`). */
export const lowerCase = (value: string) => value.toLowerCase();

/** The entity's lower-cased ref. */
export function refOf(entity: Entity): string {
  return lowerCase(stringifyEntityRef(entity));
}

/** A ref as the catalog writes it in `spec.owner` or `spec.dependsOn`, fully qualified and lower-cased. */
export function qualifiedRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value.trim()) {
    return undefined;
  }
  try {
    return lowerCase(
      stringifyEntityRef(
        parseEntityRef(value.trim(), { defaultKind, defaultNamespace }),
      ),
    );
  } catch {
    return undefined;
  }
}

/** Who a finding about the entity notifies: its owner, or the group itself. */
export function ownerRefOf(entity: Entity): string | undefined {
  if (lowerCase(entity.kind) === 'group') {
    return refOf(entity);
  }
  return qualifiedRef(
    entity.spec?.owner,
    'group',
    entity.metadata.namespace ?? 'default',
  );
}

export function titleOf(entity: Entity): string {
  return entity.metadata.title ?? entity.metadata.name;
}

/** The entity page's path in the app, from a lower-cased ref. */
export function entityPath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${[namespace, kind, name]
    .map(part => encodeURIComponent(part))
    .join('/')}`;
}

/** The resource's page, and its console when the provider gave an http(s) address. */
export function resourceLinks(entity: Entity, ref: string): AlertLink[] {
  const links: AlertLink[] = [
    { title: 'Resource in the catalog', url: entityPath(ref) },
  ];
  const consoleUrl = entity.metadata.annotations?.[ANNOTATION_VIEW_URL];
  if (consoleUrl && /^https?:\/\//i.test(consoleUrl)) {
    links.push({ title: 'Open in the cloud console', url: consoleUrl });
  }
  return links;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function money(amount: number, currency: string) {
  return { amount: round2(amount), currency };
}

const formats = new Map<string, Intl.NumberFormat | null>();

/** `$1,234.50`, or `1234.50 XYZ` for a code the runtime does not know. */
export function formatMoney(amount: number, currency: string): string {
  let format = formats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      format = null;
    }
    // Building a format costs far more than using it; currencies are few.
    formats.set(currency, format);
  }
  return format ? format.format(amount) : `${amount.toFixed(2)} ${currency}`;
}
