import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SesameError } from '../errors.js';
import { errorMessage } from '../i18n/errors.js';
import { formatDate } from '../i18n/format.js';
import { memberNumberRule } from '../members/validate.js';
import type { RuleId } from '../passwords/policy.js';
import { PolicyRefusal } from '../sign-in/password-change.js';
import { enforceIpLimit, limitAndCheck, type SignInRouteDeps } from '../sign-in/routes.js';
import { COOKIE_DEFAULTS } from '../web/app.js';
import { clientOf } from '../web/auth.js';
import { field, pageContext, sendHtml } from '../web/context.js';
import { MessagePage } from '../web/views/layout.js';
import { CodeRefusal, checkCode, resendCode, sendCode } from './codes.js';
import { bindingToken, completeWithPassword, requestLetterByPost, startRecovery, viewFlow } from './flow.js';
import type { Channel } from './stored-flow.js';
import { FlowPage, IntroPage, NumberPage } from './views.js';

/** Binds every flow to the browser that started it (« sur la même page internet »). */
export const BINDING_COOKIE = '__Host-recovery';
const base = '/mot-de-passe-oublie';

// Errors after which the flow cannot go on: the page says what to do and links to a fresh start.
const DEAD_ENDS = new Set(['FLOW_NOT_FOUND', 'FLOW_EXPIRED', 'FLOW_OTHER_BROWSER']);

