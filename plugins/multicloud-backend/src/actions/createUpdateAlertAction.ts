import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { multicloudAlertUpdatePermission } from '@multicloud/plugin-multicloud-common';
import {
  parseActionRequest,
  parseAlertId,
} from '../services/Alerts/requestParams';
import { MulticloudActionsOptions } from './types';

/**
 * `update-alert`: acknowledge, snooze, dismiss or reopen a computed alert,
 * as `POST /alerts/{id}/{action}` does, with the same permission check
 * (`multicloud.alert.update` on the alert's entity) and audit event.
 */
export function createUpdateAlertAction(
  options: Pick<
    MulticloudActionsOptions,
    'actionsRegistry' | 'access' | 'alerts' | 'auditor' | 'auth'
  >,
) {
  const { actionsRegistry, access, alerts, auditor, auth } = options;

  /** Who acted: the user's entity ref, or the calling service's subject. */
  const actorRef = (credentials: BackstageCredentials): string => {
    if (auth.isPrincipal(credentials, 'user')) {
      return credentials.principal.userEntityRef;
    }
    return auth.isPrincipal(credentials, 'service')
      ? credentials.principal.subject
      : 'unknown';
  };

  actionsRegistry.register({
    name: 'update-alert',
    title: 'Acknowledge, snooze, dismiss or reopen a cloud alert',
    description: `Changes the status of one alert that get-alerts listed, on behalf of the caller, and records who did it:
- "acknowledge": someone is on it; the alert stays visible as acknowledged.
- "snooze": hide it until a time ("until", an ISO 8601 time such as 2026-12-24T08:00:00Z) or for a "duration" of 1d or 1w; it comes back afterwards if the condition still holds.
- "dismiss": no action is needed; needs a "reason".
- "reopen": undo an acknowledge, snooze or dismiss.
Returns the alert with its new status. Alertmanager alerts (ids starting with "alertmanager:") cannot be changed here: they are silenced in Alertmanager.
Needs the permission multicloud.alert.update on the alert's entity.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          alertId: z
            .string()
            .describe(
              "The alert's id from get-alerts, for example hygiene:open-to-world:4f2a9c0e1b7d3a5c6e8f0a1b",
            ),
          action: z
            .enum(['acknowledge', 'snooze', 'dismiss', 'reopen'])
            .describe('What to do with the alert'),
          until: z
            .string()
            .optional()
            .describe(
              'snooze only: when the snooze ends, an ISO 8601 time in the future (at most a year away)',
            ),
          duration: z
            .enum(['1d', '1w'])
            .optional()
            .describe('snooze only, instead of until: one day or one week'),
          reason: z
            .string()
            .optional()
            .describe(
              'Why, in a sentence (at most 1000 characters); required to dismiss',
            ),
        }),
      output: z =>
        z
          .object({
            id: z.string(),
            status: z.string().describe("The alert's new status"),
            entityRef: z.string(),
            title: z.string(),
            snoozedUntil: z.string().optional(),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const alertId = parseAlertId(input.alertId);
      const request = parseActionRequest(
        input.action,
        { until: input.until, duration: input.duration, reason: input.reason },
        new Date(),
      );
      const alert = await access.authorizedAlert(
        await alerts.get(alertId),
        credentials,
        multicloudAlertUpdatePermission,
      );
      const actor = actorRef(credentials);
      const event = await auditor.createEvent({
        eventId: 'alert-action',
        severityLevel: 'medium',
        meta: {
          alertId,
          entityRef: alert.entityRef,
          action: request.action,
          actor,
          via: 'actions',
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.action === 'snooze'
            ? { until: request.until.toISOString() }
            : {}),
        },
      });
      try {
        const acted = await alerts.act(alertId, request, actor);
        await event.success({ meta: { status: acted.status } });
        return { output: acted };
      } catch (error) {
        await event.fail({ error: error as Error });
        throw error;
      }
    },
  });
}
