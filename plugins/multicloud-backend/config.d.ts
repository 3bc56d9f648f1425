import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/** A duration, as `readDurationFromConfig` of `@backstage/config` reads it. */
interface HumanDuration {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

export interface Config {
  multicloud?: {
    /** Topology: the graph of an entity's infrastructure (`GET /topology`). */
    topology?: {
      /**
       * Most nodes a topology shows: above it, groups (provider, account,
       * region, network) collapse into one summary node each, with the
       * count and summed cost of their entities, until the graph fits;
       * the user opens them one at a time. A whole number of at least 1.
       * Default: 150.
       * @visibility backend
       */
      nodeBudget?: number;
    };
    /** Cost: FOCUS imports, attribution to catalog entities, budgets. */
    cost?: {
      imports?: {
        /**
         * Folders whose FOCUS exports (`.csv`, `.csv.gz`, `.parquet`, searched
         * recursively) are imported on a schedule. A file is imported once per
         * content: a changed file is imported again and replaces its billing
         * periods. A file rejected for its content is not read again until it
         * changes; one that failed on the server side (database, disk,
         * memory) is tried again on the next run, and one over a limit
         * (`maxDecompressedBytes`, `maxRows`, `timeout`) after a restart.
         * Files still being written are left for the next run: modified
         * within `settleTime`, changing while read, or named like a copy in
         * progress (`.csv.gz.tmp`, `.partial`, `.part`, `.crdownload`,
         * `.download`).
         * @visibility backend
         */
        folders?: Array<{
          /** Identifies the folder in logs and in the import history. */
          id: string;
          /** Path of the folder, relative to the backend's working directory. */
          path: string;
          /**
           * When to look for new files. Default: every hour, first 15 s after start.
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
          /**
           * A file modified less than this long ago may still be being
           * written, and is left for the next run: `{ seconds: 30 }`, or a
           * string such as `30s` or `PT30S`; `{ seconds: 0 }` imports a file
           * as soon as it is seen. (A file that changes while it is read is
           * left for the next run too.) Default: 5 seconds.
           */
          settleTime?: HumanDuration | string;
        }>;
        /**
         * Largest file `POST /api/multicloud/cost/imports` accepts, in bytes.
         * Default: 2147483648 (2 GiB).
         * @visibility backend
         */
        maxUploadBytes?: number;
        /**
         * Most bytes of CSV a file may hold once decompressed (for Parquet:
         * the size of its uncompressed pages), checked while a gzipped file
         * is decompressed, before DuckDB reads it: a larger file is refused
         * with a 413 and nothing is written. A gzipped file is decompressed
         * into `tempDirectory`, which needs room for it. Default:
         * 21474836480 (20 GiB).
         * @visibility backend
         */
        maxDecompressedBytes?: number;
        /**
         * Most rows a file may hold (a FOCUS export has one per resource,
         * charge and hour or day), counted while it is read: a larger file
         * is refused with a 400 and nothing is written. Default: 50000000.
         * @visibility backend
         */
        maxRows?: number;
        /**
         * Longest one import may take, from reading the file to committing
         * it (waiting for another import or attribution refresh to finish
         * writing included): a longer one is stopped with a 400, nothing is
         * written, and the next import in the queue starts. `{ minutes: 30 }`,
         * or a string such as `30m` or `PT30M`. Default: 30 minutes.
         * @visibility backend
         */
        timeout?: HumanDuration | string;
        /**
         * Memory DuckDB may use while reading and summing a file (it spills to
         * `tempDirectory` beyond it), as DuckDB writes it. Default: `256MB`.
         * @visibility backend
         */
        memoryLimit?: string;
        /**
         * Threads DuckDB uses to read a file. Default: 2.
         * @visibility backend
         */
        threads?: number;
        /**
         * Where uploads and DuckDB's spill files go. Default: the OS temp directory.
         * @visibility backend
         */
        tempDirectory?: string;
        /**
         * How many errors a rejected file reports. Default: 20.
         * @visibility backend
         */
        maxErrors?: number;
      };
      attribution?: {
        /**
         * Tag keys (case-insensitive) that name the entity a cost row belongs
         * to when its ResourceId matches no Resource entity, tried in the
         * order component, system, owner. Defaults: component: [component,
         * app]; system: [system]; owner: [owner, team].
         * @visibility backend
         */
        tagKeys?: {
          component?: string[];
          system?: string[];
          owner?: string[];
        };
        /**
         * When to re-attribute cost to the current catalog (cheap when
         * nothing changed). Default: every 5 minutes, first 30 s after start.
         * @visibility backend
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
