import { escapeHtml } from '@kitajs/html';
import { formatDateTime } from '../../i18n/format.js';
import { CsrfField } from '../../web/views/layout.js';
import type { AuditFilterForm, AuditRow } from '../audit-log.js';
import { can } from '../roles.js';
import { AdminLayout, type AdminPageBase, Pagination } from './layout.js';

export function JournalPage(
  p: AdminPageBase & {
    readonly form: AuditFilterForm;
    readonly result: { items: readonly AuditRow[]; total: number; page: number; pages: number };
  },
): JSX.Element {
  const { ctx, form, result } = p;
  const t = ctx.t.admin.journal;
  const labels = ctx.t.admin.events as Record<string, string>;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (v) params[k] = v;
  return (
    <AdminLayout ctx={ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="journal">
      <h1>{escapeHtml(t.title)}</h1>
      <form method="get" action="/admin/journal" class="card form filters">
        <fieldset>
          <legend>{escapeHtml(t.filtersTitle)}</legend>
          <div class="filters__grid">
            <div class="field">
              <label for="member">{escapeHtml(t.member)}</label>
              <input
                id="member"
                name="member"
                type="text"
                inputmode="numeric"
                maxlength="64"
                value={form.member}
              />
            </div>
            <div class="field">
              <label for="staff">{escapeHtml(t.staff)}</label>
              <input
                id="staff"
                name="staff"
                type="text"
                maxlength="64"
                autocapitalize="none"
                value={form.staff}
              />
            </div>
            <div class="field">
              <label for="event">{escapeHtml(t.event)}</label>
              <select id="event" name="event">
                <option value="">{escapeHtml(t.anyEvent)}</option>
                {Object.entries(labels).map(([key, label]) => (
                  <option value={key} selected={form.event === key}>
                    {label as 'safe'}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="from">{escapeHtml(t.from)}</label>
              <input id="from" name="from" type="date" aria-describedby="date-hint" value={form.from} />
            </div>
            <div class="field">
              <label for="to">{escapeHtml(t.to)}</label>
              <input id="to" name="to" type="date" aria-describedby="date-hint" value={form.to} />
            </div>
          </div>
          <p class="hint" id="date-hint">
            {escapeHtml(t.dateHint)}
          </p>
        </fieldset>
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.filter)}
          </button>
          <a class="button button--secondary" href="/admin/journal">
            {escapeHtml(t.reset)}
          </a>
        </div>
      </form>
      {can(p.staff.role, 'auditExport') ? (
        <form method="post" action="/admin/journal/export" class="inline-form">
          <CsrfField token={p.csrf} />
          {Object.entries(params).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <p class="hint" id="export-help">
            {escapeHtml(t.exportHelp)}
          </p>
          <button type="submit" class="button button--secondary" aria-describedby="export-help">
            {escapeHtml(t.export)}
          </button>
        </form>
      ) : (
        ''
      )}
      <h2 safe>{t.count({ count: result.total })}</h2>
      {result.items.length === 0 ? (
        <p>{escapeHtml(t.none)}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{escapeHtml(t.columns.date)}</th>
                <th scope="col">{escapeHtml(t.columns.event)}</th>
                <th scope="col">{escapeHtml(t.columns.outcome)}</th>
                <th scope="col">{escapeHtml(t.columns.actor)}</th>
                <th scope="col">{escapeHtml(t.columns.member)}</th>
                <th scope="col">{escapeHtml(t.columns.ip)}</th>
                <th scope="col">{escapeHtml(t.columns.details)}</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((e) => (
                <tr class={e.outcome === 'failure' ? 'is-failure' : undefined}>
                  <td safe>{formatDateTime(ctx.locale, e.at)}</td>
                  <td safe>{labels[e.event] ?? e.event}</td>
                  <td safe>{ctx.t.admin.outcomes[e.outcome] ?? e.outcome}</td>
                  <td safe>{e.actor}</td>
                  <td>
                    {e.member_number ? (
                      <a href={`/admin/adherents/${encodeURIComponent(e.member_number)}`} safe>
                        {e.member_number}
                      </a>
                    ) : (
                      ''
                    )}
                  </td>
                  <td safe>{e.ip ?? ''}</td>
                  <td class="details" safe>
                    {e.details ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} base="/admin/journal" params={params} page={result.page} pages={result.pages} />
    </AdminLayout>
  );
}
