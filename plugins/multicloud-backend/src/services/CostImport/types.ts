import { Readable } from 'node:stream';
import { CostImportResult } from '@multicloud/plugin-multicloud-common';

/** A folder that scheduled imports read FOCUS files from. */
export type CostImportFolder = { id: string; path: string };

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
  /** Imports every file of a folder that was not imported before (by content). */
  importFolder(
    folder: CostImportFolder,
  ): Promise<{ imported: number; skipped: number; failed: number }>;
  /** When the last successful import finished, ISO timestamp. */
  lastImportAt(): Promise<string | null>;
}
