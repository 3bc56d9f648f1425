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
  settle,
  writeFile,
  writeParquet,
} from '../../testUtils/focusFiles';
import { testImportLimits } from '../../testUtils/importLimits';
import {
  CostImportLimits,
  createCostImportService,
} from './createCostImportService';
import { CostImportLimitError, FocusFileRejectedError } from './types';

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
    limits: Partial<CostImportLimits> = {},
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
      limits: testImportLimits(directory, limits),
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
        'rejected',
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

    it('refuses a file that needs more memory than memoryLimit with a 413 naming it and the temp directory, and writes nothing', async () => {
      const { knex, importer, attribution, logger } = await setUp(databaseId);
      await importer.importFile({
        path: writeFile(
          directory,
          'oct.csv',
          focusCsv([focusRow({ BilledCost: 10 })]),
        ),
        source: 'test',
      });
      const starved = createCostImportService({
        knex,
        logger,
        attribution,
        limits: testImportLimits(directory, { memoryLimit: '1MB' }),
      });
      const revised = writeFile(
        directory,
        'oct2.csv',
        focusCsv([focusRow({ BilledCost: 99 }), focusRow({ BilledCost: 1 })]),
      );

      const error = await starved
        .importFile({ path: revised, source: 'test' })
        .catch(e => e);

      expect(error).toBeInstanceOf(CostImportLimitError);
      expect(error.statusCode).toBe(413);
      expect(error.setting).toBe('multicloud.cost.imports.memoryLimit');
      expect(error.message).toContain(
        'needed more than multicloud.cost.imports.memoryLimit (1MB) of memory besides what it could spill to the temp directory (multicloud.cost.imports.tempDirectory); raise memoryLimit, or make room in the temp directory, and import the file again. Nothing was written.',
      );
      expect(error.message).not.toContain(directory);
      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 10, effective: 1, n: 1 },
      ]);
      // Not the file's fault: failed, not rejected, so it may be tried again.
      expect(
        (
          await knex('multicloud_cost_imports')
            .orderBy('started_at')
            .select('status')
        ).map(r => r.status),
      ).toEqual(['completed', 'failed']);
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
        /larger than the 10485760 bytes \(10 MiB\) allowed; raise multicloud\.cost\.imports\.maxUploadBytes/,
      );
      expect(fs.readdirSync(directory)).toEqual([]);
    });

    it('imports each file of a folder once, by content', async () => {
      const { importer, knex } = await setUp(databaseId);
      const folder = fs.mkdtempSync(path.join(directory, 'exports-'));
      fs.mkdirSync(path.join(folder, '2026-10'));
      settle(
        writeFile(
          path.join(folder, '2026-10'),
          'aws.csv.gz',
          gzip(focusCsv([focusRow({ BilledCost: 3 })])),
        ),
      );
      settle(
        writeFile(folder, 'bad.csv', focusCsv([focusRow({ BilledCost: 'x' })])),
      );
      settle(writeFile(folder, 'notes.txt', 'not an export'));

      expect(
        await importer.importFolder({ id: 'exports', path: folder }),
      ).toEqual({ imported: 1, skipped: 0, failed: 1, writing: 0 });
      expect(
        await importer.importFolder({ id: 'exports', path: folder }),
      ).toEqual({ imported: 0, skipped: 2, failed: 0, writing: 0 });
      expect(await factTotals(knex)).toEqual([
        { provider: 'AWS', billed: 3, effective: 1, n: 1 },
      ]);
      expect(await importer.lastImportAt()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });
  });
  /** The import records and the facts, to show a failed import wrote nothing. */
  async function recorded(knex: Knex) {
    return {
      statuses: (
        await knex('multicloud_cost_imports')
          .orderBy('started_at')
          .select('status')
      ).map(r => r.status),
      facts: Number(
        (await knex('multicloud_cost_facts').count({ n: '*' }))[0].n,
      ),
    };
  }

  /** DuckDB's and the importer's working files left in the temp directory. */
  const leftovers = () =>
    fs.readdirSync(directory).filter(name => name.startsWith('multicloud-'));

  describe('issue 9 case 5: malformed files and import limits', () => {
    describe.each(databases.eachSupportedId())('on %p', databaseId => {
      it('refuses a gzip bomb of a few KB while decompressing it, with a 413 naming maxDecompressedBytes, and frees the queue', async () => {
        const { knex, importer } = await setUp(databaseId, undefined, {
          maxDecompressedBytes: 1024 * 1024,
        });
        const csv = focusCsv(Array.from({ length: 12_000 }, () => focusRow()));
        const bomb = gzip(csv);
        expect(bomb.length).toBeLessThan(16 * 1024);
        expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
        const files = fs.mkdtempSync(path.join(directory, 'files-'));

        const error = await importer
          .importFile({
            path: writeFile(files, 'bomb.csv.gz', bomb),
            source: 'test',
          })
          .catch(e => e);

        expect(error).toBeInstanceOf(CostImportLimitError);
        expect(error.statusCode).toBe(413);
        expect(error.message).toMatch(
          /more than 1048576 bytes \(1 MiB\) once decompressed, the limit multicloud\.cost\.imports\.maxDecompressedBytes sets; raise it.*Nothing was written/,
        );
        expect(await recorded(knex)).toEqual({
          statuses: ['failed'],
          facts: 0,
        });
        expect(leftovers()).toEqual([]);

        const next = await importer.importFile({
          path: writeFile(files, 'oct.csv.gz', gzip(focusCsv([focusRow()]))),
          source: 'test',
        });
        expect(next.rows).toBe(1);
      });

      it('refuses CSV and Parquet files with more rows than maxRows, naming it, counting quoted line breaks and blank lines right', async () => {
        const { knex, importer } = await setUp(databaseId, undefined, {
          maxRows: 3,
        });
        const files = fs.mkdtempSync(path.join(directory, 'files-'));
        // Three rows: a line break inside a quoted cell and a blank line are no rows.
        const three = focusCsv([
          focusRow({ ResourceName: 'web\n1' }),
          focusRow(),
          focusRow(),
        ]).replace(/\n$/, '\n\n');
        expect(
          (
            await importer.importFile({
              path: writeFile(files, 'three.csv', three),
              source: 'test',
            })
          ).rows,
        ).toBe(3);

        const four = writeFile(
          files,
          'four.csv',
          focusCsv([focusRow(), focusRow(), focusRow(), focusRow()]),
        );
        const parquet = path.join(files, 'four.parquet');
        await writeParquet(four, parquet);
        for (const file of [four, parquet]) {
          const error = await importer
            .importFile({ path: file, source: 'test' })
            .catch(e => e);
          expect({
            file: path.basename(file),
            limit: error instanceof CostImportLimitError,
            statusCode: error.statusCode,
            message: error.message,
          }).toEqual({
            file: path.basename(file),
            limit: true,
            statusCode: 400,
            message: expect.stringMatching(
              /more than 3 rows, the limit multicloud\.cost\.imports\.maxRows sets; raise it or split the export\. Nothing was written/,
            ),
          });
        }
        expect(await recorded(knex)).toEqual({
          statuses: ['completed', 'failed', 'failed'],
          facts: 1,
        });
      });

      it('stops an import that runs past the timeout, naming the setting, writes nothing and frees the queue', async () => {
        let snapshots = 0;
        const { knex, importer } = await setUp(
          databaseId,
          attribution => ({
            ...attribution,
            // The first import's catalog read never answers.
            loadSnapshot: () =>
              snapshots++ === 0
                ? new Promise(() => {})
                : attribution.loadSnapshot(),
          }),
          { timeoutMs: 3000 },
        );
        const file = writeFile(directory, 'oct.csv', focusCsv([focusRow()]));

        const error = await importer
          .importFile({ path: file, source: 'test' })
          .catch(e => e);

        expect(error).toBeInstanceOf(CostImportLimitError);
        expect(error.statusCode).toBe(400);
        expect(error.message).toMatch(
          /took longer than 3 s, the limit multicloud\.cost\.imports\.timeout sets, and was stopped; raise it.*Nothing was written/,
        );
        expect(await recorded(knex)).toEqual({
          statuses: ['failed'],
          facts: 0,
        });
        expect(
          (await importer.importFile({ path: file, source: 'test' })).rows,
        ).toBe(1);
      });

      it('answers unreadable files with an InputError that says what is wrong, without SQL or server paths', async () => {
        const { knex, importer } = await setUp(databaseId);
        const good = focusCsv(
          Array.from({ length: 50 }, (_, i) => focusRow({ BilledCost: i })),
        );
        const gzipped = gzip(good);
        const structCost = path.join(directory, 'struct.parquet');
        await writeParquet(
          writeFile(directory, 'plain.csv', focusCsv([focusRow()])),
          structCost,
          { BilledCost: `{'amount': CAST(BilledCost AS DOUBLE)}` },
        );
        const cases: Array<[string, Buffer, RegExp]> = [
          [
            'nul-header.csv',
            Buffer.from(
              good.replace('"BillingCurrency"', '"Billing\u0000Currency"'),
            ),
            /The header line holds a NUL byte \(column 3\): the file is not CSV text in UTF-8/,
          ],
          [
            'utf16.csv',
            Buffer.from(`\ufeff${good}`, 'utf16le'),
            /holds a NUL byte .*UTF-16/,
          ],
          [
            'duplicate-header.csv',
            Buffer.from(good.replace('"ListCost"', '"billedcost"')),
            /The header names column "billedcost" twice \(columns 1 and 12\); each column may appear once/,
          ],
          [
            'unnamed-column.csv',
            Buffer.from(good.replace('"Tags"', '""')),
            /Column 20 of the header has no name/,
          ],
          ['empty.csv', Buffer.alloc(0), /The file is empty/],
          [
            'garbage.csv',
            Buffer.from(
              Array.from({ length: 4096 }, (_, i) => 1 + ((i * 7919) % 255)),
            ),
            /Not a FOCUS 1\.0-1\.2 file|could not be read|not valid CSV|has no name|twice/,
          ],
          [
            'truncated.csv.gz',
            gzipped.subarray(0, Math.floor(gzipped.length * 0.6)),
            /could not be read as gzipped CSV: the gzip data is truncated/,
          ],
          [
            'corrupt.csv.gz',
            Buffer.concat([gzipped.subarray(0, 20), Buffer.alloc(200, 0xff)]),
            /could not be read as gzipped CSV: the gzip data is corrupt/,
          ],
          [
            'broken.parquet',
            Buffer.concat([
              Buffer.from('PAR1'),
              Buffer.alloc(64, 7),
              Buffer.from('PAR1'),
            ]),
            /could not be read as FOCUS CSV, gzipped CSV or Parquet: Invalid Input Error/,
          ],
          [
            'struct-cost.parquet',
            fs.readFileSync(structCost),
            /Column BilledCost holds STRUCT\(amount DOUBLE\) values; FOCUS needs a number there/,
          ],
        ];
        const files = fs.mkdtempSync(path.join(directory, 'files-'));
        for (const [name, content, message] of cases) {
          const error = await importer
            .importFile({
              path: writeFile(files, name, content),
              source: 'test',
            })
            .catch(e => e);
          expect({
            name,
            input: error instanceof InputError,
            limit: error instanceof CostImportLimitError,
            message: error.message,
          }).toEqual({
            name,
            input: true,
            limit: false,
            message: expect.stringMatching(message),
          });
          expect(error.message).not.toMatch(
            /SELECT|read_csv|read_parquet|LINE \d|Parser Error|Binder Error|multicloud-(read|upload)-/,
          );
          expect(error.message).not.toContain(directory);
        }
        expect(await recorded(knex)).toEqual({
          statuses: cases.map(() => 'rejected'),
          facts: 0,
        });
        expect(leftovers()).toEqual([]);
      });

      it('leaves files being written for the next run, retries server-side failures (over-limit ones after a restart), and never re-reads rejected files', async () => {
        let failWrites = 1;
        const { knex, importer, attribution, logger } = await setUp(
          databaseId,
          real => ({
            ...real,
            async applyImport(tx, days, snapshot) {
              if (failWrites-- > 0) {
                throw new Error('connection to the database was reset');
              }
              return real.applyImport(tx, days, snapshot);
            },
          }),
          { maxRows: 2 },
        );
        const folder = fs.mkdtempSync(path.join(directory, 'exports-'));
        settle(
          writeFile(folder, 'a.csv', focusCsv([focusRow({ BilledCost: 1 })])),
        );
        settle(
          writeFile(
            folder,
            'bad.csv',
            focusCsv([focusRow({ BilledCost: 'x' })]),
          ),
        );
        settle(
          writeFile(
            folder,
            'big.csv',
            focusCsv([
              focusRow({
                BilledCost: 10,
                BillingPeriodStart: '2026-09-01T00:00:00Z',
                ChargePeriodStart: '2026-09-05T00:00:00Z',
              }),
              focusRow({
                BilledCost: 10,
                BillingPeriodStart: '2026-09-01T00:00:00Z',
                ChargePeriodStart: '2026-09-06T00:00:00Z',
              }),
              focusRow({
                BilledCost: 10,
                BillingPeriodStart: '2026-09-01T00:00:00Z',
                ChargePeriodStart: '2026-09-07T00:00:00Z',
              }),
            ]),
          ),
        );
        const fresh = writeFile(
          folder,
          'fresh.csv',
          focusCsv([focusRow({ BilledCost: 100, ProviderName: 'Microsoft' })]),
        );
        settle(
          writeFile(
            folder,
            'late.csv.gz.partial',
            gzip(focusCsv([focusRow()])),
          ),
        );
        // Files modified within the hour may still be being written.
        const exports = { id: 'exports', path: folder, settleMs: 3600_000 };

        expect(await importer.importFolder(exports)).toEqual({
          imported: 0,
          skipped: 0,
          failed: 3,
          writing: 2,
        });
        settle(fresh);
        expect(await importer.importFolder(exports)).toEqual({
          imported: 2,
          skipped: 2,
          failed: 0,
          writing: 1,
        });
        // A restart, with the limit raised.
        const restarted = createCostImportService({
          knex,
          logger,
          attribution,
          limits: testImportLimits(directory),
        });
        expect(await restarted.importFolder(exports)).toEqual({
          imported: 1,
          skipped: 3,
          failed: 0,
          writing: 1,
        });
        expect(await factTotals(knex)).toEqual([
          { provider: 'AWS', billed: 31, effective: 4, n: 4 },
          { provider: 'Microsoft', billed: 100, effective: 1, n: 1 },
        ]);
      });
    });
  });
});
