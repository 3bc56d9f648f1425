import { rootCertificates } from 'node:tls';
import {
  PagedAsyncIterableIterator,
  ResourceManagementClient,
  ResourceManagementClientOptionalParams,
} from '@azure/arm-resources';
import { DefaultAzureCredential, TokenCredential } from '@azure/identity';
import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { CloudSource, CloudSourceReadOptions } from '../../types';
import { mapWithConcurrency } from '../../lib/limit';
import { withRetry } from '../../lib/retry';
import { CloudSourceFactoryOptions, readSharedSourceOptions } from '../types';
import {
  armRequestPolicy,
  AzureMalformedPageError,
  describeArmError,
  retryAfterMsOf,
} from './armRequests';
import {
  AZURE_DETAIL_LISTS,
  AzureArmRecord,
  mapAzureResources,
  MappedAzureRecord,
  mappedRecordsOf,
} from './mapAzureResources';

/**
 * Injections for tests: a fixed credential instead of
 * `DefaultAzureCredential`, and a tiny first backoff.
 *
 * @public
 */
export type AzureSourceTestOptions = {
  credential?: TokenCredential;
  retryBaseDelayMs?: number;
};

const DEFAULT_ENDPOINT = 'https://management.azure.com';
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

function readEndpoint(id: string, value: string | undefined): string {
  const endpoint = (value ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(
      `catalog.providers.multicloud.${id}.endpoint '${endpoint}' is not a URL`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new InputError(
      `catalog.providers.multicloud.${id}.endpoint must be https (ARM sends bearer tokens only over TLS)`,
    );
  }
  return endpoint;
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
export function createAzureSourceFromConfig(
  options: CloudSourceFactoryOptions & AzureSourceTestOptions,
): CloudSource {
  const { id, config, logger } = options;
  const shared = readSharedSourceOptions(config);
  const subscriptionIds = config.getStringArray('subscriptionIds');
  if (subscriptionIds.length === 0) {
    throw new InputError(
      `catalog.providers.multicloud.${id}.subscriptionIds must list at least one subscription id`,
    );
  }
  const endpoint = readEndpoint(id, config.getOptionalString('endpoint'));
  const tokenScope =
    config.getOptionalString('tokenScope') ??
    `${new URL(endpoint).origin}/.default`;
  const caCertificate = config.getOptionalString('caCertificate');
  const includeResourceGroups =
    config.getOptionalBoolean('includeResourceGroups') ?? true;
  const resourceTypes = config.getOptionalStringArray('resourceTypes');
  const portalUrl = config.getOptionalString('portalUrl');
  const wantedTypes =
    resourceTypes && new Set(resourceTypes.map(t => t.toLowerCase()));
  // Trust the private CA on top of the public ones, as NODE_EXTRA_CA_CERTS would.
  const tlsOptions = caCertificate
    ? { ca: [...rootCertificates, caCertificate] }
    : undefined;

  let credential = options.credential;
  const getCredential = () => {
    credential ??= new DefaultAzureCredential();
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
    return new ResourceManagementClient(
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
