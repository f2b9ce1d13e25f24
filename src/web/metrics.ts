// Prometheus metrics on /metrics (issue 6) with prom-client. Each app has its own Registry (not the global
// one) so that tests can build several apps in one process. Request durations are labelled with the
// route pattern (/admin/adherents/:number), never the raw URL: bounded label values, and no member number
// in the metrics. Access: a bearer token when SESAME_METRICS_TOKEN is set, else loopback clients only.
import { createHash, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { outboxStats } from '../delivery/outbox.js';
import { letterCounts } from '../letters/status.js';
import { onArgon2Verify } from '../passwords/hashing.js';
import type { Clock } from '../platform/clock.js';
import type { Store } from '../store/db.js';
import type { AppDeps } from './app.js';

export interface SesameMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly signIns: Counter<'subject' | 'outcome'>;
  readonly codesSent: Counter<'channel'>;
  readonly argon2Verify: Histogram;
}

// Argon2 is timed where the hash is verified (sign-in), far from any app object: observations go to every
// live registry. In production there is one; in tests each app sees the verifications of the process.
const liveArgon2 = new Set<Histogram>();

export function createMetrics(deps: { store: Store; clock: Clock }): SesameMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'sesame_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'sesame_sign_ins_total',
    help: 'Sign-in attempts by subject (member, staff) and outcome (success, failure, blocked, refused)',
    labelNames: ['subject', 'outcome'] as const,
    registers: [registry],
  });
  const codesSent = new Counter({
    name: 'sesame_codes_sent_total',
    help: 'Activation codes sent, by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const argon2Verify = new Histogram({
    name: 'sesame_argon2_verify_duration_seconds',
    help: 'Duration of Argon2id password verifications',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
  new Gauge({
    name: 'sesame_outbox_messages',
    help: 'Messages in the outbox by status (pending and sending: the depth; failed: given up)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const s = await outboxStats(deps.store, deps.clock.now()).catch(() => undefined);
      if (!s) return;
      this.set({ status: 'pending' }, s.pending);
      this.set({ status: 'sending' }, s.sending);
      this.set({ status: 'failed' }, s.failed);
    },
  });
  new Gauge({
    name: 'sesame_outbox_oldest_pending_seconds',
    help: 'Age of the oldest message waiting to be sent',
    registers: [registry],
    async collect() {
      const s = await outboxStats(deps.store, deps.clock.now()).catch(() => undefined);
      if (s) this.set(s.oldestPendingAgeMs / 1000);
    },
  });
  new Gauge({
    name: 'sesame_letters',
    help: 'Letters not yet posted (pending) and those older than the 8-day promise (late)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await letterCounts(deps.store, deps.clock.now()).catch(() => undefined);
      if (!counts) return;
      this.set({ state: 'pending' }, counts.pending);
      this.set({ state: 'late' }, counts.late);
    },
  });
  return { registry, httpDuration, signIns, codesSent, argon2Verify };
}

/** Records one Argon2id verification (seconds) in every live registry. */
export function observeArgon2Verify(seconds: number): void {
  for (const h of liveArgon2) h.observe(seconds);
}

/** Wraps a verification: `await timeArgon2Verify(() => verifyPassword(hash, password))`. */
export async function timeArgon2Verify<T>(verify: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await verify();
  } finally {
    observeArgon2Verify((performance.now() - started) / 1000);
  }
}

const SIGN_IN_ROUTES: Readonly<Record<string, 'member' | 'staff' | 'staff-password'>> = {
  '/connexion': 'member',
  '/admin/connexion': 'staff-password',
  '/admin/connexion/code': 'staff',
};

function signInOutcome(status: number): 'success' | 'failure' | 'blocked' | 'refused' {
  if (status >= 300 && status < 400) return 'success';
  if (status === 401) return 'failure';
  if (status === 429) return 'blocked';
  return 'refused';
}

/**
 * Sign-in outcomes and codes sent are read from the answers of the routes that do them (a redirect means
 * success), so that the journeys' code does not depend on metrics.
 */
async function countOutcomes(
  metrics: SesameMetrics,
  store: Store,
  req: FastifyRequest,
  status: number,
): Promise<void> {
  if (req.method !== 'POST') return;
  const route = req.routeOptions.url ?? '';
  const subject = SIGN_IN_ROUTES[route];
  if (subject === 'member' || (subject === 'staff-password' && status >= 400)) {
    metrics.signIns.inc({
      subject: subject === 'member' ? 'member' : 'staff',
      outcome: signInOutcome(status),
    });
  } else if (subject === 'staff') {
    metrics.signIns.inc({ subject: 'staff', outcome: status === 400 ? 'failure' : signInOutcome(status) });
  }
  if (status !== 303) return;
  if (route === '/mot-de-passe-oublie/:id/envoyer') {
    const channel = (req.body as Record<string, unknown> | undefined)?.channel;
    if (channel === 'email' || channel === 'sms') metrics.codesSent.inc({ channel });
  } else if (route === '/mot-de-passe-oublie/:id/renvoyer') {
    const id = String((req.params as Record<string, unknown>).id ?? '').slice(0, 100);
    const flow = await store.db
      .selectFrom('recovery_flows')
      .select('channel')
      .where('id', '=', id)
      .executeTakeFirst();
    if (flow?.channel === 'email' || flow?.channel === 'sms')
      metrics.codesSent.inc({ channel: flow.channel });
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Without a token, only a client on this machine, and not through a proxy (whose own address is loopback). */
function isLocalClient(req: FastifyRequest): boolean {
  return LOOPBACK.has(req.ip) && !req.headers['x-forwarded-for'] && !req.headers.forwarded;
}

function refuse(reply: FastifyReply, status: 401 | 403): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="metrics"');
  return reply
    .status(status)
    .type('text/plain; charset=utf-8')
    .send(status === 401 ? 'Unauthorized\n' : 'Forbidden\n');
}

/**
 * /metrics and the request-duration hook. Register it first in the route list so that its hooks see every
 * route registered after it.
 */
export function metricsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const metrics = createMetrics(deps);
  liveArgon2.add(metrics.argon2Verify);
  // Every verification (members, staff, provisional, dummy) is timed where it happens, in hashing.ts.
  onArgon2Verify(observeArgon2Verify);
  app.addHook('onClose', async () => {
    liveArgon2.delete(metrics.argon2Verify);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: req.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    try {
      await countOutcomes(metrics, deps.store, req, reply.statusCode);
    } catch (err) {
      req.log.warn({ err }, 'metrics: counting failed');
    }
  });
  app.get('/metrics', async (req, reply) => {
    const token = deps.config.metricsToken;
    if (token) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!given || !sameSecret(given, token)) return refuse(reply, 401);
    } else if (!isLocalClient(req)) {
      return refuse(reply, 403);
    }
    const body = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(body);
  });
}
