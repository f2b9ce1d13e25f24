import { escapeHtml } from '@kitajs/html';
import { formatDateTime } from '../i18n/format.js';
import type { PolicyPreset, RuleId } from '../passwords/policy.js';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../web/views/layout.js';
import { PasswordFields } from '../web/views/password-fields.js';
import { describeDevice, type MemberSpaceData } from './data.js';

export interface MemberSpacePageProps {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly data: MemberSpaceData;
  readonly currentSessionId: string;
  readonly maskedEmail: string | null;
  readonly maskedMobile: string | null;
  readonly notice?: string;
  readonly justSignedIn: boolean;
}

export function MemberSpacePage(p: MemberSpacePageProps): JSX.Element {
  const { t, locale } = p.ctx;
  const s = t.sessions;
  const on = locale === 'fr' ? 'sur' : 'on';
  const device = (ua: string) => describeDevice(ua, s.unknownDevice, on);
  const { member } = p.data;
  return (
    <Layout ctx={p.ctx} title={s.spaceTitle} wide>
      <div class="space-header">
        <h1 safe>{s.welcome({ name: `${member.firstName} ${member.lastName}` })}</h1>
        <form method="post" action="/deconnexion">
          <CsrfField token={p.csrf} />
          <button type="submit" class="button button--secondary">
            {escapeHtml(s.signOut)}
          </button>
        </form>
      </div>
      {p.notice ? (
        <div class="alert alert--success" role="status">
          <p safe>{p.notice}</p>
        </div>
      ) : (
        ''
      )}
      <p safe>
        {p.data.previousSignIn
          ? s.previousSignIn({
              date: formatDateTime(locale, p.data.previousSignIn.at),
              ip: p.data.previousSignIn.ip,
              device: device(p.data.previousSignIn.userAgent),
            })
          : s.firstSignIn}
      </p>
      {p.data.previousSignIn ? <p class="hint">{escapeHtml(s.notYou)}</p> : ''}
      {p.data.passwordIsOld ? (
        <section
          class={p.justSignedIn ? 'alert alert--warning' : 'alert alert--info'}
          aria-labelledby="reminder-title"
        >
          <h2 id="reminder-title">{escapeHtml(s.passwordAgeTitle)}</h2>
          <p>{escapeHtml(s.passwordAge({ months: 6 }))}</p>
          <p>
            <a class="button" href="/espace/mot-de-passe">
              {escapeHtml(s.changeNow)}
            </a>
          </p>
        </section>
      ) : (
        ''
      )}
      <div class="grid">
        <section class="card" aria-labelledby="contact-title">
          <h2 id="contact-title">{escapeHtml(s.contactTitle)}</h2>
          <dl class="facts">
            <dt>{escapeHtml(s.email)}</dt>
            <dd safe>{p.maskedEmail ?? s.none}</dd>
            <dt>{escapeHtml(s.mobile)}</dt>
            <dd safe>{p.maskedMobile ?? s.none}</dd>
          </dl>
          <p class="hint">{escapeHtml(s.contactHelp)}</p>
        </section>
        <section class="card" aria-labelledby="password-title">
          <h2 id="password-title">{escapeHtml(s.changePasswordTitle)}</h2>
          <p>
            <a class="button button--secondary" href="/espace/mot-de-passe">
              {escapeHtml(s.changeNow)}
            </a>
          </p>
        </section>
      </div>
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{escapeHtml(s.sessionsTitle)}</h2>
        <ul class="sessions">
          {p.data.sessions.map((x) => (
            <li safe>
              {`${device(x.userAgent)} — ${s.sessionIp} ${x.ip} — ${s.sessionStarted} ${formatDateTime(locale, x.createdAt)}${
                x.id === p.currentSessionId ? ` (${s.sessionCurrent})` : ''
              }`}
            </li>
          ))}
        </ul>
        <form method="post" action="/espace/deconnecter-partout">
          <CsrfField token={p.csrf} />
          <button type="submit" class="button button--secondary">
            {escapeHtml(s.signOutEverywhere)}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{escapeHtml(s.historyTitle)}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{escapeHtml(s.historyDate)}</th>
                <th scope="col">{escapeHtml(s.historyOutcome)}</th>
                <th scope="col">{escapeHtml(s.historyIp)}</th>
                <th scope="col">{escapeHtml(s.historyDevice)}</th>
              </tr>
            </thead>
            <tbody>
              {p.data.history.map((h) => (
                <tr>
                  <td safe>{formatDateTime(locale, h.at)}</td>
                  <td>{escapeHtml(h.outcome === 'success' ? s.outcomeSuccess : s.outcomeFailure)}</td>
                  <td safe>{h.ip}</td>
                  <td safe>{device(h.userAgent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}

export interface ChangePasswordPageProps {
  readonly ctx: PageContext;
  readonly csrf: string;
  readonly preset: PolicyPreset;
  /** The provisional-password case: no current password asked, no way around it. */
  readonly forced: boolean;
  readonly errors?: readonly string[];
  readonly failed?: readonly RuleId[];
  readonly mismatch?: boolean;
}

export function ChangePasswordPage(p: ChangePasswordPageProps): JSX.Element {
  const { t } = p.ctx;
  const s = t.sessions;
  const title = p.forced ? s.mustChangeTitle : s.changePasswordTitle;
  return (
    <Layout ctx={p.ctx} title={title} scripts={['/assets/js/password-checklist.js']}>
      <h1>{escapeHtml(title)}</h1>
      {p.forced ? <p>{escapeHtml(s.mustChangeIntro)}</p> : ''}
      {p.preset === 'house' ? <p class="hint">{escapeHtml(s.guideAdvice)}</p> : ''}
      <ErrorSummary messages={p.errors ?? []} title={t.web.errorSummary} />
      <form
        method="post"
        action={p.forced ? '/espace/nouveau-mot-de-passe' : '/espace/mot-de-passe'}
        class="card form"
        novalidate
      >
        <CsrfField token={p.csrf} />
        {p.forced ? (
          ''
        ) : (
          <div class="field">
            <label for="current_password">{escapeHtml(s.currentPassword)}</label>
            <input
              id="current_password"
              name="current_password"
              type="password"
              autocomplete="current-password"
              required
              maxlength="1024"
            />
          </div>
        )}
        <PasswordFields
          t={t}
          preset={p.preset}
          newLabel={s.newPassword}
          confirmLabel={s.confirmPassword}
          failed={p.failed}
          mismatch={p.mismatch}
        />
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(s.save)}
          </button>
          {p.forced ? (
            ''
          ) : (
            <a class="button button--secondary" href="/espace">
              {escapeHtml(s.later)}
            </a>
          )}
        </div>
      </form>
    </Layout>
  );
}
