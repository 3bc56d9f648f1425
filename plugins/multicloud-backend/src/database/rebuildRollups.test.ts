import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  CostFactsStore,
  DailyCostRow,
  createCostFactsStore,
} from './CostFactsStore';
import { applyDatabaseMigrations } from './migrations';
import { rebuildRollups } from './rebuildRollups';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const EVERYTHING = '*';
const COSTS = ['billed_cost', 'effective_cost', 'list_cost'] as const;

/**
 * An estate whose ancestries are everything the fan-out has to tell apart:
 * resources that share their ancestors (one label), a resource of the same
 * component in another system, a resource of a nested component, entities
 * with cost of their own that others roll up to (a component, a nested
 * component, a system), a group and a resource that nothing rolls up to,
 * and an attributed entity without ancestors (its cost reaches no rollup).
 */
const ANCESTRY: Record<string, Record<string, string>> = {
  ...Object.fromEntries(
    [1, 2, 3, 4].map(i => [
      `resource:default/r${i}`,
      {
        [`resource:default/r${i}`]: 'resource',
        'component:default/c1': 'component',
        'system:default/s1': 'system',
        'domain:default/d1': 'domain',
        'group:default/g1': 'group',
        [EVERYTHING]: 'all',
      },
    ]),
  ),
  'resource:default/r5': {
    'resource:default/r5': 'resource',
    'component:default/c1': 'component',
    'system:default/s2': 'system',
    'domain:default/d2': 'domain',
    'group:default/g1': 'group',
    [EVERYTHING]: 'all',
  },
  'resource:default/r6': {
    'resource:default/r6': 'resource',
    'component:default/c3': 'component',
    'component:default/c1': 'component',
    'system:default/s1': 'system',
    'domain:default/d1': 'domain',
    'group:default/g1': 'group',
    [EVERYTHING]: 'all',
  },
  'resource:default/r7': {
    'resource:default/r7': 'resource',
    [EVERYTHING]: 'all',
  },
  'component:default/c1': {
    'component:default/c1': 'component',
    'system:default/s1': 'system',
    'domain:default/d1': 'domain',
    'group:default/g1': 'group',
    [EVERYTHING]: 'all',
  },
  'component:default/c2': {
    'component:default/c2': 'component',
    'system:default/s1': 'system',
    'domain:default/d1': 'domain',
    'group:default/g2': 'group',
    [EVERYTHING]: 'all',
  },
  'component:default/c3': {
    'component:default/c3': 'component',
    'component:default/c1': 'component',
    'system:default/s1': 'system',
    'domain:default/d1': 'domain',
    'group:default/g1': 'group',
    [EVERYTHING]: 'all',
  },
  'system:default/s2': {
    'system:default/s2': 'system',
    'domain:default/d2': 'domain',
    'group:default/g2': 'group',
    [EVERYTHING]: 'all',
  },
  'group:default/g3': {
    'group:default/g3': 'group',
    [EVERYTHING]: 'all',
  },
  unallocated: { unallocated: 'unallocated', [EVERYTHING]: 'all' },
};

type Key = {
  key: string;
  resourceKey: string;
  entityRef: string;
  via: string;
  tagged: boolean;
};

/**
 * The keys: a resource's own; a resource billed under two keys that go to
 * different entities (its tag changed: the same resource's rows of a shared
 * ancestor come from both); tag-attributed components, system and group;
 * charges without a resource; an entity the ancestors do not know.
 */
