const MASK = '***';

/**
 * Replaces every occurrence of the given secret values in a log line.
 *
 * @remarks
 * Tools echo secrets in more than one spelling: as given, JSON-escaped (in
 * `-json` output) and URL-encoded (in connection strings), so each spelling
 * is masked. Longer secrets are replaced first so that a secret containing
 * another one is masked whole.
 */
export type Redactor = (line: string) => string;

/** Builds a {@link Redactor} for a set of secret values; empty values are ignored. */
export function createRedactor(
  secrets: Iterable<string | undefined>,
): Redactor {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (!secret) {
      continue;
    }
    spellings.add(secret);
    spellings.add(JSON.stringify(secret).slice(1, -1));
    spellings.add(encodeURIComponent(secret));
  }
  if (spellings.size === 0) {
    return line => line;
  }
  const pattern = new RegExp(
    [...spellings]
      .sort((a, b) => b.length - a.length)
      .map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return line => line.replace(pattern, MASK);
}
