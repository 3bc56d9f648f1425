import { rootCertificates } from 'node:tls';
import type {
  PagedAsyncIterableIterator,
  ResourceManagementClientOptionalParams,
} from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSourceReadOptions } from '@multicloud/plugin-multicloud-node';
import { mapWithConcurrency } from '../../lib/limit';
import { withRetry } from '../../lib/retry';
import {
  CloudSourceFactoryOptions,
  WholeCloudSource,
  readSharedSourceOptions,
} from '../types';
import { readAzureSourceConfig } from './config';
import {
  AZURE_DETAIL_LISTS,
  AzureArmRecord,
  mapAzureResources,
  MappedAzureRecord,
  mappedRecordsOf,
} from './mapAzureResources';

/**
 * The SDK modules an Azure source runs on, loaded by the first Azure source
 * created: a backend without one never loads them. A deferred `require`
 * rather than `import()`, which Jest runs only under
 * `--experimental-vm-modules`; both defer the loading alike.
 */
function loadAzureSdk() {
  return {
    armResources:
      require('@azure/arm-resources') as typeof import('@azure/arm-resources'),
    identity: require('@azure/identity') as typeof import('@azure/identity'),
  };
}

/**
 * Injections for tests: a fixed credential instead of
 * `DefaultAzureCredential`, and a tiny first backoff.
 */
export type AzureSourceTestOptions = {
  credential?: TokenCredential;
  retryBaseDelayMs?: number;
};

/**
 * The one property beyond the basics that the mapping reads (as the status);
 * `createdTime` and `changedTime`, which `az resource list` also asks for,
 * would only make every page bigger.
 */
const EXPAND = 'provisioningState';
/** Longest `Retry-After` honoured, so a bogus header cannot stall a run. */
const MAX_RETRY_AFTER_MS = 60_000;

type ListTask = {
  subscriptionId: string;
  /**
   * `resources.list`, `resourceGroups.list`, or a provider's own list of one
   * type (`details`), whose records carry the settings relations come from.
   */
  list: 'resources' | 'resourceGroups' | 'details';
  /** Provider lists: the type they list and the URL of their first page. */
  detail?: { type: string; firstPage: string };
};

