import { createHash } from 'node:crypto';

const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * Builds the catalog entity name of a cloud resource: a readable slug of its
 * human name followed by a short hash of its native id.
 *
 * @remarks
 * The hash makes the name unique and stable across runs even when two
 * resources share a human name; the slug keeps it readable. The result
 * always satisfies the catalog's name rules (at most 63 characters, starting
 * and ending with an alphanumeric character).
 *
 * @public
 */
export function resourceEntityName(
  humanName: string,
  nativeId: string,
): string {
  const hash = createHash('sha256')
    .update(nativeId)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const slug = humanName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/-+$/, '');
  // Joined rather than concatenated: V8 keeps a concatenation as a tree of
  // its parts, and names live as long as the catalog holds the entities.
  return [slug || 'resource', hash].join('-');
}
