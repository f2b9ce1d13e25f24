import type { Children } from '@kitajs/html';
import { escapeHtml } from '@kitajs/html';
import { CsrfField, Layout, type PageContext } from '../../web/views/layout.js';
import { can, type Permission } from '../roles.js';
import type { StaffMember } from '../staff.js';

/** What every back-office page knows of the signed-in staff member. */
export interface AdminPageBase {
  readonly ctx: PageContext;
  readonly staff: StaffMember;
  readonly csrf: string;
}

export type Section = 'dashboard' | 'members' | 'letters' | 'journal' | 'team' | 'settings';

const SECTIONS: readonly { key: Section; href: string; permission: Permission }[] = [
  { key: 'dashboard', href: '/admin', permission: 'dashboard' },
  { key: 'members', href: '/admin/adherents', permission: 'lookup' },
  { key: 'letters', href: '/admin/courriers', permission: 'lettersDesk' },
  { key: 'journal', href: '/admin/journal', permission: 'auditLog' },
  { key: 'team', href: '/admin/equipe', permission: 'manageStaff' },
  { key: 'settings', href: '/admin/reglages', permission: 'viewSettings' },
];

export function AdminLayout(
  p: AdminPageBase & { readonly title: string; readonly section?: Section; readonly children?: Children },
): JSX.Element {
  const t = p.ctx.t.admin;
  return (
    <Layout ctx={p.ctx} title={`${p.title} — ${t.areaName}`} wide>
      <nav class="admin-nav" aria-label={t.nav.label}>
        <ul class="admin-nav__links">
          {SECTIONS.filter((s) => can(p.staff.role, s.permission)).map((s) => (
            <li>
              <a href={s.href} aria-current={p.section === s.key ? 'page' : undefined}>
                {escapeHtml(t.nav[s.key])}
              </a>
            </li>
          ))}
        </ul>
        <div class="admin-nav__user">
          <span safe>{t.nav.signedInAs({ name: p.staff.displayName, role: t.roles[p.staff.role] })}</span>
          <form method="post" action="/admin/deconnexion">
            <CsrfField token={p.csrf} />
            <button type="submit" class="button button--link">
              {escapeHtml(t.nav.signOut)}
            </button>
          </form>
        </div>
      </nav>
      {p.children as 'safe'}
    </Layout>
  );
}

export function Notice({
  text,
  kind = 'success',
}: {
  text?: string;
  kind?: 'success' | 'error' | 'info';
}): JSX.Element {
  if (!text) return '';
  return (
    <div class={`alert alert--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <p safe>{text}</p>
    </div>
  );
}

/** Previous / next links keeping the other query parameters. */
export function Pagination(p: {
  readonly ctx: PageContext;
  readonly base: string;
  readonly params: Readonly<Record<string, string>>;
  readonly page: number;
  readonly pages: number;
}): JSX.Element {
  if (p.pages <= 1) return '';
  const t = p.ctx.t.admin.common;
  const href = (page: number) => {
    const q = new URLSearchParams({ ...p.params, page: String(page) });
    return `${p.base}?${q.toString()}`;
  };
  return (
    <nav class="pagination" aria-label={t.pagination}>
      {p.page > 1 ? <a href={href(p.page - 1)}>{escapeHtml(t.previous)}</a> : ''}
      <span safe>{t.pageOf({ page: p.page, pages: p.pages })}</span>
      {p.page < p.pages ? <a href={href(p.page + 1)}>{escapeHtml(t.next)}</a> : ''}
    </nav>
  );
}

/** The confirmation step every action goes through (issue 6: « each confirmed »). */
export function ConfirmPage(
  p: AdminPageBase & {
    readonly section: Section;
    readonly question: string;
    readonly help: string;
    readonly action: string;
    readonly cancelHref: string;
    readonly danger?: boolean;
    readonly hidden?: Readonly<Record<string, string>>;
  },
): JSX.Element {
  const t = p.ctx.t.admin;
  return (
    <AdminLayout ctx={p.ctx} staff={p.staff} csrf={p.csrf} title={t.confirm.title} section={p.section}>
      <h1 safe>{p.question}</h1>
      <p safe>{p.help}</p>
      <form method="post" action={p.action} class="card form">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="confirm" value="1" />
        {Object.entries(p.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <div class="actions">
          <button type="submit" class={p.danger ? 'button button--danger' : 'button'}>
            {escapeHtml(t.common.confirm)}
          </button>
          <a class="button button--secondary" href={p.cancelHref}>
            {escapeHtml(t.common.cancel)}
          </a>
        </div>
      </form>
    </AdminLayout>
  );
}
