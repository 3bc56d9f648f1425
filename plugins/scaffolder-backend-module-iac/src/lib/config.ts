import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { characterLength, MIN_SECRET_LENGTH } from './secretForms';

/**
 * The tools this module runs.
 *
 * @public
 */
export type IacToolName = 'terraform' | 'ansible' | 'helm';

/**
 * How one tool is run, read from `multicloud.iac.<tool>`.
 *
 * @public
 */
export interface ToolSettings {
  /** The tool this binary is. */
  tool: IacToolName;
  /** Config key of the binary, named in error messages. */
  binaryConfigKey: string;
  /** Path of the binary, or a command name looked up on PATH. */
  binary: string;
  /** Version patterns the binary must match; empty allows any version. */
  allowedVersions: string[];
  /** How long one run of the tool may take before it is stopped, in milliseconds. */
  timeoutMs: number;
  /**
   * How long a tool that is being stopped gets after each signal before the
   * next, stronger one, in milliseconds.
   */
  killGracePeriodMs: number;
  /** Names (or `PREFIX_*` patterns) of backend variables passed through. */
  envAllowlist: string[];
  /** Variables set for the tool. */
  environment: Record<string, string>;
  /** Variables set for the tool whose values are masked in every log line. */
  secretEnvironment: Record<string, string>;
}

/** Values of a `-backend-config` file. */
export type BackendConfig = Record<string, string | number | boolean>;

/** A backend profile of `multicloud.iac.terraform.backends`. */
export interface BackendProfile {
  /** `-backend-config` settings, without the state key. */
  settings: BackendConfig;
  /** First part of every state key of the profile. */
  keyPrefix: string;
  /** Backend setting that receives the derived state key: `key`, or `prefix` for gcs. */
  keySetting: string;
}

export interface TerraformSettings extends ToolSettings {
  /** `-backend-config` defaults of every run. */
  backendConfig: BackendConfig;
  /** Named backend profiles that action input selects with `backend`. */
  backends: Record<string, BackendProfile>;
}

export interface AnsibleSettings extends ToolSettings {
  allowLocalConnection: boolean;
}

export interface HelmSettings extends ToolSettings {
  allowedRepositories: string[];
  /** Namespace patterns releases may go to; empty refuses every namespace. */
  allowedNamespaces: string[];
  /** Whether a chart may come from the task workspace. */
  allowWorkspaceCharts: boolean;
}

export interface IacSettings {
  terraform: TerraformSettings;
  ansible: AnsibleSettings;
  helm: HelmSettings;
}

/** Variables every tool needs to work at all: search path, home, locale, proxies. */
export const BASE_ENV_ALLOWLIST = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

const TOOL_ENV_ALLOWLIST: Record<IacToolName, string[]> = {
  terraform: ['TF_PLUGIN_CACHE_DIR', 'TF_CLI_CONFIG_FILE'],
  ansible: ['SSH_AUTH_SOCK'],
  helm: [
    'KUBECONFIG',
    'HELM_CACHE_HOME',
    'HELM_CONFIG_HOME',
    'HELM_DATA_HOME',
    'HELM_REGISTRY_CONFIG',
    'HELM_REPOSITORY_CACHE',
    'HELM_REPOSITORY_CONFIG',
  ],
};

const DEFAULT_BINARIES: Record<IacToolName, string> = {
  terraform: 'terraform',
  ansible: 'ansible-playbook',
  helm: 'helm',
};

const DEFAULT_TIMEOUT_MS: Record<IacToolName, number> = {
  terraform: durationToMilliseconds({ hours: 1 }),
  ansible: durationToMilliseconds({ hours: 1 }),
  helm: durationToMilliseconds({ minutes: 15 }),
};

const DEFAULT_KILL_GRACE_PERIOD_MS = durationToMilliseconds({ seconds: 10 });

function readDurationMs(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
): number {
  if (!config?.has(key)) {
    return fallbackMs;
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) {
    throw new Error(`multicloud.iac: ${key} must be a positive duration`);
  }
  return ms;
}

function readStringMap(
  config: Config | undefined,
  key: string,
): Record<string, string> {
  const section = config?.getOptionalConfig(key);
  if (!section) {
    return {};
  }
  return Object.fromEntries(
    section.keys().map(name => [name, section.getString(name)]),
  );
}

function readToolSettings(
  root: Config,
  tool: IacToolName,
): ToolSettings & { section?: Config } {
  const section = root.getOptionalConfig(`multicloud.iac.${tool}`);
  const shared = root.getOptionalConfig('multicloud.iac');
  return {
    section,
    tool,
    binaryConfigKey: `multicloud.iac.${tool}.binary`,
    binary: section?.getOptionalString('binary') ?? DEFAULT_BINARIES[tool],
    allowedVersions: section?.getOptionalStringArray('allowedVersions') ?? [],
    timeoutMs: readDurationMs(section, 'timeout', DEFAULT_TIMEOUT_MS[tool]),
    killGracePeriodMs: readDurationMs(
      section,
      'killGracePeriod',
      readDurationMs(shared, 'killGracePeriod', DEFAULT_KILL_GRACE_PERIOD_MS),
    ),
    envAllowlist: [
      ...BASE_ENV_ALLOWLIST,
      ...TOOL_ENV_ALLOWLIST[tool],
      ...(section?.getOptionalStringArray('envAllowlist') ?? []),
    ],
    environment: readStringMap(section, 'environment'),
    secretEnvironment: readStringMap(section, 'secretEnvironment'),
  };
}

