import { escapeHtml } from '@kitajs/html';
import type { PolicyPreset, RuleId } from '../passwords/policy.js';
import { CsrfField, ErrorSummary, Layout, MemberNumberField, type PageContext } from '../web/views/layout.js';
import { PasswordFields } from '../web/views/password-fields.js';
import type { FlowView } from './stored-flow.js';

const base = '/mot-de-passe-oublie';

export function IntroPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const r = ctx.t.recovery;
  return (
    <Layout ctx={ctx} title={r.title}>
      <h1>{escapeHtml(r.title)}</h1>
      <p class="lead">{escapeHtml(r.introLead)}</p>
      <p>{escapeHtml(r.introBody)}</p>
      <p>
        <a class="button" href={`${base}/numero`}>
          {escapeHtml(r.introButton)}
        </a>
      </p>
      <p class="secondary-links">
        <a href="/connexion">{escapeHtml(r.backToSignIn)}</a>
      </p>
    </Layout>
  );
}

export interface NumberPageProps {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly antiRobot: string;
  readonly scripts: readonly string[];
  readonly stylesheets: readonly string[];
  readonly errors?: readonly string[];
  readonly memberNumber?: string;
  /** The operator's member-number format is not the default « 6 à 10 chiffres ». */
  readonly anyNumberFormat?: boolean;
}

