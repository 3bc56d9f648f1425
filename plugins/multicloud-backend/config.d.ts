import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  multicloud?: {
    /** Cost: FOCUS imports, attribution to catalog entities, budgets. */
    cost?: {
      imports?: {
        /**
         * Folders whose FOCUS exports (`.csv`, `.csv.gz`, `.parquet`, searched
         * recursively) are imported on a schedule. A file is imported once per
         * content: a changed file is imported again and replaces its billing
         * periods.
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
        }>;
        /**
         * Largest file `POST /api/multicloud/cost/imports` accepts, in bytes.
         * Default: 2147483648 (2 GiB).
         * @visibility backend
         */
        maxUploadBytes?: number;
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
