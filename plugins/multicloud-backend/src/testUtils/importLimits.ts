import { CostImportLimits } from '../services/CostImport/createCostImportService';

/** Import limits for tests: small, with DuckDB's files in `directory`. */
export function testImportLimits(
  directory: string,
  overrides: Partial<CostImportLimits> = {},
): CostImportLimits {
  return {
    memoryLimit: '256MB',
    threads: 2,
    tempDirectory: directory,
    maxErrors: 20,
    maxUploadBytes: 10 * 1024 * 1024,
    maxDecompressedBytes: 100 * 1024 * 1024,
    maxRows: 1_000_000,
    timeoutMs: 5 * 60 * 1000,
    ...overrides,
  };
}
