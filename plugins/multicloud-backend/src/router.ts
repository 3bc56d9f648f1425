import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { HealthService } from './services/Health/types';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  health: HealthService;
}): Promise<express.Router> {
  const { httpAuth, health } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await health.check());
  });

  return router;
}
