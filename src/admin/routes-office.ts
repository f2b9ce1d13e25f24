// Supervisors' pages: the dashboard (/admin), the letters desk and the audit log with its CSV export.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { pageContext, sendHtml } from '../web/context.js';
import { auditCsvStream, parseAuditFilter, queryAuditEvents } from './audit-log.js';
import { computeDashboard } from './dashboard.js';
import { parisDateKey } from './days.js';
import { type StaffAccess, staffOf } from './guard.js';
import {
  countLettersToPrint,
  loadLettersDesk,
  markLetterBatchPosted,
  printLetterBatch,
} from './letters-desk.js';
import { parsePage } from './lookup.js';
import { can } from './roles.js';
import type { AdminDeps } from './routes.js';
import { DashboardPage } from './views/dashboard.js';
import { DeskPage } from './views/desk.js';
import { JournalPage } from './views/journal.js';

const access = (staffAccess: StaffAccess) => ({ config: { staffAccess } });

export function officeRoutes(scope: FastifyInstance, deps: AdminDeps): void {
  // Every staff member lands here after sign-in; agents have no figures and go straight to the lookup.
  scope.get('/', access('lookup'), async (req, reply) => {
    const { staff } = staffOf(req);
    if (!can(staff.role, 'dashboard')) return reply.redirect('/admin/adherents', 303);
    const figures = await computeDashboard(deps.store, deps.clock.now());
    return sendHtml(
      reply,
      DashboardPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff,
        csrf: reply.generateCsrf(),
        figures,
      }),
    );
  });

  const renderDesk = async (
    req: FastifyRequest,
    reply: FastifyReply,
    notice?: { text: string; kind: 'success' | 'error' },
    status = 200,
  ) => {
    const desk = await loadLettersDesk(deps.store, deps.clock.now());
    return sendHtml(
      reply,
      DeskPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff: staffOf(req).staff,
        csrf: reply.generateCsrf(),
        desk,
        notice: notice?.text,
        noticeKind: notice?.kind,
      }),
      status,
    );
  };

  scope.get('/courriers', access('lettersDesk'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const batch = typeof q.poste === 'string' && /^\d{1,12}$/.test(q.poste) ? Number(q.poste) : undefined;
    const t = pageContext(req, deps.config.insurerName).t.admin.desk;
    return renderDesk(req, reply, batch ? { text: t.posted({ batch }), kind: 'success' } : undefined);
  });

  // « Imprimer le lot »: the answer is the PDF itself (a download), streamed as it is drawn.
  scope.post('/courriers/lot', access('lettersDesk'), async (req, reply) => {
    if ((await countLettersToPrint(deps.store)) === 0) {
      const t = pageContext(req, deps.config.insurerName).t.admin.desk;
      return renderDesk(req, reply, { text: t.nothingToPrint, kind: 'error' }, 409);
    }
    // The download ends only once the batch is committed: a complete file means recorded letters. A
    // download cut short stops the printing, and nothing is recorded (the letters stay pending).
    const pdf = new PassThrough();
    const body = new PassThrough();
    pdf.pipe(body, { end: false });
    let settled = false;
    body.on('close', () => {
      if (!settled) pdf.destroy(new Error('download interrupted'));
    });
    printLetterBatch(deps, staffOf(req).actor, pdf).then(
      () => {
        settled = true;
        body.end();
      },
      (err: unknown) => {
        settled = true;
        req.log.error({ err }, 'letter batch failed');
        body.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
    const stamp = new Date(deps.clock.now()).toISOString().slice(0, 16).replace(/[-:T]/g, '');
    return reply
      .header('content-disposition', `attachment; filename="courriers-${stamp}.pdf"`)
      .header('cache-control', 'no-store')
      .type('application/pdf')
      .send(body);
  });

  scope.post('/courriers/lots/:batch/poste', access('lettersDesk'), async (req, reply) => {
    const raw = (req.params as { batch: string }).batch;
    const batch = /^\d{1,12}$/.test(raw) ? Number(raw) : 0;
    const ok = batch > 0 && (await markLetterBatchPosted(deps, staffOf(req).actor, batch));
    if (ok) return reply.redirect(`/admin/courriers?poste=${batch}`, 303);
    const t = pageContext(req, deps.config.insurerName).t.admin.desk;
    return renderDesk(req, reply, { text: t.notPosted, kind: 'error' }, 409);
  });

  scope.get('/journal', access('auditLog'), async (req, reply) => {
    const { filter, form } = parseAuditFilter(req.query);
    const result = await queryAuditEvents(
      deps.store,
      filter,
      parsePage((req.query as Record<string, unknown>).page),
    );
    return sendHtml(
      reply,
      JournalPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff: staffOf(req).staff,
        csrf: reply.generateCsrf(),
        form,
        result,
      }),
    );
  });

  // A POST (with the CSRF token) rather than a link: an export is an audited act, not a page view.
  scope.post('/journal/export', access('auditExport'), async (req, reply) => {
    const { filter, form } = parseAuditFilter(req.body);
    const { actor } = staffOf(req);
    await recordAudit(
      deps.store.db,
      {
        event: 'audit-exported',
        outcome: 'success',
        actor: `staff:${actor.username}`,
        staffId: actor.id,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details: Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '')),
      },
      deps.clock.now(),
    );
    const name = `journal-audit-${parisDateKey(deps.clock.now())}.csv`;
    return reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .type('text/csv; charset=utf-8')
      .send(auditCsvStream(deps.store, filter));
  });
}
