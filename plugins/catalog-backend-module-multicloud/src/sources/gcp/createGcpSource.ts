import type { AssetServiceClient, protos } from '@google-cloud/asset';
import type { AuthClient } from 'google-auth-library';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSourceReadOptions } from '@multicloud/plugin-multicloud-node';
import { withRetry } from '../../lib/retry';
import {
  CloudSourceFactoryOptions,
  WholeCloudSource,
  readSharedSourceOptions,
} from '../types';
import { readGcpSourceConfig } from './config';
import {
  GcpSearchResult,
  LINKED_ASSET_TYPES,
  MAPPED_RESULT_FIELDS,
  MappedGcpResult,
  mapGcpResources,
  mappedFieldsOf,
  problemWithResult,
  VERSIONED_RESULT_FIELDS,
  versionedFactsOf,
  versionedLinksOf,
} from './mapGcpResources';

/**
 * The Cloud Asset client, loaded by the first GCP source created: a backend
 * without one never loads it. A deferred `require` rather than `import()`,
 * which Jest runs only under `--experimental-vm-modules`; both defer the
 * loading alike.
 */
function loadGcpSdk() {
  return {
    asset:
      require('@google-cloud/asset') as typeof import('@google-cloud/asset'),
  };
}

type AssetClientOptions = NonNullable<
  ConstructorParameters<typeof AssetServiceClient>[0]
>;

/**
 * Test-only injections: the credentials, and how long the first retry
 * backoff is. Where the client connects is config (`apiEndpoint`, a URL for
 * a local server). The credentials are injected only for the tests that run
 * the source inside Jest: there, google-auth-library's own HTTP client
 * (gaxios) cannot load its default fetch (node-fetch, by a dynamic
 * `import()` that Jest's CommonJS runtime refuses), so Application Default
 * Credentials cannot fetch a token; in plain Node they take it from the
 * (local) metadata server, as in production.
 */
export type GcpSourceTestOptions = {
  authClient?: AuthClient;
  retryBaseDelayMs?: number;
};

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

type Page<T> = {
  results: T[];
  nextPageToken?: string;
};

/**
 * One search of the scope: which asset types, which fields, what each result
 * is kept as, and how log lines and errors name it.
 */
type Search<T> = {
  where: string;
  assetTypes?: string[];
  readMask: string[];
  map: (result: GcpSearchResult) => T;
};

/**
 * The asset types of {@link LINKED_ASSET_TYPES} that the configured
 * `assetTypes` (RE2 patterns Cloud Asset matches whole) let through; all of
 * them when none are configured.
 */
function linkedAssetTypesWithin(assetTypes: string[] | undefined): string[] {
  if (!assetTypes) {
    return [...LINKED_ASSET_TYPES];
  }
  const patterns = assetTypes.map(pattern => {
    try {
      return new RegExp(`^(?:${pattern})$`);
    } catch {
      return undefined;
    }
  });
  return LINKED_ASSET_TYPES.filter(type =>
    assetTypes.some(
      (pattern, index) => pattern === type || patterns[index]?.test(type),
    ),
  );
}

/**
 * A source over one Cloud Asset Inventory scope (organization, folder or
 * project), read with `searchAllResources` page by page, twice: every
 * resource with the fields the mapping reads (`readMask`), then the asset
 * types whose relations or alert facts are in their `versionedResources`
 * (the resource as its own API returns it: an instance names its disks,
 * subnetworks and external addresses there, a GKE cluster or Cloud SQL
 * instance its network, a forwarding rule its target, a firewall its rules,
 * a disk its users, an address its status, a Cloud SQL instance its public
 * address), with the name and those only. Asking the first search for
 * `versionedResources` would bring the whole representation of every asset
 * (BigQuery table schemas...), only to drop it. Each page keeps only what is
 * mapped.
 */
