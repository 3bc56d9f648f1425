/*
 * The estate of the query part: the cost lines of N daily facts over the 365
 * days ending on the day the store is built, ~27,400 lines a day for
 * N = 10,000,000, across ~5,000 resources of four providers (40 accounts,
 * 20 regions, 32 services), and the catalog those resources belong to:
 * Resource entities (annotation multicloud.io/resource-id) under ~200
 * Components in ~40 Systems in ~8 Domains owned by ~20 Groups, with their
 * relations (both directions) as the catalog serves them.
 *
 * The same generator, with the same seed, as the store the bench wrote
 * straight into the database before it moved here: the same lines, the
 * same catalog, the same System asked for.
 *
 * With `resources` (bench:alerts, src/alerts/alertsEstate.ts) the catalog
 * is sized by that many cloud Resources instead of by the resources that
 * carry cost: the Components, Systems and Domains follow it, the Groups stay
 * at most 20, and the lines are the same (the plan is returned, so that the
 * caller can build its own catalog around the resources that bill).
 */
import { Entity } from '@backstage/catalog-model';
import {
  APPLICATIONS,
  Account,
  EstateResource,
  PROVIDERS,
  Provider,
  makeResource,
  pickProvider,
  tagsJson,
} from './estate';
import { gaussian, pick, random } from './lib';

/** Days of cost in the store, ending on the day it is built. */
export const DAYS = 365;
/** Facts per resource and day, as in the shape the issue gives (27,400 / 5,000). */
const LINES_PER_RESOURCE = 5.48;

/** One cost line: a resource's meter (or an account's charge), billed every day. */
export type CostLine = {
  id: number;
  provider: string;
  publisher: string;
  invoiceIssuer: string;
  billingAccountId: string;
  billingAccountName: string;
  subAccountId: string;
  subAccountName: string;
  /** Empty for charges without a region. */
  region: string;
  regionName: string;
  serviceName: string;
  serviceCategory: string;
  /** Empty for charges without a resource. */
  resourceId: string;
  resourceName: string | null;
  resourceType: string | null;
  consumedUnit: string;
  /** Tags as FOCUS JSON text, or null. */
  tags: string | null;
  /** A day's EffectiveCost before the day's factor and discount. */
  baseCost: number;
  /** ListCost = baseCost * listFactor * the day's factor. */
  listFactor: number;
  discount: number;
  /** A day's ConsumedQuantity before the day's factor. */
  quantity: number;
  /**
   * A day (0 = the first of the 365) whose cost and quantity this line
   * multiplies by `spikeFactor`: a spike or a drop (bench:alerts plants
   * them in the last week for the anomaly rules). Absent: none.
   */
  spikeDay?: number;
  spikeFactor?: number;
};

export type EstateComponent = { name: string; system: string; owner: string };
export type EstateSystem = { name: string; domain: string; owner: string };

/** A resource that carries cost, and how its cost finds an entity. */
export type PlannedResource = {
  resource: EstateResource;
  component: EstateComponent;
  mode: 'resource' | 'tag' | 'none';
  entityName: string;
};

export type EstateOptions = {
  /**
   * Cloud Resources of the catalog (bench:alerts). Left out: as many as
   * carry cost, and the catalog bench:cost has.
   */
  resources?: number;
};

export type Estate = {
  entities: Entity[];
  lines: CostLine[];
  /** The system with the most resources: the one the query part asks for. */
  largestSystem: string;
  counts: Record<string, number>;
  /** What the catalog was built from. */
  plan: {
    planned: PlannedResource[];
    components: EstateComponent[];
    systems: EstateSystem[];
    domains: string[];
    groups: string[];
    /** Picks a component index, weighted as the resources were spread. */
    pickComponent: () => number;
  };
};

export const relation = (type: string, targetRef: string) => ({
  type,
  targetRef,
});

