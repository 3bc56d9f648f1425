import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { MulticloudHealth } from '@multicloud/plugin-multicloud-common';
import { MulticloudApi } from './MulticloudApi';

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
    return this.get<MulticloudHealth>('/health');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('multicloud');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
