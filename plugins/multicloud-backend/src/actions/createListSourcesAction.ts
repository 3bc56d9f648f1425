import { multicloudSourceReadPermission } from '@multicloud/plugin-multicloud-common';
import { MulticloudActionsOptions } from './types';

/**
 * `list-sources`: the answer of `GET /sources`, with the same permission
 * check (`multicloud.source.read`).
 */
export function createListSourcesAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'sources'
  >,
) {
  const { actionsRegistry, access, sources } = options;
  actionsRegistry.register({
    name: 'list-sources',
    title: 'List the cloud sources and cost imports and their status',
    description: `Answers "is the cloud data up to date, and what failed": every configured cloud source (an AWS account, Azure subscriptions, a GCP scope, a Kubernetes cluster or an inventory file that the catalog reads cloud resources from) and every cost import folder, in configuration order.
Each cloud source has its id, type, last run (startedAt, finishedAt, outcome applied / refused / failed, resources read, entities added and removed, and in "error" why it did not apply), whether the catalog has ingested it, whether it runs now, its schedule and its next run. Each cost folder has its last import run (files imported, failed and skipped, error) and the same schedule facts. Times are ISO 8601.
Needs the permission multicloud.source.read.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          sources: z.array(
            z
              .object({
                id: z.string(),
                type: z.string(),
                running: z.boolean(),
              })
              .passthrough(),
          ),
          costFolders: z.array(
            z.object({ id: z.string(), running: z.boolean() }).passthrough(),
          ),
        }),
    },
    action: async ({ credentials }) => {
      await access.authorize(credentials, multicloudSourceReadPermission);
      return { output: await sources.list() };
    },
  });
}
