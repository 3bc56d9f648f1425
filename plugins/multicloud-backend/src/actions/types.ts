import { AuditorService, AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Access } from '../lib/access';
import { AlertsService } from '../services/Alerts/types';
import { CostQueryService } from '../services/CostQuery/types';
import { SourcesService } from '../services/Sources/types';
import { TopologyService } from '../services/Topology/types';

/**
 * What the multicloud actions are built from: the services the REST API
 * answers with, and its permission checks.
 */
export type MulticloudActionsOptions = {
  actionsRegistry: ActionsRegistryService;
  access: Access;
  auditor: AuditorService;
  auth: AuthService;
  costQuery: CostQueryService;
  topology: TopologyService;
  alerts: AlertsService;
  sources: Pick<SourcesService, 'list'>;
};

/** Today (UTC) as `YYYY-MM-DD`, the end of a cost period by default. */
export const today = () => new Date().toISOString().slice(0, 10);