export function recoveryRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const numberRule = memberNumberRule(deps.config.memberNumberPattern);
  const binding = (req: FastifyRequest) => req.cookies[BINDING_COOKIE];
  const flowId = (req: FastifyRequest) => (req.params as { id: string }).id;

  const renderNumber = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    errors: string[] = [],
    memberNumber = '',
  ) => {
    const challenge = await deps.antiRobot.render(req.locale);
    return sendHtml(
      reply,
      NumberPage({
        ctx: pageContext(req, deps.config.insurerName),
        csrf: reply.generateCsrf(),
        antiRobot: challenge.html,
        scripts: challenge.scripts,
        stylesheets: challenge.stylesheets,
        errors,
        memberNumber: memberNumber.slice(0, 20),
        anyNumberFormat: !numberRule.isDefault,
      }),
      status,
    );
  };

  const renderFlow = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: {
      status?: number;
      error?: SesameError;
      notice?: string;
      letterTooSoon?: { date: string; next: string };
      firstConnection?: boolean;
    } = {},
  ) => {
    const ctx = pageContext(req, deps.config.insurerName);
    try {
      const e = opts.error;
      const viewed = e instanceof CodeRefusal ? e.flow : await viewFlow(deps, flowId(req), binding(req));
      const flow = opts.firstConnection ? { ...viewed, firstConnection: true } : viewed;
      return sendHtml(
        reply,
        FlowPage({
          ctx,
          csrf: reply.generateCsrf(),
          flow,
          now: deps.clock.now(),
          preset: deps.config.passwordPolicy,
          errors: e ? [errorMessage(req.locale, e.code, e.params)] : [],
          notice: opts.notice,
          failedRules: e instanceof PolicyRefusal ? (e.failedRules as RuleId[]) : undefined,
          mismatch: e?.code === 'PASSWORD_MISMATCH',
          letterTooSoon: opts.letterTooSoon,
        }),
        opts.status ?? (e ? e.status : 200),
      );
    } catch (err) {
      if (err instanceof SesameError && DEAD_ENDS.has(err.code)) {
        return sendHtml(
          reply,
          MessagePage({
            ctx,
            title: ctx.t.recovery.failedTitle,
            message: errorMessage(req.locale, err.code),
            link: { href: `${base}/numero`, label: ctx.t.recovery.restart },
          }),
          err.status,
        );
      }
      throw err;
    }
  };

  /** Runs one transition; a refusal re-renders the same page with the message (no 500, nothing lost). */
  const transition =
    (run: (req: FastifyRequest) => Promise<string | undefined>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        const notice = await run(req);
        return reply.redirect(`${base}/${flowId(req)}${notice ? `?${notice}=1` : ''}`, 303);
      } catch (e) {
        if (e instanceof SesameError) return renderFlow(req, reply, { error: e });
        throw e;
      }
    };

  app.get(base, async (req, reply) =>
    sendHtml(reply, IntroPage({ ctx: pageContext(req, deps.config.insurerName) })),
  );

  app.get(`${base}/numero`, async (req, reply) => renderNumber(req, reply));

  app.post(`${base}/numero`, async (req, reply) => {
    const memberNumber = (field(req.body, 'member_number', 64) ?? '').trim();
    const gate = await limitAndCheck(deps, req, 'recovery-start');
    if (gate)
      return renderNumber(req, reply, gate.status, [errorMessage(req.locale, gate.code)], memberNumber);
    if (!memberNumber) {
      const t = pageContext(req, deps.config.insurerName).t;
      return renderNumber(req, reply, 400, [
        errorMessage(req.locale, 'FIELD_REQUIRED', { field: t.recovery.numberLabel }),
      ]);
    }
    if (!numberRule.regex.test(memberNumber)) {
      return renderNumber(req, reply, 400, [errorMessage(req.locale, numberRule.refusal)], memberNumber);
    }
    const token = bindingToken(deps.random, binding(req));
    reply.setCookie(BINDING_COOKIE, token, { ...COOKIE_DEFAULTS, maxAge: 2 * 3600 });
    const id = await startRecovery(deps, {
      memberNumber,
      binding: token,
      locale: req.locale,
      ...clientOf(req),
    });
    return reply.redirect(`${base}/${id}`, 303);
  });

  app.get(`${base}/:id`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const notice =
      q.renvoye === '1' ? pageContext(req, deps.config.insurerName).t.recovery.codeSentAgain : undefined;
    return renderFlow(req, reply, { notice, firstConnection: q.ouvert === '1' });
  });

  app.post(
    `${base}/:id/envoyer`,
    transition(async (req) => {
      const channel = field(req.body, 'channel', 10);
      if (channel !== 'email' && channel !== 'sms') throw new SesameError('BAD_REQUEST', 'channel');
      await sendCode(deps, flowId(req), binding(req), channel as Channel, clientOf(req));
      return undefined;
    }),
  );

  app.post(
    `${base}/:id/renvoyer`,
    transition(async (req) => {
      await resendCode(deps, flowId(req), binding(req), clientOf(req));
      return 'renvoye';
    }),
  );

  app.post(
    `${base}/:id/code`,
    transition(async (req) => {
      await enforceIpLimit(deps, req, 'code-check');
      await checkCode(deps, flowId(req), binding(req), field(req.body, 'code', 64) ?? '', clientOf(req));
      return undefined;
    }),
  );

  app.post(
    `${base}/:id/mot-de-passe`,
    transition(async (req) => {
      const done = await completeWithPassword(deps, flowId(req), binding(req), {
        newPassword: field(req.body, 'new_password', 1024) ?? '',
        confirmation: field(req.body, 'confirm_password', 1024) ?? '',
        locale: req.locale,
        ...clientOf(req),
      });
      // The credential now exists, so the page cannot tell a first connection any more: say it in the URL.
      return done.firstConnection ? 'ouvert' : undefined;
    }),
  );

  app.post(`${base}/:id/courrier`, async (req, reply) => {
    try {
      const answer = await requestLetterByPost(deps, flowId(req), binding(req), clientOf(req));
      if (answer.status === 'too_soon') {
        return renderFlow(req, reply, {
          status: 200,
          letterTooSoon: {
            date: formatDate(req.locale, answer.lastAt),
            next: formatDate(req.locale, answer.nextAt),
          },
        });
      }
      return reply.redirect(`${base}/${flowId(req)}`, 303);
    } catch (e) {
      if (e instanceof SesameError) return renderFlow(req, reply, { error: e });
      throw e;
    }
  });
}
