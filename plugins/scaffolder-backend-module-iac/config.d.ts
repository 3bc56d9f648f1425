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
   * dry run, which starts nothing): exact
   * (`1.9.8`), any patch (`1.9.x` or `1.9.*`), any version with a prefix
   * (`1.9`), or `*`. Default: any version.
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
   * log line and output. Default: none.
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
         * Named backend settings that templates select with the `backend`
         * input, for example `aws: { bucket: tfstate, region: eu-west-1 }`
         * for an `s3` backend. They override `backendConfig`; the action's
         * `backendConfig` input (such as the state key) overrides both.
         * Default: none.
         * @visibility backend
         */
        backends?: {
          [profile: string]: { [key: string]: string | number | boolean };
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
         * `helm:release:upgrade` may install from; charts in the task
         * workspace are always allowed. Default: none.
         * @visibility backend
         */
        allowedRepositories?: string[];
      };
    };
  };
}
