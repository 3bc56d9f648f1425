import { multicloudAlertReadPermission } from '@multicloud/plugin-multicloud-common';
import { parseEntityRefParam } from '../lib/params';
import { parseAlertFilters } from '../services/Alerts/requestParams';
import { MulticloudActionsOptions } from './types';

/**
 * `get-alerts`: the answer of `GET /alerts` for an entity or a team, with
 * the same permission checks (`multicloud.alert.read`).
 */
export function createGetAlertsAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'alerts'
  >,
) {
  const { actionsRegistry, access, alerts } = options;
  actionsRegistry.register({
    name: 'get-alerts',
    title: 'Get the cloud alerts of a catalog entity or team',
    description: `Answers "what is alerting for X": the alerts of one catalog entity and of everything it owns, contains or depends on. For a team, pass its Group (group:default/checkout-team): the alerts of everything the team owns.
Alerts come from budgets and forecasts (source "cost"), cost anomalies, hygiene findings such as untagged or publicly exposed resources ("hygiene"), savings recommendations ("savings") and Prometheus Alertmanager ("alertmanager").
Each alert has an "id" (pass it to update-alert), severity (critical, warning, info), status (open, acknowledged, snoozed, dismissed, resolved), the entity it is about, a title, a description of what was found and what to do, the amount at stake or the monthly saving (amount and ISO 4217 currency), and links.
"counts" gives the open and acknowledged alerts by severity. For what is alerting now, pass status ["open", "acknowledged"]. Alerts of entities whose alerts the caller may not read are left out.
Needs the permission multicloud.alert.read on the entity.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The entity or team, as kind:namespace/name, for example system:default/payments or group:default/checkout-team',
            ),
          status: z
            .array(z.string())
            .optional()
            .describe(
              'Only alerts with these statuses: open, acknowledged, snoozed, dismissed, resolved. Default: every status',
            ),
          severity: z
            .array(z.string())
            .optional()
            .describe(
              'Only alerts of these severities: critical, warning, info. Default: every severity',
            ),
          source: z
            .array(z.string())
            .optional()
            .describe(
              'Only alerts from these sources: cost, hygiene, savings, alertmanager. Default: every source',
            ),
        }),
      output: z =>
        z
          .object({
            entityRef: z.string().optional(),
            alerts: z.array(
              z
                .object({
                  id: z.string(),
                  severity: z.string(),
                  status: z.string(),
                  entityRef: z.string(),
                  title: z.string(),
                })
                .passthrough(),
            ),
            counts: z
              .object({
                critical: z.number(),
                warning: z.number(),
                info: z.number(),
              })
              .describe('Open and acknowledged alerts by severity'),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const entityRef = parseEntityRefParam(input.entityRef);
      const filters = parseAlertFilters({
        status: input.status,
        severity: input.severity,
        source: input.source,
      });
      await access.authorizedEntity(
        credentials,
        multicloudAlertReadPermission,
        entityRef,
      );
      return {
        output: await alerts.list({
          entityRef,
          ...filters,
          credentials,
          // Alerts of related entities: only of those the caller may read alerts of.
          readable: refs =>
            access.allowedRefs(
              credentials,
              multicloudAlertReadPermission,
              refs,
            ),
        }),
      };
    },
  });
}
