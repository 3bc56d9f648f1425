import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AttributionTagKeys,
  DEFAULT_TAG_KEYS,
} from './services/CostAttribution/attributionModel';
import { CostImportLimits } from './services/CostImport/createCostImportService';
import { CostImportFolder } from './services/CostImport/types';

/** `multicloud.cost` with its defaults (documented in config.d.ts). */
export type CostConfig = {
  limits: CostImportLimits;
  folders: Array<
    CostImportFolder & { schedule: SchedulerServiceTaskScheduleDefinition }
  >;
  tagKeys: AttributionTagKeys;
  attributionSchedule: SchedulerServiceTaskScheduleDefinition;
};

function schedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config)
    : fallback;
}

export function readCostConfig(root: Config, tmpdir: string): CostConfig {
  const cost = root.getOptionalConfig('multicloud.cost');
  const imports = cost?.getOptionalConfig('imports');
  const tags = cost?.getOptionalConfig('attribution.tagKeys');
  const folders = (imports?.getOptionalConfigArray('folders') ?? []).map(
    folder => ({
      id: folder.getString('id'),
      path: folder.getString('path'),
      schedule: schedule(folder.getOptionalConfig('schedule'), {
        frequency: { hours: 1 },
        timeout: { hours: 1 },
        initialDelay: { seconds: 15 },
      }),
    }),
  );
  const ids = folders.map(f => f.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) {
    throw new InputError(
      `multicloud.cost.imports.folders has two folders with id "${duplicate}"`,
    );
  }
  return {
    limits: {
      maxUploadBytes: imports?.getOptionalNumber('maxUploadBytes') ?? 2 ** 31,
      memoryLimit: imports?.getOptionalString('memoryLimit') ?? '256MB',
      threads: imports?.getOptionalNumber('threads') ?? 2,
      tempDirectory: imports?.getOptionalString('tempDirectory') ?? tmpdir,
      maxErrors: imports?.getOptionalNumber('maxErrors') ?? 20,
    },
    folders,
    tagKeys: {
      component:
        tags?.getOptionalStringArray('component') ?? DEFAULT_TAG_KEYS.component,
      system: tags?.getOptionalStringArray('system') ?? DEFAULT_TAG_KEYS.system,
      owner: tags?.getOptionalStringArray('owner') ?? DEFAULT_TAG_KEYS.owner,
    },
    attributionSchedule: schedule(
      cost?.getOptionalConfig('attribution.schedule'),
      {
        frequency: { minutes: 5 },
        timeout: { minutes: 30 },
        initialDelay: { seconds: 30 },
      },
    ),
  };
}
