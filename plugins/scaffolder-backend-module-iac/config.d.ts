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

/** How one tool is run. Shared by `terraform`, `ansible` and `helm`. */
interface IacToolConfig {
  /**
   * The binary: a command name looked up on the backend's PATH, or a path
   * (relative paths are resolved against the backend's working directory).
   * Templates can never choose it. For OpenTofu set the `tofu` binary under
   * `terraform`. Default: `terraform`, `ansible-playbook` or `helm`.
   * @visibility backend
   */
  binary?: string;
  /**
   * Versions the binary may have, checked once by running its version
   * command (`version -json`, `--version`, `version --short`; never in a
   * dry run, which starts nothing), as semver ranges: exact (`1.9.8`),
   * any patch (`1.9.x`, `1.9.*` or `1.9`), `~1.9.2`, `>=1.8.0 <1.10.0`, or
   * `*`; pre-releases count. Default: any version.
   * @visibility backend
   */
  allowedVersions?: string[];
  /**
   * Longest time one run of the tool may take; then it is stopped with
   * SIGINT, SIGTERM and SIGKILL, like a cancelled task. A duration object,
   * an ISO 8601 duration or a string such as `30m`. Default: 60 minutes for
   * Terraform and Ansible, 15 minutes for Helm.
   * @visibility backend
   */
  timeout?: HumanDuration | string;
  /**
   * Time a stopping tool gets after SIGINT before SIGTERM, and after SIGTERM
   * before SIGKILL. Default: `multicloud.iac.killGracePeriod`.
   * @visibility backend
   */
  killGracePeriod?: HumanDuration | string;
  /**
   * Names of backend environment variables passed to the tool, in addition
   * to PATH, HOME, USER, LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR, the proxy
   * variables, SSL_CERT_FILE, SSL_CERT_DIR and the tool's own (Terraform:
   * TF_PLUGIN_CACHE_DIR, TF_CLI_CONFIG_FILE; Ansible: SSH_AUTH_SOCK; Helm:
   * KUBECONFIG and the HELM_*_HOME / HELM_REPOSITORY_* / HELM_REGISTRY_CONFIG
   * variables). A trailing `*` matches a prefix, for example `AWS_*`. No
   * other variable of the backend reaches the tool. Default: none.
   * @visibility backend
   */
  envAllowlist?: string[];
  /**
   * Environment variables set for the tool, for example
   * `ANSIBLE_HOST_KEY_CHECKING: 'False'`. Default: none.
   * @visibility backend
   */
  environment?: { [name: string]: string };
  /**
   * Environment variables set for the tool whose values are credentials,
   * for example `ARM_CLIENT_SECRET`; their values are masked in every task
   * log line and output. Each value must be at least 4 characters long:
   * shorter values cannot be masked without garbling the task log, so the
   * backend refuses to start with one. Default: none.
   * @visibility secret
   */
  secretEnvironment?: { [name: string]: string };
}

export interface Config {
  multicloud?: {
    /**
     * Scaffolder actions for infrastructure as code: `terraform:plan`,
     * `terraform:apply`, `terraform:destroy`, `ansible:playbook:run`,
     * `helm:release:upgrade` and `helm:release:uninstall`.
     */
    iac?: {
      /**
       * Default of each tool's `killGracePeriod`. Default: 10 seconds.
       * @visibility backend
       */
      killGracePeriod?: HumanDuration | string;

      /** Terraform, or OpenTofu with `binary: tofu`. */
      terraform?: IacToolConfig & {
        /**
         * `-backend-config` settings passed to every `terraform init`, for
         * example `encrypt: true`. Default: none.
         * @visibility backend
         */
        backendConfig?: { [key: string]: string | number | boolean };
        /**
         * Backend profiles that templates select with the `backend` input,
         * for example `aws: { bucket: tfstate, region: eu-west-1 }` for an
         * `s3` backend. A profile's settings override `backendConfig`. The
         * actions derive the state key of each run from its `owner` and
         * `name` input, as
         * `<keyPrefix>/<owner kind>/<owner namespace>/<owner name>/<name>.tfstate`,
         * so two owners using the same name get different states; no action
         * input can set a backend setting. Default: none.
         * @visibility backend
         */
        backends?: {
          [profile: string]: {
            /**
             * First part of every state key of the profile: path segments
             * of letters, digits, `.`, `_` and `-`, each starting with a
             * letter or digit, separated by `/`. Default: `multicloud`.
             * @visibility backend
             */
            keyPrefix?: string;
            /**
             * The backend setting that receives the derived state key: `key`
             * (s3, azurerm) or `prefix` (gcs, which stores
             * `<prefix>/<workspace>.tfstate` itself; the derived value is
             * then the directory, without `.tfstate`). The profile must not
             * set this setting itself. Default: `key`.
             * @visibility backend
             */
            keySetting?: string;
            /**
             * Any other setting is passed to `terraform init` as
             * `-backend-config`, for example `bucket`, `region`,
             * `use_lockfile`.
             * @visibility backend
             */
            [setting: string]: string | number | boolean | undefined;
          };
        };
      };

      /** Ansible (`ansible-playbook`). */
      ansible?: IacToolConfig & {
        /**
         * Whether tasks may run on the Backstage host itself: the
         * `connection: local` input, `localhost` hosts, inventories and
         * playbooks that use a local connection or delegate to localhost.
         * When false, the action checks the inventory with
         * `ansible-inventory` (next to the `ansible-playbook` binary) and the
         * playbook file, and refuses such runs. For demos and tests.
         * Default: false.
         * @visibility backend
         */
        allowLocalConnection?: boolean;
      };

      /** Helm. */
      helm?: IacToolConfig & {
        /**
         * Chart repositories (`https://` or `oci://` URLs) that
         * `helm:release:upgrade` may install from, and that the dependencies
         * of a chart from the workspace may come from. Default: none.
         * @visibility backend
         */
        allowedRepositories?: string[];
        /**
         * Namespaces the Helm actions may install to, upgrade in and
         * uninstall from: names, or patterns in which `*` stands for any
         * run of characters (`team-*`). The cluster's own namespaces
         * (`kube-system`, `kube-public`, `kube-node-lease`, `default`) are
         * allowed only when listed by name, never through a pattern.
         * Default: none, so every namespace is refused until this is set.
         * @visibility backend
         */
        allowedNamespaces?: string[];
        /**
         * Whether `helm:release:upgrade` may install a chart folder from the
         * task workspace (the `chart` input). Such a chart is checked like a
         * repository chart: the `dependencies` of its Chart.yaml (or
         * requirements.yaml), and of the charts in its `charts/` folder,
         * must come from `allowedRepositories` or, with `file://`, from
         * inside the chart folder; packaged (.tgz) charts and subcharts are
         * refused, as are symbolic links. Default: false.
         * @visibility backend
         */
        allowWorkspaceCharts?: boolean;
      };
    };
  };
}
