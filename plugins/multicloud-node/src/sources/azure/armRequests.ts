import { ResourceManagementClientOptionalParams } from '@azure/arm-resources';

type PipelinePolicy = NonNullable<
  ResourceManagementClientOptionalParams['additionalPolicies']
>[number]['policy'];

/** What ARM said about a failed request: `{"error":{"code","message"}}` and `Retry-After`. */
type ArmErrorAnswer = {
  status: number;
  code?: string;
  message?: string;
  retryAfterMs?: number;
};

/**
 * ARM answers of failed requests, by request. The paging helpers of
 * `@azure/arm-resources` replace ARM's error message by "Pagination failed
 * with unexpected statusCode", so the request policy keeps the original.
 */
const armAnswers = new WeakMap<object, ArmErrorAnswer>();

/** One request got no complete answer within `requestTimeoutMs`; retryable. */
export class AzureRequestTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** A page whose JSON does not have the shape of an ARM list answer; final. */
export class AzureMalformedPageError extends Error {
  override name = 'AzureMalformedPageError';
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseArmError(bodyAsText: string | null | undefined) {
  try {
    const error = JSON.parse(bodyAsText ?? '')?.error;
    return {
      code: typeof error?.code === 'string' ? error.code : undefined,
      message: typeof error?.message === 'string' ? error.message : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * A policy next to the transport (after the bearer-token policy, so token
 * acquisition is not on the clock) that bounds every request, first pages
 * and `nextLink` pages alike, by `timeoutMs`, ends it when `signal` aborts,
 * and remembers ARM's error answers.
 */
export function armRequestPolicy(options: {
  timeoutMs: number;
  signal?: AbortSignal;
}): PipelinePolicy {
  const { timeoutMs, signal } = options;
  return {
    name: 'multicloudArmRequest',
    async sendRequest(request, next) {
      const controller = new AbortController();
      const callerSignal = request.abortSignal;
      const abort = () => controller.abort();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      signal?.addEventListener('abort', abort, { once: true });
      callerSignal?.addEventListener('abort', abort, { once: true });
      if (signal?.aborted || callerSignal?.aborted) {
        controller.abort();
      }
      request.abortSignal = controller.signal;
      try {
        const response = await next(request);
        if (response.status >= 400) {
          armAnswers.set(request, {
            status: response.status,
            ...parseArmError(response.bodyAsText),
            retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
          });
        }
        return response;
      } catch (error) {
        if (timedOut && !signal?.aborted && !callerSignal?.aborted) {
          throw new AzureRequestTimeoutError(
            `GET ${
              request.url.split('?')[0]
            } got no answer within ${timeoutMs} ms (requestTimeoutMs)`,
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        callerSignal?.removeEventListener('abort', abort);
      }
    },
  };
}

function armAnswerOf(error: unknown): ArmErrorAnswer | undefined {
  const request = (error as { request?: unknown } | null)?.request;
  return request && typeof request === 'object'
    ? armAnswers.get(request)
    : undefined;
}

/** How long ARM asked the caller to wait before the next attempt, if it did. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return armAnswerOf(error)?.retryAfterMs;
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * One line for a platform engineer: the HTTP status with ARM's error code and
 * message, or what else went wrong (timeout, malformed page, TLS, credential).
 */
export function describeArmError(error: unknown): string {
  const answer = armAnswerOf(error);
  if (answer) {
    const code = answer.code ? ` ${answer.code}` : '';
    return `HTTP ${answer.status}${code}: ${
      answer.message ?? 'no error message'
    }`;
  }
  const e = error as { name?: string; code?: unknown; message?: string } | null;
  const message = e?.message ?? String(error);
  if (e?.code === 'PARSE_ERROR') {
    return `malformed answer (invalid JSON): ${truncate(
      message.replace(/\s+/g, ' '),
    )}`;
  }
  if (
    error instanceof AzureMalformedPageError ||
    error instanceof TypeError ||
    message.includes("Couldn't paginate")
  ) {
    return `malformed answer (expected an ARM list page {"value": [...], "nextLink": ...}): ${truncate(
      message.replace(/\s+/g, ' '),
    )}`;
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return `TLS ${code}: ${message} (set caCertificate to the CA that signed the endpoint's certificate)`;
  }
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${code && !message.includes(code) ? `${code} ` : ''}${truncate(
    message,
  )}`;
}
