import { createResponseCache } from './responseCache';

describe('createResponseCache', () => {
  it('computes an answer once per key and serves it serialized', async () => {
    const cache = createResponseCache({ maxBytes: 1000 });
    const compute = jest.fn(async () => ({ total: 12.5 }));
    expect(await cache.get('a', compute)).toBe('{"total":12.5}');
    expect(await cache.get('a', compute)).toBe('{"total":12.5}');
    expect(compute).toHaveBeenCalledTimes(1);
    expect(await cache.get('b', async () => ({ total: 1 }))).toBe(
      '{"total":1}',
    );
    expect(cache.stats()).toEqual({ entries: 2, bytes: 14 + 11 });
  });

  it('shares one computation among concurrent requests for a key', async () => {
    const cache = createResponseCache({ maxBytes: 1000 });
    let finish: (value: unknown) => void = () => {};
    const compute = jest.fn(
      () =>
        new Promise(resolve => {
          finish = resolve;
        }),
    );
    const answers = Promise.all([
      cache.get('k', compute),
      cache.get('k', compute),
      cache.get('k', compute),
    ]);
    finish({ n: 1 });
    expect(await answers).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing of a failed computation', async () => {
    const cache = createResponseCache({ maxBytes: 1000 });
    await expect(
      cache.get('k', async () => {
        throw new Error('database gone');
      }),
    ).rejects.toThrow('database gone');
    expect(await cache.get('k', async () => 'back')).toBe('"back"');
    expect(cache.stats().entries).toBe(1);
  });

  it('lets the least recently used answers go past maxBytes', async () => {
    // Each answer is '"xxxxxxxx"': 10 characters.
    const cache = createResponseCache({ maxBytes: 25 });
    const answer = (key: string) => cache.get(key, async () => 'x'.repeat(8));
    await answer('a');
    await answer('b');
    await answer('a'); // a is now the most recently used
    await answer('c'); // 30 > 25: b goes
    expect(cache.stats()).toEqual({ entries: 2, bytes: 20 });
    const recompute = jest.fn(async () => 'y'.repeat(8));
    await cache.get('a', recompute);
    await cache.get('c', recompute);
    expect(recompute).not.toHaveBeenCalled();
    await cache.get('b', recompute);
    expect(recompute).toHaveBeenCalledTimes(1);
  });

  it('does not keep an answer larger than the whole cache', async () => {
    const cache = createResponseCache({ maxBytes: 5 });
    const compute = jest.fn(async () => 'too long to keep');
    await cache.get('k', compute);
    await cache.get('k', compute);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});
