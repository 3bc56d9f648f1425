import { createHash } from 'node:crypto';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MULTICLOUD_ANNOTATIONS,
  multicloudAlertReadPermission,
  multicloudAlertUpdatePermission,
  multicloudBudgetUpdatePermission,
  multicloudCostImportPermission,
  multicloudCostReadPermission,
  multicloudSourceReadPermission,
  multicloudSourceRefreshPermission,
} from '@multicloud/plugin-multicloud-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  parseEntityRefParam,
  parseGroupBy,
  parseCostFilters,
  parseMetric,
  parsePeriod,
  parseSummaryGroupBy,
} from './lib/params';
import { parseBudgetAnnotation } from './services/CostAttribution/types';
import {
  CostImportService,
  FocusFileRejectedError,
} from './services/CostImport/types';
import { CostQueryService } from './services/CostQuery/types';
import { HealthService } from './services/Health/types';
import { InventoryService } from './services/Inventory/types';
import { SourcesService } from './services/Sources/types';
import { TopologyService } from './services/Topology/types';
import { parseTopologyQuery } from './lib/topologyParams';
import { AlertmanagerService } from './services/Alertmanager/types';
import {
  ALERT_ACTIONS,
  parseActionRequest,
  parseAlertFilters,
  parseAlertId,
  parseSilenceRequest,
} from './services/Alerts/requestParams';
import { AlertsService } from './services/Alerts/types';
import { hideUnreadableLines, summaryOfTeams } from './lib/readableSummaries';
import { MulticloudMetrics } from './lib/metrics';
import { createResponseCache } from './lib/responseCache';
import { createAccess } from './lib/access';

const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/csv',
  'application/gzip',
  'application/x-gzip',
  'application/vnd.apache.parquet',
  'application/octet-stream',
];

/**
 * Room for computed entity cost answers (a year of a System is ~50 kB):
 * a few hundred of the most recently asked.
 */
const ENTITY_COST_CACHE_BYTES = 32 * 1024 * 1024;

type AuditMeta = NonNullable<AuditorServiceCreateEventOptions['meta']>;

