import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import { DEFAULT_TAG_KEYS } from '../CostAttribution/attributionModel';
import { createCostAttributionService } from '../CostAttribution/createCostAttributionService';
import { CostAttributionService } from '../CostAttribution/types';
import { demoCatalog } from '../../testUtils/catalog';
import {
  SHARED_SAMPLE,
  focusCsv,
  focusRow,
  gzip,
  parseCsv,
  writeFile,
  writeParquet,
} from '../../testUtils/focusFiles';
import { createCostImportService } from './createCostImportService';
import { FocusFileRejectedError } from './readFocusFile';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe('createCostImportService', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-import-test-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  async function setUp(
    databaseId: Parameters<typeof databases.init>[0],
    wrapAttribution?: (a: CostAttributionService) => CostAttributionService,
    memoryLimit = '256MB',
  ) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const logger = mockServices.logger.mock();
    const attribution = createCostAttributionService({
      knex,
      catalog: catalogServiceMock({ entities: demoCatalog() }),
      auth: mockServices.auth(),
      logger,
      tagKeys: DEFAULT_TAG_KEYS,
    });
    const importer = createCostImportService({
      knex,
      logger,
      attribution: wrapAttribution ? wrapAttribution(attribution) : attribution,
      limits: {
        memoryLimit,
        threads: 2,
        tempDirectory: directory,
        maxErrors: 20,
        maxUploadBytes: 10 * 1024 * 1024,
      },
    });
    return { knex, importer, attribution, logger };
  }

  async function factTotals(knex: Knex) {
    const rows: Array<Record<string, string>> = (await knex(
      'multicloud_cost_facts',
    )
      .groupBy('provider')
      .select('provider')
      .sum({ billed: 'billed_cost', effective: 'effective_cost' })
      .count({ n: '*' })
      .orderBy('provider')) as Array<Record<string, string>>;
    return rows.map(r => ({
      provider: r.provider,
      billed: Number(r.billed),
      effective: Number(r.effective),
      n: Number(r.n),
    }));
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('imports the shared FOCUS 1.0 sample with per-provider totals equal to the file sums', async () => {
      const { knex, importer } = await setUp(databaseId);
      const expected = new Map<
        string,
        { billed: number; effective: number; list: number }
      >();
      const text = zlib.gunzipSync(fs.readFileSync(SHARED_SAMPLE)).toString();
      for (const row of parseCsv(text)) {
        const sums = expected.get(row.ProviderName!) ?? {
          billed: 0,
          effective: 0,
          list: 0,
        };
        sums.billed += Number(row.BilledCost);
        sums.effective += Number(row.EffectiveCost);
        sums.list += Number(row.ListCost);
        expected.set(row.ProviderName!, sums);
      }
      expect(expected.size).toBeGreaterThanOrEqual(3);

      const result = await importer.importFile({
        path: SHARED_SAMPLE,
        source: 'test',
      });

      expect(result.focusVersion).toBe('1.0');
      expect(result.format).toBe('csv.gz');
      expect(result.rows).toBe(1000);
      expect(result.totals.map(t => t.provider).sort()).toEqual(
        [...expected.keys()].sort(),
      );
      for (const total of result.totals) {
        const sums = expected.get(total.provider)!;
        expect(total.billedCost).toBeCloseTo(sums.billed, 9);
        expect(total.effectiveCost).toBeCloseTo(sums.effective, 9);
        expect(total.listCost).toBeCloseTo(sums.list, 9);
      }
      // What the store holds adds up to the same.
      for (const stored of await factTotals(knex)) {
        expect(stored.billed).toBeCloseTo(
          expected.get(stored.provider)!.billed,
          9,
        );
        expect(stored.effective).toBeCloseTo(
          expected.get(stored.provider)!.effective,
          9,
        );
      }
      const imports = await knex('multicloud_cost_imports').select(
        'status',
        'rows',
      );
      expect(imports).toEqual([
        { status: 'completed', rows: expect.anything() },
      ]);
      expect(Number(imports[0].rows)).toBe(1000);
    });

    it('reads FOCUS 1.1 and 1.2, gzip and Parquet to the same facts, summing hours to days', async () => {
      const { knex, importer } = await setUp(databaseId);
      const rows = [
        // Three hours of one instance on one day, one of them with a zone offset.
        focusRow({
          ChargePeriodStart: '2026-10-05T00:00:00Z',
          BilledCost: 1.5,
          EffectiveCost: 1.25,
        }),
        focusRow({
          ChargePeriodStart: '2026-10-05 01:00:00',
          BilledCost: 2.5,
          EffectiveCost: 2,
        }),
        focusRow({
          ChargePeriodStart: '2026-10-05T23:30:00+02:00',
          BilledCost: 1,
          EffectiveCost: 1,
        }),
        // 23:30 at UTC-02:00 is 01:30 UTC the next day.
        focusRow({
          ChargePeriodStart: '2026-10-05T23:30:00-02:00',
          BilledCost: 4,
          EffectiveCost: 4,
        }),
        focusRow({
          ResourceId: null,
          ResourceName: null,
          ServiceName: 'Tax',
          ChargeCategory: 'Tax',
          BilledCost: 0.5,
          EffectiveCost: 0.5,
          Tags: '{"team":"data-team"}',
          x_InvoiceSection: 'EU',
        }),
      ];
      const csv10 = writeFile(directory, 'v10.csv', focusCsv(rows, '1.0'));
      const files = [
        { file: csv10, version: '1.0', format: 'csv' },
        {
          file: writeFile(directory, 'v11.csv', focusCsv(rows, '1.1')),
          version: '1.1',
          format: 'csv',
        },
        {
          file: writeFile(directory, 'v12.csv.gz', gzip(focusCsv(rows, '1.2'))),
          version: '1.2',
          format: 'csv.gz',
        },
      ];
      const parquet = path.join(directory, 'v10.parquet');
      await writeParquet(csv10, parquet);
      files.push({ file: parquet, version: '1.0', format: 'parquet' });

      for (const { file, version, format } of files) {
        const result = await importer.importFile({
          path: file,
          source: 'test',
        });
        expect({ version: result.focusVersion, format: result.format }).toEqual(
          { version, format },
        );
        expect(result.rows).toBe(5);
        expect(result.totals).toEqual([
          {
            provider: 'AWS',
            currency: 'USD',
            billedCost: 9.5,
            effectiveCost: 8.75,
            listCost: 6.25,
          },
        ]);
        // The same billing period each time: replaced, never added.
        const facts = await knex('multicloud_cost_facts')
          .select('usage_date', 'service_name', 'billed_cost', 'tags', 'extra')
          .orderBy(['usage_date', 'service_name']);
        expect(
          facts.map(f => [f.usage_date, f.service_name, Number(f.billed_cost)]),
        ).toEqual([
          ['2026-10-05', 'Amazon Elastic Compute Cloud', 5],
          ['2026-10-05', 'Tax', 0.5],
          ['2026-10-06', 'Amazon Elastic Compute Cloud', 4],
        ]);
        const tax = facts.find(f => f.service_name === 'Tax');
        expect(JSON.parse(tax.tags)).toEqual({ team: 'data-team' });
        expect(JSON.parse(tax.extra)).toEqual({ x_InvoiceSection: 'EU' });
      }
    });

    it('replaces a re-imported billing period and keeps the others', async () => {
      const { knex, importer } = await setUp(databaseId);
      const october = writeFile(
        directory,
        'oct.csv',
        focusCsv([focusRow({ BilledCost: 10 })]),
      );
      const september = writeFile(
        directory,
        'sep.csv',
        focusCsv([
          focusRow({
            BilledCost: 7,
            BillingPeriodStart: '2026-09-01T00:00:00Z',
            ChargePeriodStart: '2026-09-10T00:00:00Z',
          }),
        ]),
      );
      await importer.importFile({ path: october, source: 'test' });
      await importer.importFile({ path: september, source: 'test' });
      await importer.importFile({ path: october, source: 'test' });
      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 17, effective: 2, n: 2 },
      ]);

      const octoberRevised = writeFile(
        directory,
        'oct2.csv',
        focusCsv([
          focusRow({ BilledCost: 3 }),
          focusRow({ BilledCost: 4, ResourceId: 'i-0def' }),
        ]),
      );
      await importer.importFile({ path: octoberRevised, source: 'test' });
      expect((await factTotals(knex))[0].billed).toBe(14);
    });

    it('rejects a file with bad rows whole, naming lines and columns, and keeps the previous data', async () => {
      const { knex, importer } = await setUp(databaseId);
      await importer.importFile({
        path: writeFile(
          directory,
          'good.csv',
          focusCsv([focusRow({ BilledCost: 10 })]),
        ),
        source: 'test',
      });
      const bad = writeFile(
        directory,
        'bad.csv',
        focusCsv([
          focusRow({ BilledCost: 1 }),
          focusRow({ BilledCost: 'twelve' }),
          focusRow({ ChargePeriodStart: 'yesterday' }),
          focusRow({ Tags: '{"owner": ' }),
          focusRow({ BillingCurrency: 'US Dollar' }),
          focusRow({ ChargeCategory: 'Usages' }),
        ]),
      );

      const error = await importer
        .importFile({ path: bad, source: 'test' })
        .catch(e => e);

      if (!(error instanceof FocusFileRejectedError)) {
        throw error;
      }
      expect(error.badRows).toBe(5);
      expect(error.message).toMatch(
        /5 rows failed validation. First: line 3, BilledCost "twelve" is not a number/,
      );
      expect(error.errors).toEqual([
        {
          line: 3,
          column: 'BilledCost',
          message: 'BilledCost "twelve" is not a number',
        },
        {
          line: 4,
          column: 'ChargePeriodStart',
          message: expect.stringContaining(
            '"yesterday" is not a date and time',
          ),
        },
        {
          line: 5,
          column: 'Tags',
          message: expect.stringContaining('is not a JSON object'),
        },
        {
          line: 6,
          column: 'BillingCurrency',
          message:
            'BillingCurrency "US Dollar" is not an ISO 4217 currency code',
        },
        {
          line: 7,
          column: 'ChargeCategory',
          message: expect.stringContaining('"Usages" is not one of Usage'),
        },
      ]);
      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 10, effective: 1, n: 1 },
      ]);
      const statuses = await knex('multicloud_cost_imports')
        .orderBy('started_at')
        .select('status');
      expect(statuses.map(s => s.status).sort()).toEqual([
        'completed',
        'failed',
      ]);
    });

    it('rejects files that are not FOCUS 1.0-1.2 or not readable, with the reason', async () => {
      const { knex, importer } = await setUp(databaseId);
      const cases: Array<[string, string | Buffer, RegExp]> = [
        [
          'not-focus.csv',
          'name,cost\nweb,1\n',
          /missing columns BilledCost, EffectiveCost/,
        ],
        [
          'preview.csv',
          '"ChargeType","BilledCost"\n"Usage",1\n',
          /1.0-preview export \(ChargeType\)/,
        ],
        ['empty.csv', '', /The file is empty/],
        ['ragged.csv', `${focusCsv([focusRow()])}"1","2"\n`, /line 3/],
        [
          'broken.parquet',
          Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7)]),
          /could not be read/,
        ],
        [
          'broken.csv.gz',
          gzip(focusCsv([focusRow()])).subarray(0, 40),
          /could not be read|not valid CSV/,
        ],
      ];
      for (const [name, content, message] of cases) {
        const error = await importer
          .importFile({
            path: writeFile(directory, name, content),
            source: 'test',
          })
          .catch(e => e);
        expect({
          name,
          error: error instanceof InputError,
          message: error.message,
        }).toEqual({
          name,
          error: true,
          message: expect.stringMatching(message),
        });
      }
      expect(await knex('multicloud_cost_facts').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      expect(
        Number((await knex('multicloud_cost_facts').count({ n: '*' }))[0].n),
      ).toBe(0);
    });

    it('leaves the previous data intact when an import fails half way', async () => {
      let fail = false;
      const { knex, importer } = await setUp(databaseId, attribution => ({
        ...attribution,
        async applyImport(tx, days, snapshot) {
          if (fail) {
            throw new Error('disk full');
          }
          return attribution.applyImport(tx, days, snapshot);
        },
      }));
      const file = writeFile(
        directory,
        'oct.csv',
        focusCsv([focusRow({ BilledCost: 10 })]),
      );
      await importer.importFile({ path: file, source: 'test' });
      fail = true;
      const revised = writeFile(
        directory,
        'oct2.csv',
        focusCsv([focusRow({ BilledCost: 99 })]),
      );

      await expect(
        importer.importFile({ path: revised, source: 'test' }),
      ).rejects.toThrow('disk full');

      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 10, effective: 1, n: 1 },
      ]);
      expect(
        Number(
          (
            await knex('multicloud_cost_rollup_daily')
              .where({ entity_ref: '*' })
              .sum({ c: 'billed_cost' })
          )[0].c,
        ),
      ).toBe(10);
    });

    it('names the memory limit to raise when DuckDB runs out of it, and writes nothing', async () => {
      const { knex, importer } = await setUp(databaseId, undefined, '1MB');
      const file = writeFile(
        directory,
        'oct.csv',
        focusCsv([focusRow({ BilledCost: 10 })]),
      );

      await expect(
        importer.importFile({ path: file, source: 'test' }),
      ).rejects.toThrow(
        /needed more than multicloud\.cost\.imports\.memoryLimit \(1MB\).*Nothing was written/,
      );
      expect(await factTotals(knex)).toEqual([]);
    });

    it('imports an upload from a stream and refuses one over the size limit', async () => {
      const { knex, importer } = await setUp(databaseId);
      const csv = focusCsv([focusRow({ BilledCost: 2 })]);
      const result = await importer.importUpload(
        Readable.from([Buffer.from(csv)]),
        {
          fileName: 'upload.csv',
          createdBy: 'user:default/guest',
        },
      );
      expect(result.totals[0].billedCost).toBe(2);
      const record = await knex('multicloud_cost_imports').first();
      expect(record).toMatchObject({
        file_name: 'upload.csv',
        created_by: 'user:default/guest',
        source: 'upload',
      });

      const huge = Readable.from(
        (function* chunks() {
          for (let i = 0; i < 11; i++) yield Buffer.alloc(1024 * 1024, 32);
        })(),
      );
      await expect(importer.importUpload(huge, {})).rejects.toThrow(
        /larger than the 10485760 bytes allowed/,
      );
      expect(fs.readdirSync(directory)).toEqual([]);
    });

    it('imports each file of a folder once, by content', async () => {
      const { importer, knex } = await setUp(databaseId);
      const folder = fs.mkdtempSync(path.join(directory, 'exports-'));
      fs.mkdirSync(path.join(folder, '2026-10'));
      writeFile(
        path.join(folder, '2026-10'),
        'aws.csv.gz',
        gzip(focusCsv([focusRow({ BilledCost: 3 })])),
      );
      writeFile(folder, 'bad.csv', focusCsv([focusRow({ BilledCost: 'x' })]));
      writeFile(folder, 'notes.txt', 'not an export');

      expect(
        await importer.importFolder({ id: 'exports', path: folder }),
      ).toEqual({ imported: 1, skipped: 0, failed: 1 });
      expect(
        await importer.importFolder({ id: 'exports', path: folder }),
      ).toEqual({ imported: 0, skipped: 2, failed: 0 });
      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 3, effective: 1, n: 1 },
      ]);
      expect(await importer.lastImportAt()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });
  });
});
