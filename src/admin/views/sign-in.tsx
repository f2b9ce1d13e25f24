import { escapeHtml } from '@kitajs/html';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/views/layout.js';

export function StaffSignInPage(p: {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly username?: string;
  readonly errors?: readonly string[];
  readonly notice?: string;
  readonly antiRobot: JSX.Element;
  readonly scripts?: readonly string[];
  readonly stylesheets?: readonly string[];
}): JSX.Element {
  const t = p.ctx.t.admin.signIn;
  const errors = p.errors ?? [];
  return (
    <Layout ctx={p.ctx} title={t.title} scripts={p.scripts} stylesheets={p.stylesheets}>
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      {p.notice ? (
        <div class="alert alert--info" role="status">
          <p safe>{p.notice}</p>
        </div>
      ) : (
        ''
      )}
      <ErrorSummary messages={errors} title={p.ctx.t.web.errorSummary} />
      <form method="post" action="/admin/connexion" class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <div class="field">
          <label for="username">{escapeHtml(t.username)}</label>
          <input
            id="username"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            required
            maxlength="64"
            aria-invalid={errors.length > 0 ? 'true' : undefined}
            value={p.username ?? ''}
          />
        </div>
        <div class="field">
          <label for="password">{escapeHtml(t.password)}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="1024"
            aria-invalid={errors.length > 0 ? 'true' : undefined}
          />
        </div>
        {p.antiRobot as 'safe'}
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.submit)}
          </button>
        </div>
      </form>
    </Layout>
  );
}

function CodeField({ ctx, invalid }: { ctx: PageContext; invalid: boolean }): JSX.Element {
  const t = ctx.t.admin.totp;
  return (
    <div class="field">
      <label for="code">{escapeHtml(t.code)}</label>
      <p class="hint" id="code-hint">
        {escapeHtml(t.codeHint)}
      </p>
      <input
        id="code"
        name="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 ]*"
        required
        maxlength="12"
        class="input--code"
        aria-describedby="code-hint"
        aria-invalid={invalid ? 'true' : undefined}
      />
    </div>
  );
}

function CancelSignIn({ ctx, csrf }: { ctx: PageContext; csrf: string }): JSX.Element {
  return (
    <form method="post" action="/admin/deconnexion" class="secondary-links">
      <CsrfField token={csrf} />
      <button type="submit" class="button button--link">
        {escapeHtml(ctx.t.admin.totp.cancel)}
      </button>
    </form>
  );
}

export function TotpPage(p: {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly errors?: readonly string[];
}): JSX.Element {
  const t = p.ctx.t.admin.totp;
  const errors = p.errors ?? [];
  return (
    <Layout ctx={p.ctx} title={t.title}>
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      <ErrorSummary messages={errors} title={p.ctx.t.web.errorSummary} />
      <form method="post" action="/admin/connexion/code" class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <CodeField ctx={p.ctx} invalid={errors.length > 0} />
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.submit)}
          </button>
        </div>
      </form>
      <CancelSignIn ctx={p.ctx} csrf={p.csrf} />
    </Layout>
  );
}

/** First sign-in: the QR code and the same secret as text (for staff who cannot scan: WCAG 1.1.1). */
export function EnrolPage(p: {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly qrDataUrl: string;
  readonly secretText: string;
  readonly errors?: readonly string[];
}): JSX.Element {
  const t = p.ctx.t.admin.enrol;
  const errors = p.errors ?? [];
  return (
    <Layout ctx={p.ctx} title={t.title}>
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      <ErrorSummary messages={errors} title={p.ctx.t.web.errorSummary} />
      <ol class="enrol-steps">
        <li>{escapeHtml(t.step1)}</li>
        <li>
          <p>{escapeHtml(t.step2)}</p>
          <img class="qr-code" src={p.qrDataUrl} alt={t.qrAlt} width="240" height="240" />
          <p>{escapeHtml(t.manual)}</p>
          <p class="masked totp-secret" safe>
            {p.secretText}
          </p>
        </li>
        <li>{escapeHtml(t.step3)}</li>
      </ol>
      <form method="post" action="/admin/connexion/code" class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <CodeField ctx={p.ctx} invalid={errors.length > 0} />
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.submit)}
          </button>
        </div>
      </form>
      <CancelSignIn ctx={p.ctx} csrf={p.csrf} />
    </Layout>
  );
}
