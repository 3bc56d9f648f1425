import { JsonValue } from '@backstage/config';

const MASK = '***';

/**
 * Replaces every occurrence of the known secret values in a log line.
 *
 * @remarks
 * Tools echo secrets in more than one spelling: as given, JSON-escaped (in
 * `-json` output, once or twice when JSON is embedded in a JSON string),
 * URL-encoded (in connection strings) and base64-encoded (in Kubernetes
 * secrets and basic-auth headers), so each spelling is masked. Longer secrets
 * are replaced first so that a secret containing another one is masked whole.
 * Secrets learnt while an action runs (sensitive outputs of a tool) are added
 * with {@link Redactor.add}.
 *
 * @public
 */
export interface Redactor {
  (line: string): string;
  /** Adds secret values; empty values are ignored. */
  add(secrets: Iterable<string | undefined>): void;
  /** Redacts every string inside a JSON value, keys included. */
  redactValue<T extends JsonValue | undefined>(value: T): T;
  /** Returns an error whose message and stack have been redacted. */
  redactError(error: unknown): Error;
}

function spellingsOf(secret: string): string[] {
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    jsonEscaped,
    JSON.stringify(jsonEscaped).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(secret, 'utf8').toString('base64'),
  ];
}

/**
 * Builds a {@link Redactor} for a set of secret values; empty values are
 * ignored.
 *
 * @public
 */
export function createRedactor(
  secrets: Iterable<string | undefined> = [],
): Redactor {
  const spellings = new Set<string>();
  let pattern: RegExp | undefined;

  const redact = ((line: string) =>
    pattern ? line.replace(pattern, MASK) : line) as Redactor;

  redact.add = (more: Iterable<string | undefined>) => {
    const before = spellings.size;
    for (const secret of more) {
      if (secret) {
        spellingsOf(secret).forEach(s => spellings.add(s));
      }
    }
    if (spellings.size !== before) {
      pattern = new RegExp(
        [...spellings]
          .sort((a, b) => b.length - a.length)
          .map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|'),
        'g',
      );
    }
  };

  const redactValue = (value: JsonValue | undefined): JsonValue | undefined => {
    if (typeof value === 'string') {
      return redact(value);
    }
    if (Array.isArray(value)) {
      return value.map(v => redactValue(v) as JsonValue);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          redact(k),
          redactValue(v) as JsonValue,
        ]),
      );
    }
    return value;
  };
  redact.redactValue = redactValue as Redactor['redactValue'];

  redact.redactError = (error: unknown) => {
    const source =
      error instanceof Error ? error : new Error(String(error ?? 'Error'));
    const redacted = new Error(redact(source.message));
    redacted.name = source.name;
    redacted.stack = source.stack ? redact(source.stack) : undefined;
    return redacted;
  };

  redact.add(secrets);
  return redact;
}

/**
 * Every string found in a JSON value: the values a caller marked sensitive,
 * however deeply they are nested. Numbers and booleans are left out: masking
 * every `1` or `true` in a log would hide everything and protect nothing.
 */
export function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(collectStrings);
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(collectStrings);
  }
  return [];
}
