/*
 * The cost store of the alerts benchmark, built directly (not through the
 * importer): N daily cost facts over the 365 days ending today, ~27,400 a
 * day for N = 10,000,000, across ~5,000 resources of four providers (40
 * accounts, 20 regions, 32 services), and the catalog those resources
 * belong to: Resource entities (annotation multicloud.io/resource-id) under
 * ~200 Components in ~40 Systems in ~8 Domains owned by ~20 Groups, with
 * their relations (both directions) as the catalog serves them.
 *
 * Facts are generated inside the database from a table of ~27,400 "lines"
 * (one per resource and meter) crossed with the days, with the fact table's
 * indexes dropped during the load and re-created after it (the migration's own
 * definitions, read back from the database).
 *
 * `planEstate` is the generator bench:cost started from (packages/bench has
 * its own copy, which imports these lines through the plugin's API). With
 * `resources` (alertsEstate.ts) the catalog is sized by that many Resources
 * instead of by the resources that carry cost: the Components, Systems and
 * Domains follow it, the Groups stay at most 20, and the facts are the same
 * shape (the plan is returned so that the caller can build its own catalog
 * around the resources that bill).
 */
import { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { normalizeResourceId } from '../src/services/CostAttribution/attributionModel';
import {
  APPLICATIONS,
  EstateResource,
  PROVIDERS,
  makeResource,
  pickProvider,
  tagsJson,
} from './estate';
import { FACT_COLUMNS } from '../src/database/insertFacts';
import { Engine, gaussian, int, pick, random, seconds } from './lib';

export const DAYS = 365;
/** Facts per resource and day, as in the shape the issue gives (27,400 / 5,000). */
const LINES_PER_RESOURCE = 5.48;
export const IMPORT_ID = '6d756c74-6963-4c6f-9564-62656e636831';

export type FactLine = {
  id: number;
  provider: string;
  billing_account_id: string;
  sub_account_id: string;
  region: string;
  service_name: string;
  service_category: string;
  resource_id: string;
  resource_key: string;
  resource_name: string | null;
  resource_type: string | null;
  charge_category: string;
  currency: string;
  consumed_unit: string;
  tags: string;
  attribution_key: string;
  base_cost: number;
  list_factor: number;
  discount: number;
  quantity: number;
  /** A day (0 = the first of the 365) whose cost this line multiplies by `spike_factor`. */
  spike_day?: number;
  spike_factor?: number;
};

/** A resource that carries cost, as planned, and how its cost finds an entity. */
export type PlannedResource = {
  resource: EstateResource;
  component: EstateComponent;
  mode: 'resource' | 'tag' | 'none';
  entityName: string;
};

export type EstateComponent = { name: string; system: string; owner: string };
export type EstateSystem = { name: string; domain: string; owner: string };

export type EstateOptions = {
  /**
   * Resources of the catalog (the alerts benchmark). Left out: as many as
   * carry cost, and the catalog bench:cost had.
   */
  resources?: number;
};

export type Estate = {
  entities: Entity[];
  lines: FactLine[];
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
export function weightedPicker(
  next: () => number,
  count: number,
  spread: number,
) {
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
  const systems = Array.from({ length: systemCount }, (_, i) => ({
    name: `system-${String(i + 1).padStart(2, '0')}`,
    domain: domains[i % domainCount],
    owner: groups[i % groupCount],
  }));
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

  type Planned = PlannedResource;
  const planned: Planned[] = [];
  for (let i = 0; i < resourceCount; i++) {
    const provider = pickProvider(next);
    const component = components[pickComponent()];
    const x = next();
    let mode: Planned['mode'] = 'none';
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
  const lines: FactLine[] = [];
  const perResource = new Map<number, Set<string>>();
  const addLine = (
    p: Planned | null,
    service: { name: string; category: string; unit: string; price: number },
    account: { provider: (typeof PROVIDERS)[number]; id: string },
    region: string,
  ) => {
    const resourceId = p?.resource.id ?? '';
    const resourceKey = normalizeResourceId(resourceId);
    const tags = p?.resource.tags ?? '{}';
    lines.push({
      id: lines.length,
      provider: account.provider.name,
      billing_account_id: account.provider.billingAccountId,
      sub_account_id: account.id,
      region,
      service_name: service.name,
      service_category: service.category,
      resource_id: resourceId,
      resource_key: resourceKey,
      resource_name: p && account.provider.names ? p.resource.name : null,
      resource_type: p ? p.resource.service.resourceType : null,
      charge_category: 'Usage',
      currency: 'USD',
      consumed_unit: service.unit,
      tags,
      attribution_key: createHash('md5')
        .update(`${resourceKey}\n${tags}`)
        .digest('hex'),
      base_cost: Math.round(3 * Math.exp(1.3 * gaussian(next)) * 1e6) / 1e6,
      list_factor: 1 + Math.floor(next() * 25) / 100,
      discount: next() < 0.2 ? 0.72 : 1,
      quantity: Math.round(Math.exp(2 * gaussian(next)) * 1e4) / 1e4,
    });
  };
  const meterOf = (p: Planned, k: number) => {
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
    return {
      name: service.name,
      category: service.category,
      unit: unit.unit,
      price: unit.price,
    };
  };
  const addResourceLine = (p: Planned) => {
    const seen = perResource.get(p.resource.index) ?? new Set<string>();
    perResource.set(p.resource.index, seen);
    for (let attempt = 0; attempt < 20; attempt++) {
      const meter = meterOf(p, seen.size + attempt);
      const key = `${meter.name}\n${meter.unit}`;
      if (!seen.has(key)) {
        seen.add(key);
        addLine(
          p,
          meter,
          { provider: p.resource.provider, id: p.resource.account.id },
          p.resource.region,
        );
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
      {
        name: `${provider.name} Support`,
        category: 'Other',
        unit: 'Dollar',
        price: 1,
      },
      { provider, id: account.id },
      '',
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
      attributionKeys: new Set(lines.map(l => l.attribution_key)).size,
    },
    plan: { planned, components, systems, domains, groups, pickComponent },
  };
}

/** The day's cost factor: weekly-ish wiggle and a slow upward trend. */
const WIGGLE = `(0.85 + ((d.n * 37 + l.id * 101) % 31) / 100.0 + d.n / 1500.0)`;
/** The same, times a line's spike on its spike day. */
const SPIKED = `(${WIGGLE} * CASE WHEN d.n = l.spike_day THEN l.spike_factor ELSE 1 END)`;

function selectFacts(engine: Engine, spikes: boolean) {
  const FACTOR = spikes ? SPIKED : WIGGLE;
  const day =
    engine === 'postgres'
      ? `to_char(CAST(? AS date) + d.n, 'YYYY-MM-DD')`
      : `date(?, '+' || d.n || ' days')`;
  const month =
    engine === 'postgres'
      ? `to_char(date_trunc('month', CAST(? AS date) + d.n), 'YYYY-MM-DD')`
      : `strftime('%Y-%m-01', date(?, '+' || d.n || ' days'))`;
  const days =
    engine === 'postgres'
      ? `generate_series(CAST(? AS integer), CAST(? AS integer)) AS d(n)`
      : `d`;
  const cte =
    engine === 'postgres'
      ? ''
      : `WITH RECURSIVE d(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM d WHERE n < ?) `;
  return `INSERT INTO multicloud_cost_facts (${FACT_COLUMNS.join(', ')})
    ${cte}SELECT ${day}, l.provider, l.billing_account_id, ${month},
      l.sub_account_id, l.region, l.service_name, l.service_category,
      l.resource_id, l.resource_key, l.resource_name, l.resource_type,
      l.charge_category, l.currency, l.consumed_unit,
      l.base_cost * l.discount * ${FACTOR},
      l.base_cost * l.discount * ${FACTOR},
      l.base_cost * l.list_factor * ${FACTOR},
      l.quantity * ${FACTOR},
      l.tags, '{}', l.attribution_key, '${IMPORT_ID}'
    FROM ${days} CROSS JOIN bench_lines l`;
}

function addDaysIso(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Writes the facts, attribution pairs and an import record; returns timings. */
export async function buildStore(
  knex: Knex,
  engine: Engine,
  estate: Estate,
  facts: number,
  log: (message: string) => void,
): Promise<{
  from: string;
  to: string;
  factRows: number;
  loadMs: number;
  indexMs: number;
}> {
  const today = new Date().toISOString().slice(0, 10);
  const from = addDaysIso(today, -(DAYS - 1));
  const started = performance.now();
  const spikes = estate.lines.some(line => line.spike_day !== undefined);

  // The migration's indexes on the facts, dropped for the load.
  const indexes: Array<{ name: string; sql: string }> =
    engine === 'postgres'
      ? (
          await knex.raw(
            `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'multicloud_cost_facts'`,
          )
        ).rows
      : await knex.raw(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'multicloud_cost_facts' AND sql IS NOT NULL`,
        );
  for (const index of indexes) {
    await knex.raw(`DROP INDEX ${index.name}`);
  }

  await knex.schema.createTable('bench_lines', table => {
    table.integer('id').primary();
    for (const column of [
      'provider',
      'billing_account_id',
      'sub_account_id',
      'region',
      'service_name',
      'service_category',
      'resource_id',
      'resource_key',
      'resource_name',
      'resource_type',
      'charge_category',
      'currency',
      'consumed_unit',
      'tags',
      'attribution_key',
    ]) {
      table.text(column);
    }
    for (const column of ['base_cost', 'list_factor', 'discount', 'quantity']) {
      table.double(column);
    }
    if (spikes) {
      table.integer('spike_day');
      table.double('spike_factor');
    }
  });
  for (let i = 0; i < estate.lines.length; i += 500) {
    await knex('bench_lines').insert(estate.lines.slice(i, i + 500));
  }

  // The days in chunks, for progress; the lines table gives ~facts/365 a day.
  const perDay = estate.lines.length;
  const wantedDays = Math.min(DAYS, Math.ceil(facts / perDay));
  const chunk = 30;
  for (let d0 = 0; d0 < wantedDays; d0 += chunk) {
    const d1 = Math.min(wantedDays, d0 + chunk) - 1;
    // Days counted from the first day; with fewer facts than 365 * lines a
    // day, the days are the last ones.
    const first = DAYS - wantedDays + d0;
    const last = DAYS - wantedDays + d1;
    const bindings =
      engine === 'postgres'
        ? [from, from, first, last]
        : [first, last, from, from];
    await knex.raw(selectFacts(engine, spikes), bindings);
    log(
      `facts: days ${first + 1}-${last + 1} of ${DAYS} written (${int(
        (d1 + 1) * perDay,
      )} rows, ${seconds(performance.now() - started)})`,
    );
  }
  const loadMs = performance.now() - started;
  // More sort memory for building the indexes (bench setup only; put back
  // before anything is measured).
  const indexStarted = performance.now();
  if (engine === 'postgres') {
    await knex.transaction(async tx => {
      await tx.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
      for (const index of indexes) {
        await tx.raw(index.sql);
      }
    });
  } else {
    const [{ cache_size: cacheSize }] = await knex.raw('PRAGMA cache_size');
    await knex.raw('PRAGMA cache_size = -524288');
    try {
      for (const index of indexes) {
        await knex.raw(index.sql);
      }
    } finally {
      await knex.raw(`PRAGMA cache_size = ${Number(cacheSize)}`);
    }
  }
  const indexMs = performance.now() - indexStarted;
  log(
    `facts: ${indexes.length} indexes of the migration re-created in ${seconds(
      indexMs,
    )}`,
  );
  await knex.schema.dropTable('bench_lines');

  // Attribution pairs as the importer leaves them; refresh() attributes them.
  const pairs = new Map<string, { resource_key: string; tags: string }>();
  for (const line of estate.lines) {
    pairs.set(line.attribution_key, {
      resource_key: line.resource_key,
      tags: line.tags,
    });
  }
  const rows = [...pairs].map(([key, p]) => ({
    attribution_key: key,
    resource_key: p.resource_key,
    tags: p.tags,
    entity_ref: 'unallocated',
    via: 'none',
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await knex('multicloud_cost_attribution').insert(rows.slice(i, i + 500));
  }
  await knex('multicloud_cost_imports').insert({
    id: IMPORT_ID,
    source: 'bench',
    file_name: 'bench',
    status: 'completed',
    rows: wantedDays * perDay,
    daily_rows: wantedDays * perDay,
    started_at: new Date(),
    completed_at: new Date(),
  });
  const factRows = Number(
    (await knex('multicloud_cost_facts').count({ n: '*' }))[0].n,
  );
  return {
    from: addDaysIso(from, DAYS - wantedDays),
    to: today,
    factRows,
    loadMs,
    indexMs,
  };
}

/** Bytes the store takes: the database file, or the tables on PostgreSQL. */
export async function storeSize(
  knex: Knex,
  engine: Engine,
): Promise<Record<string, number>> {
  const tables = [
    'multicloud_cost_facts',
    'multicloud_cost_rollup_daily',
    'multicloud_cost_rollup_dimensions',
    'multicloud_cost_rollup_resources',
  ];
  const sizes: Record<string, number> = {};
  if (engine === 'postgres') {
    for (const table of tables) {
      sizes[table] = Number(
        (await knex.raw(`SELECT pg_total_relation_size(?) AS n`, [table]))
          .rows[0].n,
      );
    }
  } else {
    const [{ page_count: pages }] = await knex.raw('PRAGMA page_count');
    const [{ page_size: size }] = await knex.raw('PRAGMA page_size');
    sizes.file = Number(pages) * Number(size);
  }
  return sizes;
}
