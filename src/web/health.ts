import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { ping } from '../store/db.js';

export interface HealthDeps extends Services {
  /** Clock time of the delivery worker's last poll, when this process runs one. */
  readonly workerLastTick?: () => number;
}

/** Liveness answers while the process runs; readiness checks what a request needs. */
export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Browsers ask for it on every first visit; an empty answer keeps 404s out of the logs.
  app.get('/favicon.ico', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=86400').status(204).send(),
  );
  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, 'ok' | 'fail'> = {};
    try {
      await ping(deps.store);
      checks.database = 'ok';
    } catch {
      checks.database = 'fail';
    }
    if (deps.redis) {
      try {
        await deps.redis.ping();
        checks.redis = 'ok';
      } catch {
        checks.redis = 'fail';
      }
    }
    if (deps.workerLastTick) {
      // The worker polls every SESAME_OUTBOX_POLL_MS; a minute of silence means it is stuck.
      checks.outboxWorker = deps.clock.now() - deps.workerLastTick() < 60_000 ? 'ok' : 'fail';
    }
    const ok = Object.values(checks).every((c) => c === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'fail', checks });
  });
}