export function createGcpSource(
  options: CloudSourceFactoryOptions & GcpSourceTestOptions,
): WholeCloudSource {
  const { id, logger } = options;
  const gcp = readGcpSourceConfig(id, options.config);
  const shared = readSharedSourceOptions(options.config);
  const where = `GCP source '${id}': Cloud Asset searchAllResources on ${gcp.scope}`;
  const sdk = loadGcpSdk();
  let client: AssetServiceClient | undefined;

  const getClient = () => {
    client ??= new sdk.asset.AssetServiceClient({
      // Default: gRPC and Application Default Credentials.
      ...(gcp.transport === 'rest' ? { fallback: true } : {}),
      // A host, or the host, port and protocol of an `apiEndpoint` URL.
      ...(gcp.endpoint
        ? {
            apiEndpoint: gcp.endpoint.host,
            ...(gcp.endpoint.port ? { port: gcp.endpoint.port } : {}),
            ...(gcp.endpoint.protocol
              ? { protocol: gcp.endpoint.protocol }
              : {}),
          }
        : {}),
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

  const readPage = async <T>(
    search: Search<T>,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<Page<T>> => {
    const request: protos.google.cloud.asset.v1.ISearchAllResourcesRequest = {
      scope: gcp.scope,
      assetTypes: search.assetTypes,
      query: gcp.query,
      pageSize: gcp.pageSize,
      pageToken,
      readMask: { paths: search.readMask },
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
      results: results.map(search.map),
      nextPageToken: response?.nextPageToken || undefined,
    };
  };

  /** One page with its retries; a retry asks for the same page again. */
  const readPageWithRetry = async <T>(
    search: Search<T>,
    pageNumber: number,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<Page<T>> => {
    let attempts = 0;
    try {
      return await withRetry(
        () => {
          attempts++;
          return readPage(search, pageToken, signal);
        },
        {
          retries: shared.retries,
          baseDelayMs: options.retryBaseDelayMs,
          signal,
          requests: options.apiRequests?.('searchAllResources'),
          onRetry: ({ error, attempt, delayMs }) =>
            logger.warn(
              `${search.where}, page ${pageNumber} failed (${describeGcpError(
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
        `${
          search.where
        } failed on page ${pageNumber} after ${attempts} attempt${
          attempts === 1 ? '' : 's'
        }: ${describeGcpError(error)}`,
      );
    }
  };

  /** Every page of one search. */
  const searchAll = async <T>(
    search: Search<T>,
    signal?: AbortSignal,
  ): Promise<T[]> => {
    const results: T[] = [];
    let pageToken: string | undefined;
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await readPageWithRetry(
        search,
        pageNumber,
        pageToken,
        signal,
      );
      results.push(...page.results);
      if (!page.nextPageToken) {
        return results;
      }
      if (page.nextPageToken === pageToken) {
        throw new Error(
          `${search.where}: page ${pageNumber} returned its own page token again; stopping instead of looping`,
        );
      }
      pageToken = page.nextPageToken;
    }
  };

  const linkedTypes = linkedAssetTypesWithin(gcp.assetTypes);

  const readResources = async ({
    signal,
  }: CloudSourceReadOptions = {}): Promise<CloudResource[]> => {
    const results = await searchAll<MappedGcpResult>(
      {
        where,
        assetTypes: gcp.assetTypes,
        readMask: [...MAPPED_RESULT_FIELDS],
        map: mappedFieldsOf,
      },
      signal,
    );
    if (linkedTypes.length) {
      const byName = new Map(results.map(result => [result.name, result]));
      const linked = await searchAll(
        {
          where: `${where} (versionedResources of ${linkedTypes.join(', ')})`,
          assetTypes: linkedTypes,
          readMask: [...VERSIONED_RESULT_FIELDS],
          map: result => ({
            name: result.name as string,
            links: versionedLinksOf(result),
            facts: versionedFactsOf(result),
          }),
        },
        signal,
      );
      // Results the first search did not return (created in between) are
      // left out rather than mapped without their other fields.
      for (const { name, links, facts } of linked) {
        const result = byName.get(name);
        if (result) {
          result.links = [...new Set([...result.links, ...links])];
          if (facts) {
            result.factValues = { versioned: facts };
          }
        }
      }
    }
    return mapGcpResources(results);
  };

  return { id, readResources };
}
