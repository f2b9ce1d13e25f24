// The back office under /admin (issue 6). One encapsulated scope: the staff guard (guard.ts) runs before
// every route in it, so no route can forget the role check.
import type { FastifyInstance } from 'fastify';
import type { HashParams } from '../passwords/hashing.js';
import type { AntiRobotGate } from '../web/anti-robot-gate.js';
import type { AppDeps } from '../web/app.js';
import { installStaffGuard } from './guard.js';
import { memberRoutes } from './routes-members.js';
import { officeRoutes } from './routes-office.js';
import { staffSignInRoutes } from './routes-sign-in.js';
import { teamRoutes } from './routes-team.js';

export interface AdminDeps extends AppDeps {
  readonly antiRobot: AntiRobotGate;
  readonly hashParams: HashParams;
}

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  await app.register(
    async (scope) => {
      installStaffGuard(scope, deps);
      staffSignInRoutes(scope, deps);
      memberRoutes(scope, deps);
      officeRoutes(scope, deps);
      teamRoutes(scope, deps);
    },
    { prefix: '/admin' },
  );
}
