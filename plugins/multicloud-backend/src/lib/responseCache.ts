/**
 * Computed answers kept by a key that changes whenever the answer would
 * (for the cost API: the ETag, which names the data version, the day, the
 * URL and the budget annotation), so that many people looking at the same
 * entity cost one computation per data change instead of one per request.
 * Answers are kept serialized, least recently used first out once they pass
 * `maxBytes`; concurrent requests for a key being computed share that
 * computation. Only what does not depend on the caller may be kept: the
 * route authorizes the caller before it asks.
 */
export type ResponseCache = {
  /** The serialized answer for `key`, computed by `compute` unless kept. */
  get(key: string, compute: () => Promise<unknown>): Promise<string>;
  /** Number and size of the kept answers. */
  stats(): { entries: number; bytes: number };
};

export function createResponseCache(options: {
  maxBytes: number;
}): ResponseCache {
  const kept = new Map<string, string>();
  const computing = new Map<string, Promise<string>>();
  let bytes = 0;

  function keep(key: string, body: string) {
    // Kept as UTF-16 code units; close enough to bytes for a bound.
    const size = body.length;
    if (size > options.maxBytes) {
      return;
    }
    kept.set(key, body);
    bytes += size;
    for (const [oldKey, oldBody] of kept) {
      if (bytes <= options.maxBytes) {
        break;
      }
      kept.delete(oldKey);
      bytes -= oldBody.length;
    }
  }

  return {
    async get(key, compute) {
      const body = kept.get(key);
      if (body !== undefined) {
        // Most recently used goes to the end of the insertion order.
        kept.delete(key);
        kept.set(key, body);
        return body;
      }
      const pending = computing.get(key);
      if (pending) {
        return pending;
      }
      const computed = (async () => {
        try {
          const serialized = JSON.stringify(await compute());
          keep(key, serialized);
          return serialized;
        } finally {
          computing.delete(key);
        }
      })();
      computing.set(key, computed);
      return computed;
    },
    stats: () => ({ entries: kept.size, bytes }),
  };
}
