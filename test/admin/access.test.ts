import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newLetterRow } from '../../src/letters/requests.js';
import { recordSignInFailure } from '../../src/sign-in/lockout.js';
import { antiRobotAnswer, Browser, buildTestApp, csrfOf, type TestApp } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { auditRows, seedNamedMember, seedStaff, signInStaff, staffPasswordStep } from './helpers.js';

type Role = 'agent' | 'supervisor' | 'admin';
interface RouteCase {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** Lowest role allowed. */
  readonly min: Role;
}

const RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };

// Every guarded back-office route (the test below checks that no /admin route is missing from this list).
function routeCases(memberNumber: string, letterId: number, staffId: number): RouteCase[] {
  const m = `/admin/adherents/${memberNumber}`;
  return [
    { method: 'GET', url: '/admin/adherents?q=martin', min: 'agent' },
    { method: 'GET', url: m, min: 'agent' },
    { method: 'GET', url: `${m}/debloquer`, min: 'agent' },
    { method: 'POST', url: `${m}/debloquer`, min: 'agent' },
    { method: 'GET', url: `${m}/fermer-sessions`, min: 'agent' },
    { method: 'POST', url: `${m}/fermer-sessions`, min: 'agent' },
    { method: 'GET', url: `${m}/courrier`, min: 'agent' },
    { method: 'POST', url: `${m}/courrier`, min: 'agent' },
    { method: 'GET', url: `${m}/courriers/${letterId}/annuler`, min: 'agent' },
    { method: 'POST', url: `${m}/courriers/${letterId}/annuler`, min: 'agent' },
    { method: 'GET', url: '/admin/courriers', min: 'supervisor' },
    { method: 'POST', url: '/admin/courriers/lot', min: 'supervisor' },
    { method: 'POST', url: '/admin/courriers/lots/999/poste', min: 'supervisor' },
    { method: 'GET', url: '/admin/journal', min: 'supervisor' },
    { method: 'POST', url: '/admin/journal/export', min: 'supervisor' },
    { method: 'GET', url: '/admin/equipe', min: 'admin' },
    { method: 'POST', url: '/admin/equipe', min: 'admin' },
    { method: 'GET', url: `/admin/equipe/${staffId}/desactiver`, min: 'admin' },
    { method: 'POST', url: `/admin/equipe/${staffId}/desactiver`, min: 'admin' },
    { method: 'GET', url: `/admin/equipe/${staffId}/reactiver`, min: 'admin' },
    { method: 'POST', url: `/admin/equipe/${staffId}/reactiver`, min: 'admin' },
    { method: 'GET', url: `/admin/equipe/${staffId}/reinitialiser-2fa`, min: 'admin' },
    { method: 'POST', url: `/admin/equipe/${staffId}/reinitialiser-2fa`, min: 'admin' },
    { method: 'GET', url: '/admin/reglages', min: 'admin' },
  ];
}

/** The route patterns of the app under /admin, rebuilt from Fastify's own route tree (printRoutes). */
function adminRoutePatterns(t: TestApp): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/^\/\//, '/');
    if (!m[3] || !path.startsWith('/admin')) continue;
    for (const method of m[3].split(', '))
      if (method !== 'HEAD') out.push(`${method} ${path.replace(/\/$/, '') || '/'}`);
  }
  return [...new Set(out)];
}

