/**
 * Secrets shorter than this are never masked: masking every `ab` or `x1` of a
 * log hides everything and protects nothing.
 *
 * @public
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Shortest piece of base64 searched for: a shorter one would turn up by chance
 * in unrelated base64 data.
 */
const MIN_BASE64_FRAGMENT_LENGTH = 6;

/**
 * A line of a multi-line secret that is masked on its own: random key
 * material (PEM and certificate bodies, wrapped base64 or hex, which mix
 * letters and digits), never the armour, a rule of dashes, JSON or YAML
 * structure, which would mask ordinary text.
 */
const isKeyMaterialLine = (line: string) =>
  /^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(line) &&
  /[0-9]/.test(line) &&
  /[A-Za-z]/.test(line);

/** One spelling of a secret to look for. */
export interface SecretForm {
  /** The spelling, with its whitespace collapsed (see {@link collapseWhitespace}). */
  text: string;
  /**
   * The spelling is (part of) a base64 encoding: the whole base64 run around
   * a match is masked, since the characters next to it carry bits of the
   * secret.
   */
  base64: boolean;
}

/**
 * Collapses every run of whitespace into one space. Secrets and output are
 * compared this way so that a multi-line secret is found whatever its line
 * endings (LF, CRLF), its indentation, or when a tool joins its lines with
 * spaces.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\n\v\f\r]+/g, ' ');
}

export function isCollapsedWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Length in characters (code points), as a person counts them. */
export function characterLength(text: string): number {
  return [...text].length;
}

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const JSON_SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A JSON string body written with `\uXXXX` for the characters `escape`
 * selects: Go's encoding/json (Terraform, Helm) escapes `<`, `>`, `&`,
 * U+2028 and U+2029; Python's json.dumps (Ansible) every non-ASCII character.
 */
function jsonEscapeWith(
  text: string,
  escape: (code: number) => boolean,
): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const code = text.charCodeAt(i);
    if (JSON_SHORT_ESCAPES[char]) {
      out += JSON_SHORT_ESCAPES[char];
    } else if (code < 0x20 || escape(code)) {
      out += unicodeEscape(code);
    } else {
      out += char;
    }
  }
  return out;
}

const goJsonEscape = (text: string) =>
  jsonEscapeWith(
    text,
    code =>
      code === 0x3c ||
      code === 0x3e ||
      code === 0x26 ||
      code === 0x2028 ||
      code === 0x2029,
  );

const asciiJsonEscape = (text: string) =>
  jsonEscapeWith(text, code => code > 0x7e);

const percentEncode = (char: string) =>
  `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * URL encodings of a secret: encodeURIComponent's, RFC 3986's (only letters,
 * digits and `-._~` left alone: Go's url.QueryEscape, Python's quote_plus),
 * Python's quote (which keeps `/`) and the WHATWG form encoding (which keeps
 * `*` and escapes `~`), each with a space as `%20` and as `+`.
 */
function urlForms(text: string): string[] {
  let component: string;
  try {
    component = encodeURIComponent(text);
  } catch {
    // A lone surrogate has no UTF-8 encoding, so no URL spelling either.
    return [];
  }
  const strict = component.replace(/[!'()*]/g, percentEncode);
  const keepSlash = strict.replace(/%2F/g, '/');
  const whatwg = strict.replace(/%2A/g, '*').replace(/~/g, '%7E');
  return [component, strict, keepSlash, whatwg].flatMap(form => [
    form,
    form.replace(/%20/g, '+'),
  ]);
}

const toBase64Url = (base64: string) =>
  base64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * The base64 of the secret on its own, and the part of the encoding that is
 * the same wherever the secret sits inside longer data (`user:secret` of a
 * basic-auth header, a key inside a kubeconfig): at each of the three byte
 * offsets modulo 3, the characters whose 6 bits all come from the secret.
 */
function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const forms = [bytes.toString('base64')];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([
      Buffer.alloc(offset),
      bytes,
      Buffer.alloc(2),
    ]).toString('base64');
    const stable = encoded.slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + bytes.length)) / 6),
    );
    if (stable.length >= MIN_BASE64_FRAGMENT_LENGTH) {
      forms.push(stable);
    }
  }
  return forms.flatMap(form => [form, toBase64Url(form)]);
}

function keyMaterialLines(text: string): string[] {
  if (!/[\r\n]/.test(text)) {
    return [];
  }
  return text
    .split(/\r?\n|\r/)
    .map(line => line.trim())
    .filter(isKeyMaterialLine);
}

/**
 * Every spelling of a secret that tools print: as given and without the
 * whitespace around it (a key file's last newline); JSON-escaped as Node,
 * Go and Python write it, once and twice (JSON inside a JSON string); URL
 * encoded; base64, also inside longer base64 data; and, for a multi-line
 * secret, each line that is key material on its own, for output that shows
 * only some of its lines.
 */
export function secretForms(secret: string): SecretForm[] {
  const forms = new Map<string, boolean>();
  const put = (text: string, base64: boolean) => {
    // Whitespace at either end would only mask a line break next to it.
    const collapsed = collapseWhitespace(text).trim();
    if (characterLength(collapsed) >= MIN_SECRET_LENGTH) {
      forms.set(collapsed, base64 || (forms.get(collapsed) ?? false));
    }
  };
  const values = new Set([secret, secret.trim()]);
  for (const value of values) {
    if (characterLength(value) < MIN_SECRET_LENGTH) {
      continue;
    }
    for (const once of [
      value,
      jsonEscape(value),
      goJsonEscape(value),
      asciiJsonEscape(value),
    ]) {
      put(once, false);
      put(jsonEscape(once), false);
    }
    urlForms(value).forEach(form => put(form, false));
    base64Forms(value).forEach(form => put(form, true));
    keyMaterialLines(value).forEach(line => put(line, false));
  }
  return [...forms].map(([text, base64]) => ({ text, base64 }));
}
