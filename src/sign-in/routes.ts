import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { SesameError } from '../errors.js';
import { errorMessage } from '../i18n/errors.js';
import { memberNumberRule } from '../members/validate.js';
import type { HashParams } from '../passwords/hashing.js';
import { MINUTE } from '../platform/clock.js';
import { endSession } from '../sessions/sessions.js';
import type { AntiRobotGate } from '../web/anti-robot-gate.js';
import type { AppDeps } from '../web/app.js';
import { clearSessionCookie, clientOf, readSession, setSessionCookie } from '../web/auth.js';
import { field, pageContext, sendHtml } from '../web/context.js';
import { signInWithPassword } from './sign-in.js';
import { SignInPage } from './views.js';

export interface SignInRouteDeps extends AppDeps {
  readonly antiRobot: AntiRobotGate;
  readonly hashParams: HashParams;
}

/** Per-IP brake on password guessing across accounts (DESIGN.md §4 "per-IP and global limits"). */
export async function enforceIpLimit(
  deps: SignInRouteDeps,
  req: FastifyRequest,
  action: string,
): Promise<void> {
  const hit = await deps.counters.hit(`ip:${req.ip}:${action}`, MINUTE, deps.clock.now());
  if (hit.count > deps.config.signInsPerIpPerMinute)
    throw new SesameError('RATE_LIMITED', `${action} from ${req.ip}`);
}

/**
 * The per-IP limit and the anti-robot check of a form, at once: with Redis both commands leave in one write
 * (auto-pipelining), and on these machines a socket write costs as much CPU as the rest of the request. The
 * refusal to show, if any; the limit comes first. A challenge is spent even when the IP is over its limit:
 * it was single-use anyway, and a bot's try is burnt.
 */
export async function limitAndCheck(
  deps: SignInRouteDeps,
  req: FastifyRequest,
  action: string,
): Promise<SesameError | undefined> {
  const [limit, human] = await Promise.allSettled([
    enforceIpLimit(deps, req, action),
    deps.antiRobot.check(req.body),
  ]);
  if (limit.status === 'rejected') {
    if (limit.reason instanceof SesameError) return limit.reason;
    throw limit.reason;
  }
  if (human.status === 'rejected') throw human.reason;
  return human.value ? undefined : new SesameError('ANTI_ROBOT_FAILED');
}

export function formatWait(t: ReturnType<typeof pageContext>['t'], until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / MINUTE));
  return minutes < 120
    ? t.signIn.blockedWaitMinutes({ minutes })
    : t.signIn.blockedWaitHours({ hours: Math.ceil(minutes / 60) });
}

export function signInRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const numberRule = memberNumberRule(deps.config.memberNumberPattern);
  const renderSignIn = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; errors?: string[]; memberNumber?: string; notice?: string } = {},
  ) => {
    const ctx = pageContext(req, deps.config.insurerName);
    const challenge = await deps.antiRobot.render(req.locale);
    return sendHtml(
      reply,
      SignInPage({
        ctx,
        csrf: reply.generateCsrf(),
        errors: opts.errors,
        memberNumber: opts.memberNumber,
        anyNumberFormat: !numberRule.isDefault,
        notice: opts.notice,
        antiRobot: challenge.html as unknown as JSX.Element,
        scripts: challenge.scripts,
        stylesheets: challenge.stylesheets,
      }),
      opts.status ?? 200,
    );
  };

  app.get('/', async (req, reply) => {
    if (await readSession(req, deps, 'member')) return reply.redirect('/espace');
    return reply.redirect('/connexion');
  });

  app.get('/connexion', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const t = pageContext(req, deps.config.insurerName).t;
    const notice =
      q.fin === '1' ? t.signIn.signedOut : q.expire === '1' ? t.signIn.sessionExpired : undefined;
    return renderSignIn(req, reply, { notice });
  });

  app.post('/connexion', async (req, reply) => {
    const memberNumber = (field(req.body, 'member_number', 64) ?? '').trim();
    const password = field(req.body, 'password', 1024) ?? '';
    const locale = req.locale;
    const fail = (status: number, message: string) =>
      renderSignIn(req, reply, { status, errors: [message], memberNumber: memberNumber.slice(0, 20) });

    // DESIGN.md §5: the per-IP limit and the anti-robot answer are checked before the password is even
    // looked at.
    const gate = await limitAndCheck(deps, req, 'sign-in');
    if (gate) return fail(gate.status, errorMessage(locale, gate.code));
    if (!memberNumber || !password) {
      const t = pageContext(req, deps.config.insurerName).t;
      return fail(
        400,
        errorMessage(locale, 'FIELD_REQUIRED', {
          field: !memberNumber ? t.signIn.memberNumber : t.signIn.password,
        }),
      );
    }
    if (!numberRule.regex.test(memberNumber)) return fail(400, errorMessage(locale, numberRule.refusal));
    try {
      const result = await signInWithPassword(deps, { memberNumber, password, ...clientOf(req) });
      setSessionCookie(reply, 'member', result.token);
      return reply.redirect(
        result.mustChangePassword ? '/espace/nouveau-mot-de-passe' : '/espace?bienvenue=1',
        303,
      );
    } catch (e) {
      if (!(e instanceof SesameError)) throw e;
      if (e.code === 'SIGN_IN_BLOCKED') {
        const ctx = pageContext(req, deps.config.insurerName);
        const wait = formatWait(ctx.t, Number(e.params.until), deps.clock.now());
        return fail(429, errorMessage(locale, 'SIGN_IN_BLOCKED', { wait }));
      }
      return fail(e.status, errorMessage(locale, e.code));
    }
  });

  app.post('/deconnexion', async (req, reply) => {
    const session = await readSession(req, deps, 'member');
    if (session) {
      await endSession(deps.store.db, session.id);
      await recordAudit(
        deps.store.db,
        {
          event: 'sign-out',
          outcome: 'success',
          actor: 'member',
          memberId: session.subjectId,
          ...clientOf(req),
        },
        deps.clock.now(),
      );
    }
    clearSessionCookie(reply, 'member');
    return reply.redirect('/connexion?fin=1', 303);
  });
}
