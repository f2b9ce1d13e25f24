import { escapeHtml } from '@kitajs/html';
import { formatDateTime } from '../../i18n/format.js';
import { CsrfField } from '../../web/views/layout.js';
import type { LettersDesk } from '../letters-desk.js';
import { AdminLayout, type AdminPageBase, Notice } from './layout.js';

export function DeskPage(
  p: AdminPageBase & {
    readonly desk: LettersDesk;
    readonly notice?: string;
    readonly noticeKind?: 'success' | 'error';
  },
): JSX.Element {
  const { ctx, desk } = p;
  const t = ctx.t.admin.desk;
  const statuses = ctx.t.admin.member.letterStatuses;
  const date = (ms: number) => formatDateTime(ctx.locale, ms);
  return (
    <AdminLayout ctx={ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="letters">
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      <Notice text={p.notice} kind={p.noticeKind ?? 'success'} />

      <section aria-labelledby="to-print-title">
        <h2 id="to-print-title">{escapeHtml(t.toPrintTitle)}</h2>
        {desk.toPrint.length === 0 ? (
          <p>{escapeHtml(t.none)}</p>
        ) : (
          <>
            <p safe>{t.toPrintCount({ count: desk.toPrint.length, late: desk.lateCount })}</p>
            <form method="post" action="/admin/courriers/lot" class="inline-form">
              <CsrfField token={p.csrf} />
              <p class="hint" id="print-help">
                {escapeHtml(t.printHelp)}
              </p>
              <button type="submit" class="button" aria-describedby="print-help">
                {escapeHtml(t.print)}
              </button>
            </form>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{escapeHtml(t.columns.number)}</th>
                    <th scope="col">{escapeHtml(t.columns.name)}</th>
                    <th scope="col">{escapeHtml(t.columns.requestedAt)}</th>
                    <th scope="col">{escapeHtml(t.columns.age)}</th>
                    <th scope="col">{escapeHtml(t.columns.requestedBy)}</th>
                    <th scope="col">{escapeHtml(t.columns.status)}</th>
                  </tr>
                </thead>
                <tbody>
                  {desk.toPrint.map((l) => (
                    <tr class={l.late ? 'late' : undefined}>
                      <td>
                        <a href={`/admin/adherents/${encodeURIComponent(l.memberNumber)}`} safe>
                          {l.memberNumber}
                        </a>
                      </td>
                      <td safe>{l.name}</td>
                      <td safe>{date(l.requestedAt)}</td>
                      <td>
                        <span safe>{t.ageDays({ days: l.ageDays })}</span>
                        {l.late ? <strong class="badge badge--late">{escapeHtml(t.late)}</strong> : ''}
                      </td>
                      <td safe>
                        {l.requestedBy === 'member' ? ctx.t.admin.member.requestedByMember : l.requestedBy}
                      </td>
                      <td>
                        <span safe>{statuses[l.status] ?? l.status}</span>
                        {l.flagReason ? <span class="hint" safe>{` ${l.flagReason}`}</span> : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="batches-title">
        <h2 id="batches-title">{escapeHtml(t.batchesTitle)}</h2>
        {desk.batches.length === 0 ? (
          <p>{escapeHtml(t.noBatches)}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{escapeHtml(t.columns.batch)}</th>
                  <th scope="col">{escapeHtml(t.columns.createdAt)}</th>
                  <th scope="col">{escapeHtml(t.columns.createdBy)}</th>
                  <th scope="col">{escapeHtml(t.columns.letters)}</th>
                  <th scope="col">{escapeHtml(t.columns.action)}</th>
                </tr>
              </thead>
              <tbody>
                {desk.batches.map((b) => (
                  <tr class={b.late ? 'late' : undefined}>
                    <td>
                      <span safe>{t.batchName({ batch: b.id })}</span>
                      {b.late ? <strong class="badge badge--late">{escapeHtml(t.late)}</strong> : ''}
                    </td>
                    <td safe>{date(b.createdAt)}</td>
                    <td safe>{b.createdBy}</td>
                    <td safe>{String(b.letterCount)}</td>
                    <td>
                      <form method="post" action={`/admin/courriers/lots/${b.id}/poste`} class="inline-form">
                        <CsrfField token={p.csrf} />
                        <button type="submit" class="button button--secondary">
                          {escapeHtml(t.markPosted)}
                          <span class="visually-hidden" safe>{` — ${t.batchName({ batch: b.id })}`}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AdminLayout>
  );
}
