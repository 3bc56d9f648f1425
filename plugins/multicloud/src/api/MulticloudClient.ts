import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CostSummaryResponse,
  EntityCostResponse,
  MulticloudHealth,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import {
  EntityBudget,
  GetCostSummaryOptions,
  GetEntityCostOptions,
  GetTopologyOptions,
  MulticloudApi,
  SetBudgetOptions,
} from './MulticloudApi';

/**
 * Default {@link MulticloudApi} over the backend's REST API, authenticated
 * by the app's fetch API.
 *
 * @public
 */
export class MulticloudClient implements MulticloudApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getHealth(): Promise<MulticloudHealth> {
    return this.json<MulticloudHealth>('/health');
  }

  async getEntityCost(
    options: GetEntityCostOptions,
  ): Promise<EntityCostResponse> {
    const { entityRef, from, to, groupBy, metric } = options;
    return this.json<EntityCostResponse>(
      `/cost/entity?${query({ entityRef, from, to, groupBy, metric })}`,
    );
  }

  async getCostSummary(
    options: GetCostSummaryOptions,
  ): Promise<CostSummaryResponse> {
    const { from, to, groupBy, metric } = options;
    return this.json<CostSummaryResponse>(
      `/cost/summary?${query({ from, to, groupBy, metric })}`,
    );
  }

  async getTopology(options: GetTopologyOptions): Promise<TopologyResponse> {
    const { entityRef, depth, direction, expand } = options;
    return this.json<TopologyResponse>(
      `/topology?${query({
        entityRef,
        depth: depth === undefined ? undefined : String(depth),
        direction,
        expand,
      })}`,
    );
  }

  async setBudget(options: SetBudgetOptions): Promise<EntityBudget> {
    const { entityRef, amount, currency } = options;
    return this.json<EntityBudget>('/cost/budgets', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ entityRef, amount, currency }),
    });
  }

  async deleteBudget(entityRef: string): Promise<void> {
    await this.fetch(`/cost/budgets?${query({ entityRef })}`, {
      method: 'DELETE',
    });
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.fetch(path, init);
    return (await response.json()) as T;
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('multicloud');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${path}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

/**
 * A query string of the parameters that are set, in the order given; a list
 * repeats its parameter once per value.
 */
function query(params: Record<string, string | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of value === undefined ? [] : [value].flat()) {
      search.append(name, item);
    }
  }
  return search.toString();
}
