import { Readable } from 'node:stream';
import { InputError } from '@backstage/errors';
import {
  CostImportError,
  CostImportResult,
} from '@multicloud/plugin-multicloud-common';
import { CostRebuildResult } from '../CostAttribution/types';

/** A folder that scheduled imports read FOCUS files from. */
export type CostImportFolder = {
  id: string;
  path: string;
  /**
   * A file modified less than this long ago (milliseconds) may still be
   * being written: it is left for the next run. Default: 5 seconds.
   */
  settleMs?: number;
};

/** What one run over a folder did. */
export type FolderImportCounts = {
  imported: number;
  /** Imported before, or rejected before for their content. */
  skipped: number;
  /** Failed in this run; those that failed on the server side are tried again next run. */
  failed: number;
  /** Still being written (recently modified, changing, or named `.tmp`, `.partial`...): left for the next run. */
  writing: number;
};

/** Imports FOCUS cost exports into the cost store. */
export interface CostImportService {
  /** Imports one file from disk. */
  importFile(options: {
    path: string;
    fileName?: string;
    source: string;
    createdBy?: string;
  }): Promise<CostImportResult>;
  /** Imports an uploaded body, kept in a temporary file while it is read. */
  importUpload(
    body: Readable,
    options: { fileName?: string; createdBy?: string },
  ): Promise<CostImportResult>;
  /**
   * Imports every file of a folder that was neither imported nor rejected
   * for its content before (by content), and that is not being written.
   */
  importFolder(folder: CostImportFolder): Promise<FolderImportCounts>;
  /** When the last successful import finished, ISO timestamp. */
  lastImportAt(): Promise<string | null>;
  /**
   * Repairs the store: re-attributes every pair the facts hold and
   * re-derives every rollup from the facts, after the imports queued before.
   */
  rebuild(): Promise<CostRebuildResult>;
}

/** Thrown when a file has bad rows: the first errors, with lines and columns. */
export class FocusFileRejectedError extends InputError {
  constructor(
    message: string,
    readonly errors: CostImportError[],
    readonly badRows: number,
  ) {
    super(message);
  }
}

/**
 * A file over one of the import limits: 413 for sizes and for more memory
 * than `memoryLimit` gives DuckDB, 400 for rows and time. Not the file's
 * fault alone, so a folder import tries it again after a restart (which a
 * changed limit needs).
 */
export class CostImportLimitError extends InputError {
  constructor(
    message: string,
    /** The config key to raise. */
    readonly setting: string,
    readonly statusCode: 400 | 413,
  ) {
    super(message);
  }
}
