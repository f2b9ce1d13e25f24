// /admin/connexion: password + anti-robot + per-IP limit + lockout, then the TOTP step (or enrolment).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { SesameError } from '../errors.js';
import { errorMessage } from '../i18n/errors.js';
import { endSession } from '../sessions/sessions.js';
import { enforceIpLimit, formatWait } from '../sign-in/routes.js';
import { clearSessionCookie, clientOf, readSession, setSessionCookie } from '../web/auth.js';
import { field, pageContext, sendHtml } from '../web/context.js';
import { STAFF_CODE, staffOf } from './guard.js';
import type { AdminDeps } from './routes.js';
import { findStaffById } from './staff.js';
import {
  confirmStaffSecondFactor,
  pendingEnrolmentSecret,
  signInStaffWithPassword,
} from './staff-sign-in.js';
import { formatTotpSecret, totpKeyUri, totpQrDataUrl } from './totp.js';
import { EnrolPage, StaffSignInPage, TotpPage } from './views/sign-in.js';

export function staffSignInRoutes(scope: FastifyInstance, deps: AdminDeps): void {
  const refusal = (req: FastifyRequest, e: SesameError): string => {
    if (e.code !== 'SIGN_IN_BLOCKED') return errorMessage(req.locale, e.code);
    const ctx = pageContext(req, deps.config.insurerName);
    return errorMessage(req.locale, 'STAFF_SIGN_IN_BLOCKED', {
      wait: formatWait(ctx.t, Number(e.params.until), deps.clock.now()),
    });
  };

  const renderSignIn = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; errors?: string[]; username?: string; notice?: string } = {},
  ) => {
    const challenge = await deps.antiRobot.render(req.locale);
    return sendHtml(
      reply,
      StaffSignInPage({
        ctx: pageContext(req, deps.config.insurerName),
        csrf: reply.generateCsrf(),
        errors: opts.errors,
        username: opts.username,
        notice: opts.notice,
        antiRobot: challenge.html as unknown as JSX.Element,
        scripts: challenge.scripts,
        stylesheets: challenge.stylesheets,
      }),
      opts.status ?? 200,
    );
  };

  const publicRoute = { config: { staffAccess: 'public' as const } };
  const pendingRoute = { config: { staffAccess: 'pending' as const } };

  scope.get('/connexion', publicRoute, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const t = pageContext(req, deps.config.insurerName).t.admin.signIn;
    return renderSignIn(req, reply, {
      notice: q.fin === '1' ? t.signedOut : q.expire === '1' ? t.expired : undefined,
    });
  });

  scope.post('/connexion', publicRoute, async (req, reply) => {
    const username = (field(req.body, 'username', 256) ?? '').trim();
    const password = field(req.body, 'password', 1024) ?? '';
    const shown = username.slice(0, 64);
    try {
      await enforceIpLimit(deps, req, 'staff-sign-in');
    } catch (e) {
      if (e instanceof SesameError)
        return renderSignIn(req, reply, { status: e.status, errors: [refusal(req, e)], username: shown });
      throw e;
    }
    if (!(await deps.antiRobot.check(req.body))) {
      return renderSignIn(req, reply, {
        status: 400,
        errors: [errorMessage(req.locale, 'ANTI_ROBOT_FAILED')],
        username: shown,
      });
    }
    if (!username || !password) {
      const t = pageContext(req, deps.config.insurerName).t.admin.signIn;
      const missing = !username ? t.username : t.password;
      return renderSignIn(req, reply, {
        status: 400,
        errors: [errorMessage(req.locale, 'FIELD_REQUIRED', { field: missing })],
        username: shown,
      });
    }
    try {
      const result = await signInStaffWithPassword(deps, { username, password, ...clientOf(req) });
      setSessionCookie(reply, 'staff', result.token);
      return reply.redirect(STAFF_CODE, 303);
    } catch (e) {
      if (e instanceof SesameError)
        return renderSignIn(req, reply, { status: e.status, errors: [refusal(req, e)], username: shown });
      throw e;
    }
  });

  /** The code page, or the enrolment page while no authenticator is enrolled yet. */
  const renderCode = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    errors: string[] = [],
  ) => {
    const { staff } = staffOf(req);
    const ctx = pageContext(req, deps.config.insurerName);
    const csrf = reply.generateCsrf();
    if (staff.totpEnrolled) return sendHtml(reply, TotpPage({ ctx, csrf, errors }), status);
    const secret = await pendingEnrolmentSecret(deps, staff.id);
    if (!secret)
      return sendHtml(
        reply,
        TotpPage({ ctx, csrf, errors: [...errors, ctx.t.admin.totp.unavailable] }),
        status,
      );
    const uri = totpKeyUri(
      secret,
      staff.username,
      `${ctx.t.web.portalName} ${deps.config.insurerName}`.slice(0, 60),
    );
    const qrDataUrl = await totpQrDataUrl(uri);
    return sendHtml(
      reply,
      EnrolPage({ ctx, csrf, qrDataUrl, secretText: formatTotpSecret(secret), errors }),
      status,
    );
  };

  scope.get('/connexion/code', pendingRoute, async (req, reply) => renderCode(req, reply));

  scope.post('/connexion/code', pendingRoute, async (req, reply) => {
    const { session } = staffOf(req);
    try {
      await enforceIpLimit(deps, req, 'staff-code');
      const { token } = await confirmStaffSecondFactor(deps, session, {
        code: field(req.body, 'code', 64) ?? '',
        ...clientOf(req),
      });
      setSessionCookie(reply, 'staff', token);
      return reply.redirect('/admin', 303);
    } catch (e) {
      if (!(e instanceof SesameError)) throw e;
      if (e.code === 'SESSION_REQUIRED') {
        clearSessionCookie(reply, 'staff');
        return reply.redirect('/admin/connexion?expire=1', 303);
      }
      return renderCode(req, reply, e.status, [refusal(req, e)]);
    }
  });

  // Open to any staff session (even password-only, even expired): signing out must always work.
  scope.post('/deconnexion', publicRoute, async (req, reply) => {
    const session = await readSession(req, deps, 'staff');
    if (session) {
      await endSession(deps.store.db, session.id);
      const row = await findStaffById(deps.store.db, session.subjectId);
      await recordAudit(
        deps.store.db,
        {
          event: 'staff-sign-out',
          outcome: 'success',
          actor: `staff:${row?.username ?? '?'}`,
          staffId: session.subjectId,
          ...clientOf(req),
        },
        deps.clock.now(),
      );
    }
    clearSessionCookie(reply, 'staff');
    return reply.redirect('/admin/connexion?fin=1', 303);
  });
}
