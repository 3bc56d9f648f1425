import { connectionWasReset, readAgainOnReset } from './catalogReads';

const reset = Object.assign(
  new Error('request failed, reason: socket hang up'),
  {
    name: 'FetchError',
    code: 'ECONNRESET',
  },
);
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
  name: 'FetchError',
  code: 'ECONNREFUSED',
});

describe('readAgainOnReset', () => {
  it('tells a reset connection from other failures, in node-fetch and Node fetch shapes', () => {
    expect(connectionWasReset(reset)).toBe(true);
    expect(
      connectionWasReset(
        new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }),
      ),
    ).toBe(true);
    expect(connectionWasReset(refused)).toBe(false);
    expect(connectionWasReset('ECONNRESET')).toBe(false);
  });

  it('reads once more after a reset, and only then', async () => {
    const read = jest
      .fn()
      .mockRejectedValueOnce(reset)
      .mockResolvedValueOnce('answer');
    await expect(readAgainOnReset(read)).resolves.toBe('answer');
    expect(read).toHaveBeenCalledTimes(2);

    const failing = jest.fn().mockRejectedValue(refused);
    await expect(readAgainOnReset(failing)).rejects.toBe(refused);
    expect(failing).toHaveBeenCalledTimes(1);

    const resetting = jest.fn().mockRejectedValue(reset);
    await expect(readAgainOnReset(resetting)).rejects.toBe(reset);
    expect(resetting).toHaveBeenCalledTimes(2);
  });
});