const KEYS: Key[] = [
  ...[1, 2, 3, 4, 5, 6, 7].map(i => ({
    key: `k-r${i}`,
    resourceKey: `i-${i}`,
    entityRef: `resource:default/r${i}`,
    via: 'resource',
    tagged: i % 2 === 0,
  })),
  {
    key: 'k-r1-tagged',
    resourceKey: 'i-1',
    entityRef: 'component:default/c2',
    via: 'tag',
    tagged: true,
  },
  ...['c1', 'c3'].map(name => ({
    key: `k-${name}`,
    resourceKey: `i-${name}`,
    entityRef: `component:default/${name}`,
    via: 'tag',
    tagged: true,
  })),
  {
    key: 'k-s2',
    resourceKey: 'i-s2',
    entityRef: 'system:default/s2',
    via: 'tag',
    tagged: true,
  },
  {
    key: 'k-g3',
    resourceKey: '',
    entityRef: 'group:default/g3',
    via: 'tag',
    tagged: true,
  },
  {
    key: 'k-none',
    resourceKey: '',
    entityRef: 'unallocated',
    via: 'none',
    tagged: false,
  },
  {
    key: 'k-gone',
    resourceKey: 'i-gone',
    entityRef: 'resource:default/gone',
    via: 'resource',
    tagged: false,
  },
];

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Facts of every key over five days, several per line, in two currencies. */
function makeFacts(): DailyCostRow[] {
  const next = random(7);
  const pick = <T>(values: T[]) => values[Math.floor(next() * values.length)];
  const facts: DailyCostRow[] = [];
  for (const key of KEYS) {
    for (let day = 1; day <= 5; day++) {
      for (let n = 0; n < 4; n++) {
        const billed = Math.round(next() * 10000) / 100;
        const provider = pick(['AWS', 'Microsoft', 'Google Cloud']);
        facts.push({
          usage_date: `2026-10-0${day}`,
          provider,
          billing_account_id: pick(['b1', 'b2']),
          billing_period_start: '2026-10-01',
          sub_account_id: pick(['', 's1', 's2']),
          region: pick(['', 'eu-west-1', 'us-east-1']),
          service_name: pick(['EC2', 'S3', 'SQL']),
          service_category: 'Compute',
          resource_id: key.resourceKey,
          resource_key: key.resourceKey,
          resource_name: key.resourceKey ? pick(['a', 'b', null]) : null,
          resource_type: null,
          charge_category: 'Usage',
          currency: pick(['USD', 'USD', 'EUR']),
          consumed_unit: 'Hours',
          billed_cost: billed,
          effective_cost: Math.round(billed * 80) / 100,
          list_cost: Math.round(billed * 120) / 100,
          consumed_quantity: 1,
          tags: '{}',
          extra: '{}',
          attribution_key: key.key,
        });
      }
    }
  }
  return facts;
}

type RollupRow = Record<string, string | number | boolean | null>;

/**
 * The rollups as the attribution and ancestry define them, computed the
 * plain way: every fact added to every row of every ancestor of its entity.
 */
function expectedRollups(
  facts: DailyCostRow[],
  keys: Key[],
  ancestry: Record<string, Record<string, string>>,
) {
  const tables = {
    daily: new Map<string, RollupRow>(),
    dimensions: new Map<string, RollupRow>(),
    resources: new Map<string, RollupRow>(),
  };
  const add = (
    table: Map<string, RollupRow>,
    keyColumns: RollupRow,
    fact: DailyCostRow,
    maxima: RollupRow = {},
  ) => {
    const id = JSON.stringify(keyColumns);
    const row = table.get(id) ?? {
      ...keyColumns,
      ...Object.fromEntries(COSTS.map(c => [c, 0])),
    };
    for (const c of COSTS) {
      row[c] = Number(row[c]) + fact[c];
    }
    // MAX: the largest value that is not null.
    for (const [column, value] of Object.entries(maxima)) {
      const before = row[column] ?? null;
      row[column] =
        before === null || (value !== null && String(value) > String(before))
          ? value
          : before;
    }
    table.set(id, row);
  };
  const byKey = new Map(keys.map(k => [k.key, k]));
  for (const fact of facts) {
    const key = byKey.get(fact.attribution_key)!;
    const account = fact.sub_account_id || fact.billing_account_id;
    for (const [ref, kind] of Object.entries(ancestry[key.entityRef] ?? {})) {
      add(
        tables.daily,
        {
          entity_ref: ref,
          entity_kind: kind,
          usage_date: fact.usage_date,
          currency: fact.currency,
          via: key.via,
          tagged: key.tagged,
        },
        fact,
      );
      for (const [dimension, value] of Object.entries({
        service: fact.service_name,
        provider: fact.provider,
        account,
        region: fact.region,
      })) {
        add(
          tables.dimensions,
          {
            entity_ref: ref,
            dimension,
            usage_date: fact.usage_date,
            value,
            provider: fact.provider,
            currency: fact.currency,
          },
          fact,
        );
      }
      if (ref !== EVERYTHING) {
        add(
          tables.resources,
          {
            entity_ref: ref,
            usage_date: fact.usage_date,
            resource_key: fact.resource_key,
            resource_name: fact.resource_name,
            provider: fact.provider,
            currency: fact.currency,
          },
          fact,
          {
            resource_ref: key.via === 'resource' ? key.entityRef : null,
          },
        );
      }
    }
  }
  return {
    daily: [...tables.daily.values()],
    dimensions: [...tables.dimensions.values()],
    resources: [...tables.resources.values()],
  };
}

