import { Knex } from 'knex';
import { countChange } from './CostFactsStore';

/** A monthly budget set through the API. */
export type StoredBudget = {
  entityRef: string;
  amount: number;
  currency: string;
  updatedBy: string | null;
  /** ISO timestamp. */
  updatedAt: string;
};

/** Monthly budgets set through the API, one per entity. */
export interface BudgetStore {
  getBudget(entityRef: string): Promise<StoredBudget | undefined>;
  /** Sets the entity's budget, replacing the one it had. */
  setBudget(budget: {
    entityRef: string;
    amount: number;
    currency: string;
    updatedBy?: string;
  }): Promise<void>;
  /** False when the entity had no budget. */
  deleteBudget(entityRef: string): Promise<boolean>;
}

/** Creates the {@link BudgetStore} over the plugin's database. */
export function createBudgetStore(knex: Knex): BudgetStore {
  return {
    async getBudget(entityRef) {
      const row = await knex('multicloud_cost_budgets')
        .where({ entity_ref: entityRef })
        .first();
      if (!row) {
        return undefined;
      }
      return {
        entityRef: row.entity_ref,
        amount: Number(row.amount),
        currency: String(row.currency),
        updatedBy: row.updated_by ?? null,
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    },

    async setBudget({ entityRef, amount, currency, updatedBy }) {
      await knex.transaction(async tx => {
        await tx('multicloud_cost_budgets')
          .insert({
            entity_ref: entityRef,
            amount,
            currency,
            updated_by: updatedBy ?? null,
            updated_at: new Date(),
          })
          .onConflict('entity_ref')
          .merge();
        await countChange(tx);
      });
    },

    async deleteBudget(entityRef) {
      return knex.transaction(async tx => {
        const deleted = await tx('multicloud_cost_budgets')
          .where({ entity_ref: entityRef })
          .delete();
        if (deleted > 0) {
          await countChange(tx);
        }
        return deleted > 0;
      });
    },
  };
}
