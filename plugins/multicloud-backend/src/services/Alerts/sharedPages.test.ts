import { sharedPages } from './sharedPages';

/** Pages 0..count-1, recording each read and how far ahead of the readers the source got. */
function countingSource(count: number, failAt?: number) {
  const state = { reads: 0, opened: 0, closed: false };
  async function* pages() {
    state.opened += 1;
    try {
      for (let page = 0; page < count; page++) {
        state.reads += 1;
        if (page === failAt) {
          throw new Error(`catalog unreachable at page ${page}`);
        }
        yield [page];
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, open: () => pages() };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('sharedPages', () => {
  it('reads every page once for all readers, one page ahead at most', async () => {
    const source = countingSource(5);
    const pass = sharedPages(source.open);
    const fast = pass.join();
    const slow = pass.join();
    const seen = { fast: [] as number[], slow: [] as number[] };
    const readsSeenBySlow: number[] = [];

    const readFast = (async () => {
      for await (const [page] of fast.pages) {
        seen.fast.push(page);
      }
    })();
    const readSlow = (async () => {
      for await (const [page] of slow.pages) {
        // The fast reader asked for the next page long ago; the source
        // still has not read it, because this one has not.
        await settle();
        await settle();
        readsSeenBySlow.push(source.state.reads);
        seen.slow.push(page);
      }
    })();
    await Promise.all([readFast, readSlow]);

    expect(seen.fast).toEqual([0, 1, 2, 3, 4]);
    expect(seen.slow).toEqual([0, 1, 2, 3, 4]);
    expect(source.state).toMatchObject({ reads: 5, opened: 1 });
    expect(readsSeenBySlow).toEqual([1, 2, 3, 4, 5]);
  });

  it('a reader that leaves, or stops reading, no longer holds the others back', async () => {
    const source = countingSource(4);
    const pass = sharedPages(source.open);
    const never = pass.join();
    const early = pass.join();
    const full = pass.join();

    const readEarly = (async () => {
      for await (const [page] of early.pages) {
        if (page === 1) {
          break;
        }
      }
    })();
    const seen: number[] = [];
    const readFull = (async () => {
      for await (const [page] of full.pages) {
        seen.push(page);
      }
    })();
    await settle();
    // Nothing is read while a reader that has not started is still in.
    expect(source.state.reads).toBe(0);
    never.leave();
    never.leave();
    await Promise.all([readEarly, readFull]);

    expect(seen).toEqual([0, 1, 2, 3]);
    expect(source.state.reads).toBe(4);
  });

  it('closes the source when every reader has left before its end', async () => {
    const source = countingSource(10);
    const pass = sharedPages(source.open);
    const reader = pass.join();
    for await (const [page] of reader.pages) {
      if (page === 2) {
        break;
      }
    }
    await settle();
    expect(source.state).toMatchObject({ reads: 3, closed: true });
  });

  it('a failed read reaches every reader', async () => {
    const source = countingSource(5, 2);
    const pass = sharedPages(source.open);
    const readAll = async (pages: AsyncIterable<number[]>) => {
      const seen: number[] = [];
      for await (const [page] of pages) {
        seen.push(page);
      }
      return seen;
    };
    const readers = [pass.join(), pass.join()];
    const outcomes = await Promise.allSettled(
      readers.map(reader => readAll(reader.pages)),
    );
    expect(outcomes).toEqual([
      {
        status: 'rejected',
        reason: new Error('catalog unreachable at page 2'),
      },
      {
        status: 'rejected',
        reason: new Error('catalog unreachable at page 2'),
      },
    ]);
    expect(source.state.reads).toBe(3);
  });

  it('refuses a reader once the pass has started', async () => {
    const pass = sharedPages(countingSource(2).open);
    const first = pass.join();
    const iterator = first.pages[Symbol.asyncIterator]();
    await iterator.next();
    expect(() => pass.join()).toThrow(/before it starts/);
  });
});
