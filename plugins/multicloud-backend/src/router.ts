import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MULTICLOUD_ANNOTATIONS,
  multicloudAlertReadPermission,
  multicloudAlertUpdatePermission,
  multicloudBudgetUpdatePermission,
  multicloudCostImportPermission,
  multicloudCostReadPermission,
} from '@multicloud/plugin-multicloud-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  parseEntityRefParam,
  parseGroupBy,
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

const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/csv',
  'application/gzip',
  'application/x-gzip',
  'application/vnd.apache.parquet',
  'application/octet-stream',
];

export async function createRouter(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  health: HealthService;
  costImport: CostImportService;
  costQuery: CostQueryService;
  topology: TopologyService;
  /** The alerts API; left out, the routes under /alerts are not served. */
  alerts?: AlertsService;
  alertmanager?: AlertmanagerService;
  now?: () => Date;
}): Promise<express.Router> {
  const {
    auth,
    httpAuth,
    permissions,
    catalog,
    health,
    costImport,
    costQuery,
    topology,
    alerts,
    alertmanager,
  } = options;
  const clock = () => options.now?.() ?? new Date();
  const today = () =>
    (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  const router = Router();

  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.name} (ask an admin for this permission)`,
      );
    }
    return credentials;
  }

  /** The entity, if the caller may see it in the catalog. */
  async function entityFor(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
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
    const credentials = await authorize(req, multicloudCostReadPermission);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    const period = parsePeriod(req.query, today());
    const groupBy = parseGroupBy(req.query);
    const metric = parseMetric(req.query);
    const entity = await entityFor(entityRef, credentials);
    res.json(
      await costQuery.entityCost({
        entityRef,
        period,
        groupBy,
        metric,
        annotationBudget: parseBudgetAnnotation(
          entity.metadata.annotations?.[MULTICLOUD_ANNOTATIONS.monthlyBudget],
        ),
      }),
    );
  });

  router.get('/cost/summary', async (req, res) => {
    await authorize(req, multicloudCostReadPermission);
    res.json(
      await costQuery.summary({
        period: parsePeriod(req.query, today()),
        groupBy: parseSummaryGroupBy(req.query),
        metric: parseMetric(req.query),
      }),
    );
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
      const result = await costImport.importUpload(req, {
        fileName,
        createdBy: userRef(credentials),
      });
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
    res.json(await costImport.rebuild());
  });

  router.put('/cost/budgets', express.json(), async (req, res) => {
    const credentials = await authorize(req, multicloudBudgetUpdatePermission);
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
    await entityFor(entityRef, credentials);
    res.json(
      await costQuery.setBudget({
        entityRef,
        amount,
        currency: currency.toUpperCase(),
        updatedBy: userRef(credentials),
      }),
    );
  });

  router.delete('/cost/budgets', async (req, res) => {
    await authorize(req, multicloudBudgetUpdatePermission);
    const entityRef = parseEntityRefParam(req.query.entityRef);
    if (!(await costQuery.deleteBudget(entityRef))) {
      throw new NotFoundError(`${entityRef} has no budget set through the API`);
    }
    res.status(204).end();
  });

  router.get('/topology', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseTopologyQuery(req.query);
    // Costs are part of the answer only for callers who may read costs.
    const [costDecision] = await permissions.authorize(
      [{ permission: multicloudCostReadPermission }],
      { credentials },
    );
    res.json(
      await topology.topology({
        ...query,
        credentials,
        includeCost: costDecision.result === AuthorizeResult.ALLOW,
      }),
    );
  });

  if (alerts) {
    /** A computed alert, if the caller may see its entity in the catalog. */
    const visibleAlert = async (
      alertId: string,
      credentials: BackstageCredentials,
    ) => {
      const alert = await alerts.get(alertId);
      const entity = await catalog.getEntityByRef(alert.entityRef, {
        credentials,
      });
      if (!entity) {
        throw new NotFoundError(`No alert ${alertId}`);
      }
      return alert;
    };

    const alertmanagerFor = () => {
      if (!alertmanager?.enabled) {
        throw new NotFoundError(
          'No Alertmanager is configured (multicloud.alerts.alertmanager.instances)',
        );
      }
      return alertmanager;
    };

    router.get('/alerts', async (req, res) => {
      const credentials = await authorize(req, multicloudAlertReadPermission);
      const entityRef = parseEntityRefParam(req.query.entityRef);
      const filters = parseAlertFilters(req.query);
      res.json(await alerts.list({ entityRef, ...filters, credentials }));
    });

    router.get('/alerts/summary', async (req, res) => {
      await authorize(req, multicloudAlertReadPermission);
      res.json(await alerts.summary());
    });

    router.get('/alerts/silences', async (req, res) => {
      const credentials = await authorize(req, multicloudAlertReadPermission);
      const entity = await entityFor(
        parseEntityRefParam(req.query.entityRef),
        credentials,
      );
      if (!alertmanager?.enabled) {
        res.json({ silences: [], instances: [] });
        return;
      }
      res.json(await alertmanager.silences(alertmanager.matchersFor(entity)));
    });

    router.post('/alerts/silences', express.json(), async (req, res) => {
      const credentials = await authorize(req, multicloudAlertUpdatePermission);
      const entity = await entityFor(
        parseEntityRefParam(req.body?.entityRef),
        credentials,
      );
      const service = alertmanagerFor();
      const entityMatchers = service.matchersFor(entity);
      const silence = parseSilenceRequest(req.body, entityMatchers, clock());
      res.status(201).json(
        await service.createSilence({
          ...silence,
          entityMatchers,
          createdBy: actorRef(credentials),
        }),
      );
    });

    router.delete('/alerts/silences/:instance/:silenceId', async (req, res) => {
      const credentials = await authorize(req, multicloudAlertUpdatePermission);
      const entity = await entityFor(
        parseEntityRefParam(req.query.entityRef),
        credentials,
      );
      const service = alertmanagerFor();
      await service.expireSilence({
        instance: req.params.instance,
        silenceId: req.params.silenceId,
        entityMatchers: service.matchersFor(entity),
        expiredBy: actorRef(credentials),
      });
      res.status(204).end();
    });

    router.get('/alerts/:id/history', async (req, res) => {
      const credentials = await authorize(req, multicloudAlertReadPermission);
      const alertId = parseAlertId(req.params.id);
      await visibleAlert(alertId, credentials);
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
      const credentials = await authorize(req, multicloudAlertUpdatePermission);
      const alertId = parseAlertId(req.params.id);
      const request = parseActionRequest(req.params.action, req.body, clock());
      await visibleAlert(alertId, credentials);
      res.json(await alerts.act(alertId, request, actorRef(credentials)));
    });
  }

  return router;
}
