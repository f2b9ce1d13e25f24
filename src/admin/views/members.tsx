import { escapeHtml } from '@kitajs/html';
import { formatDateTime } from '../../i18n/format.js';
import { maskEmail, maskMobile } from '../../members/mask.js';
import type { PageContext } from '../../web/views/layout.js';
import { CANCELLABLE_LETTER_STATUSES } from '../actions.js';
import type { LookupResult, MemberFile, MemberFileEvent } from '../lookup.js';
import { can } from '../roles.js';
import { AdminLayout, type AdminPageBase, Notice, Pagination } from './layout.js';

export function LookupPage(
  p: AdminPageBase & { readonly result: LookupResult; readonly shortened: boolean },
): JSX.Element {
  const t = p.ctx.t.admin.lookup;
  const statuses = p.ctx.t.admin.member.statuses;
  const r = p.result;
  return (
    <AdminLayout ctx={p.ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="members">
      <h1>{escapeHtml(t.title)}</h1>
      <form method="get" action="/admin/adherents" class="card form search-form">
        <div class="field">
          <label for="q">{escapeHtml(t.query)}</label>
          <p class="hint" id="q-hint">
            {escapeHtml(t.queryHint)}
          </p>
          <input id="q" name="q" type="search" maxlength="100" aria-describedby="q-hint" value={r.query} />
        </div>
        <div class="actions">
          <button type="submit" class="button">
            {escapeHtml(t.submit)}
          </button>
        </div>
      </form>
      {p.shortened ? <Notice kind="info" text={t.shortened} /> : ''}
      {r.query ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title" safe>
            {t.results({ count: r.total })}
          </h2>
          {r.items.length === 0 ? (
            <p>{escapeHtml(t.noResults)}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{escapeHtml(t.columns.number)}</th>
                    <th scope="col">{escapeHtml(t.columns.name)}</th>
                    <th scope="col">{escapeHtml(t.columns.status)}</th>
                    <th scope="col">{escapeHtml(t.columns.city)}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((m) => (
                    <tr>
                      <td>
                        <a href={`/admin/adherents/${encodeURIComponent(m.number)}`} safe>
                          {m.number}
                        </a>
                      </td>
                      <td safe>{`${m.civility} ${m.lastName} ${m.firstName}`}</td>
                      <td safe>{statuses[m.status] ?? m.status}</td>
                      <td safe>{m.city ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination
            ctx={p.ctx}
            base="/admin/adherents"
            params={{ q: r.query }}
            page={r.page}
            pages={r.pages}
          />
        </section>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

function EventsTable({ ctx, events }: { ctx: PageContext; events: readonly MemberFileEvent[] }): JSX.Element {
  const t = ctx.t.admin;
  const labels = t.events as Record<string, string>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{escapeHtml(t.member.columns.date)}</th>
            <th scope="col">{escapeHtml(t.member.columns.event)}</th>
            <th scope="col">{escapeHtml(t.member.columns.outcome)}</th>
            <th scope="col">{escapeHtml(t.member.columns.actor)}</th>
            <th scope="col">{escapeHtml(t.member.columns.ip)}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr class={e.outcome === 'failure' ? 'is-failure' : undefined}>
              <td safe>{formatDateTime(ctx.locale, e.at)}</td>
              <td safe>{labels[e.event] ?? e.event}</td>
              <td safe>{t.outcomes[e.outcome] ?? e.outcome}</td>
              <td safe>{e.actor}</td>
              <td safe>{e.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActionLink({ href, label }: { href: string; label: string }): JSX.Element {
  return (
    <li>
      <a class="button button--secondary" href={href}>
        {label as 'safe'}
      </a>
    </li>
  );
}

export function MemberPage(
  p: AdminPageBase & {
    readonly file: MemberFile;
    readonly notice?: string;
    readonly noticeKind?: 'success' | 'error';
  },
): JSX.Element {
  const { ctx, file } = p;
  const t = ctx.t.admin.member;
  const m = file.member;
  const name = `${m.civility} ${m.firstName} ${m.lastName}`;
  const base = `/admin/adherents/${encodeURIComponent(m.number)}`;
  const role = p.staff.role;
  const date = (ms: number) => formatDateTime(ctx.locale, ms);
  return (
    <AdminLayout
      ctx={ctx}
      staff={p.staff}
      csrf={p.csrf}
      title={t.heading({ name, number: m.number })}
      section="members"
    >
      <h1 safe>{t.heading({ name, number: m.number })}</h1>
      <Notice text={p.notice} kind={p.noticeKind ?? 'success'} />
      <dl class="facts">
        <dt>{escapeHtml(t.status)}</dt>
        <dd safe>{t.statuses[m.status] ?? m.status}</dd>
        <dt>{escapeHtml(t.email)}</dt>
        <dd class="masked" safe>
          {m.email ? maskEmail(m.email) : t.notOnFile}
        </dd>
        <dt>{escapeHtml(t.mobile)}</dt>
        <dd class="masked" safe>
          {m.mobile ? maskMobile(m.mobile) : t.notOnFile}
        </dd>
        <dt>{escapeHtml(t.city)}</dt>
        <dd safe>{[m.postalCode, m.city].filter(Boolean).join(' ') || t.notOnFile}</dd>
        <dt>{escapeHtml(t.password)}</dt>
        <dd safe>
          {file.password
            ? t.passwordSet({ date: date(file.password.changedAt), days: file.password.ageDays })
            : t.passwordNone}
        </dd>
        <dt>{escapeHtml(t.lock)}</dt>
        <dd>
          <span safe>
            {file.lock.blockedUntil > 0 ? t.locked({ until: date(file.lock.blockedUntil) }) : t.notLocked}
          </span>{' '}
          <span safe>{t.failures({ consecutive: file.lock.consecutive, day: file.lock.dayCount })}</span>
        </dd>
      </dl>
      {file.password?.mustChange ? <Notice kind="info" text={t.mustChange} /> : ''}

      <section aria-labelledby="actions-title" class="card">
        <h2 id="actions-title">{escapeHtml(t.actionsTitle)}</h2>
        <ul class="action-list">
          {can(role, 'unlock') ? <ActionLink href={`${base}/debloquer`} label={t.unlock} /> : ''}
          {can(role, 'endSessions') ? (
            <ActionLink href={`${base}/fermer-sessions`} label={t.endSessions} />
          ) : (
            ''
          )}
          {can(role, 'orderLetter') ? <ActionLink href={`${base}/courrier`} label={t.orderLetter} /> : ''}
        </ul>
      </section>

      <section aria-labelledby="failures-title">
        <h2 id="failures-title">{escapeHtml(t.recentFailuresTitle)}</h2>
        {file.recentFailures.length === 0 ? (
          <p>{escapeHtml(t.noFailures)}</p>
        ) : (
          <EventsTable ctx={ctx} events={file.recentFailures} />
        )}
      </section>

      <section aria-labelledby="flows-title">
        <h2 id="flows-title">{escapeHtml(t.flowsTitle)}</h2>
        {file.openFlows.length === 0 ? (
          <p>{escapeHtml(t.noFlows)}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{escapeHtml(t.columns.date)}</th>
                  <th scope="col">{escapeHtml(t.columns.state)}</th>
                  <th scope="col">{escapeHtml(t.columns.channel)}</th>
                  <th scope="col">{escapeHtml(t.columns.attempts)}</th>
                  <th scope="col">{escapeHtml(t.columns.expires)}</th>
                </tr>
              </thead>
              <tbody>
                {file.openFlows.map((f) => (
                  <tr>
                    <td safe>{date(f.createdAt)}</td>
                    <td safe>{t.flowStates[f.state] ?? f.state}</td>
                    <td safe>{f.channel ? (t.channels[f.channel] ?? f.channel) : ctx.t.admin.common.none}</td>
                    <td safe>{String(f.failedAttempts)}</td>
                    <td safe>{date(f.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="letters-title">
        <h2 id="letters-title">{escapeHtml(t.lettersTitle)}</h2>
        {file.letters.length === 0 ? (
          <p>{escapeHtml(t.noLetters)}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{escapeHtml(t.columns.date)}</th>
                  <th scope="col">{escapeHtml(t.columns.status)}</th>
                  <th scope="col">{escapeHtml(t.columns.requestedBy)}</th>
                  <th scope="col">{escapeHtml(t.columns.action)}</th>
                </tr>
              </thead>
              <tbody>
                {file.letters.map((l) => (
                  <tr>
                    <td safe>{date(l.requestedAt)}</td>
                    <td>
                      <span safe>{t.letterStatuses[l.status] ?? l.status}</span>
                      {l.provisionalUsed ? <span safe>{` (${t.provisionalUsed})`}</span> : ''}
                    </td>
                    <td safe>{l.requestedBy === 'member' ? t.requestedByMember : l.requestedBy}</td>
                    <td>
                      {CANCELLABLE_LETTER_STATUSES.includes(l.status) && can(role, 'cancelLetter') ? (
                        <a href={`${base}/courriers/${l.id}/annuler`}>{escapeHtml(t.cancelLetter)}</a>
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{escapeHtml(t.sessionsTitle)}</h2>
        {file.sessions.length === 0 ? (
          <p>{escapeHtml(t.noSessions)}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{escapeHtml(t.columns.date)}</th>
                  <th scope="col">{escapeHtml(t.columns.lastSeen)}</th>
                  <th scope="col">{escapeHtml(t.columns.ip)}</th>
                  <th scope="col">{escapeHtml(t.columns.device)}</th>
                </tr>
              </thead>
              <tbody>
                {file.sessions.map((s) => (
                  <tr>
                    <td safe>{date(s.createdAt)}</td>
                    <td safe>{date(s.lastSeenAt)}</td>
                    <td safe>{s.ip}</td>
                    <td safe>{s.userAgent.slice(0, 120)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">{escapeHtml(t.eventsTitle)}</h2>
        {file.events.length === 0 ? (
          <p>{escapeHtml(t.noEvents)}</p>
        ) : (
          <EventsTable ctx={ctx} events={file.events} />
        )}
      </section>
    </AdminLayout>
  );
}
