/** Counts the requests of one cloud API operation: every attempt, and those throttled. */
export type RequestCounter = {
  attempted(): void;
  throttled(): void;
};

/** How {@link withRetry} retries. */
export type RetryOptions = {
  /** Retries after the first attempt. Default 5. */
  retries?: number;
  /** First backoff, doubled each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff. Default 20 s. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Which errors are worth another attempt. Default {@link isRetryableError}. */
  isRetryable?: (error: unknown) => boolean;
  onRetry?: (info: {
    error: unknown;
    attempt: number;
    delayMs: number;
  }) => void;
  /** Told of every attempt, and of every attempt that was throttled. */
  requests?: RequestCounter;
};

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
/** gRPC status codes: RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL (as HTTP 500). */
const RETRYABLE_GRPC_CODES = new Set([8, 14, 4, 13]);

function httpStatusOf(error: any): number | undefined {
  const status =
    error?.$metadata?.httpStatusCode ??
    error?.statusCode ??
    error?.response?.status ??
    error?.response?.statusCode ??
    error?.status;
  if (typeof status === 'number') {
    return status;
  }
  // @kubernetes/client-node throws ApiException { code: <HTTP status>, body }.
  if (typeof error?.code === 'number' && error.code >= 100 && 'body' in error) {
    return error.code;
  }
  return undefined;
}

/** True when an error is throttling or a transient server or network fault. */
export function isThrottlingError(error: unknown): boolean {
  const e = error as any;
  return (
    httpStatusOf(e) === 429 ||
    THROTTLING_NAMES.has(e?.name) ||
    THROTTLING_NAMES.has(e?.Code) ||
    THROTTLING_NAMES.has(e?.code) ||
    e?.code === 8 ||
    e?.code === 'RESOURCE_EXHAUSTED'
  );
}

/**
 * The default retry rule: throttling (HTTP 429, AWS `Throttling` /
 * `RequestLimitExceeded`, gRPC `RESOURCE_EXHAUSTED`), server errors (5xx,
 * gRPC `UNAVAILABLE`) and dropped connections or timeouts. Client errors such
 * as bad credentials or a malformed answer are final.
 */
export function isRetryableError(error: unknown): boolean {
  if (isThrottlingError(error)) {
    return true;
  }
  const e = error as any;
  const status = httpStatusOf(e);
  if (status !== undefined) {
    return status >= 500;
  }
  if (e?.name === 'TimeoutError') {
    return true;
  }
  if (typeof e?.code === 'number') {
    return RETRYABLE_GRPC_CODES.has(e.code);
  }
  return (
    TRANSIENT_NETWORK_CODES.has(e?.code) ||
    TRANSIENT_NETWORK_CODES.has(e?.cause?.code)
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('Aborted'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('Aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn`, retrying retryable failures with exponential backoff and full
 * jitter (a random delay between 0 and the doubled backoff), so that many
 * throttled callers do not come back in lockstep.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    retries = 5,
    baseDelayMs = 500,
    maxDelayMs = 20_000,
    signal,
    isRetryable = isRetryableError,
    onRetry,
    requests,
  } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      requests?.attempted();
      return await fn(attempt);
    } catch (error) {
      if (requests && isThrottlingError(error)) {
        requests.throttled();
      }
      if (attempt >= retries || !isRetryable(error) || signal?.aborted) {
        throw error;
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      const delayMs = Math.round(Math.random() * cap);
      onRetry?.({ error, attempt: attempt + 1, delayMs });
      await sleep(delayMs, signal);
    }
  }
}
