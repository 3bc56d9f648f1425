import { TestDatabases } from '@backstage/backend-test-utils';
import { BudgetStore, createBudgetStore } from './BudgetStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const API = 'component:default/api';
const SHOP = 'system:default/shop';

describe('createBudgetStore', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let store: BudgetStore;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      store = createBudgetStore(knex);
    });

    it('sets a budget with who set it and when, and reads it back', async () => {
      expect(await store.getBudget(API)).toBeUndefined();

      const before = Date.now();
      await store.setBudget({
        entityRef: API,
        amount: 1500.5,
        currency: 'EUR',
        updatedBy: 'user:default/finops',
      });
      const after = Date.now();

      const budget = await store.getBudget(API);
      expect(budget).toEqual({
        entityRef: API,
        amount: 1500.5,
        currency: 'EUR',
        updatedBy: 'user:default/finops',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
      const updatedAt = Date.parse(budget!.updatedAt);
      expect(updatedAt).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
      expect(updatedAt).toBeLessThanOrEqual(after);
      expect(await store.getBudget(SHOP)).toBeUndefined();
    });

    it("replaces an entity's budget and leaves the others alone", async () => {
      await store.setBudget({
        entityRef: API,
        amount: 100,
        currency: 'USD',
        updatedBy: 'user:default/finops',
      });
      await store.setBudget({ entityRef: SHOP, amount: 900, currency: 'USD' });

      await store.setBudget({ entityRef: API, amount: 250, currency: 'GBP' });

      expect(await store.getBudget(API)).toMatchObject({
        amount: 250,
        currency: 'GBP',
        updatedBy: null,
      });
      expect(await store.getBudget(SHOP)).toMatchObject({
        amount: 900,
        currency: 'USD',
        updatedBy: null,
      });
    });

    it('deletes a budget once, telling whether there was one', async () => {
      await store.setBudget({ entityRef: API, amount: 100, currency: 'USD' });
      await store.setBudget({ entityRef: SHOP, amount: 900, currency: 'USD' });

      expect(await store.deleteBudget(API)).toBe(true);
      expect(await store.deleteBudget(API)).toBe(false);
      expect(await store.getBudget(API)).toBeUndefined();
      expect(await store.getBudget(SHOP)).toMatchObject({ amount: 900 });
    });
  });
});