/** The ARM operation a list calls: `resources.list`, `resourceGroups.list`, or a provider's list of one type. */
function operationOf(task: ListTask): string {
  return task.detail ? `${task.detail.type}.list` : `${task.list}.list`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

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
class AzureRequestTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** A page whose JSON does not have the shape of an ARM list answer; final. */
class AzureMalformedPageError extends Error {
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
function armRequestPolicy(options: {
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
function retryAfterMsOf(error: unknown): number | undefined {
  return armAnswerOf(error)?.retryAfterMs;
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * One line for a platform engineer: the HTTP status with ARM's error code and
 * message, or what else went wrong (timeout, malformed page, TLS, credential).
 */
function describeArmError(error: unknown): string {
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

/** An ARM type filter as `$filter`, which ARM accepts for a single type only. */
function resourceTypeFilter(
  resourceTypes: string[] | undefined,
): string | undefined {
  return resourceTypes?.length === 1
    ? `resourceType eq '${resourceTypes[0].replace(/'/g, "''")}'`
    : undefined;
}

function checkPage(page: unknown[], list: ListTask['list']): AzureArmRecord[] {
  const typed = list !== 'resourceGroups';
  page.forEach((item, index) => {
    const record = item as Partial<AzureArmRecord> | null;
    if (
      typeof record?.id !== 'string' ||
      (typed && typeof record.type !== 'string')
    ) {
      throw new AzureMalformedPageError(
        `item ${index} of the page has no string 'id'${
          typed ? " and 'type'" : ''
        }`,
      );
    }
  });
  return page as AzureArmRecord[];
}

function describeTask(task: ListTask): string {
  const list = task.detail ? `${task.detail.type} list` : `${task.list}.list`;
  return `${list} of subscription ${task.subscriptionId}`;
}

/**
 * A source over Azure subscriptions: every resource (`resources.list` with
 * `$expand=provisioningState`) and, unless turned off, every resource group
 * of each subscription, through ARM at `endpoint`. `resources.list` has no
 * resource settings (ARM's `$expand` takes only `createdTime`, `changedTime`
 * and `provisioningState`), so the settings that relate resources, and
 * those the alert rules read, come from the provider's own
 * subscription-wide list of each type that has them (virtual machines,
 * network interfaces, virtual networks, private endpoints, network security
 * groups, public IPs, SQL, PostgreSQL and MySQL servers), read only for the
 * types `resources.list` returned: a few lists per subscription, never a
 * request per resource.
 *
 * Each page is fetched with its own retries; a retry resumes at the failed
 * page's `nextLink`. The SDK's own retries are off.
 */
export function createAzureSource(
  options: CloudSourceFactoryOptions & AzureSourceTestOptions,
): WholeCloudSource {
  const { id, config, logger } = options;
  const shared = readSharedSourceOptions(config);
  const {
    subscriptionIds,
    endpoint,
    tokenScope,
    caCertificate,
    includeResourceGroups,
    resourceTypes,
    portalUrl,
  } = readAzureSourceConfig(id, config);
  const wantedTypes =
    resourceTypes && new Set(resourceTypes.map(t => t.toLowerCase()));
  // Trust the private CA on top of the public ones, as NODE_EXTRA_CA_CERTS would.
  const tlsOptions = caCertificate
    ? { ca: [...rootCertificates, caCertificate] }
    : undefined;
  const sdk = loadAzureSdk();

  let credential = options.credential;
  const getCredential = () => {
    credential ??= new sdk.identity.DefaultAzureCredential();
    return credential;
  };

  const createClient = (subscriptionId: string, signal: AbortSignal) => {
    const clientOptions: ResourceManagementClientOptionalParams = {
      endpoint,
      credentials: { scopes: [tokenScope] },
      retryOptions: { maxRetries: 0 },
      tlsOptions,
      additionalPolicies: [
        {
          policy: armRequestPolicy({
            timeoutMs: shared.requestTimeoutMs,
            signal,
          }),
          position: 'perRetry',
        },
      ],
    };
    return new sdk.armResources.ResourceManagementClient(
      getCredential(),
      subscriptionId,
      clientOptions,
    );
  };

  /** One page, retried on its own; a retry asks for the same `nextLink` again. */
  const fetchPage = async (
    what: string,
    task: ListTask,
    pager: PagedAsyncIterableIterator<unknown>,
    page: { number: number; continuationToken?: string },
    signal: AbortSignal,
  ): Promise<MappedAzureRecord[] & { continuationToken?: string }> => {
    let attempts = 0;
    let extraWaitMs = 0;
    try {
      return await withRetry(
        async () => {
          if (extraWaitMs > 0) {
            await sleep(extraWaitMs, signal);
            extraWaitMs = 0;
          }
          attempts++;
          const result = await pager
            .byPage({ continuationToken: page.continuationToken })
            .next();
          if (result.done) {
            return [];
          }
          return Object.assign(
            checkPage(result.value, task.list).flatMap(mappedRecordsOf),
            {
              continuationToken: result.value.continuationToken,
            },
          );
        },
        {
          retries: shared.retries,
          baseDelayMs: options.retryBaseDelayMs,
          signal,
          requests: options.apiRequests?.(operationOf(task)),
          onRetry: ({ error, attempt, delayMs }) => {
            const retryAfterMs = Math.min(
              retryAfterMsOf(error) ?? 0,
              MAX_RETRY_AFTER_MS,
            );
            extraWaitMs = Math.max(0, retryAfterMs - delayMs);
            logger.warn(
              `Azure source "${id}": ${what}, page ${
                page.number
              }, failed (${describeArmError(error)}); ` +
                `retry ${attempt} of ${shared.retries} in ${
                  delayMs + extraWaitMs
                } ms` +
                `${retryAfterMs > delayMs ? ' as Retry-After asks' : ''}`,
            );
          },
        },
      );
    } catch (error) {
      if (signal.aborted) {
        throw error;
      }
      throw new Error(
        `Azure source "${id}": ${what} at ${endpoint} failed on page ${page.number}` +
          `${
            attempts > 1 ? ` after ${attempts} attempts` : ''
          }: ${describeArmError(error)}`,
        { cause: error },
      );
    }
  };

  /** Every page of one list. */
  const listAll = async (
    task: ListTask,
    pager: PagedAsyncIterableIterator<unknown>,
    signal: AbortSignal,
  ): Promise<MappedAzureRecord[]> => {
    const what = describeTask(task);
    const records: MappedAzureRecord[] = [];
    // A provider list is paged from its first URL as from a `nextLink`.
    let continuationToken: string | undefined = task.detail?.firstPage;
    for (let number = 1; ; number++) {
      signal.throwIfAborted();
      const page = await fetchPage(
        what,
        task,
        pager,
        { number, continuationToken },
        signal,
      );
      records.push(...page);
      if (!page.continuationToken) {
        return records;
      }
      if (page.continuationToken === continuationToken) {
        throw new Error(
          `Azure source "${id}": ${what} at ${endpoint} returned the same nextLink twice (page ${number})`,
        );
      }
      continuationToken = page.continuationToken;
    }
  };

  return {
    id,
    async readResources(
      readOptions: CloudSourceReadOptions = {},
    ): Promise<CloudResource[]> {
      // Aborted by the caller or by the first failing list, so that the
      // other lists stop instead of running on for nothing.
      const run = new AbortController();
      const stop = () => run.abort(readOptions.signal?.reason);
      readOptions.signal?.addEventListener('abort', stop, { once: true });
      if (readOptions.signal?.aborted) {
        stop();
      }
      const clients = new Map(
        subscriptionIds.map(subscriptionId => [
          subscriptionId,
          createClient(subscriptionId, run.signal),
        ]),
      );
      const tasks: ListTask[] = subscriptionIds.flatMap(subscriptionId => [
        { subscriptionId, list: 'resources' as const },
        ...(includeResourceGroups
          ? [{ subscriptionId, list: 'resourceGroups' as const }]
          : []),
      ]);
      const isWanted = (record: MappedAzureRecord) =>
        !wantedTypes || wantedTypes.has(String(record.type).toLowerCase());
      const readLists = (listTasks: ListTask[]) =>
        mapWithConcurrency(listTasks, shared.concurrency, task => {
          const client = clients.get(task.subscriptionId)!;
          let pager: PagedAsyncIterableIterator<unknown>;
          if (task.list === 'resourceGroups') {
            pager = client.resourceGroups.list();
          } else if (task.list === 'resources') {
            pager = client.resources.list({
              expand: EXPAND,
              filter: resourceTypeFilter(resourceTypes),
            });
          } else {
            // Only its paging is used: it follows the provider list's nextLinks.
            pager = client.resources.list();
          }
          return listAll(task, pager, run.signal);
        });
      try {
        const lists = await readLists(tasks);
        const records = lists.flatMap((list, index) =>
          tasks[index].list === 'resources' ? list.filter(isWanted) : list,
        );
        // Provider lists for the types each subscription has, and only those:
        // a subscription without a provider's resources may not even have
        // that provider registered.
        const detailTasks = subscriptionIds.flatMap(subscriptionId => {
          const prefix = `/subscriptions/${subscriptionId}/`.toLowerCase();
          const present = new Set(
            records
              .filter(r => r.id.toLowerCase().startsWith(prefix))
              .map(r => String(r.type).toLowerCase()),
          );
          return Object.entries(AZURE_DETAIL_LISTS)
            .filter(([type]) => present.has(type.toLowerCase()))
            .map(([type, { apiVersion }]) => ({
              subscriptionId,
              list: 'details' as const,
              detail: {
                type,
                firstPage: `${endpoint}/subscriptions/${encodeURIComponent(
                  subscriptionId,
                )}/providers/${type}?api-version=${apiVersion}`,
              },
            }));
        });
        const details = (await readLists(detailTasks)).flat().filter(isWanted);
        return mapAzureResources([...records, ...details], {
          portalUrl,
          resourceGroupRelations: includeResourceGroups ? 'listed' : 'none',
        });
      } catch (error) {
        run.abort();
        throw error;
      } finally {
        readOptions.signal?.removeEventListener('abort', stop);
      }
    },
  };
}
