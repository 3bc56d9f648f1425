import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Time one request to an instance may take, unless configured. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** Longest silence a user may create, unless configured: 30 days. */
export const DEFAULT_MAX_SILENCE_DURATION_MS = 30 * 24 * 3600 * 1000;

const CONFIG_KEY = 'multicloud.alerts.alertmanager';

/** One Alertmanager instance, checked. */
export type AlertmanagerInstanceConfig = {
  /** Names the instance in alert ids (`alertmanager:<id>:<fingerprint>`) and in the API. */
  id: string;
  /** Base URL of its API, without a trailing slash (`http://alertmanager:9093`). */
  url: string;
  /** Base URL of its web UI for links, without a trailing slash; `url` if not configured. */
  externalUrl: string;
  /** Sent with every request (such as `Authorization`); secret, never logged. */
  headers: Record<string, string>;
  timeoutMs: number;
};

/** `multicloud.alerts.alertmanager` with its defaults (documented in config.d.ts). */
export type AlertmanagerConfig = {
  instances: AlertmanagerInstanceConfig[];
  maxSilenceDurationMs: number;
};

const DURATION_MS: Record<string, number> = {
  years: 365 * 24 * 3600 * 1000,
  months: 30 * 24 * 3600 * 1000,
  weeks: 7 * 24 * 3600 * 1000,
  days: 24 * 3600 * 1000,
  hours: 3600 * 1000,
  minutes: 60 * 1000,
  seconds: 1000,
  milliseconds: 1,
};

/** A duration key (`{ seconds: 5 }`, `5s` or ISO 8601 `PT5S`) in milliseconds. */
function readDurationMs(
  config: Config,
  key: string,
  path: string,
  fallbackMs: number,
): number {
  if (!config.has(key)) {
    return fallbackMs;
  }
  const duration = readDurationFromConfig(config, { key }) as Record<
    string,
    number | undefined
  >;
  const ms = Object.entries(duration).reduce(
    (sum, [unit, n]) => sum + (n ?? 0) * (DURATION_MS[unit] ?? 0),
    0,
  );
  if (!(ms > 0)) {
    throw new InputError(
      `${path} must be a positive duration, for example { seconds: 5 } or '5s'`,
    );
  }
  return ms;
}

function readBaseUrl(config: Config, key: string, path: string): string {
  const text = config.getString(key).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      `${path} must be an absolute http(s) URL such as http://alertmanager:9093; got '${text}'`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `${path} must be an http or https URL such as http://alertmanager:9093; got '${text}'`,
    );
  }
  if (url.username || url.password) {
    // The URL is not echoed: it holds a secret.
    throw new InputError(
      `${path} must not carry credentials; put them in the instance's headers (Authorization) instead`,
    );
  }
  if (url.search || url.hash) {
    throw new InputError(
      `${path} must be a base URL without a query or fragment, such as http://alertmanager:9093; got '${text}'`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readHeaders(config: Config, path: string): Record<string, string> {
  const headers = config.getOptionalConfig('headers');
  if (!headers) {
    return {};
  }
  return Object.fromEntries(
    headers.keys().map(name => {
      if (!HEADER_NAME.test(name)) {
        throw new InputError(
          `${path}.headers has '${name}', which is not a valid HTTP header name`,
        );
      }
      // Only the key goes into errors: the value is usually a secret.
      const value = headers.getOptionalString(name);
      if (value === undefined || /[\r\n]/.test(value)) {
        throw new InputError(
          `${path}.headers.${name} must be a string on one line`,
        );
      }
      return [name, value];
    }),
  );
}

/**
 * Reads `multicloud.alerts.alertmanager`: no instances means the
 * Alertmanager source is off.
 *
 * @throws InputError naming the key that is wrong and how to fix it
 */
export function readAlertmanagerConfig(root: Config): AlertmanagerConfig {
  const config = root.getOptionalConfig(CONFIG_KEY);
  if (!config) {
    return {
      instances: [],
      maxSilenceDurationMs: DEFAULT_MAX_SILENCE_DURATION_MS,
    };
  }
  const seen = new Set<string>();
  const instances = (config.getOptionalConfigArray('instances') ?? []).map(
    (instance, index) => {
      const path = `${CONFIG_KEY}.instances[${index}]`;
      const id = instance.getString('id');
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) {
        throw new InputError(
          `${path}.id must be letters, digits, '.', '_' or '-' (not starting with a symbol), such as 'prod'; got '${id}'`,
        );
      }
      if (seen.has(id)) {
        throw new InputError(
          `${path}.id '${id}' is used by another instance; give each Alertmanager its own id`,
        );
      }
      seen.add(id);
      const url = readBaseUrl(instance, 'url', `${path}.url`);
      return {
        id,
        url,
        externalUrl: instance.has('externalUrl')
          ? readBaseUrl(instance, 'externalUrl', `${path}.externalUrl`)
          : url,
        headers: readHeaders(instance, path),
        timeoutMs: readDurationMs(
          instance,
          'timeout',
          `${path}.timeout`,
          DEFAULT_TIMEOUT_MS,
        ),
      };
    },
  );
  return {
    instances,
    maxSilenceDurationMs: readDurationMs(
      config,
      'maxSilenceDuration',
      `${CONFIG_KEY}.maxSilenceDuration`,
      DEFAULT_MAX_SILENCE_DURATION_MS,
    ),
  };
}
