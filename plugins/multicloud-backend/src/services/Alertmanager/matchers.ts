import { InputError } from '@backstage/errors';
import { AlertmanagerMatcher } from './types';

const EXAMPLE = 'service="checkout", env=~"prod|staging"';

/** A label name as Alertmanager's matchers accept it unquoted. */
const LABEL_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

// '=~' and '!~' come before '=' and '!=' so that the '~' is not read as the
// start of the value.
const MATCHER = /^\s*([^=!~\s]*)\s*(=~|!~|!=|=)\s*([\s\S]*?)\s*$/;

const OPERATORS: Record<
  string,
  Pick<AlertmanagerMatcher, 'isEqual' | 'isRegex'>
> = {
  '=': { isEqual: true, isRegex: false },
  '!=': { isEqual: false, isRegex: false },
  '=~': { isEqual: true, isRegex: true },
  '!~': { isEqual: false, isRegex: true },
};

/**
 * Splits a matcher list on the commas outside double quotes; a `\"` inside
 * quotes does not end them.
 */
function splitMatchers(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let escaped = false;
  for (const char of text) {
    if (escaped) {
      escaped = false;
    } else if (char === '\\') {
      escaped = true;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  // A trailing comma is allowed, as Alertmanager allows it.
  if (parts.length > 1 && parts[parts.length - 1].trim() === '') {
    parts.pop();
  }
  return parts;
}

/**
 * The value of a matcher with its optional quotes removed and its escapes
 * (`\"`, `\\`, `\n`) resolved. As in Alertmanager, a backslash before any
 * other character stays a backslash, so regexes such as `\d+` read as written.
 */
function unquote(raw: string): string {
  const quoted = raw.startsWith('"');
  if (quoted && (raw.length < 2 || !endsWithUnescapedQuote(raw))) {
    throw new Error(`the value ${raw} has no closing double quote`);
  }
  const body = quoted ? raw.slice(1, -1) : raw;
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === '"') {
      throw new Error(
        `the value ${raw} contains a double quote; write it as \\" inside a quoted value`,
      );
    }
    if (char === '\\' && i + 1 < body.length) {
      const next = body[++i];
      if (next === 'n') {
        value += '\n';
      } else if (next === '"' || next === '\\') {
        value += next;
      } else {
        value += `\\${next}`;
      }
      continue;
    }
    value += char;
  }
  return value;
}

function endsWithUnescapedQuote(raw: string): boolean {
  if (!raw.endsWith('"')) {
    return false;
  }
  let backslashes = 0;
  for (let i = raw.length - 2; i >= 1 && raw[i] === '\\'; i--) {
    backslashes++;
  }
  return backslashes % 2 === 0;
}

/**
 * Checks a regex as far as JavaScript can judge RE2 (Alertmanager's regex
 * engine): lookarounds and backreferences, which RE2 lacks, are refused
 * here with a clear word rather than by Alertmanager later; RE2's inline
 * flags and `(?P<name>` groups are accepted.
 */
function checkRegex(value: string) {
  if (/(^|[^\\])(\\\\)*\(\?<?[=!]/.test(value)) {
    throw new Error(
      `the regex ${JSON.stringify(
        value,
      )} uses a lookahead or lookbehind, which Alertmanager's regex engine (RE2) does not support`,
    );
  }
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(value)) {
    throw new Error(
      `the regex ${JSON.stringify(
        value,
      )} uses a backreference, which Alertmanager's regex engine (RE2) does not support`,
    );
  }
  const asJavaScript = value
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]*(-[imsU]+)?:/g, '(?:')
    .replace(/\(\?P</g, '(?<');
  try {
    // Compiled only to check its syntax; never run.
    new RegExp(asJavaScript); // eslint-disable-line no-new
  } catch (error) {
    throw new Error(
      `the regex ${JSON.stringify(value)} is not valid: ${
        (error as Error).message
      }`,
    );
  }
}

function parseMatcher(text: string): AlertmanagerMatcher {
  if (text.trim() === '') {
    throw new Error('there is an empty matcher between two commas');
  }
  const match = MATCHER.exec(text);
  if (!match) {
    throw new Error(
      `${JSON.stringify(
        text.trim(),
      )} is not a matcher: it needs a label name, one of = != =~ !~, and a value`,
    );
  }
  const [, name, operator, rawValue] = match;
  if (!LABEL_NAME.test(name)) {
    throw new Error(
      name === ''
        ? `${JSON.stringify(text.trim())} has no label name before ${operator}`
        : `${JSON.stringify(
            name,
          )} is not a label name: use letters, digits, _ and :, not starting with a digit`,
    );
  }
  const value = unquote(rawValue);
  const { isEqual, isRegex } = OPERATORS[operator];
  if (isRegex) {
    checkRegex(value);
  }
  return { name, value, isEqual, isRegex };
}

