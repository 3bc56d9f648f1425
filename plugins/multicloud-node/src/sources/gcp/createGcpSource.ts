import { AssetServiceClient, protos } from '@google-cloud/asset';
import { Config } from '@backstage/config';
import { AuthClient } from 'google-auth-library';
import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { withRetry } from '../../lib/retry';
import { CloudSource, CloudSourceReadOptions } from '../../types';
import { CloudSourceFactoryOptions, readSharedSourceOptions } from '../types';
import {
  GcpSearchResult,
  MAPPED_RESULT_FIELDS,
  mapGcpResources,
  mappedFieldsOf,
  problemWithResult,
} from './mapGcpResources';

type AssetClientOptions = NonNullable<
  ConstructorParameters<typeof AssetServiceClient>[0]
>;

/**
 * Test-only injections: where the REST transport connects and with which
 * credentials, and how long the first retry backoff is.
 */
export type GcpSourceTestOptions = {
  port?: number;
  protocol?: 'http';
  authClient?: AuthClient;
  retryBaseDelayMs?: number;
};

type GcpSourceConfig = {
  scope: string;
  assetTypes?: string[];
  query?: string;
  pageSize: number;
  transport: 'grpc' | 'rest';
  apiEndpoint?: string;
};

const SCOPE_PATTERN =
  /^(?:organizations\/\d+|folders\/\d+|projects\/(?:\d+|(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]))$/;

/** gRPC status names, for error messages. */
const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

function readGcpConfig(id: string, config: Config): GcpSourceConfig {
  const key = `catalog.providers.multicloud.${id}`;
  const scope = config.getString('scope');
  if (!SCOPE_PATTERN.test(scope)) {
    throw new InputError(
      `${key}.scope is '${scope}'; expected organizations/<number>, folders/<number> or projects/<project id or number>`,
    );
  }
  const pageSize = config.getOptionalNumber('pageSize') ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new InputError(
      `${key}.pageSize is ${pageSize}; expected a whole number from 1 (the API caps it at 500)`,
    );
  }
  const transport = config.getOptionalString('transport') ?? 'grpc';
  if (transport !== 'grpc' && transport !== 'rest') {
    throw new InputError(
      `${key}.transport is '${transport}'; expected 'grpc' or 'rest'`,
    );
  }
  const assetTypes = config.getOptionalStringArray('assetTypes');
  return {
    scope,
    assetTypes: assetTypes?.length ? assetTypes : undefined,
    query: config.getOptionalString('query') || undefined,
    pageSize,
    transport,
    apiEndpoint: config.getOptionalString('apiEndpoint'),
  };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return undefined;
  }
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * What went wrong, in Google's own terms and without request details
 * (headers carry the access token). REST failures arrive as a GaxiosError
 * whose message is the body `{"error":{"code","message","status"}}`; gRPC
 * failures as a GoogleError with a numeric gRPC `code`.
 */
export function describeGcpError(error: unknown): string {
  const e = error as any;
  const httpStatus =
    typeof e?.response?.status === 'number' ? e.response.status : undefined;
  if (httpStatus !== undefined) {
    const body = parseJson(e.message) as any;
    const apiError =
      body?.error ?? (Array.isArray(body) ? body[0]?.error : undefined);
    if (apiError && typeof apiError === 'object') {
      const detail = [apiError.status, apiError.message]
        .filter(Boolean)
        .join(': ');
      return detail ? `HTTP ${httpStatus} ${detail}` : `HTTP ${httpStatus}`;
    }
    return `HTTP ${httpStatus}: ${String(e.message).slice(0, 300)}`;
  }
  if (e?.name === 'TimeoutError') {
    return e.message;
  }
  if (typeof e?.code === 'number' && GRPC_STATUS[e.code]) {
    const message = String(e.details || e.message || '');
    return message.includes(GRPC_STATUS[e.code])
      ? message
      : `${GRPC_STATUS[e.code]}: ${message}`;
  }
  if (
    e instanceof SyntaxError ||
    String(e?.message).startsWith('fromProto3JSON')
  ) {
    return `malformed answer (${e.message})`;
  }
  return e?.message ? String(e.message) : String(error);
}

