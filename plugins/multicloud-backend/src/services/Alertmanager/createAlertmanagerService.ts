import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AlertLink,
  AlertSeverity,
  AlertmanagerAlertDetails,
  AlertmanagerInstanceStatus,
  MULTICLOUD_ANNOTATIONS,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';
import { AlertmanagerConfig, AlertmanagerInstanceConfig } from './config';
import {
  checkMatchers,
  formatMatcher,
  formatMatchers,
  missingMatchers,
  parseMatchers,
} from './matchers';
import {
  AlertmanagerMatcher,
  AlertmanagerService,
  AlertmanagerSilence,
} from './types';

/** Longest comment a silence may carry. */
export const MAX_SILENCE_COMMENT_LENGTH = 1000;

const SEVERITY_RANK: Record<AlertSeverity, number> = {
  critical: 0,
  warning: 1,
  info: 2,
};

const SILENCE_STATE_RANK: Record<AlertmanagerSilence['state'], number> = {
  active: 0,
  pending: 1,
  expired: 2,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `GET /api/v2/alerts` answers, per alert (the fields used here). */
type ApiAlert = {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  updatedAt?: string;
  generatorURL?: string;
  status: {
    state: AlertmanagerAlertDetails['state'];
    silencedBy: string[];
    inhibitedBy: string[];
  };
};

/** What `GET /api/v2/silences` answers, per silence. */
type ApiSilence = {
  id: string;
  matchers: Array<{
    name: string;
    value: string;
    isRegex: boolean;
    isEqual?: boolean;
  }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: AlertmanagerSilence['state'] };
};

/** An HTTP answer of an instance. */
type Answer = { status: number; text: string; json: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringMap = (value: unknown): value is Record<string, string> =>
  isObject(value) && Object.values(value).every(v => typeof v === 'string');

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string');

function isApiAlert(value: unknown): value is ApiAlert {
  return (
    isObject(value) &&
    typeof value.fingerprint === 'string' &&
    isStringMap(value.labels) &&
    (value.annotations === undefined || isStringMap(value.annotations)) &&
    typeof value.startsAt === 'string' &&
    isObject(value.status) &&
    ['active', 'suppressed', 'unprocessed'].includes(
      value.status.state as string,
    ) &&
    isStringArray(value.status.silencedBy) &&
    isStringArray(value.status.inhibitedBy)
  );
}

function isApiSilence(value: unknown): value is ApiSilence {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    Array.isArray(value.matchers) &&
    value.matchers.every(
      m =>
        isObject(m) &&
        typeof m.name === 'string' &&
        typeof m.value === 'string' &&
        typeof m.isRegex === 'boolean' &&
        (m.isEqual === undefined || typeof m.isEqual === 'boolean'),
    ) &&
    typeof value.startsAt === 'string' &&
    typeof value.endsAt === 'string' &&
    typeof value.createdBy === 'string' &&
    typeof value.comment === 'string' &&
    isObject(value.status) &&
    ['active', 'pending', 'expired'].includes(value.status.state as string)
  );
}

/** Alertmanager's `severity` label as one of ours: unknown words are warnings. */
export function severityOf(label: string | undefined): AlertSeverity {
  const severity = label?.trim().toLowerCase();
  if (severity === 'critical' || severity === 'error' || severity === 'page') {
    return 'critical';
  }
  if (severity === 'info') {
    return 'info';
  }
  return 'warning';
}

