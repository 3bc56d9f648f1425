/** Time between two reads of a state that is not there yet. */
const POLL_INTERVAL_MS = 50;

/**
 * Reads a state until it is the expected one, for what Alertmanager does
 * asynchronously (inhibitions, silences taking effect), with a deadline.
 *
 * @returns the first value `done` accepts
 * @throws when the deadline passes, with the last value read
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { description: string; timeoutMs?: number },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting until ${
          options.description
        }; last read: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