function timeoutError(ms: number): Error {
  const error = new Error(`no answer within ${ms} ms (requestTimeoutMs)`);
  error.name = 'TimeoutError';
  return error;
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) {
    return signal.reason;
  }
  const error = new Error('The GCP source run was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Settles with `call`, or rejects when `timeoutMs` pass or `signal` aborts.
 * The REST transport ignores the client's own `timeout` (only gRPC turns it
 * into a deadline), so the bound is enforced here for both.
 */
function bounded<T>(
  call: Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(abortReason(signal!)));
    const timer = setTimeout(
      () => finish(() => reject(timeoutError(timeoutMs))),
      timeoutMs,
    );
    function finish(settle: () => void) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    call.then(
      value => finish(() => resolve(value)),
      error => finish(() => reject(error)),
    );
  });
}

type Page = {
  results: GcpSearchResult[];
  nextPageToken?: string;
};

/**
 * A source over one Cloud Asset Inventory scope (organization, folder or
 * project), read with `searchAllResources` page by page.
 */
export function createGcpSource(
  options: CloudSourceFactoryOptions & GcpSourceTestOptions,
): CloudSource {
  const { id, logger } = options;
  const gcp = readGcpConfig(id, options.config);
  const shared = readSharedSourceOptions(options.config);
  const where = `GCP source '${id}': Cloud Asset searchAllResources on ${gcp.scope}`;
  let client: AssetServiceClient | undefined;

  const getClient = () => {
    client ??= new AssetServiceClient({
      // Default: gRPC and Application Default Credentials.
      ...(gcp.transport === 'rest' ? { fallback: true } : {}),
      ...(gcp.apiEndpoint ? { apiEndpoint: gcp.apiEndpoint } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      // The SDK bundles its own copy of google-auth-library; the classes
      // differ only in private members, not in what the client calls.
      ...(options.authClient
        ? {
            authClient:
              options.authClient as unknown as AssetClientOptions['authClient'],
          }
        : {}),
    });
    return client;
  };

  const readPage = async (
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<Page> => {
    const request: protos.google.cloud.asset.v1.ISearchAllResourcesRequest = {
      scope: gcp.scope,
      assetTypes: gcp.assetTypes,
      query: gcp.query,
      pageSize: gcp.pageSize,
      pageToken,
      readMask: { paths: [...MAPPED_RESULT_FIELDS] },
    };
    const [, , response] = await bounded(
      getClient().searchAllResources(request, {
        autoPaginate: false,
        // Retries are ours (withRetry), page by page.
        retry: null,
        timeout: shared.requestTimeoutMs,
      }),
      shared.requestTimeoutMs,
      signal,
    );
    const results = (response?.results ?? []) as GcpSearchResult[];
    results.forEach((result, index) => {
      const problem = problemWithResult(result);
      if (problem) {
        throw new Error(`malformed answer: result ${index + 1} ${problem}`);
      }
    });
    return {
      results: results.map(mappedFieldsOf),
      nextPageToken: response?.nextPageToken || undefined,
    };
  };

  /** One page with its retries; a retry asks for the same page again. */
  const readPageWithRetry = async (
    pageNumber: number,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<Page> => {
    let attempts = 0;
    try {
      return await withRetry(
        () => {
          attempts++;
          return readPage(pageToken, signal);
        },
        {
          retries: shared.retries,
          baseDelayMs: options.retryBaseDelayMs,
          signal,
          onRetry: ({ error, attempt, delayMs }) =>
            logger.warn(
              `${where}, page ${pageNumber} failed (${describeGcpError(
                error,
              )}); retry ${attempt} of ${shared.retries} in ${delayMs} ms`,
            ),
        },
      );
    } catch (error) {
      if (signal?.aborted) {
        throw abortReason(signal);
      }
      throw new Error(
        `${where} failed on page ${pageNumber} after ${attempts} attempt${
          attempts === 1 ? '' : 's'
        }: ${describeGcpError(error)}`,
      );
    }
  };

  const readResources = async ({
    signal,
  }: CloudSourceReadOptions = {}): Promise<CloudResource[]> => {
    const results: GcpSearchResult[] = [];
    let pageToken: string | undefined;
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await readPageWithRetry(pageNumber, pageToken, signal);
      results.push(...page.results);
      if (!page.nextPageToken) {
        break;
      }
      if (page.nextPageToken === pageToken) {
        throw new Error(
          `${where}: page ${pageNumber} returned its own page token again; stopping instead of looping`,
        );
      }
      pageToken = page.nextPageToken;
    }
    return mapGcpResources(results);
  };

  return { id, readResources };
}
