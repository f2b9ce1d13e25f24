// Sessions and cookies (issue 8, ASVS 5.0 V7, DESIGN.md §4): every cookie's flags, no fixation (a planted
// token is never adopted, a new token at each sign-in and at the second factor), sign-out ending the
// session on the server, and idle and absolute expiry moved by the injected clock. The basic « new token
// at sign-in » and « 30 idle minutes » cases live in test/sign-in/sign-in-http.test.ts; staff idle expiry
// in test/admin/sign-in-http.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HOUR, MINUTE } from '../../src/platform/clock.js';
import { seedStaff, signInStaff, staffPasswordStep } from '../admin/helpers.js';
import { antiRobotAnswer, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

/** Every Set-Cookie of a response, parsed. */
function setCookies(
  headers: Record<string, unknown>,
): { name: string; value: string; attributes: string[] }[] {
  const raw = headers['set-cookie'];
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as string[];
  return list.map((c) => {
    const [pair, ...attributes] = c.split(';').map((s) => s.trim());
    const i = pair!.indexOf('=');
    return { name: pair!.slice(0, i), value: pair!.slice(i + 1), attributes };
  });
}

async function signIn(t: TestApp, b: Browser, number: string, password = GOOD_PASSWORD) {
  const page = await b.get('/connexion');
  return b.post('/connexion', {
    member_number: number,
    password,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
}

for (const d of DIALECTS) {
  describe(`sessions and cookies on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      for (const n of ['400001', '400002', '400003', '400004', '400005'])
        await seedMember(store, { number: n, password: GOOD_PASSWORD });
      await seedStaff(store, 'admin1', 'admin', t.clock.now());
      await seedStaff(store, 'agent2', 'agent', t.clock.now());
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('sets every cookie HttpOnly, Secure, SameSite=Lax, Path=/, without Domain, and __Host- for every secret', async (c) => {
      if (skip) return c.skip(skip);
      const seen = new Map<string, string[]>();
      const keep = (headers: Record<string, unknown>) => {
        for (const k of setCookies(headers)) if (k.value) seen.set(k.name, k.attributes);
      };
      const b = new Browser(t.app);
      keep((await b.get('/connexion?lang=en')).headers);
      keep((await signIn(t, b, '400001')).headers);
      const r = new Browser(t.app);
      const numberPage = await r.get('/mot-de-passe-oublie/numero');
      keep(numberPage.headers);
      keep(
        (
          await r.post('/mot-de-passe-oublie/numero', {
            member_number: '400001',
            ...antiRobotAnswer(numberPage.body, t.answerIndex),
          })
        ).headers,
      );
      const s = new Browser(t.app);
      keep((await staffPasswordStep(s, t, 'admin1')).headers);
      assert.deepEqual(
        [...seen.keys()].sort(),
        ['__Host-csrf', '__Host-lang', '__Host-recovery', '__Host-sesame', '__Host-sesame-staff'],
        'the cookies the service sets',
      );
      for (const [name, attributes] of seen) {
        const flags = attributes.map((a) => a.toLowerCase());
        for (const flag of ['httponly', 'secure', 'samesite=lax', 'path=/'])
          assert.ok(flags.includes(flag), `${name} lacks ${flag}: ${attributes.join('; ')}`);
        assert.ok(!flags.some((f) => f.startsWith('domain=')), `${name} has a Domain`);
        assert.ok(name.startsWith('__Host-'), `${name} is not a __Host- cookie`);
      }
      // Session cookies end with the browser; the server limits them anyway (idle and absolute expiry).
      for (const name of ['__Host-sesame', '__Host-sesame-staff'])
        assert.ok(
          !seen.get(name)!.some((a) => /^(max-age|expires)=/i.test(a)),
          `${name} outlives the browser`,
        );
    });

    it('never adopts a planted session token, and issues a fresh one at sign-in', async (c) => {
      if (skip) return c.skip(skip);
      const planted = 'A'.repeat(43);
      const b = new Browser(t.app);
      b.cookies.set('__Host-sesame', planted);
      const res = await signIn(t, b, '400002');
      assert.equal(res.status, 303);
      const issued = b.cookies.get('__Host-sesame');
      assert.ok(issued && issued !== planted, 'a new token replaces the planted one');
      const attacker = new Browser(t.app);
      attacker.cookies.set('__Host-sesame', planted);
      const stolen = await attacker.get('/espace');
      assert.equal(stolen.status, 303, 'the planted token opens nothing');
      // An attacker's own valid session planted in the victim's browser is replaced too.
      const own = new Browser(t.app);
      await signIn(t, own, '400003');
      const victim = new Browser(t.app);
      victim.cookies.set('__Host-sesame', own.cookies.get('__Host-sesame')!);
      await signIn(t, victim, '400002');
      assert.notEqual(victim.cookies.get('__Host-sesame'), own.cookies.get('__Host-sesame'));
      const page = await victim.follow();
      assert.match(page.body, /Bonjour/);
      assert.doesNotMatch(page.body, /400003/);
    });

    it('gives the staff a new token once the second factor is checked; the first one opens nothing', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app, '198.51.100.21');
      await staffPasswordStep(b, t, 'agent2');
      const passwordOnly = b.cookies.get('__Host-sesame-staff')!;
      const full = await signInStaff(t, 'agent2', '198.51.100.22');
      const upgraded = full.cookies.get('__Host-sesame-staff')!;
      assert.notEqual(upgraded, passwordOnly);
      const thief = new Browser(t.app);
      thief.cookies.set('__Host-sesame-staff', passwordOnly);
      const res = await thief.get('/admin/adherents');
      assert.equal(res.status, 303);
      assert.match(res.location ?? '', /^\/admin\/connexion/);
    });

    it('ends the session on the server at sign-out: the old cookie replayed opens nothing', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      await signIn(t, b, '400004');
      const token = b.cookies.get('__Host-sesame')!;
      await b.get('/espace');
      const before = await store.db
        .selectFrom('sessions')
        .select('id')
        .where('subject_type', '=', 'member')
        .execute();
      const out = await b.post('/deconnexion', {});
      assert.equal(out.status, 303);
      assert.ok(
        setCookies(out.headers).some((k) => k.name === '__Host-sesame' && k.value === ''),
        'the cookie is cleared',
      );
      const after = await store.db
        .selectFrom('sessions')
        .select('id')
        .where('subject_type', '=', 'member')
        .execute();
      assert.equal(after.length, before.length - 1, 'the session row is gone');
      const replay = new Browser(t.app);
      replay.cookies.set('__Host-sesame', token);
      const res = await replay.get('/espace');
      assert.equal(res.status, 303);
      assert.equal(res.location, '/connexion?expire=1');
      // The same for staff.
      const s = await signInStaff(t, 'admin1', '198.51.100.23');
      const staffToken = s.cookies.get('__Host-sesame-staff')!;
      await s.get('/admin/adherents');
      await s.post('/admin/deconnexion', {});
      const staffReplay = new Browser(t.app);
      staffReplay.cookies.set('__Host-sesame-staff', staffToken);
      assert.equal((await staffReplay.get('/admin/adherents')).status, 303);
    });

    it('keeps an active member signed in past 30 minutes, and ends the session after 30 idle minutes', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      await signIn(t, b, '400005');
      for (let i = 0; i < 3; i++) {
        t.clock.advance(29 * MINUTE);
        assert.equal(
          (await b.get('/espace')).status,
          200,
          `still active after ${(i + 1) * 29} minutes of use`,
        );
      }
      t.clock.advance(30 * MINUTE);
      const res = await b.get('/espace');
      assert.equal(res.status, 303);
      assert.equal(res.location, '/connexion?expire=1');
    });

    it('ends a member session after 12 hours however active, and a staff session after 10', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      await signIn(t, b, '400001');
      const s = await signInStaff(t, 'admin1', '198.51.100.24');
      const start = t.clock.now();
      let staffEnded = false;
      while (t.clock.now() - start < 12 * HOUR - 20 * MINUTE) {
        t.clock.advance(10 * MINUTE);
        assert.equal(
          (await b.get('/espace')).status,
          200,
          `member still in after ${(t.clock.now() - start) / MINUTE} min`,
        );
        const staffPage = await s.get('/admin/adherents');
        const elapsed = t.clock.now() - start;
        if (elapsed < 10 * HOUR - 10 * MINUTE)
          assert.equal(staffPage.status, 200, `staff still in after ${elapsed / MINUTE} min`);
        if (staffPage.status === 303) staffEnded = true;
      }
      assert.ok(staffEnded, 'the staff session ended at 10 hours');
      t.clock.advance(20 * MINUTE);
      const res = await b.get('/espace');
      assert.equal(res.status, 303, 'the member session ended at 12 hours');
    });
  });
}