function readBackendConfig(
  parent: Config | undefined,
  key: string,
  label: string,
): BackendConfig {
  const section = parent?.getOptionalConfig(key);
  return Object.fromEntries(
    (section?.keys() ?? []).map(name => {
      const value = section!.get(name);
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new Error(
          `multicloud.iac.terraform.${label}.${name} must be a string, number or boolean`,
        );
      }
      return [name, value as string | number | boolean];
    }),
  );
}

const DEFAULT_KEY_PREFIX = 'multicloud';
/** Slash-separated parts that start with a letter or digit: never `..`. */
const KEY_PREFIX_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;
const SETTING_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readBackendProfile(
  backendsSection: Config,
  name: string,
): BackendProfile {
  const key = `multicloud.iac.terraform.backends.${name}`;
  const section = backendsSection.getConfig(name);
  const keyPrefix =
    section.getOptionalString('keyPrefix') ?? DEFAULT_KEY_PREFIX;
  if (!KEY_PREFIX_PATTERN.test(keyPrefix)) {
    throw new Error(
      `${key}.keyPrefix must be path segments of letters, digits, '.', '_' and '-' separated by '/', each starting with a letter or digit: ${keyPrefix}`,
    );
  }
  const keySetting = section.getOptionalString('keySetting') ?? 'key';
  if (!SETTING_NAME_PATTERN.test(keySetting)) {
    throw new Error(
      `${key}.keySetting must be the name of a backend setting, such as key or prefix: ${keySetting}`,
    );
  }
  const settings = Object.fromEntries(
    Object.entries(
      readBackendConfig(backendsSection, name, `backends.${name}`),
    ).filter(
      ([setting]) => setting !== 'keyPrefix' && setting !== 'keySetting',
    ),
  );
  if (keySetting in settings) {
    throw new Error(
      `${key}.${keySetting} must not be set: the actions derive the state key of each run from its owner and name (<keyPrefix>/<owner kind>/<owner namespace>/<owner name>/<name>.tfstate); set ${key}.keyPrefix to choose its first part`,
    );
  }
  return { settings, keyPrefix, keySetting };
}

/** A namespace pattern: a DNS label in which `*` stands for any run of characters. */
const NAMESPACE_PATTERN_PATTERN = /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/;

function readAllowedNamespaces(helmSection: Config | undefined): string[] {
  const patterns =
    helmSection?.getOptionalStringArray('allowedNamespaces') ?? [];
  for (const pattern of patterns) {
    if (!NAMESPACE_PATTERN_PATTERN.test(pattern)) {
      throw new Error(
        `multicloud.iac.helm.allowedNamespaces: ${pattern} is not a namespace name or a pattern such as team-*`,
      );
    }
  }
  return patterns;
}

/** Reads `multicloud.iac`, applying the documented defaults. */
export function readIacSettings(config: Config): IacSettings {
  const { section: terraformSection, ...terraform } = readToolSettings(
    config,
    'terraform',
  );
  const { section: ansibleSection, ...ansible } = readToolSettings(
    config,
    'ansible',
  );
  const { section: helmSection, ...helm } = readToolSettings(config, 'helm');
  for (const { tool, secretEnvironment } of [terraform, ansible, helm]) {
    for (const [name, value] of Object.entries(secretEnvironment)) {
      if (characterLength(value) < MIN_SECRET_LENGTH) {
        throw new Error(
          `multicloud.iac.${tool}.secretEnvironment.${name} must be at least ${MIN_SECRET_LENGTH} characters long: a shorter value cannot be masked in the task log without garbling it`,
        );
      }
    }
  }

  const backendsSection = terraformSection?.getOptionalConfig('backends');
  const backends = Object.fromEntries(
    (backendsSection?.keys() ?? []).map(name => [
      name,
      readBackendProfile(backendsSection!, name),
    ]),
  );

  return {
    terraform: {
      ...terraform,
      backendConfig: readBackendConfig(
        terraformSection,
        'backendConfig',
        'backendConfig',
      ),
      backends,
    },
    ansible: {
      ...ansible,
      allowLocalConnection:
        ansibleSection?.getOptionalBoolean('allowLocalConnection') ?? false,
    },
    helm: {
      ...helm,
      allowedRepositories: (
        helmSection?.getOptionalStringArray('allowedRepositories') ?? []
      ).map(normalizeRepositoryUrl),
      allowedNamespaces: readAllowedNamespaces(helmSection),
      allowWorkspaceCharts:
        helmSection?.getOptionalBoolean('allowWorkspaceCharts') ?? false,
    },
  };
}

/** Repository URLs compare without a trailing slash. */
export function normalizeRepositoryUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
