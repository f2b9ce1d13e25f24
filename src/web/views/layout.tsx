import type { Children } from '@kitajs/html';
import { escapeHtml } from '@kitajs/html';
import type { Texts } from '../../i18n/catalogue.js';
import type { Locale } from '../../i18n/types.js';

export interface PageContext {
  readonly locale: Locale;
  readonly t: Texts;
  readonly insurerName: string;
  /** Current path with the other language's ?lang= switch. */
  readonly switchHref: string;
}

export interface LayoutProps {
  readonly ctx: PageContext;
  readonly title: string;
  readonly children?: Children;
  /** Extra module scripts from our own origin (CSP: no inline script). */
  readonly scripts?: readonly string[];
  readonly stylesheets?: readonly string[];
  readonly wide?: boolean;
}

export function Layout({
  ctx,
  title,
  children,
  scripts = [],
  stylesheets = [],
  wide,
}: LayoutProps): JSX.Element {
  const { t } = ctx;
  return (
    <>
      {'<!doctype html>'}
      <html lang={ctx.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${title} — ${t.web.portalName} — ${ctx.insurerName}`}</title>
          <link rel="stylesheet" href="/assets/css/site.css" />
          {stylesheets.map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          {scripts.map((src) => (
            <script type="module" src={src} />
          ))}
        </head>
        <body>
          <a class="skip-link" href="#main">
            {escapeHtml(t.web.skipToContent)}
          </a>
          <header class="site-header">
            <div class="site-header__inner">
              <a class="brand" href="/">
                <span class="brand__logo" aria-hidden="true">
                  M
                </span>
                <span class="brand__name" safe>
                  {ctx.insurerName}
                </span>
              </a>
              <a class="lang-switch" href={ctx.switchHref} lang={ctx.locale === 'fr' ? 'en' : 'fr'}>
                <span class="visually-hidden">{escapeHtml(t.web.switchLanguageLabel)}</span>
                <span aria-hidden="true">{escapeHtml(t.web.switchLanguage)}</span>
              </a>
            </div>
          </header>
          <main id="main" class={wide ? 'page page--wide' : 'page'} tabindex="-1">
            {children as 'safe'}
          </main>
          <footer class="site-footer">
            <nav aria-label={ctx.locale === 'fr' ? 'Pied de page' : 'Footer'}>
              <ul>
                <li>
                  <a href="/conseils-securite">{escapeHtml(t.web.footerAdvice)}</a>
                </li>
                <li>{escapeHtml(t.web.footerAccessibility)}</li>
              </ul>
            </nav>
            <p>{escapeHtml(t.web.footerLegal)}</p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** An error summary at the top of a form (RGAA 11.10): announced and linked to the fields. */
export function ErrorSummary({
  messages,
  title,
}: {
  messages: readonly string[];
  title: string;
}): JSX.Element {
  if (messages.length === 0) return '';
  return (
    <div class="alert alert--error" role="alert">
      <p class="alert__title" safe>
        {title}
      </p>
      <ul>
        {messages.map((m) => (
          <li safe>{m}</li>
        ))}
      </ul>
    </div>
  );
}

export function CsrfField({ token }: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function MessagePage({
  ctx,
  title,
  message,
  link,
}: {
  ctx: PageContext;
  title: string;
  message: string;
  link?: { href: string; label: string };
}): JSX.Element {
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <p safe>{message}</p>
      {link ? (
        <p>
          <a class="button button--secondary" href={link.href} safe>
            {link.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </Layout>
  );
}

/** « N° adhérent » with its hint: the same field on the sign-in page and the recovery number step. */
export function MemberNumberField(p: {
  label: string;
  hint: string;
  value?: string;
  invalid: boolean;
  /** Digits only (the default format): phones then show their number pad. */
  digits: boolean;
}): JSX.Element {
  return (
    <div class="field">
      <label for="member_number" safe>
        {p.label}
      </label>
      <p class="hint" id="member_number-hint" safe>
        {p.hint}
      </p>
      <input
        id="member_number"
        name="member_number"
        type="text"
        inputmode={p.digits ? 'numeric' : undefined}
        autocomplete="username"
        required
        maxlength="20"
        aria-describedby="member_number-hint"
        aria-invalid={p.invalid ? 'true' : undefined}
        value={p.value ?? ''}
      />
    </div>
  );
}
