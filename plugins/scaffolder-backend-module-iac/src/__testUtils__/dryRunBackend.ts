import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { JsonObject } from '@backstage/config';
import { AddressInfo } from 'node:net';
import { scaffolderModuleIac } from '../module';

/** A file of a dry run's `directoryContents`. */
export type DryRunFile = { path: string; base64Content: string };

/** What `POST /api/scaffolder/v2/dry-run` answered. */
export interface DryRunResponse {
  status: number;
  body: {
    log?: Array<{
      body: { message: string; stepId?: string; status?: string };
    }>;
    directoryContents?: DryRunFile[];
    output?: Record<string, any>;
    steps?: Array<{ id: string; name: string; action: string }>;
    error?: { name: string; message: string };
  };
}

/**
 * Starts the scaffolder with this module's actions and the given
 * `multicloud.iac` config, and returns a client of its dry-run API as the
 * template editor (and the MCP tool dry-run-template) call it.
 */
export async function startDryRunBackend(iac: JsonObject) {
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleIac,
      mockServices.rootConfig.factory({ data: { multicloud: { iac } } }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.service(),
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    async dryRun(request: {
      template: unknown;
      values?: Record<string, unknown>;
      directoryContents: DryRunFile[];
    }): Promise<DryRunResponse> {
      const response = await fetch(
        `http://localhost:${port}/api/scaffolder/v2/dry-run`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ values: {}, secrets: {}, ...request }),
        },
      );
      return { status: response.status, body: await response.json() };
    },
    stop: () => backend.stop(),
  };
}

/** The messages a dry run logged, of one step or of all. */
export function logOf(result: DryRunResponse, stepId?: string): string {
  return (result.body.log ?? [])
    .filter(l => !stepId || l.body.stepId === stepId)
    .map(l => l.body.message)
    .join('\n');
}
