import { isRetryableError, isThrottlingError, withRetry } from './retry';

describe('isRetryableError', () => {
  it.each([
    ['HTTP 429', { statusCode: 429 }],
    [
      'AWS RequestLimitExceeded',
      Object.assign(new Error('x'), { name: 'RequestLimitExceeded' }),
    ],
    [
      'AWS Throttling in $metadata',
      { name: 'Throttling', $metadata: { httpStatusCode: 400 } },
    ],
    ['gRPC RESOURCE_EXHAUSTED', { code: 8 }],
  ])('treats %s as throttling', (_label, error) => {
    expect(isThrottlingError(error)).toBe(true);
    expect(isRetryableError(error)).toBe(true);
  });

  it.each([
    ['HTTP 500', { statusCode: 500 }, true],
    ['HTTP 503 from the AWS SDK', { $metadata: { httpStatusCode: 503 } }, true],
    ['gRPC UNAVAILABLE', { code: 14 }, true],
    ['gRPC INTERNAL', { code: 13 }, true],
    ['a reset connection', { code: 'ECONNRESET' }, true],
    ['a timeout', { name: 'TimeoutError' }, true],
    [
      'an AbortSignal.timeout() DOMException',
      { name: 'TimeoutError', code: 23 },
      true,
    ],
    [
      'a Kubernetes ApiException 429',
      { code: 429, body: '{"kind":"Status"}' },
      true,
    ],
    ['a Kubernetes ApiException 500', { code: 500, body: '{}' }, true],
    ['a Kubernetes ApiException 403', { code: 403, body: '{}' }, false],
    ['HTTP 401', { statusCode: 401 }, false],
    ['HTTP 403 from Kubernetes', { response: { statusCode: 403 } }, false],
    ['gRPC PERMISSION_DENIED', { code: 7 }, false],
    ['a malformed answer', new SyntaxError('Unexpected token < in JSON')],
  ])('classifies %s', (_label, error, expected = false) => {
    expect(isRetryableError(error)).toBe(expected);
  });
});

describe('withRetry', () => {
  it('retries throttling with growing, capped, jittered delays until it succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) {
          throw Object.assign(new Error('slow down'), { statusCode: 429 });
        }
        return 'ok';
      },
      {
        baseDelayMs: 4,
        maxDelayMs: 10,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(10, 4 * 2 ** i));
    });
  });

  it('counts every attempt, and the throttled ones, for the request metrics', async () => {
    const counted = { attempted: 0, throttled: 0 };
    const failures = [
      Object.assign(new Error('slow down'), { statusCode: 429 }),
      Object.assign(new Error('bad gateway'), { statusCode: 502 }),
    ];
    await withRetry(
      async attempt => {
        if (attempt < failures.length) {
          throw failures[attempt];
        }
        return 'ok';
      },
      {
        baseDelayMs: 1,
        requests: {
          attempted: () => counted.attempted++,
          throttled: () => counted.throttled++,
        },
      },
    );
    expect(counted).toEqual({ attempted: 3, throttled: 1 });
  });

  it('gives up after the configured retries and rethrows the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw Object.assign(new Error(`boom ${calls}`), { statusCode: 500 });
        },
        { retries: 2, baseDelayMs: 1 },
      ),
    ).rejects.toThrow('boom 3');
    expect(calls).toBe(3);
  });

  it('does not retry final errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw Object.assign(new Error('AuthFailure'), { statusCode: 401 });
      }),
    ).rejects.toThrow('AuthFailure');
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = withRetry(
      async () => {
        calls++;
        // Cancelled while the first attempt runs: the 60 s wait before the
        // second must end at once, without a second attempt.
        controller.abort(new Error('source run cancelled'));
        throw Object.assign(new Error('throttled'), { statusCode: 429 });
      },
      { baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
    );
    await expect(pending).rejects.toThrow(/throttled|cancelled/);
    expect(calls).toBe(1);
  });
});
