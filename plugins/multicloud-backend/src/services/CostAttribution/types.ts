import { Knex } from 'knex';
import { CatalogSnapshot } from './attributionModel';

/**
 * Attributes cost facts to catalog entities and keeps the rollups that cost
 * queries read in step with imports and with the catalog.
 */
export interface CostAttributionService {
  /** Reads the catalog entities that carry cost. */
  loadSnapshot(): Promise<CatalogSnapshot>;
  /**
   * Inside an import's transaction: attributes (resource, tags) pairs seen
   * for the first time and rebuilds the rollups of the imported days.
   */
  applyImport(
    tx: Knex.Transaction,
    days: { from: string; to: string },
    snapshot: CatalogSnapshot,
  ): Promise<void>;
  /**
   * Re-attributes everything against the current catalog and rebuilds all
   * rollups, when the result differs from the last one.
   */
  refresh(): Promise<{ changed: boolean }>;
}
