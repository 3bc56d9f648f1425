import { JsonValue } from '@backstage/config';
import {
  createRedactedLineStream,
  RedactedLine,
  RedactedLineStream,
} from './redactedLineStream';
import { characterLength, MIN_SECRET_LENGTH, secretForms } from './secretForms';
import {
  applyMasks,
  MaskList,
  SecretAutomaton,
  SecretScanner,
} from './secretScanner';

export { MIN_SECRET_LENGTH } from './secretForms';
export type { RedactedLine, RedactedLineStream } from './redactedLineStream';

const MASK = '***';

/**
 * A secret value, optionally with where it comes from (for example
 * `task secret "dbPassword"`), which warnings name instead of the value.
 *
 * @public
 */
export type SecretInput =
  | string
  | undefined
  | { value: string | undefined; source: string };

/**
 * Masks known secret values in text: log lines, error messages, a tool's
 * output stream.
 *
 * @remarks
 * Tools print secrets in more than one spelling, so each is masked: as given
 * and without surrounding whitespace; JSON-escaped as Node, Go (`\u0026`,
 * `\u003c`, `\u003e`) and Python (`\u00e9`) write it, once and twice (JSON
 * embedded in a JSON string); URL-encoded (`%20` and `+`); base64, also as
 * part of longer base64 data such as `user:secret` in a basic-auth header or
 * a key in a kubeconfig, in which case the whole base64 run is masked; a
 * multi-line secret whatever its line endings and indentation, and each of
 * its lines that is key material on its own (PEM body lines). Where secrets
 * overlap, the union is masked. Secrets shorter than
 * {@link MIN_SECRET_LENGTH} characters are not masked, with a warning.
 * Secrets learnt while an action runs (sensitive outputs of a tool) are added
 * with {@link Redactor.add}.
 *
 * @public
 */
export interface Redactor {
  /** Returns the text with every known secret masked. */
  (text: string): string;
  /** Adds secret values; empty values are ignored. */
  add(secrets: Iterable<SecretInput>): void;
  /** Redacts every string inside a JSON value, keys included. */
  redactValue<T extends JsonValue | undefined>(value: T): T;
  /** Returns an error whose message and stack have been redacted. */
  redactError(error: unknown): Error;
  /**
   * Splits a tool's output into lines and masks secrets on the stream, also
   * those that span lines or arrive in several pieces. Lines longer than
   * `maxLineLength` are redacted, then cut.
   */
  createLineStream(
    onLine: (line: RedactedLine) => void,
    options?: { maxLineLength?: number },
  ): RedactedLineStream;
  /**
   * Runs `fn` while `line` (from {@link Redactor.createLineStream}) is being
   * handled: text logged meanwhile that contains the raw line gets its
   * redacted version, which knows about secrets that span lines. This is how
   * a parser that receives raw lines and logs them stays redacted.
   */
  withLine<T>(line: RedactedLine, fn: () => T): T;
  /**
   * Receives warnings about secrets that cannot be masked; those raised
   * before a listener was set are delivered to it at once.
   */
  onWarning(listener: (message: string) => void): void;
}

/**
 * Builds a {@link Redactor} for a set of secret values; empty values are
 * ignored.
 *
 * @public
 */
export function createRedactor(secrets: Iterable<SecretInput> = []): Redactor {
  const known = new Set<string>();
  const forms = new Map<string, boolean>();
  let automaton: SecretAutomaton | undefined;
  const masks = new MaskList();
  const scanner = new SecretScanner(masks);
  let secretCount = 0;
  const queuedWarnings: string[] = [];
  let warningListener: ((message: string) => void) | undefined;
  let currentLine: RedactedLine | undefined;

  const warn = (message: string) => {
    if (warningListener) {
      warningListener(message);
    } else {
      queuedWarnings.push(message);
    }
  };

  const mask = (text: string) => {
    if (!automaton || !text) {
      return text;
    }
    masks.clear();
    scanner.reset(automaton);
    scanner.scan(text, 0);
    return applyMasks(text, 0, masks, MASK);
  };

  const redact = ((text: string) => {
    const line = currentLine;
    if (
      line &&
      line.raw &&
      line.raw !== line.redacted &&
      text.includes(line.raw)
    ) {
      return mask(text.split(line.raw).join(line.redacted));
    }
    return mask(text);
  }) as Redactor;

  redact.add = (more: Iterable<SecretInput>) => {
    let changed = false;
    for (const secret of more) {
      const value = typeof secret === 'object' ? secret.value : secret;
      if (!value) {
        continue;
      }
      secretCount += 1;
      if (known.has(value)) {
        continue;
      }
      known.add(value);
      if (characterLength(value) < MIN_SECRET_LENGTH) {
        const source =
          typeof secret === 'object'
            ? secret.source
            : `secret value #${secretCount}`;
        warn(
          `The ${source} is shorter than ${MIN_SECRET_LENGTH} characters and is not masked in the task log: masking it would garble every line that contains those characters`,
        );
        continue;
      }
      for (const form of secretForms(value)) {
        forms.set(form.text, form.base64 || (forms.get(form.text) ?? false));
        changed = true;
      }
    }
    if (changed) {
      automaton = new SecretAutomaton(
        [...forms].map(([text, base64]) => ({ text, base64 })),
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

  redact.createLineStream = (onLine, options) =>
    createRedactedLineStream({
      automaton: () => automaton,
      mask: MASK,
      maxLineLength: options?.maxLineLength ?? Infinity,
      onLine,
    });

  redact.withLine = (line, fn) => {
    const previous = currentLine;
    currentLine = line;
    try {
      return fn();
    } finally {
      currentLine = previous;
    }
  };

  redact.onWarning = listener => {
    warningListener = listener;
    queuedWarnings.splice(0).forEach(listener);
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
