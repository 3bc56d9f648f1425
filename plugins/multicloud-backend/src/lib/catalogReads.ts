import { isError } from '@backstage/errors';

/**
 * Whether a request failed because its connection was reset or hung up
 * before an answer: what a client meets when it reuses a kept-alive socket
 * the server is closing at that moment (node-fetch: `FetchError` with code
 * `ECONNRESET`, "socket hang up"; Node's fetch: a `TypeError` whose cause
 * has that code).
 */
export function connectionWasReset(error: unknown): boolean {
  if (!isError(error)) {
    return false;
  }
  const codes = [
    (error as { code?: unknown }).code,
    (error.cause as { code?: unknown } | undefined)?.code,
  ];
  return (
    codes.some(code => code === 'ECONNRESET' || code === 'EPIPE') ||
    /socket hang up/i.test(error.message)
  );
}

/**
 * Runs a catalog read, and once more when its connection was reset before
 * an answer (see {@link connectionWasReset}): a read changes nothing, so
 * sending it again is safe, and a reset of a reused socket says nothing
 * about whether the catalog is up.
 */
export async function readAgainOnReset<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (connectionWasReset(error)) {
      return read();
    }
    throw error;
  }
}
