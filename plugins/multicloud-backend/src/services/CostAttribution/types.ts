import { CostFactsWriter } from '../../database/CostFactsStore';
import { CatalogSnapshot } from './attributionModel';

/** Reads a `multicloud.io/monthly-budget` annotation (the router passes it to cost queries). */
export { parseBudgetAnnotation } from './attributionModel';

/** What a rebuild of the rollups did. */
export type CostRebuildResult = {
  /** Daily cost facts the rollups were derived from. */
  facts: number;
  /** Distinct (resource, tags) pairs of the facts, attributed against the current catalog. */
  pairs: number;
  /**
   * Pairs the facts held that had no attribution: their cost was missing
   * from every rollup, the organisation total included, until this rebuild.
   */
  unattributedPairs: number;
  /**
   * Per currency (EffectiveCost): the facts' sum and the organisation total
   * of the rollups before and after the rebuild.
   */
  totals: Array<{
    currency: string;
    facts: number;
    rollupBefore: number;
    rollupAfter: number;
  }>;
  durationMs: number;
};

/**
 * Attributes cost facts to catalog entities and keeps the rollups that cost
 * queries read in step with imports and with the catalog.
 */
export interface CostAttributionService {
  /** Reads the catalog entities that carry cost. */
  loadSnapshot(): Promise<CatalogSnapshot>;
  /**
   * Inside an import's write of the cost store: attributes (resource, tags)
   * pairs seen for the first time and rebuilds the rollups of the imported
   * days.
   */
  applyImport(
    writer: CostFactsWriter,
    days: { from: string; to: string },
    snapshot: CatalogSnapshot,
  ): Promise<void>;
  /**
   * Re-attributes everything against the current catalog and rebuilds all
   * rollups, when the result differs from the last one. Reads what it
   * compares inside its transaction, under the cost store's write lock.
   */
  refresh(): Promise<{ changed: boolean }>;
  /**
   * Repairs the store: attributes every (resource, tags) pair the facts hold
   * against the current catalog and re-derives every rollup from the facts.
   */
  rebuild(): Promise<CostRebuildResult>;
}
