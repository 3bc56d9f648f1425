/** One reader of a {@link sharedPages} pass. */
export type PageReader<T> = {
  /** The pass's pages, from the first; iterate it once. */
  pages: AsyncIterable<T>;
  /** Stops reading: the pass no longer waits for this reader. Idempotent. */
  leave(): void;
};

type Reader<T> = {
  /** Index of the page this reader asks for next. */
  next: number;
  /** Set while the reader waits for page `next`. */
  wake?: (page: Promise<IteratorResult<T>>) => void;
};

/**
 * Reads pages once for several readers, holding one page at a time: the
 * next page is read only when every reader that has not left has asked for
 * it. Readers join before the first page is read (`join`); a reader that
 * stops early (`leave`, or leaving a `for await` loop) no longer holds the
 * others back. A failed read reaches every reader waiting for that page.
 */
export function sharedPages<T>(open: () => AsyncIterable<T>): {
  join(): PageReader<T>;
} {
  const readers = new Set<Reader<T>>();
  let source: AsyncIterator<T> | undefined;
  /** Index of the page last read from the source. */
  let round = -1;
  let current: Promise<IteratorResult<T>> | undefined;

  function advance() {
    if (readers.size === 0) {
      if (source && round >= 0) {
        // Nobody reads on: let the source release what it holds.
        const closing = source;
        source = undefined;
        closing.return?.().catch(() => undefined);
      }
      return;
    }
    for (const reader of readers) {
      if (!reader.wake || reader.next !== round + 1) {
        return;
      }
    }
    source ??= open()[Symbol.asyncIterator]();
    round += 1;
    const page = source.next();
    // Readers see the failure; this keeps it from being unhandled meanwhile.
    page.catch(() => undefined);
    current = page;
    for (const reader of readers) {
      const wake = reader.wake!;
      reader.wake = undefined;
      wake(page);
    }
  }

  return {
    join() {
      if (round >= 0) {
        throw new Error('Readers join a shared pass before it starts');
      }
      const reader: Reader<T> = { next: 0 };
      readers.add(reader);
      let left = false;
      const leave = () => {
        if (!left) {
          left = true;
          readers.delete(reader);
          advance();
        }
      };
      const iterator: AsyncIterator<T> = {
        async next() {
          if (left) {
            return { done: true, value: undefined };
          }
          try {
            let page: Promise<IteratorResult<T>>;
            if (reader.next === round) {
              // The others asked first: this page is read already.
              page = current!;
              reader.next += 1;
            } else {
              page = new Promise<IteratorResult<T>>((resolve, reject) => {
                reader.wake = read => {
                  reader.next += 1;
                  read.then(resolve, reject);
                };
                advance();
              });
            }
            const result = await page;
            if (result.done) {
              leave();
            }
            return result;
          } catch (error) {
            leave();
            throw error;
          }
        },
        async return() {
          leave();
          return { done: true, value: undefined };
        },
      };
      return { pages: { [Symbol.asyncIterator]: () => iterator }, leave };
    },
  };
}