for (const d of DIALECTS) {
  describe(`back-office access rules on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let browsers: Record<Role, Browser>;
    let cases: RouteCase[];
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      const now = t.clock.now();
      await seedStaff(store, 'agent1', 'agent', now);
      await seedStaff(store, 'super1', 'supervisor', now);
      await seedStaff(store, 'admin1', 'admin', now);
      const target = await seedStaff(store, 'target1', 'agent', now);
      const member = await seedNamedMember(store, { firstName: 'Paul', lastName: 'Martin' }, now);
      await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      const letter = await store.db
        .insertInto('letters')
        .values({
          ...newLetterRow(member.id, 'member', now),
          status: 'posted',
          printed_at: now,
          posted_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      cases = routeCases(member.number, Number(letter.id), target.id);
      browsers = {
        agent: await signInStaff(t, 'agent1'),
        supervisor: await signInStaff(t, 'super1'),
        admin: await signInStaff(t, 'admin1'),
      };
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('lists every /admin route in this test', async (c) => {
      if (skip) return c.skip(skip);
      const patterns = adminRoutePatterns(t).sort();
      const open = [
        'GET /admin/connexion',
        'POST /admin/connexion',
        'GET /admin/connexion/code',
        'POST /admin/connexion/code',
        'POST /admin/deconnexion',
        'GET /admin',
      ];
      const normalise = (url: string) =>
        url
          .split('?')[0]!
          .replace(/\/adherents\/[^/]+/, '/adherents/:number')
          .replace(/\/courriers\/\d+\/annuler/, '/courriers/:letter/annuler')
          .replace(/\/lots\/\d+/, '/lots/:batch')
          .replace(/\/equipe\/\d+/, '/equipe/:id');
      const covered = new Set([...open, ...cases.map((k) => `${k.method} ${normalise(k.url)}`)]);
      assert.ok(patterns.length > 20, patterns.join('\n'));
      for (const p of patterns) assert.ok(covered.has(p), `route not covered by the access test: ${p}`);
    });

    it('lets each role reach exactly the routes of its role, and answers 403 otherwise', async (c) => {
      if (skip) return c.skip(skip);
      for (const role of ['agent', 'supervisor', 'admin'] as const) {
        const b = browsers[role];
        const csrfPage = await b.get('/admin/adherents');
        const csrf = csrfOf(csrfPage.body)!;
        for (const k of cases) {
          const res = k.method === 'GET' ? await b.get(k.url) : await b.post(k.url, { _csrf: csrf });
          const allowed = RANK[role] >= RANK[k.min];
          if (allowed) assert.notEqual(res.status, 403, `${role} ${k.method} ${k.url}`);
          else assert.equal(res.status, 403, `${role} ${k.method} ${k.url} should be refused`);
          assert.ok(res.status < 500, `${role} ${k.method} ${k.url}: ${res.status}`);
        }
      }
    });

    it('sends agents from the dashboard to the lookup, and shows supervisors the figures', async (c) => {
      if (skip) return c.skip(skip);
      const agent = await browsers.agent.get('/admin');
      assert.equal(agent.status, 303);
      assert.equal(agent.location, '/admin/adherents');
      const nav = await browsers.agent.get('/admin/adherents');
      assert.doesNotMatch(nav.body, /href="\/admin\/journal"|href="\/admin\/courriers"/);
      const sup = await browsers.supervisor.get('/admin');
      assert.equal(sup.status, 200);
      assert.match(sup.body, /<svg/);
    });

    it('refuses an agent forging an admin action: 403, audited, nothing created', async (c) => {
      if (skip) return c.skip(skip);
      const b = browsers.agent;
      const page = await b.get('/admin/adherents');
      const before = (await auditRows(store, 'staff-access-denied')).length;
      const res = await b.post('/admin/equipe', {
        _csrf: csrfOf(page.body)!,
        username: 'evil',
        display_name: 'Evil',
        role: 'admin',
        password: 'Guichet-Tournesol-2024!',
      });
      assert.equal(res.status, 403);
      assert.match(res.body, /Vous n’avez pas les droits nécessaires/);
      const denied = await auditRows(store, 'staff-access-denied');
      assert.equal(denied.length, before + 1);
      assert.equal(denied.at(-1)!.actor, 'staff:agent1');
      assert.match(String(denied.at(-1)!.details), /manageStaff/);
      const evil = await store.db
        .selectFrom('staff')
        .select('id')
        .where('username', '=', 'evil')
        .executeTakeFirst();
      assert.equal(evil, undefined);
      const exp = await b.post('/admin/journal/export', { _csrf: csrfOf(page.body)! });
      assert.equal(exp.status, 403, 'an agent cannot export the audit log');
      assert.doesNotMatch(String(exp.headers['content-type']), /csv/);
    });

    it('keeps a member session out of /admin', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const page = await b.get('/connexion');
      const res = await b.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      assert.equal(res.status, 303);
      for (const url of ['/admin', '/admin/adherents', '/admin/journal']) {
        const r = await b.get(url);
        assert.equal(r.status, 303, url);
        assert.equal(r.location, '/admin/connexion?expire=1');
      }
      // Even the member's cookie value presented as a staff cookie opens nothing.
      const token = b.cookies.get('__Host-sesame')!;
      b.cookies.set('__Host-sesame-staff', token);
      assert.equal((await b.get('/admin/adherents')).status, 303);
    });

    it('keeps a staff session without second factor out of every page but the code page', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app, '198.51.100.99');
      await staffPasswordStep(b, t, 'super1');
      for (const url of ['/admin', '/admin/adherents?q=martin', '/admin/journal', '/admin/courriers']) {
        const r = await b.get(url);
        assert.equal(r.status, 303, url);
        assert.equal(r.location, '/admin/connexion/code');
      }
      assert.equal((await b.get('/admin/connexion/code')).status, 200);
    });

    it('refuses unlocking through a GET (only the confirmed POST acts)', async (c) => {
      if (skip) return c.skip(skip);
      const now = t.clock.now();
      for (let i = 0; i < 5; i++) await recordSignInFailure(store, '100001', now);
      const page = await browsers.agent.get('/admin/adherents/100001/debloquer');
      assert.equal(page.status, 200);
      assert.match(page.body, /Confirmer/);
      const still = await store.db
        .selectFrom('throttles')
        .select('consecutive')
        .where('key', '=', 'account:100001')
        .executeTakeFirst();
      assert.equal(still?.consecutive, 5);
    });
  });
}
