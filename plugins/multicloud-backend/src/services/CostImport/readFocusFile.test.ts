import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testImportLimits } from '../../testUtils/importLimits';
import { readFocusFile } from './readFocusFile';

jest.setTimeout(60_000);

const DAYS = 31;
const RESOURCES = 13_000;

/**
 * A month of daily FOCUS 1.0 rows, one per resource and day: every row is
 * its own daily fact, as in an export already at daily grain. Written by
 * DuckDB, which does it in a second where building the text in JS takes ten.
 */
async function writeDailyMonth(file: string) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const day = `lpad(CAST(1 + i % ${DAYS} AS VARCHAR), 2, '0')`;
    const resource = `CAST(i // ${DAYS} AS VARCHAR)`;
    await connection.run(`
      COPY (
        SELECT
          (i % 1000) / 100 AS BilledCost,
          '111122223333' AS BillingAccountId,
          'USD' AS BillingCurrency,
          '2026-11-01T00:00:00Z' AS BillingPeriodEnd,
          '2026-10-01T00:00:00Z' AS BillingPeriodStart,
          'Usage' AS ChargeCategory,
          '2026-10-' || ${day} || 'T23:00:00Z' AS ChargePeriodEnd,
          '2026-10-' || ${day} || 'T00:00:00Z' AS ChargePeriodStart,
          24 AS ConsumedQuantity,
          'Hours' AS ConsumedUnit,
          (i % 1000) / 100 AS EffectiveCost,
          (i % 1000) / 80 AS ListCost,
          'AWS' AS ProviderName,
          'eu-west-1' AS RegionId,
          'arn:aws:ec2:eu-west-1:111122223333:instance/i-' || lpad(${resource}, 17, '0') AS ResourceId,
          'web-' || ${resource} AS ResourceName,
          'Compute' AS ServiceCategory,
          'Amazon Elastic Compute Cloud' AS ServiceName,
          '111122223333' AS SubAccountId,
          '{"application":"app-' || CAST(i % 97 AS VARCHAR) || '","environment":"prod"}' AS Tags
        FROM range(${DAYS * RESOURCES}) AS r(i)
      ) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')
    `);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('readFocusFile', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'read-focus-test-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  // Two threads that both spill their groups need more than 160MB between
  // them (the grouping ran out of memory here before): the grouping runs
  // again on the one thread the limit holds.
  it('sums a month of unique daily rows that spills to disk at memoryLimit 160MB with threads: 2', async () => {
    const file = path.join(directory, 'month.csv');
    await writeDailyMonth(file);

    const contents = await readFocusFile(
      file,
      'csv',
      testImportLimits(directory, {
        memoryLimit: '160MB',
        threads: 2,
        maxDecompressedBytes: 1024 ** 3,
      }),
      async read => read,
    );

    const rows = DAYS * RESOURCES;
    expect(contents.rows).toBe(rows);
    expect(contents.dailyRows).toBe(rows);
    expect(contents.dateRange).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
    });
    // Each 1,000 rows bill 0.00 + 0.01 + ... + 9.99 = 4,995.
    expect(contents.totals).toEqual([
      {
        provider: 'AWS',
        currency: 'USD',
        billedCost: expect.closeTo((rows / 1000) * 4995, 6),
        effectiveCost: expect.closeTo((rows / 1000) * 4995, 6),
        listCost: expect.closeTo(((rows / 1000) * 4995 * 100) / 80, 6),
      },
    ]);
  });
});
