// Content Security Policy on every page (issue 8, DESIGN.md §4 "pages"): each GET route the server lists,
// in each state a person can see it (every recovery step, the error states, the member space, the back
// office), and the error pages (404, 403, 413, 400). Each answer carries a strict CSP, and each HTML body
// is free of inline script, style attributes, event-handler attributes and javascript: URLs, so the CSP
// never has to be relaxed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newLetterRow } from '../../src/letters/requests.js';
import { seedStaff, signInStaff } from '../admin/helpers.js';
import { antiRobotAnswer, antiRobotWrong, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { listRoutes, send } from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { sqliteStore, type TestStore } from '../helpers/stores.js';

interface Visit {
  readonly name: string;
  readonly route: string;
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** What an HTML body must not hold under `script-src 'self'; style-src 'self'`. */
const INLINE = [
  { what: 'inline <script>', re: /<script(?![^>]*\bsrc=)[^>]*>/i },
  { what: 'style attribute', re: /<[^>]+\sstyle\s*=/i },
  { what: '<style> element', re: /<style[\s>]/i },
  { what: 'event-handler attribute', re: /<[^>]+\son[a-z]+\s*=/i },
  { what: 'javascript: URL', re: /(?:href|src|action)\s*=\s*["']?\s*javascript:/i },
];

function assertStrictPage(v: Visit): void {
  const csp = String(v.headers['content-security-policy'] ?? '');
  const label = `${v.name} (${v.status})`;
  assert.ok(csp, `${label}: no Content-Security-Policy`);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
  ])
    assert.ok(csp.includes(directive), `${label}: CSP lacks ${directive}: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${label}: CSP relaxed: ${csp}`);
  assert.equal(v.headers['x-content-type-options'], 'nosniff', `${label}: no nosniff`);
  if (!String(v.headers['content-type'] ?? '').startsWith('text/html')) return;
  assert.match(String(v.headers['cache-control']), /no-store/, `${label}: a page may be cached`);
  for (const { what, re } of INLINE) {
    const m = re.exec(v.body);
    assert.ok(!m, `${label}: ${what}: ${m?.[0].slice(0, 120)}`);
  }
}

describe('CSP and inline code on every page', () => {
  let store: TestStore;
  let t: TestApp;
  const visits: Visit[] = [];

  before(async () => {
    store = await sqliteStore();
    t = await buildTestApp(store, { SESAME_CODES_PER_MEMBER_PER_DAY: '1000' });
    const now = t.clock.now();
    await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
    await seedMember(store, { number: '100002' });
    await seedMember(store, { number: '100003', email: null, mobile: null });
    const letterMember = await seedMember(store, { number: '100004', password: GOOD_PASSWORD });
    await seedStaff(store, 'admin1', 'admin', now);
    const target = await seedStaff(store, 'cible1', 'agent', now);

    const visit = async (b: Browser, name: string, route: string, url: string) => {
      const p = await b.get(url);
      visits.push({ name, route, status: p.status, headers: p.headers, body: p.body });
      return p;
    };
    const keep = (b: Browser, name: string, route: string) => {
      const p = b.last!;
      visits.push({ name, route, status: p.status, headers: p.headers, body: p.body });
    };

    // Public pages and their error states.
    const anon = new Browser(t.app);
    await visit(anon, 'root', 'GET /', '/');
    const signIn = await visit(anon, 'sign-in', 'GET /connexion', '/connexion');
    await anon.post('/connexion', {
      member_number: '100001',
      password: 'x',
      ...antiRobotWrong(signIn.body, t.answerIndex),
    });
    keep(anon, 'sign-in, wrong picture', 'POST /connexion');
    const again = await anon.get('/connexion');
    await anon.post('/connexion', {
      member_number: '100001',
      password: 'Mauvais-2024!',
      ...antiRobotAnswer(again.body, t.answerIndex),
    });
    keep(anon, 'sign-in, wrong password', 'POST /connexion');
    await visit(anon, 'sign-in, signed out', 'GET /connexion', '/connexion?fin=1');
    await visit(anon, 'advice', 'GET /conseils-securite', '/conseils-securite');
    await visit(anon, 'recovery intro', 'GET /mot-de-passe-oublie', '/mot-de-passe-oublie');
    await visit(anon, '404', 'GET /*', '/nulle-part');
    for (const asset of [
      '/assets/css/site.css',
      '/assets/js/password-checklist.js',
      '/favicon.ico',
      '/healthz',
      '/readyz',
      '/metrics',
    ])
      await visit(anon, asset, `GET ${asset}`, asset);
    await visit(anon, 'altcha challenge', 'GET /anti-robot/altcha-challenge', '/anti-robot/altcha-challenge');
    await visit(anon, 'altcha setup', 'GET /anti-robot/altcha/:file', '/anti-robot/altcha/setup.js');
    const picture = /src="(\/anti-robot\/pictures\/[^"]+)"/.exec(signIn.body)![1]!;
    await visit(anon, 'picture', 'GET /anti-robot/pictures/:file', picture);

    // Every recovery step.
    const flow = async (number: string) => {
      const b = new Browser(t.app);
      const page = await visit(
        b,
        'recovery number',
        'GET /mot-de-passe-oublie/numero',
        '/mot-de-passe-oublie/numero',
      );
      const res = await b.post('/mot-de-passe-oublie/numero', {
        member_number: number,
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      return { b, id: res.location!.split('/').pop()! };
    };
    const f1 = await flow('100002');
    await visit(
      f1.b,
      'recovery channel choice',
      'GET /mot-de-passe-oublie/:id',
      `/mot-de-passe-oublie/${f1.id}`,
    );
    await f1.b.post(`/mot-de-passe-oublie/${f1.id}/envoyer`, { channel: 'email' });
    await visit(f1.b, 'recovery code', 'GET /mot-de-passe-oublie/:id', `/mot-de-passe-oublie/${f1.id}`);
    await f1.b.post(`/mot-de-passe-oublie/${f1.id}/code`, { code: '000000' });
    keep(f1.b, 'recovery wrong code', 'POST /mot-de-passe-oublie/:id/code');
    const code = JSON.parse(
      (await store.db.selectFrom('outbox').select('payload').orderBy('id', 'desc').executeTakeFirstOrThrow())
        .payload,
    ).code as string;
    await f1.b.post(`/mot-de-passe-oublie/${f1.id}/code`, { code });
    await visit(
      f1.b,
      'recovery new password',
      'GET /mot-de-passe-oublie/:id',
      `/mot-de-passe-oublie/${f1.id}`,
    );
    await f1.b.post(`/mot-de-passe-oublie/${f1.id}/mot-de-passe`, {
      new_password: 'court',
      confirm_password: 'court',
    });
    keep(f1.b, 'recovery policy refusal', 'POST /mot-de-passe-oublie/:id/mot-de-passe');
    await f1.b.post(`/mot-de-passe-oublie/${f1.id}/mot-de-passe`, {
      new_password: 'Nouvelle-Lune-2031!',
      confirm_password: 'Nouvelle-Lune-2031!',
    });
    await visit(f1.b, 'recovery success', 'GET /mot-de-passe-oublie/:id', `/mot-de-passe-oublie/${f1.id}`);
    const f2 = await flow('100003');
    await f2.b.post(`/mot-de-passe-oublie/${f2.id}/courrier`, {});
    await visit(
      f2.b,
      'recovery letter requested',
      'GET /mot-de-passe-oublie/:id',
      `/mot-de-passe-oublie/${f2.id}`,
    );
    const f3 = await flow('100002');
    await f3.b.post(`/mot-de-passe-oublie/${f3.id}/envoyer`, { channel: 'email' });
    for (let i = 0; i < 5; i++) await f3.b.post(`/mot-de-passe-oublie/${f3.id}/code`, { code: '000000' });
    await visit(f3.b, 'recovery failed', 'GET /mot-de-passe-oublie/:id', `/mot-de-passe-oublie/${f3.id}`);
    await visit(
      new Browser(t.app),
      'recovery in another browser',
      'GET /mot-de-passe-oublie/:id',
      `/mot-de-passe-oublie/${f1.id}`,
    );

    // The member space.
    const member = new Browser(t.app);
    const page = await member.get('/connexion');
    await member.post('/connexion', {
      member_number: '100001',
      password: GOOD_PASSWORD,
      ...antiRobotAnswer(page.body, t.answerIndex),
    });
    await visit(member, 'member space', 'GET /espace', '/espace?bienvenue=1');
    await visit(member, 'change password', 'GET /espace/mot-de-passe', '/espace/mot-de-passe');
    await member.post('/espace/mot-de-passe', {
      current_password: 'faux',
      new_password: 'x',
      confirm_password: 'y',
    });
    keep(member, 'change password refused', 'POST /espace/mot-de-passe');
    await visit(
      member,
      'forced new password (redirect)',
      'GET /espace/nouveau-mot-de-passe',
      '/espace/nouveau-mot-de-passe',
    );

    // Refusals rendered by the error handler.
    visits.push({
      name: 'CSRF refused',
      route: 'POST',
      ...(await send(t.app, { method: 'POST', url: '/connexion', body: 'a=1' })),
    });
    visits.push({
      name: 'too large',
      route: 'POST',
      ...(await send(t.app, { method: 'POST', url: '/connexion', body: `a=${'x'.repeat(70_000)}` })),
    });
    visits.push({
      name: 'malformed url',
      route: 'GET',
      ...(await send(t.app, { method: 'GET', url: '/mot-de-passe-oublie/%FF' })),
    });

    // The back office.
    const letter = await store.db
      .insertInto('letters')
      .values(newLetterRow(letterMember, 'member', now))
      .returning('id')
      .executeTakeFirstOrThrow();
    await visit(new Browser(t.app), 'staff sign-in', 'GET /admin/connexion', '/admin/connexion');
    const staff = await signInStaff(t, 'admin1');
    const m = '/admin/adherents/100004';
    for (const [route, url] of [
      ['GET /admin', '/admin'],
      ['GET /admin/', '/admin/'],
      ['GET /admin/adherents', '/admin/adherents?q=lefevre'],
      ['GET /admin/adherents/:number', m],
      ['GET /admin/adherents/:number/debloquer', `${m}/debloquer`],
      ['GET /admin/adherents/:number/fermer-sessions', `${m}/fermer-sessions`],
      ['GET /admin/adherents/:number/courrier', `${m}/courrier`],
      ['GET /admin/adherents/:number/courriers/:letter/annuler', `${m}/courriers/${letter.id}/annuler`],
      ['GET /admin/courriers', '/admin/courriers'],
      ['GET /admin/journal', '/admin/journal'],
      ['GET /admin/equipe', '/admin/equipe'],
      ['GET /admin/equipe/:id/desactiver', `/admin/equipe/${target.id}/desactiver`],
      ['GET /admin/equipe/:id/reactiver', `/admin/equipe/${target.id}/reactiver`],
      ['GET /admin/equipe/:id/reinitialiser-2fa', `/admin/equipe/${target.id}/reinitialiser-2fa`],
      ['GET /admin/reglages', '/admin/reglages'],
    ] as const)
      await visit(staff, url, route, url);
    const pending = new Browser(t.app, '198.51.100.40');
    await seedStaff(store, 'nouveau1', 'agent', now);
    const sp = await pending.get('/admin/connexion');
    await pending.post('/admin/connexion', {
      username: 'nouveau1',
      password: 'Guichet-Tournesol-2024!',
      ...antiRobotAnswer(sp.body, t.answerIndex),
    });
    await visit(pending, 'staff enrolment', 'GET /admin/connexion/code', '/admin/connexion/code');
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('visits every GET route the server lists', () => {
    const visited = new Set(visits.map((v) => v.route.replace(/^GET \/assets\/.*/, 'GET /assets/*')));
    const missing = listRoutes(t.app).filter((r) => r.startsWith('GET ') && !visited.has(r));
    assert.deepEqual(missing, [], `GET routes not visited: ${missing.join(', ')}`);
  });

  it('answers every page with a strict CSP and no inline script, style or event handler', () => {
    assert.ok(visits.filter((v) => String(v.headers['content-type']).startsWith('text/html')).length >= 40);
    for (const v of visits) assertStrictPage(v);
  });

  it('reaches each recovery state and error state it claims to check', () => {
    const text = (name: string) => visits.find((v) => v.name === name)?.body ?? '';
    assert.match(text('recovery code'), /Code d’activation/);
    assert.match(text('recovery new password'), /Nouveau mot de passe/);
    assert.match(text('recovery success'), /Félicitations/);
    assert.match(text('recovery failed'), /Trop de codes incorrects|Mot de passe oublié/);
    assert.match(text('recovery wrong code'), /Code d’activation incorrect/);
    assert.match(text('recovery policy refusal'), /ne respecte pas les règles/);
    assert.match(text('sign-in, wrong picture'), /anti-robot/);
    assert.match(text('sign-in, wrong password'), /Identifiant ou mot de passe incorrect/);
    assert.match(text('staff enrolment'), /<img[^>]+src="data:image\/png/);
  });
});
