import { escapeHtml } from '@kitajs/html';
import { describePolicy, describeRule, type PolicyPreset, type RuleId } from '../../passwords/policy.js';
import { CsrfField, ErrorSummary } from '../../web/views/layout.js';
import { STAFF_ROLES } from '../roles.js';
import type { StaffMember } from '../staff.js';
import { AdminLayout, type AdminPageBase, Notice } from './layout.js';

export interface TeamForm {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
}

export function TeamPage(
  p: AdminPageBase & {
    readonly members: readonly StaffMember[];
    readonly form?: TeamForm;
    readonly errors?: readonly string[];
    readonly failedRules?: readonly RuleId[];
    readonly preset: PolicyPreset;
    readonly notice?: string;
  },
): JSX.Element {
  const { ctx } = p;
  const t = ctx.t.admin.team;
  const roles = ctx.t.admin.roles;
  const policy = describePolicy(p.preset);
  const errors = [
    ...(p.errors ?? []),
    ...(p.failedRules ?? []).map((id) => describeRule(ctx.t.passwords, id, policy)),
  ];
  return (
    <AdminLayout ctx={ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="team">
      <h1>{escapeHtml(t.title)}</h1>
      <Notice text={p.notice} />
      <section aria-labelledby="staff-list-title">
        <h2 id="staff-list-title">{escapeHtml(t.listTitle)}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{escapeHtml(t.columns.username)}</th>
                <th scope="col">{escapeHtml(t.columns.name)}</th>
                <th scope="col">{escapeHtml(t.columns.role)}</th>
                <th scope="col">{escapeHtml(t.columns.status)}</th>
                <th scope="col">{escapeHtml(t.columns.totp)}</th>
                <th scope="col">{escapeHtml(t.columns.action)}</th>
              </tr>
            </thead>
            <tbody>
              {p.members.map((m) => (
                <tr>
                  <td safe>{m.username}</td>
                  <td safe>{m.displayName}</td>
                  <td safe>{roles[m.role]}</td>
                  <td safe>{t.statuses[m.status] ?? m.status}</td>
                  <td safe>{m.totpEnrolled ? t.totpOn : t.totpPending}</td>
                  <td>
                    {m.id === p.staff.id ? (
                      ''
                    ) : (
                      <ul class="action-list action-list--compact">
                        <li>
                          {m.status === 'active' ? (
                            <a href={`/admin/equipe/${m.id}/desactiver`}>{escapeHtml(t.disable)}</a>
                          ) : (
                            <a href={`/admin/equipe/${m.id}/reactiver`}>{escapeHtml(t.enable)}</a>
                          )}
                        </li>
                        {m.totpEnrolled ? (
                          <li>
                            <a href={`/admin/equipe/${m.id}/reinitialiser-2fa`}>{escapeHtml(t.resetTotp)}</a>
                          </li>
                        ) : (
                          ''
                        )}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="create-title">
        <h2 id="create-title">{escapeHtml(t.createTitle)}</h2>
        <ErrorSummary messages={errors} title={ctx.t.web.errorSummary} />
        <form method="post" action="/admin/equipe" class="card form" novalidate>
          <CsrfField token={p.csrf} />
          <div class="field">
            <label for="username">{escapeHtml(t.username)}</label>
            <p class="hint" id="username-hint">
              {escapeHtml(t.usernameHint)}
            </p>
            <input
              id="username"
              name="username"
              type="text"
              autocomplete="off"
              autocapitalize="none"
              required
              maxlength="64"
              aria-describedby="username-hint"
              value={p.form?.username ?? ''}
            />
          </div>
          <div class="field">
            <label for="display_name">{escapeHtml(t.displayName)}</label>
            <input
              id="display_name"
              name="display_name"
              type="text"
              required
              maxlength="100"
              value={p.form?.displayName ?? ''}
            />
          </div>
          <div class="field">
            <label for="role">{escapeHtml(t.role)}</label>
            <select id="role" name="role" required>
              {STAFF_ROLES.map((r) => (
                <option value={r} selected={(p.form?.role ?? 'agent') === r}>
                  {escapeHtml(roles[r])}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="password">{escapeHtml(t.password)}</label>
            <p class="hint" id="password-hint">
              {escapeHtml(t.passwordHint)}
            </p>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="new-password"
              required
              maxlength="1024"
              aria-describedby="password-hint"
            />
          </div>
          <div class="actions">
            <button type="submit" class="button">
              {escapeHtml(t.create)}
            </button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}

export interface SettingRow {
  readonly env: string;
  readonly value: string;
  readonly description: string;
}

export function SettingsPage(p: AdminPageBase & { readonly rows: readonly SettingRow[] }): JSX.Element {
  const t = p.ctx.t.admin.settings;
  return (
    <AdminLayout ctx={p.ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="settings">
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{escapeHtml(t.columns.name)}</th>
              <th scope="col">{escapeHtml(t.columns.value)}</th>
              <th scope="col">{escapeHtml(t.columns.description)}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                <th scope="row" class="masked" safe>
                  {r.env}
                </th>
                <td class="masked" safe>
                  {r.value}
                </td>
                <td lang="en" safe>
                  {r.description}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}