/**
 * Checks matchers that arrive as data (a silence request) as strictly as
 * {@link parseMatchers} checks text.
 *
 * @throws InputError saying which matcher is wrong and why
 */
export function checkMatchers(
  matchers: AlertmanagerMatcher[],
  what = 'matchers',
): void {
  if (!Array.isArray(matchers) || matchers.length === 0) {
    throw new InputError(`Invalid ${what}: at least one matcher is needed`);
  }
  matchers.forEach((matcher, index) => {
    const { name, value, isEqual, isRegex } = matcher ?? {};
    if (
      typeof name !== 'string' ||
      typeof value !== 'string' ||
      typeof isEqual !== 'boolean' ||
      typeof isRegex !== 'boolean'
    ) {
      throw new InputError(
        `Invalid ${what}: matcher ${index} needs a string name and value and boolean isEqual and isRegex`,
      );
    }
    if (!LABEL_NAME.test(name)) {
      throw new InputError(
        `Invalid ${what}: ${JSON.stringify(
          name,
        )} is not a label name: use letters, digits, _ and :, not starting with a digit`,
      );
    }
    if (isRegex) {
      try {
        checkRegex(value);
      } catch (error) {
        throw new InputError(`Invalid ${what}: ${(error as Error).message}`);
      }
    }
  });
}

/**
 * Parses a list of Alertmanager matchers, in the syntax of Alertmanager's
 * `filter` and amtool: `service="checkout", env=~"prod|staging"`, optionally
 * in braces, values quoted or not; inside quotes a comma is part of the value
 * and `\"`, `\\` and `\n` are escapes.
 *
 * @param text - the matchers
 * @param what - what the text is, for the error message (such as
 *   `annotation multicloud.io/alert-matchers of component:default/checkout`)
 * @throws InputError quoting the text and saying what is wrong with it
 */
export function parseMatchers(
  text: string,
  what = 'matchers',
): AlertmanagerMatcher[] {
  try {
    let body = text.trim();
    if (body.startsWith('{') !== body.endsWith('}')) {
      throw new Error(
        body.startsWith('{')
          ? 'the opening { has no closing }'
          : 'the closing } has no opening {',
      );
    }
    if (body.startsWith('{')) {
      body = body.slice(1, -1);
    }
    if (body.trim() === '') {
      throw new Error('it has no matcher; at least one is needed');
    }
    return splitMatchers(body).map(parseMatcher);
  } catch (error) {
    throw new InputError(
      `Invalid ${what} ${JSON.stringify(text)}: ${
        (error as Error).message
      }. Write comma-separated Alertmanager matchers such as ${EXAMPLE}`,
    );
  }
}

/** The operator of a matcher: `=`, `!=`, `=~` or `!~`. */
export function matcherOperator(matcher: AlertmanagerMatcher): string {
  if (matcher.isRegex) {
    return matcher.isEqual ? '=~' : '!~';
  }
  return matcher.isEqual ? '=' : '!=';
}

/** One matcher as Alertmanager parses it: `name="value"` with the value escaped. */
export function formatMatcher(matcher: AlertmanagerMatcher): string {
  const value = matcher.value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
  return `${matcher.name}${matcherOperator(matcher)}"${value}"`;
}

/** Matchers as Alertmanager's UI writes a filter: `{a="b",c=~"d"}`. */
export function formatMatchers(matchers: AlertmanagerMatcher[]): string {
  return `{${matchers.map(formatMatcher).join(',')}}`;
}

/** Whether two matchers are the same condition, written the same way. */
export function sameMatcher(
  a: AlertmanagerMatcher,
  b: AlertmanagerMatcher,
): boolean {
  return (
    a.name === b.name &&
    a.value === b.value &&
    a.isEqual === b.isEqual &&
    a.isRegex === b.isRegex
  );
}

/**
 * The matchers of `required` that `matchers` lacks. A silence holding all of
 * an entity's matchers silences a subset of that entity's alerts, since
 * Alertmanager requires every matcher of a silence to match.
 */
export function missingMatchers(
  matchers: AlertmanagerMatcher[],
  required: AlertmanagerMatcher[],
): AlertmanagerMatcher[] {
  return required.filter(r => !matchers.some(m => sameMatcher(m, r)));
}
