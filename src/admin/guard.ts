// The one role check of the back office: every /admin route declares what it needs in its config
// (`staffAccess`), and this hook enforces it before the handler runs. A route that declares nothing is
// treated as admin-only (deny by default, ASVS 8.1.1); a refusal is audited and answered with 403.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { errorMessage } from '../i18n/errors.js';
import type { Clock } from '../platform/clock.js';
import { endSession, type Session } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';
import { clearSessionCookie, clientOf, readSession } from '../web/auth.js';
import { pageContext, sendHtml } from '../web/context.js';
import { MessagePage } from '../web/views/layout.js';
import type { StaffActor } from './actions.js';
import { can, type Permission } from './roles.js';
import { findStaffById, type StaffMember, toStaffMember } from './staff.js';
import { SECOND_FACTOR_DEADLINE } from './staff-sign-in.js';

/** `public`: the sign-in page; `pending`: the code pages (password done, TOTP not yet); else a permission. */
export type StaffAccess = 'public' | 'pending' | Permission;

export interface StaffContext {
  readonly session: Session;
  readonly staff: StaffMember;
  readonly actor: StaffActor;
}

export const STAFF_SIGN_IN = '/admin/connexion';
export const STAFF_CODE = '/admin/connexion/code';

export function installStaffGuard(
  scope: FastifyInstance,
  deps: { store: Store; clock: Clock; config: { insurerName: string } },
): void {
  scope.decorateRequest('staff', null);
  scope.addHook('preHandler', async (req, reply) => {
    const access: StaffAccess = req.routeOptions.config?.staffAccess ?? 'manageStaff';
    if (access === 'public') return;
    const session = await readSession(req, deps, 'staff');
    const row = session ? await findStaffById(deps.store.db, session.subjectId) : undefined;
    if (!session || !row || row.status !== 'active') {
      if (session) await endSession(deps.store.db, session.id);
      clearSessionCookie(reply, 'staff');
      return reply.redirect(`${STAFF_SIGN_IN}?expire=1`, 303);
    }
    const staff = toStaffMember(row);
    const client = clientOf(req);
    const context: StaffContext = {
      session,
      staff,
      actor: { id: staff.id, username: staff.username, ...client },
    };
    if (access === 'pending') {
      if (session.secondFactor) return reply.redirect('/admin', 303);
      if (deps.clock.now() - session.createdAt > SECOND_FACTOR_DEADLINE) {
        await endSession(deps.store.db, session.id);
        clearSessionCookie(reply, 'staff');
        return reply.redirect(`${STAFF_SIGN_IN}?expire=1`, 303);
      }
      req.staff = context;
      return;
    }
    // Password alone opens nothing (issue 6: second factor mandatory).
    if (!session.secondFactor) return reply.redirect(STAFF_CODE, 303);
    if (!can(staff.role, access)) return refuse(req, reply, deps, context, access);
    req.staff = context;
  });
}

async function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: { store: Store; clock: Clock; config: { insurerName: string } },
  context: StaffContext,
  permission: Permission,
): Promise<FastifyReply> {
  await recordAudit(
    deps.store.db,
    {
      event: 'staff-access-denied',
      outcome: 'failure',
      actor: `staff:${context.staff.username}`,
      staffId: context.staff.id,
      ip: context.actor.ip,
      userAgent: context.actor.userAgent,
      details: { permission, method: req.method, route: req.routeOptions.url ?? '' },
    },
    deps.clock.now(),
  );
  const ctx = pageContext(req, deps.config.insurerName);
  return sendHtml(
    reply,
    MessagePage({
      ctx,
      title: ctx.t.admin.forbiddenTitle,
      message: errorMessage(req.locale, 'FORBIDDEN'),
      link: { href: '/admin/adherents', label: ctx.t.admin.nav.members },
    }),
    403,
  );
}

/** The staff context of a guarded route (set by the hook; absent only on `public` routes). */
export function staffOf(req: FastifyRequest): StaffContext {
  if (!req.staff) throw new Error('staff route without guard context');
  return req.staff;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    staffAccess?: StaffAccess;
  }
  interface FastifyRequest {
    staff: StaffContext | null;
  }
}
