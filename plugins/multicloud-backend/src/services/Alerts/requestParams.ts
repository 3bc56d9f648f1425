import { InputError } from '@backstage/errors';
import {
  ALERT_SEVERITIES,
  ALERT_SOURCES,
  ALERT_STATUSES,
  AlertSeverity,
  AlertSource,
  AlertStatus,
} from '@multicloud/plugin-multicloud-common';
import { AlertmanagerMatcher } from '../Alertmanager/types';
import { AlertActionRequest } from './types';

type Query = Record<string, unknown>;

const DAY_MS = 24 * 3600 * 1000;
/** Longest snooze. */
const MAX_SNOOZE_MS = 366 * DAY_MS;
const SNOOZE_DURATIONS: Record<string, number> = {
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
};
export const MAX_REASON_LENGTH = 1000;
const ALERT_ID = /^[a-z][a-z0-9-]*:[A-Za-z0-9:._~-]{1,240}$/;
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const ALERT_ACTIONS: ReadonlyArray<AlertActionRequest['action']> = [
  'acknowledge',
  'snooze',
  'dismiss',
  'reopen',
];

/** A filter given as `?status=open&status=snoozed` or `?status=open,snoozed`. */
function listOf<T extends string>(
  query: Query,
  name: string,
  allowed: readonly T[],
): T[] | undefined {
  const raw = query[name];
  if (raw === undefined) {
    return undefined;
  }
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap(value => {
    if (typeof value !== 'string') {
      throw new InputError(
        `${name} must be a list of values such as ${allowed[0]},${allowed[1]}`,
      );
    }
    return value.split(',');
  });
  const values = parts.map(v => v.trim()).filter(Boolean);
  const unknown = values.filter(v => !allowed.includes(v as T));
  if (unknown.length > 0) {
    throw new InputError(
      `${name} must be one or more of ${allowed.join(', ')}; got ${unknown
        .map(v => `"${v}"`)
        .join(', ')}`,
    );
  }
  return values.length ? [...new Set(values as T[])] : undefined;
}

/** `status`, `source` and `severity` of `GET /alerts`. */
export function parseAlertFilters(query: Query): {
  status?: AlertStatus[];
  source?: AlertSource[];
  severity?: AlertSeverity[];
} {
  return {
    status: listOf(query, 'status', ALERT_STATUSES),
    source: listOf(query, 'source', ALERT_SOURCES),
    severity: listOf(query, 'severity', ALERT_SEVERITIES),
  };
}

/**
 * An alert id of the lifecycle routes: a computed alert's. Alertmanager
 * alerts have their lifecycle in Alertmanager: they are silenced instead.
 */
export function parseAlertId(value: string): string {
  if (value.startsWith('alertmanager:')) {
    throw new InputError(
      `${value} is an Alertmanager alert: its state is Alertmanager's. Silence it instead (POST /alerts/silences)`,
    );
  }
  if (!ALERT_ID.test(value)) {
    throw new InputError(
      `"${value}" is not an alert id; ids look like hygiene:open-to-world:4f2a9c0e1b7d3a5c6e8f0a1b`,
    );
  }
  return value;
}

function optionalText(
  body: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`${name} must be a string`);
  }
  const text = value.trim();
  if (text.length > MAX_REASON_LENGTH) {
    throw new InputError(
      `${name} has ${text.length} characters; at most ${MAX_REASON_LENGTH} are allowed`,
    );
  }
  return text || undefined;
}

/** A time given as ISO 8601 (`2026-12-24` or `2026-12-24T08:00:00Z`). */
function isoTime(value: unknown, name: string): Date {
  const time =
    typeof value === 'string' && ISO_TIME.test(value.trim())
      ? new Date(value.trim())
      : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw new InputError(
      `${name} must be an ISO 8601 time such as 2026-12-24T08:00:00Z; got ${JSON.stringify(
        value ?? null,
      )}`,
    );
  }
  return time;
}

