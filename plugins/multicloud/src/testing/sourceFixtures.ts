import {
  MulticloudCloudSourceStatus,
  MulticloudCostFolderStatus,
  MulticloudInventoryResponse,
  MulticloudSourcesResponse,
} from '@multicloud/plugin-multicloud-common';

/** The demo inventory source after an applied run that ended at 09:50 on 2025-03-15. */
export function inventorySource(
  overrides: Partial<MulticloudCloudSourceStatus> = {},
): MulticloudCloudSourceStatus {
  const run = {
    startedAt: '2025-03-15T09:49:18.000Z',
    finishedAt: '2025-03-15T09:50:00.000Z',
    outcome: 'applied' as const,
    resources: 120,
    entities: 118,
    added: 3,
    removed: 1,
  };
  return {
    kind: 'cloud',
    id: 'demo-inventory',
    type: 'inventory',
    running: false,
    lastRun: run,
    lastAppliedRun: run,
    catalogEntities: 118,
    ingested: true,
    nextRunAt: '2025-03-15T10:05:00.000Z',
    schedule: 'every 10 minutes',
    ...overrides,
  };
}

/** An AWS account whose last run failed, after an earlier applied one. */
export function failingAwsSource(): MulticloudCloudSourceStatus {
  return {
    kind: 'cloud',
    id: 'aws-prod',
    type: 'aws',
    running: false,
    lastRun: {
      startedAt: '2025-03-15T07:56:55.000Z',
      finishedAt: '2025-03-15T08:00:00.000Z',
      outcome: 'failed',
      error:
        'Could not list the EC2 instances of eu-west-1: AccessDenied: User arn:aws:iam::111122223333:user/backstage is not authorized to perform: ec2:DescribeInstances',
    },
    lastAppliedRun: {
      startedAt: '2025-03-14T08:00:00.000Z',
      finishedAt: '2025-03-14T08:02:00.000Z',
      outcome: 'applied',
      resources: 40,
      entities: 40,
    },
    catalogEntities: 40,
    ingested: false,
    schedule: 'every 1 hour',
  };
}

/** The demo cost folder, which imported two files and skipped one. */
export function demoCostFolder(
  overrides: Partial<MulticloudCostFolderStatus> = {},
): MulticloudCostFolderStatus {
  return {
    kind: 'cost',
    id: 'demo',
    running: false,
    lastRun: {
      startedAt: '2025-03-15T09:29:59.150Z',
      finishedAt: '2025-03-15T09:30:00.000Z',
      imported: 2,
      skipped: 1,
      failed: 0,
    },
    nextRunAt: '2025-03-15T10:30:00.000Z',
    schedule: 'every 30 minutes',
    ...overrides,
  };
}

export function sourcesResponse(
  overrides: Partial<MulticloudSourcesResponse> = {},
): MulticloudSourcesResponse {
  return {
    sources: [inventorySource(), failingAwsSource()],
    costFolders: [demoCostFolder()],
    ...overrides,
  };
}

/** 120 resources over two providers, with ten regions and two teams. */
export function inventoryResponse(
  overrides: Partial<MulticloudInventoryResponse> = {},
): MulticloudInventoryResponse {
  return {
    total: 120,
    byProvider: [
      { key: 'aws', count: 80 },
      { key: 'gcp', count: 40 },
    ],
    byType: [
      { key: 'ec2-instance', count: 50 },
      { key: 's3-bucket', count: 30 },
      { key: 'gcp-compute-instance', count: 40 },
    ],
    byAccount: [
      { key: '111122223333', provider: 'aws', count: 80 },
      { key: 'shop-prod', provider: 'gcp', count: 40 },
    ],
    byRegion: [30, 20, 15, 12, 10, 10, 8, 6, 5, 4].map((count, index) => ({
      key: `region-${index + 1}`,
      provider: index < 6 ? 'aws' : 'gcp',
      count,
    })),
    byOwner: [
      { key: 'group:default/payments', count: 70 },
      { key: 'group:default/platform-team', count: 50 },
    ],
    unowned: 12,
    untagged: 5,
    changes: [
      {
        sourceId: 'demo-inventory',
        finishedAt: '2025-03-15T09:50:00.000Z',
        added: 3,
        removed: 1,
      },
    ],
    ...overrides,
  };
}