export function NumberPage(p: NumberPageProps): JSX.Element {
  const r = p.ctx.t.recovery;
  const errors = p.errors ?? [];
  return (
    <Layout ctx={p.ctx} title={r.numberTitle} scripts={p.scripts} stylesheets={p.stylesheets}>
      <p class="steps">{escapeHtml(r.stepOf({ step: 1 }))}</p>
      <h1>{escapeHtml(r.numberTitle)}</h1>
      <ErrorSummary messages={errors} title={p.ctx.t.web.errorSummary} />
      <form method="post" action={`${base}/numero`} class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <MemberNumberField
          label={r.numberLabel}
          hint={p.anyNumberFormat ? p.ctx.t.signIn.memberNumberHintAnyFormat : r.numberHint}
          digits={!p.anyNumberFormat}
          value={p.memberNumber}
          invalid={errors.length > 0}
        />
        {p.antiRobot as 'safe'}
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(r.validate)}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export interface FlowPageProps {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly flow: FlowView;
  readonly now: number;
  readonly preset: PolicyPreset;
  readonly errors?: readonly string[];
  readonly notice?: string;
  readonly failedRules?: readonly RuleId[];
  readonly mismatch?: boolean;
  readonly letterTooSoon?: { date: string; next: string };
}

function Alerts({ p }: { p: FlowPageProps }): JSX.Element {
  return (
    <>
      <ErrorSummary messages={p.errors ?? []} title={p.ctx.t.web.errorSummary} />
      {p.notice ? (
        <div class="alert alert--info" role="status">
          <p safe>{p.notice}</p>
        </div>
      ) : (
        ''
      )}
    </>
  );
}

/** One contact on file, masked, with its « Recevoir mon code par … » button. */
function ChannelForm(p: {
  action: string;
  csrf: string;
  channel: 'email' | 'sms';
  onFile: string;
  masked: string;
  button: string;
}): JSX.Element {
  return (
    <form method="post" action={p.action} class="card">
      <CsrfField token={p.csrf} />
      <input type="hidden" name="channel" value={p.channel} />
      <p>
        {escapeHtml(p.onFile)}{' '}
        <span class="masked" safe>
          {p.masked}
        </span>
      </p>
      <button type="submit" class="button" safe>
        {p.button}
      </button>
    </form>
  );
}

function ChannelStep({ p }: { p: FlowPageProps }): JSX.Element {
  const r = p.ctx.t.recovery;
  const f = p.flow;
  const action = `${base}/${f.id}/envoyer`;
  return (
    <>
      <p class="steps">{escapeHtml(r.stepOf({ step: 2 }))}</p>
      <h1>{escapeHtml(r.title)}</h1>
      <Alerts p={p} />
      <p>{escapeHtml(r.channelIntro)}</p>
      <div class="channel-choice">
        {f.email ? (
          <ChannelForm
            action={action}
            csrf={p.csrf}
            channel="email"
            onFile={r.emailOnFile}
            masked={f.email}
            button={r.byEmail}
          />
        ) : (
          ''
        )}
        {f.mobile ? (
          <ChannelForm
            action={action}
            csrf={p.csrf}
            channel="sms"
            onFile={r.mobileOnFile}
            masked={f.mobile}
            button={r.bySms}
          />
        ) : (
          ''
        )}
        {f.letterOffered ? (
          <form method="post" action={`${base}/${f.id}/courrier`} class="card">
            <CsrfField token={p.csrf} />
            <p>{escapeHtml(f.email || f.mobile ? r.letterOfferAll : r.letterOffer)}</p>
            <button type="submit" class={f.email || f.mobile ? 'button button--secondary' : 'button'}>
              {escapeHtml(r.byLetter)}
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
      {f.email || f.mobile ? (
        <>
          <p>
            <strong>{escapeHtml(r.keepOpen)}</strong>
          </p>
          {f.email ? <p class="hint">{escapeHtml(r.spamNote)}</p> : ''}
        </>
      ) : (
        ''
      )}
      <p class="hint">{escapeHtml(r.noContact)}</p>
    </>
  );
}

function CodeStep({ p }: { p: FlowPageProps }): JSX.Element {
  const r = p.ctx.t.recovery;
  const f = p.flow;
  const address = f.channel === 'sms' ? f.mobile : f.email;
  const wait = f.resendAt !== null ? Math.ceil((f.resendAt - p.now) / 1000) : 0;
  return (
    <>
      <p class="steps">{escapeHtml(r.stepOf({ step: 3 }))}</p>
      <h1>{escapeHtml(r.codeTitle)}</h1>
      <Alerts p={p} />
      <p safe>
        {r.sentTo({ channel: f.channel === 'sms' ? r.channelSms : r.channelEmail, address: address ?? '' })}
      </p>
      <form method="post" action={`${base}/${f.id}/code`} class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <div class="field">
          <label for="code">{escapeHtml(r.codeLabel)}</label>
          <p class="hint" id="code-hint">
            {escapeHtml(r.codeHint)} {escapeHtml(r.attemptsLeft({ left: f.attemptsLeft }))}
          </p>
          <input
            id="code"
            name="code"
            class="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]*"
            maxlength="12"
            required
            aria-describedby="code-hint"
            aria-invalid={(p.errors ?? []).length > 0 ? 'true' : undefined}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(r.validate)}
          </button>
        </div>
      </form>
      <p>
        <strong>{escapeHtml(r.samePage)}</strong>
      </p>
      {f.channel === 'email' ? <p class="hint">{escapeHtml(r.spamNote)}</p> : ''}
      <form method="post" action={`${base}/${f.id}/renvoyer`}>
        <CsrfField token={p.csrf} />
        {wait > 0 ? <p class="hint">{escapeHtml(r.resendWait({ seconds: wait }))}</p> : ''}
        <button type="submit" class="button button--link">
          {escapeHtml(r.resend)}
        </button>
      </form>
    </>
  );
}

function PasswordStep({ p }: { p: FlowPageProps }): JSX.Element {
  const r = p.ctx.t.recovery;
  return (
    <>
      <p class="steps">{escapeHtml(r.stepOf({ step: 4 }))}</p>
      <h1>{escapeHtml(r.passwordTitle)}</h1>
      <Alerts p={p} />
      <p>{escapeHtml(r.passwordIntro)}</p>
      {p.preset === 'house' ? <p class="hint">{escapeHtml(p.ctx.t.sessions.guideAdvice)}</p> : ''}
      <form method="post" action={`${base}/${p.flow.id}/mot-de-passe`} class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <PasswordFields
          t={p.ctx.t}
          preset={p.preset}
          newLabel={r.newPassword}
          confirmLabel={r.confirmPassword}
          failed={p.failedRules}
          mismatch={p.mismatch}
        />
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(r.validate)}
          </button>
        </div>
      </form>
    </>
  );
}

export function FlowPage(p: FlowPageProps): JSX.Element {
  const r = p.ctx.t.recovery;
  const f = p.flow;
  const titles: Record<FlowView['state'], string> = {
    choosing_channel: r.title,
    awaiting_code: r.codeTitle,
    code_verified: r.passwordTitle,
    completed: r.doneTitle,
    letter_requested: r.letterTitle,
    failed: r.failedTitle,
  };
  const scripts = f.state === 'code_verified' ? ['/assets/js/password-checklist.js'] : [];
  let body: JSX.Element;
  switch (f.state) {
    case 'choosing_channel':
      body = <ChannelStep p={p} />;
      break;
    case 'awaiting_code':
      body = <CodeStep p={p} />;
      break;
    case 'code_verified':
      body = <PasswordStep p={p} />;
      break;
    case 'completed':
      body = (
        <>
          <h1>{escapeHtml(r.doneTitle)}</h1>
          <Alerts p={p} />
          <div class="alert alert--success" role="status">
            <p>{escapeHtml(r.doneBody)}</p>
            {f.firstConnection ? <p>{escapeHtml(r.doneFirst)}</p> : ''}
          </div>
          <p>{escapeHtml(r.doneThanks)}</p>
          <p>
            <a class="button" href="/connexion">
              {escapeHtml(r.goSignIn)}
            </a>
          </p>
        </>
      );
      break;
    case 'letter_requested':
      body = (
        <>
          <h1>{escapeHtml(r.letterTitle)}</h1>
          <Alerts p={p} />
          {p.letterTooSoon ? (
            <div class="alert alert--warning" role="status">
              <p safe>{r.letterTooSoon(p.letterTooSoon)}</p>
            </div>
          ) : (
            <div class="alert alert--success" role="status">
              <p>{escapeHtml(r.letterBody)}</p>
            </div>
          )}
          <p>{escapeHtml(r.letterThen)}</p>
          <p>
            <a class="button button--secondary" href="/connexion">
              {escapeHtml(r.backToSignIn)}
            </a>
          </p>
        </>
      );
      break;
    default:
      body = (
        <>
          <h1>{escapeHtml(r.failedTitle)}</h1>
          <Alerts p={p} />
          <p>
            <a class="button" href={`${base}/numero`}>
              {escapeHtml(r.restart)}
            </a>
          </p>
        </>
      );
  }
  return (
    <Layout ctx={p.ctx} title={titles[f.state]} scripts={scripts}>
      {body as 'safe'}
    </Layout>
  );
}