function snoozeEnd(body: Record<string, unknown>, now: Date): Date {
  if (body.until !== undefined && body.duration !== undefined) {
    throw new InputError('Give either until or duration, not both');
  }
  if (body.duration !== undefined) {
    const ms = SNOOZE_DURATIONS[String(body.duration)];
    if (!ms) {
      throw new InputError(
        `duration must be 1d or 1w (or give until, an ISO time); got ${JSON.stringify(
          body.duration,
        )}`,
      );
    }
    return new Date(now.getTime() + ms);
  }
  if (body.until === undefined) {
    throw new InputError(
      'A snooze needs until (an ISO time such as 2026-12-24T08:00:00Z) or duration (1d or 1w)',
    );
  }
  const until = isoTime(body.until, 'until');
  if (until <= now) {
    throw new InputError(
      `until must be in the future; ${until.toISOString()} has passed`,
    );
  }
  if (until.getTime() - now.getTime() > MAX_SNOOZE_MS) {
    throw new InputError(
      `An alert can be snoozed for at most a year; until ${until.toISOString()} is further away`,
    );
  }
  return until;
}

/** The body of `POST /alerts/{id}/{action}`. */
export function parseActionRequest(
  action: string,
  rawBody: unknown,
  now: Date,
): AlertActionRequest {
  const body = (
    rawBody && typeof rawBody === 'object' ? rawBody : {}
  ) as Record<string, unknown>;
  const reason = optionalText(body, 'reason');
  switch (action) {
    case 'acknowledge':
    case 'reopen':
      return { action, reason };
    case 'snooze':
      return { action, until: snoozeEnd(body, now), reason };
    case 'dismiss':
      if (!reason) {
        throw new InputError(
          'Dismissing an alert needs a reason: say why it needs no action',
        );
      }
      return { action, reason };
    default:
      throw new InputError(
        `Unknown action "${action}"; use one of ${ALERT_ACTIONS.join(', ')}`,
      );
  }
}

function parseMatcher(value: unknown, index: number): AlertmanagerMatcher {
  const matcher = (value ?? {}) as Record<string, unknown>;
  if (
    typeof matcher.name !== 'string' ||
    !matcher.name ||
    typeof matcher.value !== 'string'
  ) {
    throw new InputError(
      `matchers[${index}] must be {"name": "...", "value": "...", "isRegex": false, "isEqual": true}`,
    );
  }
  for (const flag of ['isRegex', 'isEqual']) {
    if (matcher[flag] !== undefined && typeof matcher[flag] !== 'boolean') {
      throw new InputError(`matchers[${index}].${flag} must be true or false`);
    }
  }
  return {
    name: matcher.name,
    value: matcher.value,
    isRegex: matcher.isRegex === true,
    isEqual: matcher.isEqual !== false,
  };
}

const sameMatcher = (a: AlertmanagerMatcher, b: AlertmanagerMatcher) =>
  a.name === b.name &&
  a.value === b.value &&
  a.isRegex === b.isRegex &&
  a.isEqual === b.isEqual;

/**
 * The body of `POST /alerts/silences`: the instance, the silence's end
 * (`endsAt`, an ISO time), a comment, and matchers that are added to the
 * entity's own, so that a silence never reaches beyond the entity.
 */
export function parseSilenceRequest(
  rawBody: unknown,
  entityMatchers: AlertmanagerMatcher[],
  now: Date,
): {
  instance: string;
  matchers: AlertmanagerMatcher[];
  endsAt: Date;
  comment: string;
} {
  const body = (
    rawBody && typeof rawBody === 'object' ? rawBody : {}
  ) as Record<string, unknown>;
  if (typeof body.instance !== 'string' || !body.instance.trim()) {
    throw new InputError(
      'instance is required: the id of the Alertmanager to create the silence on',
    );
  }
  const comment = optionalText(body, 'comment');
  if (!comment) {
    throw new InputError('A silence needs a comment: say why');
  }
  const endsAt = isoTime(body.endsAt, 'endsAt');
  if (endsAt <= now) {
    throw new InputError(
      `endsAt must be in the future; ${endsAt.toISOString()} has passed`,
    );
  }
  if (body.matchers !== undefined && !Array.isArray(body.matchers)) {
    throw new InputError('matchers must be a list of matchers');
  }
  const extra = ((body.matchers as unknown[] | undefined) ?? []).map(
    parseMatcher,
  );
  return {
    instance: body.instance.trim(),
    matchers: [
      ...entityMatchers,
      ...extra.filter(m => !entityMatchers.some(e => sameMatcher(e, m))),
    ],
    endsAt,
    comment,
  };
}
