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
import { parseBudgetAnnotation } from './services/CostAttribution/attributionModel';
import { CostImportService } from './services/CostImport/types';
import { FocusFileRejectedError } from './services/CostImport/readFocusFile';
import { CostQueryService } from './services/CostQuery/types';
import { HealthService } from './services/Health/types';
import { TopologyService } from './services/Topology/types';
import { parseTopologyQuery } from './lib/topologyParams';

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
  } = options;
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

  return router;
}
