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

/** Whether an alert rule runs, and how urgent its findings are. */
interface AlertRuleSettings {
  /** Default: true. */
  enabled?: boolean;
  /** `critical` (notifies the owner), `warning` or `info`. Default: per rule. */
  severity?: 'critical' | 'warning' | 'info';
}

export interface Config {
  multicloud?: {
    /**
     * Alerts: cost, hygiene and savings alerts computed on a schedule and
     * stored with their lifecycle, plus Prometheus Alertmanager alerts read
     * live (`GET /api/multicloud/alerts`).
     */
    alerts?: {
      evaluation?: {
        /**
         * When the computed alerts are evaluated, on one backend replica at
         * a time. An evaluation also runs after each cost import and after
         * each attribution refresh that changed something. Default: every
         * 30 minutes, timeout 15 minutes, first 1 minute after start.
         * @visibility backend
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /**
       * Days a resolved alert and its history are kept before they are
       * deleted; a condition that comes back within them reopens the same
       * alert. A whole number of at least 1. Default: 90.
       * @visibility backend
       */
      resolvedRetentionDays?: number;
      /** Notifications through Backstage's notifications backend. */
      notifications?: {
        /**
         * Whether new critical alerts notify their owner group (once per
         * opening: again only when the alert resolved and came back).
         * Default: true.
         * @visibility backend
         */
        enabled?: boolean;
        /**
         * Most alert notifications one evaluation sends, oldest alerts
         * first; the rest go with the next evaluations. A whole number of
         * at least 1. Default: 100.
         * @visibility backend
         */
        maxPerEvaluation?: number;
        /**
         * Sends each owner with open or acknowledged alerts one summary
         * notification a week (counts by severity, monthly savings).
         * Default: false.
         * @visibility backend
         */
        weeklyDigest?: boolean;
        /**
         * When the weekly digest is sent. Default: `{ frequency: { cron:
         * '0 9 * * 1' }, timeout: { minutes: 30 } }` (Mondays 09:00 in the
         * backend's time zone).
         * @visibility backend
         */
        digestSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /** Prometheus Alertmanager (API v2); off when no instance is configured. */
      alertmanager?: {
        /**
         * The Alertmanagers to read alerts from and create silences on. An
         * instance that does not answer is reported in the API answer,
         * never as an error.
         * @visibility backend
         */
        instances?: Array<{
          /** Names the instance in alert ids and the API: letters, digits, `.`, `_`, `-`. */
          id: string;
          /** Base URL of its API, such as `http://alertmanager:9093`, without credentials. */
          url: string;
          /** Base URL of its web UI for links. Default: `url`. */
          externalUrl?: string;
          /**
           * Headers sent with every request, such as `Authorization`.
           * @visibility secret
           */
          headers?: { [name: string]: string };
          /** Time one request may take: `{ seconds: 5 }` or `5s`. Default: 5 seconds. */
          timeout?: HumanDuration | string;
        }>;
        /**
         * Longest silence a user may create. Default: 30 days.
         * @visibility backend
         */
        maxSilenceDuration?: HumanDuration | string;
      };
      /**
       * The rules of the computed sources: each is on by default and can be
       * turned off or given another severity.
       * @visibility backend
       */
      rules?: {
        cost?: {
          /** Month to date over the budget. Default severity: critical. */
          'budget-exceeded'?: AlertRuleSettings;
          /** The forecast interval's lower bound over the budget. Default: critical. */
          'forecast-over-budget'?: AlertRuleSettings;
          /** The point forecast over the budget. Default: warning. */
          'forecast-may-exceed-budget'?: AlertRuleSettings;
          /** A day well above its usual cost. Default: warning. */
          'cost-anomaly'?: AlertRuleSettings;
          /** A day well below its usual cost. Default: info. */
          'cost-drop'?: AlertRuleSettings;
          /** Coverage of the forecast interval, between 0 and 1. Default: 0.8. */
          forecastLevel?: number;
          anomalies?: {
            /** Entity kinds whose daily cost is watched. Default: [component, system]. */
            kinds?: string[];
            /** Anomalies of the last this many days are raised. Default: 7. */
            lookbackDays?: number;
            /** Smallest excess over the usual cost, as an amount. */
            minAbsolute?: number;
            /** Smallest excess over the usual cost, as a fraction (0.2 = 20%). */
            minPercent?: number;
            /** Robust z-score above which a day is an anomaly. */
            threshold?: number;
          };
        };
        hygiene?: {
          /** A resource whose owner is the source's default owner. Default: warning. */
          'no-owner'?: AlertRuleSettings;
          /** A resource without every required tag. Default: info. */
          'missing-tags'?: AlertRuleSettings & {
            /** Default: [owner, cost-center]. */
            requiredTags?: string[];
            /** Tag keys the entity provider turns into the owner. Default: [owner, team]. */
            ownerTagKeys?: string[];
          };
          /** A security group or firewall open to 0.0.0.0/0 or ::/0 on a sensitive port. Default: critical. */
          'open-to-world'?: AlertRuleSettings & {
            /** Default: 22, 3389, 1433, 1521, 3306, 5432, 6379, 9200, 27017. */
            ports?: number[];
          };
          /** A database with a public IP. Default: critical. */
          'public-database'?: AlertRuleSettings & {
            /** Resource types (`spec.type`) that are databases. */
            types?: string[];
          };
          /** A Kubernetes workload with zero available replicas. Default: critical. */
          'zero-replicas'?: AlertRuleSettings;
        };
        savings?: {
          /** Days of cost a monthly saving is estimated from. Default: 30. */
          windowDays?: number;
          /** Default: info. */
          'unattached-volume'?: AlertRuleSettings & { types?: string[] };
          /** Default: info. */
          'unassociated-ip'?: AlertRuleSettings & { types?: string[] };
          /** A stopped instance still billing for storage. Default: info. */
          'stopped-instance'?: AlertRuleSettings & {
            types?: string[];
            volumeTypes?: string[];
            statuses?: string[];
          };
          /** A resource whose owner no longer exists. Default: warning. */
          'deleted-owner'?: AlertRuleSettings;
          /** A NAT gateway without attributed traffic cost. Default: info. */
          'idle-nat-gateway'?: AlertRuleSettings & { types?: string[] };
        };
      };
    };
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
      /**
       * The currency cost answers are shown in. Without it, each answer is
       * in the currency with the most cost in its period and lists the cost
       * in other currencies apart, outside its figures.
       */
      currency?: {
        /**
         * ISO 4217 code (three letters, such as `USD`) every figure of the
         * cost answers is in: totals, daily series, breakdowns, the change,
         * the forecast and the budget. Cost in another currency is converted
         * at the rate of its usage month (`exchangeRates`), and each answer
         * lists what it converted (`converted`). Default: none.
         * @visibility backend
         */
        display?: string;
        /**
         * Units of the display currency per one unit of a currency, by
         * month (`YYYY-MM`), for example `EUR: { '2026-10': 1.08 }`. A month
         * without a rate takes the nearest earlier month's; cost of a month
         * before any rate of its currency (or of a currency without rates)
         * is not converted and stays listed apart (`otherCurrencies`), as is
         * a budget in such a currency (`unconvertedBudget`). Codes are ISO
         * 4217, rates positive numbers. Default: none.
         * @visibility backend
         */
        exchangeRates?: {
          [currency: string]: { [month: string]: number };
        };
      };
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
         * `tempDirectory` beyond it), as DuckDB writes it. Summing rows to
         * days uses every thread; when its groups spill to disk and that
         * needs more than this, it runs again on as many threads as this
         * holds at 160 MiB each (one at the default, which reads a month of
         * 850,000 daily rows). A file that needs more still is refused with
         * a 413 naming this key, and nothing is written. Default: `256MB`.
         * @visibility backend
         */
        memoryLimit?: string;
        /**
         * Threads DuckDB uses to read a file (summing rows to days may use
         * fewer, see `memoryLimit`). Default: 2.
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
