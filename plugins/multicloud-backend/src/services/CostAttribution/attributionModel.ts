import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MULTICLOUD_ANNOTATIONS } from '@multicloud/plugin-multicloud-common';

/** The ref cost nobody could be attributed to is booked on. */
export const UNALLOCATED = 'unallocated';
/** The ref every cost also rolls up to: the organisation's total. */
export const EVERYTHING = '*';

/** Tag keys, per entity kind, that name the entity a cost row belongs to. */
export type AttributionTagKeys = {
  component: string[];
  system: string[];
  owner: string[];
};

export const DEFAULT_TAG_KEYS: AttributionTagKeys = {
  component: ['component', 'app'],
  system: ['system'],
  owner: ['owner', 'team'],
};

/** Kinds whose entities carry cost. */
export const COST_KINDS = [
  'Resource',
  'Component',
  'System',
  'Domain',
  'Group',
];

/** What the cost feature keeps of a catalog entity. */
export type CostEntity = {
  ref: string;
  kind: string;
  title: string;
  budget?: { amount: number; currency?: string };
  /** `dependencyOf` components (Resource) or parent components (Component). */
  components: string[];
  system?: string;
  domain?: string;
  owner?: string;
};

/** The catalog as attribution needs it, keyed by lower-cased entity ref. */
export type CatalogSnapshot = {
  entities: Map<string, CostEntity>;
  /** Normalized `multicloud.io/resource-id` -> Resource ref. */
  resourceByKey: Map<string, string>;
};

export type Attribution = {
  entityRef: string;
  via: 'resource' | 'tag' | 'none';
};

export type Ancestor = { ref: string; kind: string };

const lowerRef = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Normalizes a ResourceId the same way the importer does. */
export function normalizeResourceId(id: string): string {
  return id.trim().toLocaleLowerCase('en-US');
}

/** Reads `multicloud.io/monthly-budget`: `1500`, `1500 USD`, `1,500.50 EUR`. */
export function parseBudgetAnnotation(
  value: string | undefined,
): CostEntity['budget'] {
  if (!value) {
    return undefined;
  }
  const match = /^\s*([0-9][0-9,_]*(?:\.[0-9]+)?)\s*([A-Za-z]{3})?\s*$/.exec(
    value,
  );
  if (!match) {
    return undefined;
  }
  const amount = Number(match[1].replace(/[,_]/g, ''));
  if (!Number.isFinite(amount) || amount <= 0) {
    return undefined;
  }
  return { amount, currency: match[2]?.toUpperCase() };
}

/** The relation to components: a resource's components, a component's parents. */
const COMPONENT_RELATION: Record<string, string | undefined> = {
  resource: 'dependencyOf',
  component: 'partOf',
};

/** Builds the snapshot from catalog entities (with their relations). */
export function buildCatalogSnapshot(entities: Entity[]): CatalogSnapshot {
  const snapshot: CatalogSnapshot = {
    entities: new Map(),
    resourceByKey: new Map(),
  };
  for (const entity of entities) {
    const ref = lowerRef(stringifyEntityRef(entity));
    const kind = entity.kind.toLocaleLowerCase('en-US');
    const targets = (type: string, targetKind: string) =>
      (entity.relations ?? [])
        .filter(r => r.type === type)
        .map(r => lowerRef(r.targetRef))
        .filter(t => t.startsWith(`${targetKind}:`))
        .sort();
    const partOfSystem = targets('partOf', 'system')[0];
    const systemDomain = (k: string) =>
      k === 'system' ? targets('partOf', 'domain')[0] : undefined;
    snapshot.entities.set(ref, {
      ref,
      kind,
      title: entity.metadata.title ?? entity.metadata.name,
      budget: parseBudgetAnnotation(
        entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.monthlyBudget],
      ),
      components: COMPONENT_RELATION[kind]
        ? targets(COMPONENT_RELATION[kind], 'component')
        : [],
      system: kind === 'system' ? ref : partOfSystem,
      domain: kind === 'domain' ? ref : systemDomain(kind),
      owner: kind === 'group' ? ref : targets('ownedBy', 'group')[0],
    });
    const resourceId =
      entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.resourceId];
    if (kind === 'resource' && resourceId) {
      snapshot.resourceByKey.set(normalizeResourceId(resourceId), ref);
    }
  }
  return snapshot;
}