/** A rollup value as both engines give it: costs to the cent, flags as booleans. */
function comparableValue(column: string, value: RollupRow[string]) {
  if ((COSTS as readonly string[]).includes(column)) {
    return Math.round(Number(value) * 100) / 100;
  }
  return column === 'tagged' ? Boolean(value) : value;
}

/** Rows in a stable order, their costs rounded to the cent. */
function comparable(rows: RollupRow[]) {
  return rows
    .map(row =>
      Object.fromEntries(
        Object.entries(row)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([column, value]) => [column, comparableValue(column, value)]),
      ),
    )
    .sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : Number(x > y);
    });
}

describe('rebuildRollups', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: CostFactsStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      store = createCostFactsStore(knex);
    });

    const attributionRows = (keys: Key[]) =>
      keys.map(k => ({
        attributionKey: k.key,
        resourceKey: k.resourceKey,
        tags: '{}',
        entityRef: k.entityRef,
        via: k.via,
        tagged: k.tagged,
      }));
    const ancestorRows = (ancestry: Record<string, Record<string, string>>) =>
      Object.entries(ancestry).flatMap(([entityRef, ancestors]) =>
        Object.entries(ancestors).map(([ancestorRef, ancestorKind]) => ({
          entityRef,
          ancestorRef,
          ancestorKind,
        })),
      );
    const stored = async () => ({
      daily: comparable(await knex('multicloud_cost_rollup_daily').select()),
      dimensions: comparable(
        await knex('multicloud_cost_rollup_dimensions').select(),
      ),
      resources: comparable(
        await knex('multicloud_cost_rollup_resources').select(),
      ),
    });
    const expected = (
      facts: DailyCostRow[],
      keys: Key[],
      ancestry: Record<string, Record<string, string>>,
    ) => {
      const rollups = expectedRollups(facts, keys, ancestry);
      return {
        daily: comparable(rollups.daily),
        dimensions: comparable(rollups.dimensions),
        resources: comparable(rollups.resources),
      };
    };

    /** The facts, attributed and rolled up in one transaction, as an import leaves them. */
    const seed = (facts: DailyCostRow[]) =>
      store.write(async writer => {
        await writer.insertFacts(facts, 'import-1');
        await writer.replaceAttribution(attributionRows(KEYS));
        await writer.replaceAncestors(ancestorRows(ANCESTRY));
        await writer.rebuildRollups();
      });

    it('writes every ancestor of every fact once per rollup row, whichever entities share their ancestors', async () => {
      const facts = makeFacts();
      await seed(facts);
      const want = expected(facts, KEYS, ANCESTRY);
      expect(want.resources.length).toBeGreaterThan(100);
      expect(await stored()).toEqual(want);

      // A rebuild of some days replaces just those days' rows.
      await store.write(writer =>
        writer.rebuildRollups({ from: '2026-10-02', to: '2026-10-03' }),
      );
      expect(await stored()).toEqual(want);

      // In chunks of a day, on PostgreSQL on helper connections at once
      // (the facts are committed now).
      await knex.transaction(tx =>
        rebuildRollups(tx, undefined, { helper: knex, chunkFacts: 50 }),
      );
      expect(await stored()).toEqual(want);
    });

    it('moves keys between entities of different ancestries to what a plain fan-out of the new attribution gives', async () => {
      const facts = makeFacts();
      await seed(facts);
      // r2 goes to the nested component's resource ancestry, the tagged key
      // of r1 to the group of its own, and c3 leaves c1 for system s2.
      const movedTo: Record<string, string> = {
        'k-r2': 'resource:default/r6',
        'k-r1-tagged': 'group:default/g3',
      };
      const moved = KEYS.map(k => ({
        ...k,
        entityRef: movedTo[k.key] ?? k.entityRef,
      }));
      const ancestry = {
        ...ANCESTRY,
        'component:default/c3': {
          'component:default/c3': 'component',
          'system:default/s2': 'system',
          'domain:default/d2': 'domain',
          'group:default/g2': 'group',
          [EVERYTHING]: 'all',
        },
        'resource:default/r6': {
          'resource:default/r6': 'resource',
          'component:default/c3': 'component',
          'system:default/s2': 'system',
          'domain:default/d2': 'domain',
          'group:default/g2': 'group',
          [EVERYTHING]: 'all',
        },
      };
      await store.write(writer =>
        writer.reattributeRollups(
          ['k-r2', 'k-r1-tagged', 'k-c3', 'k-r6'],
          async () => {
            await writer.replaceAttribution(attributionRows(moved));
            await writer.replaceAncestors(ancestorRows(ancestry));
          },
        ),
      );
      expect(await stored()).toEqual(expected(facts, moved, ancestry));
    });
  });
});
