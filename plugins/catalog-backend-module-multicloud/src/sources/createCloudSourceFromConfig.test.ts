import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createCloudSourceFromConfig } from './createCloudSourceFromConfig';

const DEMO_INVENTORY = resolve(__dirname, '../../../../examples/inventory');

/**
 * Creates the providers of a `catalog.providers.multicloud` block in a fresh
 * Node process, runs them when `run`, and reports the cloud SDK packages
 * that were loaded: the test's own process has loaded them all already.
 */
async function loadedSdks(
  sources: Record<string, unknown>,
  options: { run: boolean },
): Promise<{ loaded: string[]; applied: Record<string, number> }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      resolve(__dirname, '__testUtils__/reportLoadedSdks.ts'),
      JSON.stringify(sources),
      ...(options.run ? ['run'] : []),
    ],
    { cwd: resolve(__dirname, '../..') },
  );
  return JSON.parse(stdout);
}

describe('createCloudSourceFromConfig', () => {
  it('loads no cloud SDK for a backend whose only source is an inventory folder, and reads it', async () => {
    const report = await loadedSdks(
      { demo: { type: 'inventory', path: DEMO_INVENTORY } },
      { run: true },
    );

    expect(report.loaded).toEqual([]);
    expect(report.applied['MulticloudEntityProvider:demo']).toBeGreaterThan(
      300,
    );
  });

  it('loads the SDK of each cloud a source is configured for, when the source is created', async () => {
    const report = await loadedSdks(
      {
        aws: { type: 'aws' },
        kubernetes: {
          type: 'kubernetes',
          cluster: {
            name: 'prod-eu',
            url: 'https://k8s.example.com',
            serviceAccountToken: 'token',
          },
        },
      },
      { run: false },
    );

    expect(report.loaded).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-ec2',
        '@backstage/integration-aws-node',
        '@kubernetes/client-node',
      ]),
    );
    expect(
      report.loaded.filter(
        sdk => sdk.startsWith('@azure/') || sdk.startsWith('@google-cloud/'),
      ),
    ).toEqual([]);
  });

  it('names the known types when a type is unknown', () => {
    expect(() =>
      createCloudSourceFromConfig({
        id: 'oracle',
        config: new ConfigReader({ type: 'oci' }),
        rootConfig: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      }),
    ).toThrow(
      "catalog.providers.multicloud.oracle.type is 'oci'; expected one of aws, azure, gcp, kubernetes, inventory",
    );
  });
});
