import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CostImportResult } from '@multicloud/plugin-multicloud-common';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Knex } from 'knex';
import { createCostFactsStore } from '../../database/CostFactsStore';
import {
  CostAttributionService,
  CostRebuildResult,
} from '../CostAttribution/types';
import { CatalogSnapshot } from '../CostAttribution/attributionModel';
import { MulticloudMetrics } from '../../lib/metrics';
import {
  FocusFileFormat,
  FocusReaderOptions,
  formatBytes,
  readFocusFile,
} from './readFocusFile';
import {
  CostImportFolder,
  CostImportLimitError,
  CostImportService,
  FolderImportCounts,
} from './types';

const FILE_PATTERN = /\.(csv|csv\.gz|parquet)$/i;
/** Names copy and download tools give a file until it is complete. */
const IN_PROGRESS_PATTERN =
  /\.(csv|csv\.gz|parquet)\.(tmp|partial|part|crdownload|download)$/i;

/** How big, how hungry and how long an import may be. */
export type CostImportLimits = FocusReaderOptions & {
  /** Largest upload accepted, in bytes. */
  maxUploadBytes: number;
  /** Longest an import may run, in milliseconds, from reading to commit. */
  timeoutMs: number;
};

/** A folder file left alone unless it was last modified this long ago. */
export const DEFAULT_SETTLE_MS = 5_000;

/** Whether a failed import is the file's fault: then it is not retried. */
function rejectedForContent(error: unknown): boolean {
  return (
    error instanceof InputError && !(error instanceof CostImportLimitError)
  );
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) {
    return `${ms / 60_000} min`;
  }
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The wall-clock budget of one import: aborts its signal when it runs out,
 * with the error to report.
 */
function startDeadline(timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new CostImportLimitError(
          `The import took longer than ${formatDuration(
            timeoutMs,
          )}, the limit multicloud.cost.imports.timeout sets, and was stopped; raise it to import this file. Nothing was written.`,
          'multicloud.cost.imports.timeout',
          400,
        ),
      ),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    dispose: () => clearTimeout(timer),
  };
}

