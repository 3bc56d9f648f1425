import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Id of the scheduled evaluation, also triggered after imports and attribution. */
export const EVALUATION_TASK_ID = 'multicloud-alerts-evaluation';
/** Id of the scheduled weekly digest, when turned on. */
export const DIGEST_TASK_ID = 'multicloud-alerts-weekly-digest';

/** `multicloud.alerts` (but its sources) with its defaults (documented in config.d.ts). */
export type AlertsConfig = {
  evaluationSchedule: SchedulerServiceTaskScheduleDefinition;
  notifications: {
    enabled: boolean;
    maxPerEvaluation: number;
    weeklyDigest: boolean;
    digestSchedule: SchedulerServiceTaskScheduleDefinition;
  };
  resolvedRetentionDays: number;
};

function wholeNumber(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `${path} must be a whole number of at least 1; got ${value}`,
    );
  }
  return value;
}

function schedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config)
    : fallback;
}

export function readAlertsConfig(root: Config): AlertsConfig {
  const alerts = root.getOptionalConfig('multicloud.alerts');
  const notifications = alerts?.getOptionalConfig('notifications');
  return {
    evaluationSchedule: schedule(
      alerts?.getOptionalConfig('evaluation.schedule'),
      {
        frequency: { minutes: 30 },
        timeout: { minutes: 15 },
        initialDelay: { minutes: 1 },
      },
    ),
    notifications: {
      enabled: notifications?.getOptionalBoolean('enabled') ?? true,
      maxPerEvaluation: wholeNumber(
        notifications,
        'maxPerEvaluation',
        'multicloud.alerts.notifications.maxPerEvaluation',
        100,
      ),
      weeklyDigest: notifications?.getOptionalBoolean('weeklyDigest') ?? false,
      digestSchedule: schedule(
        notifications?.getOptionalConfig('digestSchedule'),
        { frequency: { cron: '0 9 * * 1' }, timeout: { minutes: 30 } },
      ),
    },
    resolvedRetentionDays: wholeNumber(
      alerts,
      'resolvedRetentionDays',
      'multicloud.alerts.resolvedRetentionDays',
      90,
    ),
  };
}
