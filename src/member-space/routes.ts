import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { SesameError } from '../errors.js';
import { errorMessage } from '../i18n/errors.js';
import { maskEmail, maskMobile } from '../members/mask.js';
import type { HashParams } from '../passwords/hashing.js';
import type { RuleId } from '../passwords/policy.js';
import { endOtherSessions, endSession, type Session, updateSessionFlags } from '../sessions/sessions.js';
import { PolicyRefusal, setNewPassword } from '../sign-in/password-change.js';
import type { AppDeps } from '../web/app.js';
import { clearSessionCookie, clientOf, readSession } from '../web/auth.js';
import { field, pageContext, sendHtml } from '../web/context.js';
import { loadMemberSpace } from './data.js';
import { ChangePasswordPage, MemberSpacePage } from './views.js';

export interface MemberSpaceDeps extends AppDeps {
  readonly hashParams: HashParams;
}

export function memberSpaceRoutes(app: FastifyInstance, deps: MemberSpaceDeps): void {
  /** The member's session, or a redirect to sign-in; a provisional-password session goes nowhere but the new-password page. */
  const session = async (
    req: FastifyRequest,
    reply: FastifyReply,
    allowMustChange = false,
  ): Promise<Session | null> => {
    const s = await readSession(req, deps, 'member');
    if (!s) {
      clearSessionCookie(reply, 'member');
      await reply.redirect('/connexion?expire=1', 303);
      return null;
    }
    if (s.mustChangePassword && !allowMustChange) {
      await reply.redirect('/espace/nouveau-mot-de-passe', 303);
      return null;
    }
    return s;
  };

  const renderSpace = async (req: FastifyRequest, reply: FastifyReply, s: Session, notice?: string) => {
    const data = await loadMemberSpace(deps.store, s.subjectId, deps.clock.now());
    if (!data) {
      await endSession(deps.store.db, s.id);
      clearSessionCookie(reply, 'member');
      return reply.redirect('/connexion', 303);
    }
    return sendHtml(
      reply,
      MemberSpacePage({
        ctx: pageContext(req, deps.config.insurerName),
        csrf: reply.generateCsrf(),
        data,
        currentSessionId: s.id,
        maskedEmail: data.member.email ? maskEmail(data.member.email) : null,
        maskedMobile: data.member.mobile ? maskMobile(data.member.mobile) : null,
        notice,
        justSignedIn: (req.query as Record<string, unknown>).bienvenue === '1',
      }),
    );
  };

  app.get('/espace', async (req, reply) => {
    const s = await session(req, reply);
    if (!s) return reply;
    const q = req.query as Record<string, unknown>;
    const t = pageContext(req, deps.config.insurerName).t.sessions;
    const notice =
      q.modifie === '1' ? t.passwordChanged : q.partout === '1' ? t.signedOutEverywhere : undefined;
    return renderSpace(req, reply, s, notice);
  });

  const renderChange = (
    req: FastifyRequest,
    reply: FastifyReply,
    forced: boolean,
    opts: { status?: number; errors?: string[]; failed?: readonly RuleId[]; mismatch?: boolean } = {},
  ) =>
    sendHtml(
      reply,
      ChangePasswordPage({
        ctx: pageContext(req, deps.config.insurerName),
        csrf: reply.generateCsrf(),
        preset: deps.config.passwordPolicy,
        forced,
        ...opts,
      }),
      opts.status ?? 200,
    );

  const postChange = (forced: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const s = await session(req, reply, forced);
    if (!s) return reply;
    if (forced && !s.mustChangePassword) return reply.redirect('/espace/mot-de-passe', 303);
    try {
      await setNewPassword(
        { store: deps.store, hashParams: deps.hashParams, policy: deps.config.passwordPolicy },
        {
          memberId: s.subjectId,
          newPassword: field(req.body, 'new_password', 1024) ?? '',
          confirmation: field(req.body, 'confirm_password', 1024) ?? '',
          currentPassword: forced ? undefined : (field(req.body, 'current_password', 1024) ?? ''),
          keepSessionId: s.id,
          reason: forced ? 'provisional' : 'member-space',
          locale: req.locale,
          ...clientOf(req),
        },
        deps.clock.now(),
      );
    } catch (e) {
      if (e instanceof PolicyRefusal) {
        return renderChange(req, reply, forced, {
          status: 400,
          errors: [errorMessage(req.locale, 'PASSWORD_POLICY')],
          failed: e.failedRules as RuleId[],
        });
      }
      if (e instanceof SesameError) {
        return renderChange(req, reply, forced, {
          status: e.status,
          errors: [errorMessage(req.locale, e.code)],
          mismatch: e.code === 'PASSWORD_MISMATCH',
        });
      }
      throw e;
    }
    if (forced) await updateSessionFlags(deps.store, s.id, { mustChangePassword: false });
    return reply.redirect('/espace?modifie=1', 303);
  };

  app.get('/espace/mot-de-passe', async (req, reply) => {
    const s = await session(req, reply);
    if (!s) return reply;
    return renderChange(req, reply, false);
  });
  app.post('/espace/mot-de-passe', postChange(false));

  app.get('/espace/nouveau-mot-de-passe', async (req, reply) => {
    const s = await session(req, reply, true);
    if (!s) return reply;
    if (!s.mustChangePassword) return reply.redirect('/espace/mot-de-passe', 303);
    return renderChange(req, reply, true);
  });
  app.post('/espace/nouveau-mot-de-passe', postChange(true));

  app.post('/espace/deconnecter-partout', async (req, reply) => {
    const s = await session(req, reply);
    if (!s) return reply;
    const ended = await endOtherSessions(deps.store.db, 'member', s.subjectId, s.id);
    const member = await deps.store.db
      .selectFrom('members')
      .select('member_number')
      .where('id', '=', s.subjectId)
      .executeTakeFirst();
    await recordAudit(
      deps.store.db,
      {
        event: 'sign-out-everywhere',
        outcome: 'success',
        actor: `member:${member?.member_number ?? s.subjectId}`,
        memberId: s.subjectId,
        memberNumber: member?.member_number ?? null,
        ...clientOf(req),
        details: { ended },
      },
      deps.clock.now(),
    );
    return reply.redirect('/espace?partout=1', 303);
  });
}