export async function createRouter(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  health: HealthService;
  costImport: CostImportService;
  costQuery: CostQueryService;
  topology: TopologyService;
  /** The alerts API; left out, the routes under /alerts are not served. */
  alerts?: AlertsService;
  alertmanager?: AlertmanagerService;
  /** The configured sources and "Refresh now"; left out, /sources is not served. */
  sources?: SourcesService;
  /** The counted cloud inventory; left out, /inventory is not served. */
  inventory?: InventoryService;
  /** Records the duration of every request; left out, nothing is recorded. */
  metrics?: Pick<MulticloudMetrics, 'httpRequests'>;
  now?: () => Date;
}): Promise<express.Router> {
  const {
    auth,
    httpAuth,
    permissions,
    auditor,
    catalog,
    health,
    costImport,
    costQuery,
    topology,
    alerts,
    alertmanager,
    sources,
    inventory,
  } = options;
  const clock = () => options.now?.() ?? new Date();
  const today = () =>
    (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  const router = Router();
  if (options.metrics) {
    router.use(options.metrics.httpRequests());
  }
  const entityCostAnswers = createResponseCache({
    maxBytes: ENTITY_COST_CACHE_BYTES,
  });

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const access = createAccess({ permissions, catalog });
  const { authorizedEntity, allowedRefs } = access;

  /** The caller's credentials, if they hold a basic permission. */
  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await credentialsOf(req);
    await access.authorize(credentials, permission);
    return credentials;
  }

  /**
   * Runs a write and records it as an audit event (`coreServices.auditor`):
   * who (from the request's credentials), what, and whether it succeeded.
   */
  async function audited<T>(
    req: express.Request,
    eventId: string,
    meta: AuditMeta,
    write: () => Promise<T>,
    resultMeta: (result: T) => AuditMeta = () => ({}),
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await write();
      await event.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  const userRef = (credentials: BackstageCredentials) =>
    auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : undefined;

  /** Who acted: the user's entity ref, or the calling service's subject. */
  const actorRef = (credentials: BackstageCredentials): string =>
    userRef(credentials) ??
    (auth.isPrincipal(credentials, 'service')
      ? credentials.principal.subject
      : 'unknown');

  router.get('/health', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await health.check());
  });

  router.get('/cost/entity', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    const period = parsePeriod(req.query, today());
    const groupBy = parseGroupBy(req.query);
    const metric = parseMetric(req.query);
    const entity = await authorizedEntity(
      credentials,
      multicloudCostReadPermission,
      entityRef,
    );
    const filters = parseCostFilters(req.query);
    // The same question on the same data, the same day (the default period
    // ends today), and the same budget annotation gets the same answer: the
    // browser revalidates with If-None-Match and gets a 304 without the
    // answer being computed again.
    const etag = `W/"${createHash('sha256')
      .update(
        JSON.stringify([
          await costQuery.dataVersion(),
          today(),
          req.originalUrl,
          entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.monthlyBudget] ??
            null,
        ]),
      )
      .digest('base64url')
      .slice(0, 27)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (ifNoneMatch(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    // The answer depends on nothing the ETag does not name (not on the
    // caller, who is authorized above), so one computation serves everyone
    // asking the same question until the data changes.
    const body = await entityCostAnswers.get(etag, () =>
      costQuery.entityCost({
        entityRef,
        period,
        groupBy,
        metric,
        filters,
        annotationBudget: parseBudgetAnnotation(
          entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.monthlyBudget],
        ),
      }),
    );
    res.type('application/json').send(body);
  });

  router.get('/cost/summary', async (req, res) => {
    const credentials = await credentialsOf(req);
    const summary = await costQuery.summary({
      period: parsePeriod(req.query, today()),
      groupBy: parseSummaryGroupBy(req.query),
      metric: parseMetric(req.query),
      filters: parseCostFilters(req.query),
    });
    const entityRefs = summary.breakdown.flatMap(item =>
      item.entityRef ? [item.entityRef] : [],
    );
    const allowed = await allowedRefs(
      credentials,
      multicloudCostReadPermission,
      entityRefs,
    );
    res.json(hideUnreadableLines(summary, allowed));
  });

  router.post('/cost/imports', async (req, res) => {
    const credentials = await authorize(req, multicloudCostImportPermission);
    const contentType = (req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLocaleLowerCase('en-US');
    if (!IMPORT_CONTENT_TYPES.includes(contentType)) {
      throw new InputError(
        `Send the FOCUS file as the request body with Content-Type text/csv, application/gzip or application/vnd.apache.parquet (got "${
          contentType || 'none'
        }")`,
      );
    }
    const fileName =
      typeof req.query.fileName === 'string' ? req.query.fileName : undefined;
    try {
      const result = await audited(
        req,
        'cost-import',
        { fileName: fileName ?? null, contentType },
        () =>
          costImport.importUpload(req, {
            fileName,
            createdBy: userRef(credentials),
          }),
        imported => ({
          importId: imported.id,
          rows: imported.rows,
          dailyRows: imported.dailyRows,
          periodsReplaced: imported.billingPeriods,
        }),
      );
      res.status(201).json(result);
    } catch (error) {
      if (error instanceof FocusFileRejectedError) {
        // Backstage's error body, plus the rows that failed.
        res.status(400).json({
          error: { name: 'InputError', message: error.message },
          request: { method: req.method, url: req.originalUrl },
          response: { statusCode: 400 },
          badRows: error.badRows,
          errors: error.errors,
        });
        return;
      }
      throw error;
    }
  });

  router.post('/cost/rebuild', async (req, res) => {
    await authorize(req, multicloudCostImportPermission);
    res.json(
      await audited(req, 'cost-rebuild', {}, () => costImport.rebuild()),
    );
  });

  router.put('/cost/budgets', express.json(), async (req, res) => {
    const credentials = await credentialsOf(req);
    const body = req.body ?? {};
    const entityRef = parseEntityRefParam(body.entityRef);
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      throw new InputError(
        'amount must be a positive number, for example 1500',
      );
    }
    const currency = body.currency ?? 'USD';
    if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
      throw new InputError(
        `currency must be an ISO 4217 code such as USD; got "${currency}"`,
      );
    }
    await authorizedEntity(
      credentials,
      multicloudBudgetUpdatePermission,
      entityRef,
    );
    const budget = { entityRef, amount, currency: currency.toUpperCase() };
    res.json(
      await audited(req, 'budget-set', budget, () =>
        costQuery.setBudget({ ...budget, updatedBy: userRef(credentials) }),
      ),
    );
  });

  router.delete('/cost/budgets', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    await authorizedEntity(
      credentials,
      multicloudBudgetUpdatePermission,
      entityRef,
    );
    const deleted = await audited(
      req,
      'budget-delete',
      { entityRef },
      () => costQuery.deleteBudget(entityRef),
      wasSet => ({ deleted: wasSet }),
    );
    if (!deleted) {
      throw new NotFoundError(`${entityRef} has no budget set through the API`);
    }
    res.status(204).end();
  });

  router.get('/topology', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseTopologyQuery(req.query);
    res.json(
      await topology.topology({
        ...query,
        credentials,
        // A node's cost is shown only to callers who may read that entity's cost.
        costReadable: refs =>
          allowedRefs(credentials, multicloudCostReadPermission, refs),
      }),
    );
  });

  if (alerts) {
    /**
     * A computed alert, if the caller may see its entity in the catalog
     * (else 404) and holds `permission` on it (else 403).
     */
    const authorizedAlert = async (
      alertId: string,
      credentials: BackstageCredentials,
      permission: ResourcePermission<'catalog-entity'>,
    ) =>
      access.authorizedAlert(
        await alerts.get(alertId),
        credentials,
        permission,
      );

    const alertmanagerFor = () => {
      if (!alertmanager?.enabled) {
        throw new NotFoundError(
          'No Alertmanager is configured (multicloud.alerts.alertmanager.instances)',
        );
      }
      return alertmanager;
    };

    router.get('/alerts', async (req, res) => {
      const credentials = await credentialsOf(req);
      const entityRef = parseEntityRefParam(req.query.entityRef);
      const filters = parseAlertFilters(req.query);
      await authorizedEntity(
        credentials,
        multicloudAlertReadPermission,
        entityRef,
      );
      res.json(
        await alerts.list({
          entityRef,
          ...filters,
          credentials,
          // Alerts of related entities: only of those the caller may read alerts of.
          readable: refs =>
            allowedRefs(credentials, multicloudAlertReadPermission, refs),
        }),
      );
    });

    router.get('/alerts/summary', async (req, res) => {
      const credentials = await credentialsOf(req);
      const summary = await alerts.summary();
      const allowed = await allowedRefs(
        credentials,
        multicloudAlertReadPermission,
        summary.teams.map(team => team.ownerRef),
      );
      res.json(summaryOfTeams(summary, allowed));
    });

    router.get('/alerts/silences', async (req, res) => {
      const credentials = await credentialsOf(req);
      const entity = await authorizedEntity(
        credentials,
        multicloudAlertReadPermission,
        parseEntityRefParam(req.query.entityRef),
      );
      if (!alertmanager?.enabled) {
        res.json({ silences: [], instances: [] });
        return;
      }
      res.json(await alertmanager.silences(alertmanager.matchersFor(entity)));
    });

    router.post('/alerts/silences', express.json(), async (req, res) => {
      const credentials = await credentialsOf(req);
      const entityRef = parseEntityRefParam(req.body?.entityRef);
      const entity = await authorizedEntity(
        credentials,
        multicloudAlertUpdatePermission,
        entityRef,
      );
      const service = alertmanagerFor();
      const entityMatchers = service.matchersFor(entity);
      const silence = parseSilenceRequest(req.body, entityMatchers, clock());
      const created = await audited(
        req,
        'alert-silence-create',
        {
          entityRef,
          instance: silence.instance,
          matchers: silence.matchers.map(m => ({ ...m })),
          endsAt: silence.endsAt.toISOString(),
          comment: silence.comment,
        },
        () =>
          service.createSilence({
            ...silence,
            entityMatchers,
            createdBy: actorRef(credentials),
          }),
        result => ({ silenceId: result.id }),
      );
      res.status(201).json(created);
    });

    router.delete('/alerts/silences/:instance/:silenceId', async (req, res) => {
      const credentials = await credentialsOf(req);
      const entityRef = parseEntityRefParam(req.query.entityRef);
      const entity = await authorizedEntity(
        credentials,
        multicloudAlertUpdatePermission,
        entityRef,
      );
      const service = alertmanagerFor();
      const { instance, silenceId } = req.params;
      await audited(
        req,
        'alert-silence-expire',
        { entityRef, instance, silenceId },
        () =>
          service.expireSilence({
            instance,
            silenceId,
            entityMatchers: service.matchersFor(entity),
            expiredBy: actorRef(credentials),
          }),
      );
      res.status(204).end();
    });

    router.get('/alerts/:id/history', async (req, res) => {
      const credentials = await credentialsOf(req);
      const alertId = parseAlertId(req.params.id);
      await authorizedAlert(
        alertId,
        credentials,
        multicloudAlertReadPermission,
      );
      res.json(await alerts.history(alertId));
    });

    router.post('/alerts/:id/:action', express.json(), async (req, res) => {
      if (!(ALERT_ACTIONS as readonly string[]).includes(req.params.action)) {
        throw new NotFoundError(
          `No route ${req.method} /alerts/{id}/${
            req.params.action
          }; actions are ${ALERT_ACTIONS.join(', ')}`,
        );
      }
      const credentials = await credentialsOf(req);
      const alertId = parseAlertId(req.params.id);
      const request = parseActionRequest(req.params.action, req.body, clock());
      const alert = await authorizedAlert(
        alertId,
        credentials,
        multicloudAlertUpdatePermission,
      );
      res.json(
        await audited(
          req,
          'alert-action',
          {
            alertId,
            entityRef: alert.entityRef,
            action: req.params.action,
            ...(request.reason ? { reason: request.reason } : {}),
            ...(request.action === 'snooze'
              ? { until: request.until.toISOString() }
              : {}),
          },
          () => alerts.act(alertId, request, actorRef(credentials)),
          acted => ({ status: acted.status }),
        ),
      );
    });
  }

  if (sources) {
    router.get('/sources', async (req, res) => {
      await authorize(req, multicloudSourceReadPermission);
      res.json(await sources.list());
    });

    router.post('/sources/:kind/:id/refresh', async (req, res) => {
      const { kind, id } = req.params;
      if (kind !== 'cloud' && kind !== 'cost') {
        throw new NotFoundError(
          `No route ${req.method} /sources/${kind}/{id}/refresh; kinds are cloud and cost`,
        );
      }
      await authorize(req, multicloudSourceRefreshPermission);
      const asked = await audited(
        req,
        'source-refresh',
        { kind, id },
        () => sources.refresh(kind, id),
        result => ({ requestedAt: result.requestedAt }),
      );
      res.status(202).json(asked);
    });
  }

  if (inventory) {
    router.get('/inventory', async (req, res) => {
      // Catalog data: the catalog's own permissions decide what is counted.
      res.json(await inventory.inventory(await credentialsOf(req)));
    });
  }

  return router;
} /** Whether an If-None-Match header names `etag` (or is `*`). */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header
    .split(',')
    .map(tag => tag.trim())
    .some(tag => tag === '*' || tag === etag || `W/${tag}` === etag);
}
