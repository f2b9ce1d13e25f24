// Admin-only pages: staff accounts (create, disable, enable, reset the second factor) and the settings view.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditEvent, recordAudit } from '../audit/audit.js';
import { SETTINGS } from '../config/schema.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { field, pageContext, sendHtml } from '../web/context.js';
import { type StaffAccess, staffOf } from './guard.js';
import type { AdminDeps } from './routes.js';
import {
  createStaff,
  findStaffById,
  listStaff,
  normaliseUsername,
  resetStaffTotp,
  StaffRefusal,
  setStaffStatus,
} from './staff.js';
import { ConfirmPage } from './views/layout.js';
import { type SettingRow, SettingsPage, TeamPage } from './views/team.js';

const access = (staffAccess: StaffAccess) => ({ config: { staffAccess } });

export function teamRoutes(scope: FastifyInstance, deps: AdminDeps): void {
  const audit = (req: FastifyRequest, event: AuditEvent, details: Record<string, string | number>) => {
    const { actor } = staffOf(req);
    return recordAudit(
      deps.store.db,
      {
        event,
        outcome: 'success',
        actor: `staff:${actor.username}`,
        staffId: actor.id,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details,
      },
      deps.clock.now(),
    );
  };

  const renderTeam = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<Parameters<typeof TeamPage>[0]> = {},
    status = 200,
  ) =>
    sendHtml(
      reply,
      TeamPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff: staffOf(req).staff,
        csrf: reply.generateCsrf(),
        members: await listStaff(deps.store.db),
        preset: deps.config.passwordPolicy,
        ...extra,
      }),
      status,
    );

  scope.get('/equipe', access('manageStaff'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const t = pageContext(req, deps.config.insurerName).t.admin.team;
    // Only a well-formed username is echoed: the link cannot be used to put arbitrary words on the page.
    const who = typeof q.u === 'string' ? (normaliseUsername(q.u) ?? '') : '';
    const notices: Record<string, (p: { username: string }) => string> = {
      cree: t.created,
      desactive: t.disabled,
      reactive: t.enabled,
      '2fa': t.totpReset,
    };
    const make = typeof q.fait === 'string' && Object.hasOwn(notices, q.fait) ? notices[q.fait] : undefined;
    return renderTeam(req, reply, { notice: make && who ? make({ username: who }) : undefined });
  });

  scope.post('/equipe', access('manageStaff'), async (req, reply) => {
    const form = {
      username: (field(req.body, 'username', 256) ?? '').trim().slice(0, 64),
      displayName: (field(req.body, 'display_name', 256) ?? '').trim().slice(0, 100),
      role: field(req.body, 'role', 32) ?? '',
    };
    try {
      const created = await createStaff(
        deps.store.db,
        { ...form, password: field(req.body, 'password', 1024) ?? '' },
        { now: deps.clock.now(), hashParams: deps.hashParams, policy: deps.config.passwordPolicy },
      );
      await audit(req, 'staff-created', { username: created.username, role: created.role });
      return reply.redirect(`/admin/equipe?fait=cree&u=${encodeURIComponent(created.username)}`, 303);
    } catch (e) {
      if (!(e instanceof StaffRefusal)) throw e;
      const t = pageContext(req, deps.config.insurerName).t.admin.team;
      return renderTeam(
        req,
        reply,
        { form, errors: [t.refusals[e.reason]], failedRules: e.failedRules },
        400,
      );
    }
  });

  type Change = {
    path: string;
    done: string;
    question: 'confirmDisable' | 'confirmEnable' | 'confirmResetTotp';
    event: AuditEvent;
  };
  const changes: Change[] = [
    { path: 'desactiver', done: 'desactive', question: 'confirmDisable', event: 'staff-disabled' },
    { path: 'reactiver', done: 'reactive', question: 'confirmEnable', event: 'staff-enabled' },
    { path: 'reinitialiser-2fa', done: '2fa', question: 'confirmResetTotp', event: 'staff-totp-reset' },
  ];
  for (const change of changes) {
    const target = async (req: FastifyRequest) => {
      const raw = (req.params as { id: string }).id;
      const id = /^\d{1,12}$/.test(raw) ? Number(raw) : 0;
      const row = id > 0 ? await findStaffById(deps.store.db, id) : undefined;
      // Nobody disables or resets themselves here: an admin cannot lock the last admin out by mistake.
      return row && row.id !== staffOf(req).staff.id ? row : undefined;
    };
    const confirm = async (req: FastifyRequest, reply: FastifyReply) => {
      const row = await target(req);
      if (!row) return reply.callNotFound();
      const ctx = pageContext(req, deps.config.insurerName);
      return sendHtml(
        reply,
        ConfirmPage({
          ctx,
          staff: staffOf(req).staff,
          csrf: reply.generateCsrf(),
          section: 'team',
          question: ctx.t.admin.team[change.question]({ username: row.username }),
          help: '',
          action: `/admin/equipe/${row.id}/${change.path}`,
          cancelHref: '/admin/equipe',
          danger: change.path !== 'reactiver',
        }),
      );
    };
    scope.get(`/equipe/:id/${change.path}`, access('manageStaff'), confirm);
    scope.post(`/equipe/:id/${change.path}`, access('manageStaff'), async (req, reply) => {
      if ((req.body as Record<string, unknown> | undefined)?.confirm !== '1') return confirm(req, reply);
      const row = await target(req);
      if (!row) return reply.callNotFound();
      if (change.path === 'reactiver') await setStaffStatus(deps.store.db, row.id, 'active');
      else {
        if (change.path === 'desactiver') await setStaffStatus(deps.store.db, row.id, 'disabled');
        else await resetStaffTotp(deps.store.db, row.id);
        await endOtherSessions(deps.store.db, 'staff', row.id);
      }
      await audit(req, change.event, { username: row.username });
      return reply.redirect(`/admin/equipe?fait=${change.done}&u=${encodeURIComponent(row.username)}`, 303);
    });
  }

  scope.get('/reglages', access('viewSettings'), async (req, reply) => {
    const ctx = pageContext(req, deps.config.insurerName);
    const t = ctx.t.admin.settings;
    const values = deps.config as unknown as Record<string, unknown>;
    const rows: SettingRow[] = SETTINGS.map((s) => {
      const v = values[s.key];
      const text = v === undefined || v === '' ? '' : String(v);
      // Secrets are never shown, not even in part (issue 6: staff never see a secret).
      const value = s.secret ? (text ? t.secretSet : t.secretUnset) : hideUrlPassword(text) || t.empty;
      return { env: s.env, value, description: s.description };
    });
    return sendHtml(
      reply,
      SettingsPage({ ctx, staff: staffOf(req).staff, csrf: reply.generateCsrf(), rows }),
    );
  });
}

/** A database or Redis URL may carry a password even though the setting is not secret as a whole. */
export function hideUrlPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
