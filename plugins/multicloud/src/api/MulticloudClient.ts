import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AlertHistoryResponse,
  AlertsResponse,
  AlertsSummaryResponse,
  CostSummaryResponse,
  EntityCostResponse,
  MulticloudAlert,
  MulticloudHealth,
  MulticloudInventoryResponse,
  MulticloudSourceRefreshResponse,
  MulticloudSourcesResponse,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import { costFilterParams } from '../lib/costFilters';
import {
  CreateAlertSilenceOptions,
  EntityBudget,
  ExpireAlertSilenceOptions,
  GetAlertsOptions,
  GetCostSummaryOptions,
  GetEntityCostOptions,
  GetTopologyOptions,
  MulticloudApi,
  MulticloudSourceKind,
  SetBudgetOptions,
  SnoozeAlertOptions,
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

  /** {@inheritDoc MulticloudApi.getHealth} */
  async getHealth(): Promise<MulticloudHealth> {
    return this.json<MulticloudHealth>('/health');
  }

  /** {@inheritDoc MulticloudApi.getEntityCost} */
  async getEntityCost(
    options: GetEntityCostOptions,
  ): Promise<EntityCostResponse> {
    const { entityRef, from, to, groupBy, metric, filters } = options;
    return this.json<EntityCostResponse>(
      `/cost/entity?${query({
        entityRef,
        from,
        to,
        groupBy,
        metric,
        ...costFilterParams(filters),
      })}`,
    );
  }

  /** {@inheritDoc MulticloudApi.getCostSummary} */
  async getCostSummary(
    options: GetCostSummaryOptions,
  ): Promise<CostSummaryResponse> {
    const { from, to, groupBy, metric, filters } = options;
    return this.json<CostSummaryResponse>(
      `/cost/summary?${query({
        from,
        to,
        groupBy,
        metric,
        ...costFilterParams(filters),
      })}`,
    );
  }

  /** {@inheritDoc MulticloudApi.getTopology} */
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

  /** {@inheritDoc MulticloudApi.setBudget} */
  async setBudget(options: SetBudgetOptions): Promise<EntityBudget> {
    const { entityRef, amount, currency } = options;
    return this.json<EntityBudget>('/cost/budgets', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ entityRef, amount, currency }),
    });
  }

  /** {@inheritDoc MulticloudApi.deleteBudget} */
  async deleteBudget(entityRef: string): Promise<void> {
    await this.fetch(`/cost/budgets?${query({ entityRef })}`, {
      method: 'DELETE',
    });
  }

  /** {@inheritDoc MulticloudApi.getAlerts} */
  async getAlerts(options: GetAlertsOptions): Promise<AlertsResponse> {
    const { entityRef, status, source, severity } = options;
    return this.json<AlertsResponse>(
      `/alerts?${query({ entityRef, status, source, severity })}`,
    );
  }

  /** {@inheritDoc MulticloudApi.getAlertsSummary} */
  async getAlertsSummary(): Promise<AlertsSummaryResponse> {
    return this.json<AlertsSummaryResponse>('/alerts/summary');
  }

  /** {@inheritDoc MulticloudApi.getAlertHistory} */
  async getAlertHistory(alertId: string): Promise<AlertHistoryResponse> {
    return this.json<AlertHistoryResponse>(
      `/alerts/${encodeURIComponent(alertId)}/history`,
    );
  }

  /** {@inheritDoc MulticloudApi.acknowledgeAlert} */
  async acknowledgeAlert(
    alertId: string,
    options: { reason?: string } = {},
  ): Promise<MulticloudAlert> {
    return this.alertAction(alertId, 'acknowledge', { reason: options.reason });
  }

  /** {@inheritDoc MulticloudApi.snoozeAlert} */
  async snoozeAlert(
    alertId: string,
    options: SnoozeAlertOptions,
  ): Promise<MulticloudAlert> {
    const { until, reason } = options;
    return this.alertAction(alertId, 'snooze', { until, reason });
  }

  /** {@inheritDoc MulticloudApi.dismissAlert} */
  async dismissAlert(
    alertId: string,
    options: { reason: string },
  ): Promise<MulticloudAlert> {
    return this.alertAction(alertId, 'dismiss', { reason: options.reason });
  }

  /** {@inheritDoc MulticloudApi.reopenAlert} */
  async reopenAlert(
    alertId: string,
    options: { reason?: string } = {},
  ): Promise<MulticloudAlert> {
    return this.alertAction(alertId, 'reopen', { reason: options.reason });
  }

  /** {@inheritDoc MulticloudApi.createAlertSilence} */
  async createAlertSilence(
    options: CreateAlertSilenceOptions,
  ): Promise<{ id: string }> {
    const { entityRef, instance, matchers, endsAt, comment } = options;
    return this.json<{ id: string }>('/alerts/silences', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ entityRef, instance, matchers, endsAt, comment }),
    });
  }

  /** {@inheritDoc MulticloudApi.expireAlertSilence} */
  async expireAlertSilence(options: ExpireAlertSilenceOptions): Promise<void> {
    const { entityRef, instance, silenceId } = options;
    await this.fetch(
      `/alerts/silences/${encodeURIComponent(instance)}/${encodeURIComponent(
        silenceId,
      )}?${query({ entityRef })}`,
      { method: 'DELETE' },
    );
  }

  /** {@inheritDoc MulticloudApi.getSources} */
  async getSources(): Promise<MulticloudSourcesResponse> {
    return this.json<MulticloudSourcesResponse>('/sources');
  }

  /** {@inheritDoc MulticloudApi.refreshSource} */
  async refreshSource(
    kind: MulticloudSourceKind,
    id: string,
  ): Promise<MulticloudSourceRefreshResponse> {
    return this.json<MulticloudSourceRefreshResponse>(
      `/sources/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/refresh`,
      { method: 'POST' },
    );
  }

  /** {@inheritDoc MulticloudApi.getInventory} */
  async getInventory(): Promise<MulticloudInventoryResponse> {
    return this.json<MulticloudInventoryResponse>('/inventory');
  }

  private async alertAction(
    alertId: string,
    action: 'acknowledge' | 'snooze' | 'dismiss' | 'reopen',
    body: Record<string, string | undefined>,
  ): Promise<MulticloudAlert> {
    return this.json<MulticloudAlert>(
      `/alerts/${encodeURIComponent(alertId)}/${action}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
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
