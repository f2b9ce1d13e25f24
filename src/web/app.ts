// The HTTP application: plugins, security headers, CSRF and Origin checks, the error page, and the routes
// of each journey. Routes stay thin (STYLE.md §1): parse, call one domain function, render.
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ERRORS, type ErrorCode, SesameError } from '../errors.js';
import { errorMessage } from '../i18n/errors.js';
import type { Clock } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import type { Counters } from '../store/counters.js';
import type { Store } from '../store/db.js';
import { LANG_COOKIE, pageContext, resolveLocale, sendHtml } from './context.js';
import { MessagePage } from './views/layout.js';

export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  readonly counters: Counters;
  readonly logger?: Logger;
}

export type RoutePlugin<D extends AppDeps = AppDeps> = (
  app: FastifyInstance,
  deps: D,
) => Promise<void> | void;

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** The one content security policy: our own origin only, no inline script or style (DESIGN.md §4). */
const CSP_DIRECTIVES: Readonly<Record<string, string[]>> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** The same policy as a header value, for the answers sent before helmet's hook runs. */
function cspHeader(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v.join(' ')}`)
    .join('; ');
}

/** Cookies are Secure always: browsers accept Secure cookies on http://localhost, which the embedded default uses. */
export const COOKIE_DEFAULTS = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' } as const;

export async function buildApp<D extends AppDeps>(
  deps: D,
  routes: readonly RoutePlugin<D>[],
): Promise<FastifyInstance> {
  const { config } = deps;
  const trustProxy = config.trustProxy
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    trustProxy: trustProxy.length > 0 ? trustProxy : false,
    // Forms are small; a larger body is refused with 413 before it is read (issue 8).
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    genReqId: () => deps.random.bytes(8).toString('hex'),
    // One log line per request, written below once answered, instead of Fastify's two (issue 7: request
    // logging was about a tenth of the event loop's work per sign-in).
    logController: new LogController({ disableRequestLogging: true }),
    // A URL the router cannot read (bad percent-encoding, an over-long parameter) is refused before any hook
    // runs; without this Fastify answers with JSON naming its internal error code (issue 8: French page).
    frameworkErrors: (error, req, reply) => {
      req.locale = 'fr';
      req.log.info({ code: error.code }, 'malformed url refused');
      reply.header('content-security-policy', cspHeader());
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'no-store');
      const ctx = pageContext(req, config.insurerName);
      const message = errorMessage('fr', 'BAD_REQUEST');
      const link = { href: '/', label: ctx.t.web.backToSignIn };
      return sendHtml(reply, MessagePage({ ctx, title: ctx.t.web.errorTitle, message, link }), 400);
    },
  });

  await app.register(fastifyCookie);
  // Only urlencoded forms are accepted: JSON or text bodies get 415 instead of reaching a handler.
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyCsrf, {
    cookieKey: '__Host-csrf',
    cookieOpts: { ...COOKIE_DEFAULTS },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  const https = config.publicUrl.startsWith('https:');
  // helmet's middleware is built once: @fastify/helmet built it again (parsing the whole policy) on every
  // request, seven times per sign-in page view with its pictures (issue 7).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CSP_DIRECTIVES, ...(https ? { upgradeInsecureRequests: [] } : {}) },
    },
    // HSTS only means something over HTTPS; on the embedded http://localhost it would be ignored anyway.
    hsts: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err instanceof Error ? err : undefined)),
  );
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/assets/', maxAge: '1h' });

  app.decorateRequest('locale', 'fr');
  const allowedOrigins = new Set([new URL(config.publicUrl).origin]);
  app.addHook('onRequest', async (req, reply) => {
    req.locale = resolveLocale(req);
    const q = (req.query as Record<string, unknown> | undefined)?.lang;
    if (q === 'fr' || q === 'en') reply.setCookie(LANG_COOKIE, q, { ...COOKIE_DEFAULTS, maxAge: 31536000 });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // Origin check on top of the CSRF token (OWASP CSRF cheat sheet, defence in depth): a browser always
      // sends Origin on a cross-site POST, so a foreign one is refused before anything else happens.
      const origin = req.headers.origin;
      const own = `${req.protocol}://${req.host}`;
      if (origin && origin !== 'null' && origin !== own && !allowedOrigins.has(origin)) {
        throw new SesameError('ORIGIN_REFUSED', `origin ${origin.slice(0, 100)}`);
      }
      if (origin === 'null' || req.headers['sec-fetch-site'] === 'cross-site') {
        throw new SesameError('ORIGIN_REFUSED', 'cross-site request');
      }
    }
  });
  // PostgreSQL refuses a NUL character in any text it is given (a 500 on the query); no field ever needs
  // one, so a request carrying one is refused up front as malformed (issue 8, hostile input).
  app.addHook('preValidation', async (req) => {
    if (carriesNul(req.query) || carriesNul(req.params) || carriesNul(req.body)) {
      throw new SesameError('BAD_REQUEST', 'NUL character in the request');
    }
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'POST' && !req.routeOptions.config?.skipCsrf)
      return app.csrfProtection(req, reply, done);
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
    done();
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    // Pages carry personal data: never store them in shared caches.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | SesameError, req, reply) => {
    const code = errorCodeOf(error);
    const status = ERRORS[code].status;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    else
      req.log.info(
        { code, detail: error instanceof SesameError ? error.detail : error.code },
        'request refused',
      );
    const ctx = pageContext(req, config.insurerName);
    const params = error instanceof SesameError ? error.params : {};
    return sendHtml(
      reply,
      MessagePage({
        ctx,
        title: ctx.t.web.errorTitle,
        message: errorMessage(req.locale, code, params),
        link: { href: '/', label: ctx.t.web.backToSignIn },
      }),
      status,
    );
  });
  app.setNotFoundHandler((req, reply) => {
    const ctx = pageContext(req, config.insurerName);
    return sendHtml(
      reply,
      MessagePage({
        ctx,
        title: ctx.t.web.notFoundTitle,
        message: errorMessage(req.locale, 'NOT_FOUND'),
        link: { href: '/', label: ctx.t.web.backToSignIn },
      }),
      404,
    );
  });

  for (const plugin of routes) await plugin(app, deps);
  return app;
}

function carriesNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (!value || typeof value !== 'object' || depth > 3) return false;
  return Object.values(value).some((v) => carriesNul(v, depth + 1));
}

/** Maps any thrown error to a registry code; technical causes never reach the page. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof SesameError) return error.code;
  const e = error as Partial<FastifyError> & { code?: string };
  const code = e.code ?? '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'PAYLOAD_TOO_LARGE';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'UNSUPPORTED_MEDIA_TYPE';
  if (code.startsWith('FST_CSRF')) return 'CSRF_INVALID';
  if (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', 'SQLITE_BUSY'].includes(
      code,
    )
  ) {
    return 'UNAVAILABLE';
  }
  // « not queryable »: pg's answer to the ROLLBACK after the connection died inside a transaction.
  if (/Connection terminated|connection timeout|database is locked|not queryable/i.test(String(e.message)))
    return 'UNAVAILABLE';
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return 'PAYLOAD_TOO_LARGE';
    if (e.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
    return 'BAD_REQUEST';
  }
  return 'INTERNAL';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set only on routes that take no form (none today); kept explicit so a reviewer sees each exception. */
    skipCsrf?: boolean;
  }
}
