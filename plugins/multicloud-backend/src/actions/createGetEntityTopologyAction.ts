import { multicloudCostReadPermission } from '@multicloud/plugin-multicloud-common';
import { parseTopologyQuery } from '../lib/topologyParams';
import { MulticloudActionsOptions } from './types';

/**
 * `get-entity-topology`: the answer of `GET /topology`, read with the
 * caller's credentials.
 */
export function createGetEntityTopologyAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'topology'
  >,
) {
  const { actionsRegistry, access, topology } = options;
  actionsRegistry.register({
    name: 'get-entity-topology',
    title: 'Get the infrastructure topology around a catalog entity',
    description: `Answers "what runs under X, and how is it wired": the graph of catalog entities and cloud resources around one entity, following the catalog's relations (hasPart, dependsOn, ownerOf and the resources' own relations) a few hops away.
Name the entity by its ref, kind:namespace/name, for example system:default/payments, component:default/checkout-api or group:default/checkout-team.
Returns "nodes" (id, entityRef, kind, type such as ec2-instance or kubernetes-deployment, provider, status and, where the caller may read it, "monthlyCost": the cost of the last 30 days with its currency), "edges" (from the dependent, owner or whole to what it depends on, owns or contains; type dependsOn, ownerOf or hasPart), "groups" (provider > account > region > network the resources sit in) and "mermaid", the same graph as a Mermaid flowchart to show to a person.
Large graphs collapse groups into summary nodes beyond "nodeBudget"; pass a group's id in "expand" to open it. Only entities the caller can see in the catalog are included.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The entity, as kind:namespace/name, for example system:default/checkout',
            ),
          depth: z
            .number()
            .int()
            .min(1)
            .max(5)
            .optional()
            .describe('Relation hops to follow, 1 to 5. Default: 2'),
          direction: z
            .enum(['downstream', 'upstream', 'both'])
            .optional()
            .describe(
              'downstream: what the entity owns, contains or depends on (the default); upstream: what depends on it; both (the default for a Resource)',
            ),
          expand: z
            .array(z.string())
            .optional()
            .describe(
              'Ids of collapsed groups to show expanded, for example ["g3"]',
            ),
        }),
      output: z =>
        z
          .object({
            entityRef: z.string(),
            nodes: z.array(z.object({ id: z.string() }).passthrough()),
            edges: z.array(
              z
                .object({ from: z.string(), to: z.string(), type: z.string() })
                .passthrough(),
            ),
            groups: z.array(z.object({ id: z.string() }).passthrough()),
            mermaid: z
              .string()
              .describe('The graph as a Mermaid flowchart (flowchart LR)'),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const query = parseTopologyQuery({
        entityRef: input.entityRef,
        depth: input.depth === undefined ? undefined : String(input.depth),
        direction: input.direction,
        expand: input.expand,
      });
      return {
        output: await topology.topology({
          ...query,
          credentials,
          // A node's cost is shown only to callers who may read that entity's cost.
          costReadable: refs =>
            access.allowedRefs(credentials, multicloudCostReadPermission, refs),
        }),
      };
    },
  });
}