/** A URL safe to render as a link: http or https only. */
function httpUrl(text: string | undefined): string | undefined {
  if (!text) {
    return undefined;
  }
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

function describeDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['day', 24 * 3600 * 1000],
    ['hour', 3600 * 1000],
    ['minute', 60 * 1000],
    ['second', 1000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/**
 * Creates the Alertmanager service: it reads alerts and silences from every
 * configured instance through the API v2 and writes silences, keeping each
 * user to the alerts their entity's matchers select.
 *
 * @remarks
 * Every request carries the instance's configured headers and gives up after
 * its timeout. An instance that is down, slow, refuses the credentials or
 * answers something else than Alertmanager's API is reported in `instances`
 * of `alerts()` and `silences()`; the header values never reach a log or an
 * error message.
 */
export function createAlertmanagerService(options: {
  config: AlertmanagerConfig;
  logger: LoggerService;
  now?: () => Date;
}): AlertmanagerService {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const instances = new Map(config.instances.map(i => [i.id, i]));
  // The last error of each instance, so that a down instance is logged once
  // when it goes down and once when it comes back, not on every read.
  const lastErrors = new Map<string, string | undefined>();

  const label = (instance: AlertmanagerInstanceConfig) =>
    `Alertmanager '${instance.id}' at ${instance.url}`;

  function instanceNamed(id: string): AlertmanagerInstanceConfig {
    const instance = instances.get(id);
    if (!instance) {
      const known = [...instances.keys()];
      throw new NotFoundError(
        known.length
          ? `No Alertmanager instance '${id}'; the configured ones are ${known
              .map(k => `'${k}'`)
              .join(', ')}`
          : `No Alertmanager instance '${id}'; none is configured under multicloud.alerts.alertmanager.instances`,
      );
    }
    return instance;
  }

  function unreachable(
    instance: AlertmanagerInstanceConfig,
    error: unknown,
  ): string {
    const err = error as Error & {
      cause?: { code?: string; message?: string };
    };
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
      return `${label(instance)} did not answer within ${
        instance.timeoutMs
      } ms: check that it is up and reachable from the backend, or raise its timeout under multicloud.alerts.alertmanager.instances`;
    }
    if (/redirect/i.test(err?.cause?.message ?? '')) {
      return `${label(
        instance,
      )} answered with a redirect: set its url under multicloud.alerts.alertmanager.instances to the address it redirects to`;
    }
    const code = err?.cause?.code;
    if (code === 'ECONNREFUSED') {
      return `${label(
        instance,
      )} refused the connection: check that it is running and that its url under multicloud.alerts.alertmanager.instances is right`;
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return `${label(
        instance,
      )} could not be found (${code}): check the host name of its url under multicloud.alerts.alertmanager.instances`;
    }
    const reason = err?.cause?.message ?? err?.message ?? String(error);
    return `${label(instance)} could not be reached${
      code ? ` (${code})` : ''
    }: ${reason}`;
  }

  function unexpectedAnswer(
    instance: AlertmanagerInstanceConfig,
    answer: Answer,
    what: string,
  ): string {
    if (answer.status === 401 || answer.status === 403) {
      return `${label(instance)} refused ${what} (HTTP ${
        answer.status
      }): check the credentials in its headers under multicloud.alerts.alertmanager.instances`;
    }
    if (answer.status === 404) {
      return `${label(
        instance,
      )} has no API for ${what} (HTTP 404): its url must be Alertmanager's base URL, including any --web.route-prefix`;
    }
    return `${label(instance)} answered HTTP ${answer.status} to ${what}: ${
      snippet(answer.text) || 'no message'
    }`;
  }

  /** One request to the API v2; transport failures become ServiceUnavailableError. */
  async function call(
    instance: AlertmanagerInstanceConfig,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    request: { query?: URLSearchParams; body?: unknown } = {},
  ): Promise<Answer> {
    const url = `${instance.url}/api/v2/${path}${
      request.query ? `?${request.query}` : ''
    }`;
    try {
      const response = await fetch(url, {
        method,
        headers: {
          ...instance.headers,
          accept: 'application/json',
          ...(request.body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
        },
        body:
          request.body !== undefined ? JSON.stringify(request.body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(instance.timeoutMs),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, text, json };
    } catch (error) {
      throw new ServiceUnavailableError(unreachable(instance, error));
    }
  }

  function note(instance: AlertmanagerInstanceConfig, error?: string) {
    const previous = lastErrors.get(instance.id);
    if (error && error !== previous) {
      logger.warn(error);
    } else if (!error && previous) {
      logger.info(`${label(instance)} answers again`);
    }
    lastErrors.set(instance.id, error);
  }

  const uiLink = (instance: AlertmanagerInstanceConfig, fragment: string) =>
    `${instance.externalUrl}/#/${fragment}`;

  function toAlert(
    instance: AlertmanagerInstanceConfig,
    alert: ApiAlert,
    entityRef: string,
    seenAt: string,
  ): MulticloudAlert {
    const { labels, fingerprint } = alert;
    const annotations = alert.annotations ?? {};
    const generatorURL = httpUrl(alert.generatorURL);
    const labelMatchers = Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value, isEqual: true, isRegex: false }));
    const links: AlertLink[] = [];
    if (generatorURL) {
      links.push({ title: 'Alert source', url: generatorURL });
    }
    links.push({
      title: `Alertmanager (${instance.id})`,
      url: uiLink(
        instance,
        `alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(
          formatMatchers(labelMatchers),
        )}`,
      ),
    });
    for (const silenceId of alert.status.silencedBy) {
      links.push({
        title: `Silence ${silenceId}`,
        url: uiLink(instance, `silences/${encodeURIComponent(silenceId)}`),
      });
    }
    return {
      id: `alertmanager:${instance.id}:${fingerprint}`,
      source: 'alertmanager',
      rule: labels.alertname ?? '',
      severity: severityOf(labels.severity),
      status: 'open',
      entityRef,
      title: annotations.summary || labels.alertname || fingerprint,
      description: annotations.description ?? annotations.message ?? '',
      since: alert.startsAt,
      lastSeenAt: seenAt,
      links,
      alertmanager: {
        instance: instance.id,
        fingerprint,
        state: alert.status.state,
        silencedBy: alert.status.silencedBy,
        inhibitedBy: alert.status.inhibitedBy,
        labels,
        annotations,
        startsAt: alert.startsAt,
        ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
        ...(generatorURL ? { generatorURL } : {}),
      },
    };
  }

  function toSilence(
    instance: AlertmanagerInstanceConfig,
    silence: ApiSilence,
  ): AlertmanagerSilence {
    return {
      id: silence.id,
      instance: instance.id,
      matchers: silence.matchers.map(m => ({
        name: m.name,
        value: m.value,
        isRegex: m.isRegex,
        isEqual: m.isEqual ?? true,
      })),
      startsAt: silence.startsAt,
      endsAt: silence.endsAt,
      createdBy: silence.createdBy,
      comment: silence.comment,
      state: silence.status.state,
      url: uiLink(instance, `silences/${encodeURIComponent(silence.id)}`),
    };
  }

  const statusOf = (
    instance: AlertmanagerInstanceConfig,
    error?: string,
  ): AlertmanagerInstanceStatus => ({
    id: instance.id,
    url: instance.externalUrl,
    reachable: !error,
    ...(error ? { error } : {}),
  });

  /** Runs `read` on every instance; a failing one is reported, not thrown. */
  async function fromEveryInstance<T>(
    read: (instance: AlertmanagerInstanceConfig) => Promise<T[]>,
  ): Promise<{ items: T[]; instances: AlertmanagerInstanceStatus[] }> {
    const outcomes = await Promise.all(
      config.instances.map(async instance => {
        try {
          const items = await read(instance);
          note(instance);
          return { items, status: statusOf(instance) };
        } catch (error) {
          const message = (error as Error).message;
          note(instance, message);
          return { items: [] as T[], status: statusOf(instance, message) };
        }
      }),
    );
    return {
      items: outcomes.flatMap(o => o.items),
      instances: outcomes.map(o => o.status),
    };
  }

  async function readSilences(
    instance: AlertmanagerInstanceConfig,
  ): Promise<ApiSilence[]> {
    const answer = await call(instance, 'GET', 'silences');
    if (answer.status !== 200) {
      throw new ServiceUnavailableError(
        unexpectedAnswer(instance, answer, 'the list of silences'),
      );
    }
    if (!Array.isArray(answer.json) || !answer.json.every(isApiSilence)) {
      throw new ServiceUnavailableError(
        `${label(
          instance,
        )} answered something that is not an Alertmanager API v2 list of silences: ${snippet(
          answer.text,
        )}`,
      );
    }
    return answer.json;
  }

  function requireEntityMatchers(entityMatchers: AlertmanagerMatcher[]) {
    checkMatchers(entityMatchers, "entity's matchers");
  }

  return {
    enabled: config.instances.length > 0,

    matchersFor(entity) {
      const annotation =
        entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.alertMatchers];
      if (annotation === undefined) {
        return [
          {
            name: 'service',
            value: entity.metadata.name,
            isEqual: true,
            isRegex: false,
          },
        ];
      }
      const ref = entity.kind
        ? `${entity.kind.toLocaleLowerCase('en-US')}:${
            entity.metadata.namespace ?? 'default'
          }/${entity.metadata.name}`
        : entity.metadata.name;
      return parseMatchers(
        annotation,
        `annotation ${MULTICLOUD_ANNOTATIONS.alertMatchers} of ${ref}`,
      );
    },

    async alerts(matchers, entityRef) {
      requireEntityMatchers(matchers);
      const query = new URLSearchParams();
      for (const matcher of matchers) {
        query.append('filter', formatMatcher(matcher));
      }
      for (const state of ['active', 'silenced', 'inhibited', 'unprocessed']) {
        query.set(state, 'true');
      }
      const seenAt = now().toISOString();
      const { items, instances: statuses } = await fromEveryInstance(
        async instance => {
          const answer = await call(instance, 'GET', 'alerts', { query });
          if (answer.status === 400) {
            throw new InputError(
              `${label(instance)} refused the matchers ${formatMatchers(
                matchers,
              )}: ${snippet(answer.text)}. Fix the ${
                MULTICLOUD_ANNOTATIONS.alertMatchers
              } annotation of ${entityRef}`,
            );
          }
          if (answer.status !== 200) {
            throw new ServiceUnavailableError(
              unexpectedAnswer(instance, answer, 'the list of alerts'),
            );
          }
          if (!Array.isArray(answer.json) || !answer.json.every(isApiAlert)) {
            throw new ServiceUnavailableError(
              `${label(
                instance,
              )} answered something that is not an Alertmanager API v2 list of alerts: ${snippet(
                answer.text,
              )}. Check that its url points at Alertmanager`,
            );
          }
          return answer.json.map(alert =>
            toAlert(instance, alert, entityRef, seenAt),
          );
        },
      );
      items.sort(
        (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          b.since.localeCompare(a.since) ||
          a.rule.localeCompare(b.rule) ||
          a.id.localeCompare(b.id),
      );
      return { alerts: items, instances: statuses };
    },

    async silences(entityMatchers) {
      requireEntityMatchers(entityMatchers);
      const { items, instances: statuses } = await fromEveryInstance(
        async instance =>
          (await readSilences(instance))
            .map(silence => toSilence(instance, silence))
            .filter(
              silence =>
                missingMatchers(silence.matchers, entityMatchers).length === 0,
            ),
      );
      items.sort(
        (a, b) =>
          SILENCE_STATE_RANK[a.state] - SILENCE_STATE_RANK[b.state] ||
          b.startsAt.localeCompare(a.startsAt) ||
          a.id.localeCompare(b.id),
      );
      return { silences: items, instances: statuses };
    },

    async createSilence(request) {
      const instance = instanceNamed(request.instance);
      requireEntityMatchers(request.entityMatchers);
      checkMatchers(request.matchers, 'silence matchers');
      const missing = missingMatchers(request.matchers, request.entityMatchers);
      if (missing.length > 0) {
        throw new NotAllowedError(
          `A silence for this entity must keep all of its matchers ${formatMatchers(
            request.entityMatchers,
          )}, so that it silences only the entity's own alerts; it lacks ${missing
            .map(formatMatcher)
            .join(', ')}`,
        );
      }
      const createdBy = request.createdBy?.trim();
      if (!createdBy) {
        throw new InputError('A silence needs its creator (createdBy)');
      }
      const comment = request.comment?.trim();
      if (!comment) {
        throw new InputError('A silence needs a comment saying why');
      }
      if (comment.length > MAX_SILENCE_COMMENT_LENGTH) {
        throw new InputError(
          `A silence's comment may be at most ${MAX_SILENCE_COMMENT_LENGTH} characters; it has ${comment.length}`,
        );
      }
      const startsAt = now();
      const endsAt = request.endsAt;
      if (!(endsAt instanceof Date) || Number.isNaN(endsAt.getTime())) {
        throw new InputError(
          'A silence needs an end time (endsAt) that is a valid date',
        );
      }
      if (endsAt.getTime() <= startsAt.getTime()) {
        throw new InputError(
          `A silence must end in the future; ${endsAt.toISOString()} is not after ${startsAt.toISOString()}`,
        );
      }
      const longest = config.maxSilenceDurationMs;
      if (endsAt.getTime() - startsAt.getTime() > longest) {
        throw new InputError(
          `A silence may last at most ${describeDuration(
            longest,
          )} (multicloud.alerts.alertmanager.maxSilenceDuration); ${endsAt.toISOString()} is later than ${new Date(
            startsAt.getTime() + longest,
          ).toISOString()}`,
        );
      }
      const silence = {
        matchers: request.matchers.map(({ name, value, isRegex, isEqual }) => ({
          name,
          value,
          isRegex,
          isEqual,
        })),
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        createdBy,
        comment,
      };
      const answer = await call(instance, 'POST', 'silences', {
        body: silence,
      });
      if (answer.status === 400) {
        throw new InputError(
          `${label(instance)} refused the silence: ${snippet(answer.text)}`,
        );
      }
      const id = isObject(answer.json) ? answer.json.silenceID : undefined;
      if (answer.status !== 200 || typeof id !== 'string') {
        throw new ServiceUnavailableError(
          answer.status === 200
            ? `${label(
                instance,
              )} answered the new silence without its id: ${snippet(
                answer.text,
              )}`
            : unexpectedAnswer(instance, answer, 'the new silence'),
        );
      }
      logger.info(
        `${createdBy} silenced ${formatMatchers(silence.matchers)} on ${label(
          instance,
        )} until ${silence.endsAt} (silence ${id})`,
      );
      return toSilence(instance, {
        id,
        ...silence,
        status: { state: 'active' },
      });
    },

    async expireSilence(request) {
      const instance = instanceNamed(request.instance);
      requireEntityMatchers(request.entityMatchers);
      const { silenceId } = request;
      if (!UUID.test(silenceId)) {
        throw new InputError(
          `'${silenceId}' is not a silence id; Alertmanager's silence ids are UUIDs such as 5b4b4e8c-0c1f-4d6e-9a53-2f0f6d7b1e2a`,
        );
      }
      const path = `silence/${encodeURIComponent(silenceId)}`;
      const notFound = () =>
        new NotFoundError(`${label(instance)} has no silence '${silenceId}'`);
      const found = await call(instance, 'GET', path);
      if (found.status === 404) {
        throw notFound();
      }
      if (found.status !== 200 || !isApiSilence(found.json)) {
        throw new ServiceUnavailableError(
          found.status === 200
            ? `${label(
                instance,
              )} answered something that is not an Alertmanager API v2 silence: ${snippet(
                found.text,
              )}`
            : unexpectedAnswer(instance, found, `silence '${silenceId}'`),
        );
      }
      const silence = toSilence(instance, found.json);
      if (missingMatchers(silence.matchers, request.entityMatchers).length) {
        throw new NotAllowedError(
          `Silence '${silenceId}' (${formatMatchers(
            silence.matchers,
          )}) is not limited to this entity's matchers ${formatMatchers(
            request.entityMatchers,
          )}; expire it in Alertmanager itself or ask its creator, ${
            silence.createdBy
          }`,
        );
      }
      if (silence.state === 'expired') {
        return;
      }
      const expired = await call(instance, 'DELETE', path);
      // Alertmanager answers 500 "silence not found" when it went meanwhile.
      if (
        expired.status === 404 ||
        (expired.status === 500 && /silence not found/i.test(expired.text))
      ) {
        throw notFound();
      }
      if (expired.status !== 200) {
        throw new ServiceUnavailableError(
          unexpectedAnswer(
            instance,
            expired,
            `expiring silence '${silenceId}'`,
          ),
        );
      }
      logger.info(
        `${
          request.expiredBy ?? 'Someone'
        } expired silence ${silenceId} on ${label(instance)}`,
      );
    },
  };
}
