// /admin/adherents: lookup, the member page, and the four actions, each behind a confirmation page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDate } from '../i18n/format.js';
import { pageContext, sendHtml } from '../web/context.js';
import { cancelMemberLetter, endMemberSessions, orderLetterForMember, unlockMember } from './actions.js';
import { type StaffAccess, staffOf } from './guard.js';
import {
  findMemberForStaff,
  loadMemberFile,
  MAX_QUERY_LENGTH,
  parsePage,
  searchMembersForStaff,
} from './lookup.js';
import type { AdminDeps } from './routes.js';
import { ConfirmPage } from './views/layout.js';
import { LookupPage, MemberPage } from './views/members.js';

const access = (staffAccess: StaffAccess) => ({ config: { staffAccess } });
type Params = { number: string; letter?: string };

export function memberRoutes(scope: FastifyInstance, deps: AdminDeps): void {
  const numberPattern = new RegExp(deps.config.memberNumberPattern);
  const actionDeps = {
    store: deps.store,
    clock: deps.clock,
    letterIntervalDays: deps.config.letterIntervalDays,
  };

  scope.get('/adherents', access('lookup'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const raw = typeof q.q === 'string' ? q.q : '';
    const result = await searchMembersForStaff(deps.store, raw, parsePage(q.page), numberPattern);
    const { staff } = staffOf(req);
    return sendHtml(
      reply,
      LookupPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff,
        csrf: reply.generateCsrf(),
        result,
        shortened: raw.trim().length > MAX_QUERY_LENGTH,
      }),
    );
  });

  const renderMember = async (
    req: FastifyRequest,
    reply: FastifyReply,
    notice?: { text: string; kind: 'success' | 'error' },
    status = 200,
  ) => {
    const { number } = req.params as Params;
    const file = await loadMemberFile(deps.store, number, deps.clock.now());
    if (!file) return reply.callNotFound();
    return sendHtml(
      reply,
      MemberPage({
        ctx: pageContext(req, deps.config.insurerName),
        staff: staffOf(req).staff,
        csrf: reply.generateCsrf(),
        file,
        notice: notice?.text,
        noticeKind: notice?.kind,
      }),
      status,
    );
  };

  scope.get('/adherents/:number', access('lookup'), async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const t = pageContext(req, deps.config.insurerName).t.admin.done;
    const n = typeof q.n === 'string' && /^\d{1,4}$/.test(q.n) ? Number(q.n) : 0;
    const notices: Record<string, string> = {
      debloque: t.unlocked,
      sessions: t.sessionsEnded({ count: n }),
      courrier: t.letterOrdered,
      annule: t.letterCancelled,
    };
    const text = typeof q.fait === 'string' && Object.hasOwn(notices, q.fait) ? notices[q.fait] : undefined;
    return renderMember(req, reply, text ? { text, kind: 'success' } : undefined);
  });

  /** GET shows the confirmation; POST with confirm=1 acts, then goes back to the member page. */
  const action = (
    path: string,
    permission: StaffAccess,
    question: (
      req: FastifyRequest,
      name: string,
      number: string,
    ) => Promise<{ question: string; help: string } | null>,
    act: (
      req: FastifyRequest,
      reply: FastifyReply,
      member: { id: number; number: string },
    ) => Promise<unknown>,
  ) => {
    const confirmPage = async (req: FastifyRequest, reply: FastifyReply) => {
      const { number } = req.params as Params;
      const member = await findMemberForStaff(deps.store, number);
      if (!member) return reply.callNotFound();
      const text = await question(
        req,
        `${member.civility} ${member.firstName} ${member.lastName}`,
        member.number,
      );
      if (!text) return reply.callNotFound();
      return sendHtml(
        reply,
        ConfirmPage({
          ctx: pageContext(req, deps.config.insurerName),
          staff: staffOf(req).staff,
          csrf: reply.generateCsrf(),
          section: 'members',
          ...text,
          action: req.url.split('?')[0]!,
          cancelHref: `/admin/adherents/${encodeURIComponent(member.number)}`,
        }),
      );
    };
    scope.get(path, access(permission), confirmPage);
    scope.post(path, access(permission), async (req, reply) => {
      if ((req.body as Record<string, unknown> | undefined)?.confirm !== '1') return confirmPage(req, reply);
      const { number } = req.params as Params;
      const member = await findMemberForStaff(deps.store, number);
      if (!member) return reply.callNotFound();
      return act(req, reply, member);
    });
  };

  const memberUrl = (number: string, query: string) =>
    `/admin/adherents/${encodeURIComponent(number)}?${query}`;
  const texts = (req: FastifyRequest) => pageContext(req, deps.config.insurerName).t.admin;

  action(
    '/adherents/:number/debloquer',
    'unlock',
    async (req, name, number) => ({
      question: texts(req).confirm.unlock({ name, number }),
      help: texts(req).confirm.unlockHelp,
    }),
    async (req, reply, member) => {
      await unlockMember(actionDeps, staffOf(req).actor, member);
      return reply.redirect(memberUrl(member.number, 'fait=debloque'), 303);
    },
  );

  action(
    '/adherents/:number/fermer-sessions',
    'endSessions',
    async (req, name, number) => ({
      question: texts(req).confirm.endSessions({ name, number }),
      help: texts(req).confirm.endSessionsHelp,
    }),
    async (req, reply, member) => {
      const ended = await endMemberSessions(actionDeps, staffOf(req).actor, member);
      return reply.redirect(memberUrl(member.number, `fait=sessions&n=${ended}`), 303);
    },
  );

  action(
    '/adherents/:number/courrier',
    'orderLetter',
    async (req, name, number) => ({
      question: texts(req).confirm.orderLetter({ name, number }),
      help: texts(req).confirm.orderLetterHelp,
    }),
    async (req, reply, member) => {
      const answer = await orderLetterForMember(actionDeps, staffOf(req).actor, member);
      if (answer.status === 'queued') return reply.redirect(memberUrl(member.number, 'fait=courrier'), 303);
      const text = texts(req).done.letterTooSoon({
        date: formatDate(req.locale, answer.lastAt),
        next: formatDate(req.locale, answer.nextAt),
      });
      return renderMember(req, reply, { text, kind: 'error' }, 409);
    },
  );

  const letterOf = async (req: FastifyRequest, memberNumber: string) => {
    const id = Number((req.params as Params).letter);
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const letter = await deps.store.db
      .selectFrom('letters')
      .innerJoin('members', 'members.id', 'letters.member_id')
      .select(['letters.id', 'letters.requested_at', 'letters.status'])
      .where('letters.id', '=', id)
      .where('members.member_number', '=', memberNumber)
      .executeTakeFirst();
    return letter
      ? { id: Number(letter.id), requestedAt: letter.requested_at, status: letter.status }
      : undefined;
  };

  action(
    '/adherents/:number/courriers/:letter/annuler',
    'cancelLetter',
    async (req, _name, number) => {
      const letter = await letterOf(req, number);
      if (!letter) return null;
      return {
        question: texts(req).confirm.cancelLetter({ date: formatDate(req.locale, letter.requestedAt) }),
        help: texts(req).confirm.cancelLetterHelp,
      };
    },
    async (req, reply, member) => {
      const letter = await letterOf(req, member.number);
      if (!letter) return reply.callNotFound();
      const done = await cancelMemberLetter(actionDeps, staffOf(req).actor, member, letter.id);
      if (done) return reply.redirect(memberUrl(member.number, 'fait=annule'), 303);
      return renderMember(req, reply, { text: texts(req).done.letterNotCancelled, kind: 'error' }, 409);
    },
  );
}