/** Settles with `promise`, or rejects with the signal's reason when it aborts first. */
function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Tells the format from the first bytes: gzip, Parquet, else CSV text. */
export async function sniffFormat(file: string): Promise<FocusFileFormat> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      return 'csv.gz';
    }
    if (bytesRead === 4 && head.toString('latin1') === 'PAR1') {
      return 'parquet';
    }
    if (bytesRead === 0) {
      throw new InputError('The file is empty');
    }
    return 'csv';
  } finally {
    await handle.close();
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Runs one import at a time: DuckDB's memory and the database's writer are shared. */
function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Creates the {@link CostImportService}. A file is read and checked by
 * DuckDB first; only a valid file is written, and its billing periods are
 * replaced in one transaction under the cost store's write lock, so a
 * rejected file, a crash or a concurrent import or refresh (on any replica)
 * leaves the data consistent.
 */
export function createCostImportService(options: {
  knex: Knex;
  logger: LoggerService;
  attribution: CostAttributionService;
  limits: CostImportLimits;
  metrics?: Pick<MulticloudMetrics, 'recordImport'>;
}): CostImportService {
  const { logger, attribution, limits, metrics } = options;
  const store = createCostFactsStore(options.knex);
  const serially = createSerialQueue();
  /**
   * Folder files (by content) over a limit in this process: tried again
   * after a restart, which a raised limit needs anyway.
   */
  const overLimit = new Set<string>();

  async function snapshotOrEmpty(): Promise<CatalogSnapshot> {
    try {
      return await attribution.loadSnapshot();
    } catch (error) {
      logger.warn(
        `Could not read the catalog to attribute imported cost; it stays unallocated until the next attribution refresh: ${error}`,
      );
      return { entities: new Map(), resourceByKey: new Map() };
    }
  }

  async function importFile(request: {
    path: string;
    fileName?: string;
    source: string;
    createdBy?: string;
    sha256?: string;
  }): Promise<CostImportResult> {
    const id = randomUUID();
    const fileName = request.fileName ?? path.basename(request.path);
    const deadline = startDeadline(limits.timeoutMs);
    const { signal } = deadline;
    let format: FocusFileFormat | null = null;
    await store.importStarted({
      id,
      source: request.source,
      fileName,
      fileSha256: request.sha256 ?? (await sha256Of(request.path)),
      createdBy: request.createdBy,
    });
    const started = Date.now();
    const timings = { read: started, written: started };
    const measured = {
      trigger: request.source.startsWith('folder:')
        ? ('folder' as const)
        : ('upload' as const),
      bytes: (await fs.promises.stat(request.path)).size,
    };
    try {
      const fileFormat = await sniffFormat(request.path);
      format = fileFormat;
      logger.info(`Cost import ${id}: reading ${fileName} (${fileFormat})`);
      const snapshot = await unlessAborted(snapshotOrEmpty(), signal);
      const result = await readFocusFile(
        request.path,
        fileFormat,
        limits,
        async contents => {
          timings.read = Date.now();
          logger.info(
            `Cost import ${id}: FOCUS ${contents.version}, ${contents.rows} rows valid, ${contents.dailyRows} daily facts in ${contents.partitions.length} billing period(s); writing`,
          );
          await store.write(
            async writer => {
              // Waiting for the lock may have used up the budget.
              signal.throwIfAborted();
              const replaced = await writer.replacePartitions(
                contents.partitions,
              );
              let written = 0;
              let nextProgress = 100_000;
              for await (const rows of contents.dailyRowBatches()) {
                signal.throwIfAborted();
                await writer.insertFacts(rows, id);
                written += rows.length;
                if (written >= nextProgress) {
                  logger.info(
                    `Cost import ${id}: ${written} of ${contents.dailyRows} daily facts written`,
                  );
                  nextProgress += 100_000;
                }
              }
              timings.written = Date.now();
              const days = [replaced, contents.dateRange].filter(
                (r): r is { from: string; to: string } => !!r,
              );
              if (days.length > 0) {
                await attribution.applyImport(
                  writer,
                  {
                    from: days.map(d => d.from).sort()[0],
                    to: days
                      .map(d => d.to)
                      .sort()
                      .reverse()[0],
                  },
                  snapshot,
                );
              }
              signal.throwIfAborted();
            },
            {
              onWait: () =>
                logger.info(
                  `Cost import ${id}: waiting for another import or attribution refresh to finish writing the cost store`,
                ),
            },
          );
          return {
            id,
            focusVersion: contents.version,
            format: fileFormat,
            rows: contents.rows,
            dailyRows: contents.dailyRows,
            billingPeriods: contents.partitions,
            totals: contents.totals,
          } satisfies CostImportResult;
        },
        signal,
      );
      await store.importCompleted(id, result);
      metrics?.recordImport({
        ...measured,
        outcome: 'succeeded',
        seconds: (Date.now() - started) / 1000,
        rows: result.rows,
      });
      logger.info(
        `Cost import ${id}: completed in ${
          Date.now() - started
        } ms (read and checked ${timings.read - started} ms, written ${
          timings.written - timings.read
        } ms, attributed ${Date.now() - timings.written} ms), ${
          result.rows
        } rows -> ${result.dailyRows} daily facts; ${result.totals
          .map(t => `${t.provider} ${t.effectiveCost.toFixed(2)} ${t.currency}`)
          .join(', ')}`,
      );
      return result;
    } catch (error) {
      // A deadline that passed during a database call surfaces as that call's error.
      const reported = signal.aborted ? signal.reason : error;
      await store.importFailed(id, {
        status: rejectedForContent(reported) ? 'rejected' : 'failed',
        format,
        error: String((reported as Error).message ?? reported),
      });
      metrics?.recordImport({
        ...measured,
        outcome: 'failed',
        seconds: (Date.now() - started) / 1000,
      });
      logger.warn(
        `Cost import ${id} of ${fileName} failed, nothing was changed: ${
          (reported as Error).message
        }`,
      );
      throw reported;
    } finally {
      deadline.dispose();
    }
  }

  async function importUpload(
    body: Readable,
    request: { fileName?: string; createdBy?: string },
  ): Promise<CostImportResult> {
    const directory = await fs.promises.mkdtemp(
      path.join(limits.tempDirectory || os.tmpdir(), 'multicloud-upload-'),
    );
    const file = path.join(directory, 'upload');
    try {
      let bytes = 0;
      const hash = createHash('sha256');
      await pipeline(
        body,
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            if (bytes > limits.maxUploadBytes) {
              callback(
                new CostImportLimitError(
                  `The file is larger than the ${formatBytes(
                    limits.maxUploadBytes,
                  )} allowed; raise multicloud.cost.imports.maxUploadBytes to accept it`,
                  'multicloud.cost.imports.maxUploadBytes',
                  413,
                ),
              );
              return;
            }
            hash.update(chunk);
            callback(null, chunk);
          },
        }),
        fs.createWriteStream(file, { mode: 0o600 }),
      );
      return await serially(() =>
        importFile({
          path: file,
          fileName: request.fileName,
          source: 'upload',
          createdBy: request.createdBy,
          sha256: hash.digest('hex'),
        }),
      );
    } finally {
      await fs.promises.rm(directory, { recursive: true, force: true });
    }
  }

  async function listFiles(folder: string) {
    const entries = await fs.promises.readdir(folder, {
      recursive: true,
      withFileTypes: true,
    });
    const files = (pattern: RegExp) =>
      entries
        .filter(e => e.isFile() && pattern.test(e.name))
        .map(e => path.join(e.parentPath, e.name))
        .sort();
    return {
      complete: files(FILE_PATTERN),
      inProgress: files(IN_PROGRESS_PATTERN),
    };
  }

  /** Size and modification time: what changes while a file is written. */
  async function fileState(file: string) {
    const { size, mtimeMs } = await fs.promises.stat(file);
    return { size, mtimeMs };
  }

  async function importFolder(
    folder: CostImportFolder,
  ): Promise<FolderImportCounts> {
    const settleMs = folder.settleMs ?? DEFAULT_SETTLE_MS;
    const { complete, inProgress } = await listFiles(folder.path);
    const counts = {
      imported: 0,
      skipped: 0,
      failed: 0,
      writing: inProgress.length,
    };
    for (const file of complete) {
      const before = await fileState(file);
      if (Date.now() - before.mtimeMs < settleMs) {
        counts.writing += 1;
        continue;
      }
      const sha256 = await sha256Of(file);
      const after = await fileState(file);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        counts.writing += 1;
        continue;
      }
      // Files rejected for their content are not read again; failures of
      // the server (database, disk, memory) are retried on the next run.
      if (
        (await store.wasFileImportedOrRejected(sha256)) ||
        overLimit.has(sha256)
      ) {
        counts.skipped += 1;
        continue;
      }
      try {
        await serially(() =>
          importFile({
            path: file,
            fileName: path.relative(folder.path, file),
            source: `folder:${folder.id}`,
            sha256,
          }),
        );
        counts.imported += 1;
      } catch (error) {
        // Logged by importFile; a bad file must not stop the others.
        if (error instanceof CostImportLimitError) {
          overLimit.add(sha256);
        }
        counts.failed += 1;
      }
    }
    return counts;
  }

  return {
    importFile: request => serially(() => importFile(request)),
    importUpload,
    importFolder,
    lastImportAt: () => store.lastImportAt(),
    rebuild: (): Promise<CostRebuildResult> =>
      serially(() => attribution.rebuild()),
  };
}
