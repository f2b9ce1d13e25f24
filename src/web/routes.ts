import type { FastifyInstance } from 'fastify';
import { adminRoutes } from '../admin/routes.js';
import { adviceRoutes } from '../advice/routes.js';
import { memberSpaceRoutes } from '../member-space/routes.js';
import { recoveryRoutes } from '../recovery/routes.js';
import type { Services } from '../services.js';
import { signInRoutes } from '../sign-in/routes.js';
import { antiRobotRoutes } from './anti-robot-gate.js';
import { type AppDeps, buildApp } from './app.js';
import { type HealthDeps, healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';

export type WebDeps = Services & AppDeps & HealthDeps;

/** Every journey's routes, in one list: the route map of the service. */
export function createWebApp(deps: WebDeps): Promise<FastifyInstance> {
  return buildApp(deps, [
    metricsRoutes,
    healthRoutes,
    antiRobotRoutes,
    signInRoutes,
    recoveryRoutes,
    memberSpaceRoutes,
    adviceRoutes,
    adminRoutes,
  ]);
}
