import { escapeHtml } from '@kitajs/html';
import { CsrfField, ErrorSummary, Layout, MemberNumberField, type PageContext } from '../web/views/layout.js';

export interface SignInPageProps {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly memberNumber?: string;
  /** The operator's member-number format is not the default « 6 à 10 chiffres ». */
  readonly anyNumberFormat?: boolean;
  readonly errors?: readonly string[];
  readonly notice?: string;
  readonly antiRobot: JSX.Element;
  readonly scripts?: readonly string[];
  readonly stylesheets?: readonly string[];
}

export function SignInPage(p: SignInPageProps): JSX.Element {
  const { t } = p.ctx;
  const errors = p.errors ?? [];
  return (
    <Layout ctx={p.ctx} title={t.signIn.title} scripts={p.scripts} stylesheets={p.stylesheets}>
      <h1>{escapeHtml(t.signIn.title)}</h1>
      <p class="lead">
        <a href="/conseils-securite">{escapeHtml(t.signIn.adviceIntro)}</a>
      </p>
      {p.notice ? (
        <div class="alert alert--info" role="status">
          <p safe>{p.notice}</p>
        </div>
      ) : (
        ''
      )}
      <ErrorSummary messages={errors} title={t.web.errorSummary} />
      <form method="post" action="/connexion" class="card form" novalidate>
        <CsrfField token={p.csrf} />
        <MemberNumberField
          label={t.signIn.memberNumber}
          hint={p.anyNumberFormat ? t.signIn.memberNumberHintAnyFormat : t.signIn.memberNumberHint}
          digits={!p.anyNumberFormat}
          value={p.memberNumber}
          invalid={errors.length > 0}
        />
        <div class="field">
          <label for="password">{escapeHtml(t.signIn.password)}</label>
          <p class="hint" id="password-hint">
            {escapeHtml(t.signIn.passwordHint)}
          </p>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="1024"
            aria-describedby="password-hint"
            aria-invalid={errors.length > 0 ? 'true' : undefined}
          />
        </div>
        {p.antiRobot as 'safe'}
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.signIn.submit)}
          </button>
        </div>
      </form>
      <p class="secondary-links">
        <a href="/mot-de-passe-oublie">{escapeHtml(t.signIn.forgot)}</a>
      </p>
    </Layout>
  );
}
