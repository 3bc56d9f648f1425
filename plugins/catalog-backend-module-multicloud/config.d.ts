import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Cloud sources of the multicloud entity provider, keyed by source id.
       * Each source runs on its own schedule and owns its own entities: a
       * source that fails keeps the entities of its last good run.
       */
      multicloud?: {
        [sourceId: string]: {
          /**
           * Owner of resources whose owner tags name no group, as an entity
           * ref such as `group:platform-team`. Default: `unknown`.
           * @visibility backend
           */
          defaultOwner?: string;
          /**
           * Tag keys that name a resource's owning group, first match wins.
           * Default: `['owner', 'team']`.
           * @visibility backend
           */
          ownerTagKeys?: string[];
          /**
           * How often the source is read. Default: every 30 minutes, with a
           * 10 minute timeout and a 15 second initial delay.
           * @visibility backend
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