/** An entity as the catalog serves it (relations included). */
export function entity(
  kind: string,
  name: string,
  options: {
    title?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    relations?: Array<{ type: string; targetRef: string }>;
    spec?: Entity['spec'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      ...(options.title ? { title: options.title } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      annotations: {
        'backstage.io/managed-by-location':
          'url:https://example.com/catalog.yaml',
        'backstage.io/managed-by-origin-location':
          'url:https://example.com/catalog.yaml',
        ...options.annotations,
      },
    },
    spec: options.spec ?? {},
    relations: options.relations ?? [],
  };
}

/** Picks an index with lognormal weights, so sizes vary like real ones. */
function weightedPicker(next: () => number, count: number, spread: number) {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += Math.exp(spread * gaussian(next));
    cumulative.push(sum);
  }
  return () => {
    const x = next() * sum;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
}

/** The estate and catalog for N facts over 365 days. */
export function planEstate(facts: number, options: EstateOptions = {}): Estate {
  const next = random(365);
  const linesPerDay = Math.max(20, Math.round(facts / DAYS));
  const accounts = PROVIDERS.flatMap(p =>
    p.accounts.map(a => ({ provider: p, account: a })),
  );
  // One line per account for charges without a resource (support), the rest
  // on resources.
  const sharedLines = Math.min(accounts.length, Math.floor(linesPerDay / 10));
  const resourceCount = Math.max(
    4,
    Math.round((linesPerDay - sharedLines) / LINES_PER_RESOURCE),
  );
  const { resources } = options;
  const componentCount = Math.max(
    2,
    Math.round(resources === undefined ? resourceCount / 25 : resources / 40),
  );
  const systemCount = Math.max(1, Math.round(componentCount / 5));
  const domainCount = Math.max(
    1,
    Math.round(systemCount / (resources === undefined ? 5 : 20)),
  );
  const groupCount =
    resources === undefined
      ? Math.max(1, Math.round(systemCount / 2))
      : Math.min(20, Math.max(1, Math.round(systemCount / 2)));

  const groups = Array.from(
    { length: groupCount },
    (_, i) => `team-${String(i + 1).padStart(2, '0')}`,
  );
  const domains = Array.from(
    { length: domainCount },
    (_, i) => `domain-${String(i + 1).padStart(2, '0')}`,
  );
  const systems: EstateSystem[] = Array.from(
    { length: systemCount },
    (_, i) => ({
      name: `system-${String(i + 1).padStart(2, '0')}`,
      domain: domains[i % domainCount],
      owner: groups[i % groupCount],
    }),
  );
  const pickSystem = weightedPicker(next, systemCount, 0.6);
  const components = Array.from({ length: componentCount }, (_, i) => {
    const system = systems[pickSystem()];
    return {
      name: `component-${String(i + 1).padStart(3, '0')}`,
      system: system.name,
      owner: next() < 0.8 ? system.owner : pick(next, groups),
    };
  });
  const pickComponent = weightedPicker(next, componentCount, 0.7);

  const planned: PlannedResource[] = [];
  for (let i = 0; i < resourceCount; i++) {
    const provider = pickProvider(next);
    const component = components[pickComponent()];
    const x = next();
    let mode: PlannedResource['mode'] = 'none';
    if (x < 0.85) {
      mode = 'resource';
    } else if (x < 0.95) {
      mode = 'tag';
    }
    const baseTags: Array<[string, string]> = [
      ['application', pick(next, APPLICATIONS)],
      ['environment', pick(next, ['prod', 'staging', 'dev'])],
    ];
    let tags: string | null;
    if (mode === 'tag') {
      tags = tagsJson([...baseTags, ['component', component.name]]);
    } else {
      tags = next() < 0.29 ? null : tagsJson(baseTags);
    }
    const resource = makeResource(next, i, provider, tags);
    planned.push({
      resource,
      component,
      mode,
      entityName: `${resource.name}`.slice(0, 63),
    });
  }

  // Lines: every resource gets its main meter, the rest go to resources at
  // random (other meters of its service, then other services of its provider).
  const lines: CostLine[] = [];
  const perResource = new Map<number, Set<string>>();
  const addLine = (
    p: PlannedResource | null,
    service: { name: string; category: string; unit: string },
    provider: Provider,
    account: Account,
    region: { id: string; name: string },
  ) => {
    lines.push({
      id: lines.length,
      provider: provider.name,
      publisher: provider.publisher,
      invoiceIssuer: provider.invoiceIssuer,
      billingAccountId: provider.billingAccountId,
      billingAccountName: provider.billingAccountName,
      subAccountId: account.id,
      subAccountName: account.name,
      region: region.id,
      regionName: region.name,
      serviceName: service.name,
      serviceCategory: service.category,
      resourceId: p?.resource.id ?? '',
      resourceName: p && provider.names ? p.resource.name : null,
      resourceType: p ? p.resource.service.resourceType : null,
      consumedUnit: service.unit,
      tags: p?.resource.tags ?? null,
      baseCost: Math.round(3 * Math.exp(1.3 * gaussian(next)) * 1e6) / 1e6,
      listFactor: 1 + Math.floor(next() * 25) / 100,
      discount: next() < 0.2 ? 0.72 : 1,
      quantity: Math.round(Math.exp(2 * gaussian(next)) * 1e4) / 1e4,
    });
  };
  const meterOf = (p: PlannedResource, k: number) => {
    const provider = p.resource.provider;
    const own = p.resource.service;
    const service =
      k < own.units.length
        ? own
        : provider.services[
            (provider.services.indexOf(own) + 1 + Math.floor(next() * 1000)) %
              provider.services.length
          ];
    const unit = service.units[k % service.units.length];
    return { name: service.name, category: service.category, unit: unit.unit };
  };
  const addResourceLine = (p: PlannedResource) => {
    const seen = perResource.get(p.resource.index) ?? new Set<string>();
    perResource.set(p.resource.index, seen);
    for (let attempt = 0; attempt < 20; attempt++) {
      const meter = meterOf(p, seen.size + attempt);
      const key = `${meter.name}\n${meter.unit}`;
      if (!seen.has(key)) {
        seen.add(key);
        addLine(p, meter, p.resource.provider, p.resource.account, {
          id: p.resource.region,
          name: p.resource.regionName,
        });
        return true;
      }
    }
    return false;
  };
  for (const p of planned) {
    addResourceLine(p);
  }
  const pickBusy = weightedPicker(next, planned.length, 0.5);
  while (lines.length < linesPerDay - sharedLines) {
    addResourceLine(planned[pickBusy()]);
  }
  for (const { provider, account } of accounts.slice(0, sharedLines)) {
    addLine(
      null,
      { name: `${provider.name} Support`, category: 'Other', unit: 'Dollar' },
      provider,
      account,
      { id: '', name: '' },
    );
  }

  // The catalog.
  const entities: Entity[] = [];
  const resourceRefs = new Map<string, string[]>();
  const ownerOf = new Map<string, string[]>();
  const owns = (group: string, ref: string) =>
    ownerOf.set(group, [...(ownerOf.get(group) ?? []), ref]);
  const resourcesPerSystem = new Map<string, number>();
  for (const p of planned) {
    const system = p.component.system;
    resourcesPerSystem.set(system, (resourcesPerSystem.get(system) ?? 0) + 1);
    if (p.mode !== 'resource') {
      continue;
    }
    const ref = `resource:default/${p.entityName}`;
    const owner = next() < 0.7 ? p.component.owner : pick(next, groups);
    resourceRefs.set(p.component.name, [
      ...(resourceRefs.get(p.component.name) ?? []),
      ref,
    ]);
    owns(owner, ref);
    entities.push(
      entity('Resource', p.entityName, {
        annotations: { 'multicloud.io/resource-id': p.resource.id },
        spec: {
          type: p.resource.service.resourceType,
          owner: `group:default/${owner}`,
        },
        relations: [
          relation('dependencyOf', `component:default/${p.component.name}`),
          relation('ownedBy', `group:default/${owner}`),
        ],
      }),
    );
  }
  for (const c of components) {
    const ref = `component:default/${c.name}`;
    owns(c.owner, ref);
    entities.push(
      entity('Component', c.name, {
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: `group:default/${c.owner}`,
          system: c.system,
        },
        relations: [
          relation('partOf', `system:default/${c.system}`),
          relation('ownedBy', `group:default/${c.owner}`),
          ...(resourceRefs.get(c.name) ?? []).map(r =>
            relation('dependsOn', r),
          ),
        ],
      }),
    );
  }
  for (const s of systems) {
    const ref = `system:default/${s.name}`;
    owns(s.owner, ref);
    entities.push(
      entity('System', s.name, {
        spec: { owner: `group:default/${s.owner}`, domain: s.domain },
        relations: [
          relation('partOf', `domain:default/${s.domain}`),
          relation('ownedBy', `group:default/${s.owner}`),
          ...components
            .filter(c => c.system === s.name)
            .map(c => relation('hasPart', `component:default/${c.name}`)),
        ],
      }),
    );
  }
  domains.forEach((d, i) => {
    const owner = groups[i % groupCount];
    owns(owner, `domain:default/${d}`);
    entities.push(
      entity('Domain', d, {
        spec: { owner: `group:default/${owner}` },
        relations: [
          relation('ownedBy', `group:default/${owner}`),
          ...systems
            .filter(s => s.domain === d)
            .map(s => relation('hasPart', `system:default/${s.name}`)),
        ],
      }),
    );
  });
  for (const g of groups) {
    entities.push(
      entity('Group', g, {
        spec: { type: 'team', children: [] },
        relations: (ownerOf.get(g) ?? []).map(r => relation('ownerOf', r)),
      }),
    );
  }
  const largestSystem = [...resourcesPerSystem].sort(
    (a, b) => b[1] - a[1],
  )[0][0];
  return {
    entities,
    lines,
    largestSystem: `system:default/${largestSystem}`,
    counts: {
      linesPerDay: lines.length,
      resources: resourceCount,
      resourceEntities: planned.filter(p => p.mode === 'resource').length,
      taggedForComponent: planned.filter(p => p.mode === 'tag').length,
      unattributable: planned.filter(p => p.mode === 'none').length,
      components: componentCount,
      systems: systemCount,
      domains: domainCount,
      groups: groupCount,
      largestSystemResources: resourcesPerSystem.get(largestSystem) ?? 0,
    },
    plan: { planned, components, systems, domains, groups, pickComponent },
  };
}