function parseTags(tagsJson: string): Map<string, string> {
  const tags = new Map<string, string>();
  try {
    const parsed = JSON.parse(tagsJson);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string' && value.trim()) {
          tags.set(key.toLocaleLowerCase('en-US'), value.trim());
        }
      }
    }
  } catch {
    // The importer only stores JSON objects; anything else carries no tags.
  }
  return tags;
}

function refFromTag(
  value: string,
  kind: string,
  snapshot: CatalogSnapshot,
): string | undefined {
  try {
    const ref = lowerRef(
      stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: kind,
          defaultNamespace: 'default',
        }),
      ),
    );
    return snapshot.entities.get(ref)?.kind === kind ? ref : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a pair's tags hold any of the keys cost is attributed by
 * (component, system or owner), whatever their value: what "tagged" means in
 * the tag coverage of a team's cost.
 */
export function carriesAttributionTag(
  tagsJson: string,
  tagKeys: AttributionTagKeys,
): boolean {
  const tags = parseTags(tagsJson);
  return [...tagKeys.component, ...tagKeys.system, ...tagKeys.owner].some(key =>
    tags.has(key.toLocaleLowerCase('en-US')),
  );
}

/**
 * The entity a cost row belongs to: the Resource whose resource id matches,
 * else the component, system or owner its tags name (in that order), else
 * unallocated.
 */
export function attribute(
  resourceKey: string,
  tagsJson: string,
  snapshot: CatalogSnapshot,
  tagKeys: AttributionTagKeys,
): Attribution {
  const resource = resourceKey
    ? snapshot.resourceByKey.get(resourceKey)
    : undefined;
  if (resource) {
    return { entityRef: resource, via: 'resource' };
  }
  const tags = parseTags(tagsJson);
  const byKind: Array<[string, string[]]> = [
    ['component', tagKeys.component],
    ['system', tagKeys.system],
    ['group', tagKeys.owner],
  ];
  for (const [kind, keys] of byKind) {
    for (const key of keys) {
      const value = tags.get(key.toLocaleLowerCase('en-US'));
      const ref = value && refFromTag(value, kind, snapshot);
      if (ref) {
        return { entityRef: ref, via: 'tag' };
      }
    }
  }
  return { entityRef: UNALLOCATED, via: 'none' };
}

/**
 * Everything a directly attributed entity's cost rolls up to: itself, its
 * components (and their parents), one system, one domain, one owner group,
 * and the organisation. System, domain and owner are single so that
 * summaries by them add up to the total. The owner is the component's, else
 * the system's, else the entity's own: a resource without an owner tag is
 * owned by the source's default, but its cost belongs to its component's team.
 */
export function ancestorsOf(
  ref: string,
  snapshot: CatalogSnapshot,
): Ancestor[] {
  const out = new Map<string, string>([[EVERYTHING, 'all']]);
  const entity = snapshot.entities.get(ref);
  if (!entity) {
    out.set(ref, ref === UNALLOCATED ? UNALLOCATED : 'unknown');
    return [...out].map(([r, kind]) => ({ ref: r, kind }));
  }
  out.set(ref, entity.kind);

  const components: CostEntity[] = [];
  const pending = [...entity.components];
  while (pending.length > 0) {
    const next = snapshot.entities.get(pending.shift()!);
    if (next && !out.has(next.ref)) {
      out.set(next.ref, next.kind);
      components.push(next);
      pending.push(...next.components);
    }
  }
  const nearestComponent = entity.kind === 'component' ? entity : components[0];
  const systemRef = entity.system ?? components.find(c => c.system)?.system;
  const system = systemRef ? snapshot.entities.get(systemRef) : undefined;
  if (system) {
    out.set(system.ref, 'system');
    const domain = system.domain
      ? snapshot.entities.get(system.domain)
      : undefined;
    if (domain) {
      out.set(domain.ref, 'domain');
    }
  }
  if (entity.kind === 'domain') {
    out.set(entity.ref, 'domain');
  }
  const owner =
    entity.kind === 'group'
      ? entity.ref
      : nearestComponent?.owner ?? system?.owner ?? entity.owner;
  if (owner && snapshot.entities.has(owner)) {
    out.set(owner, 'group');
  }
  return [...out].map(([r, kind]) => ({ ref: r, kind }));
}
