import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findStaffByUsername } from '../../src/admin/staff.js';
import { generateTotpCode } from '../../src/admin/totp.js';
import { MINUTE, SECOND } from '../../src/platform/clock.js';
import { antiRobotWrong, Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { auditRows, currentCode, seedStaff, signInStaff, staffPasswordStep } from './helpers.js';

for (const d of DIALECTS) {
  describe(`staff sign-in with TOTP over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      await seedStaff(store, 'cmartin', 'supervisor', t.clock.now(), 'Claire Martin');
      await seedStaff(store, 'pnouveau', 'agent', t.clock.now(), 'Paul Nouveau');
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('shows the staff sign-in page in French with the anti-robot check', async (c) => {
      if (skip) return c.skip(skip);
      const page = await new Browser(t.app).get('/admin/connexion');
      assert.equal(page.status, 200);
      assert.match(textOf(page.body), /Espace gestion — Connexion/);
      assert.match(page.body, /<label for="username">Identifiant<\/label>/);
      assert.equal([...page.body.matchAll(/type="radio"/g)].length, 6);
      const en = await new Browser(t.app).get('/admin/connexion?lang=en');
      assert.match(textOf(en.body), /Back office — Sign in/);
    });

    it('enrols at first sign-in with a QR code and the key as text, then opens the back office', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const res = await staffPasswordStep(b, t, 'cmartin');
      assert.equal(res.status, 303);
      assert.equal(res.location, '/admin/connexion/code');
      assert.match(
        String(res.headers['set-cookie']),
        /__Host-sesame-staff=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
      );
      const page = await b.follow();
      assert.match(textOf(page.body), /Activer la double authentification/);
      assert.match(
        page.body,
        /<img class="qr-code" src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="QR code/,
      );
      const shown = /class="masked totp-secret">([A-Z2-7 ]+)</.exec(page.body)?.[1];
      assert.ok(shown, 'the key is shown as text for manual entry');
      const secret = shown.replace(/ /g, '');
      const row = await findStaffByUsername(store.db, 'cmartin');
      assert.ok(row?.totp_secret && !row.totp_secret.includes(secret), 'the stored secret is sealed');

      const wrong = await b.post('/admin/connexion/code', {
        code: '000000' === generateTotpCode(secret, t.clock.now()) ? '111111' : '000000',
      });
      assert.equal(wrong.status, 400);
      assert.match(textOf(wrong.body), /Code de vérification incorrect/);
      assert.match(wrong.body, /qr-code/, 'still on the enrolment page');

      const ok = await b.post('/admin/connexion/code', { code: generateTotpCode(secret, t.clock.now()) });
      assert.equal(ok.status, 303);
      assert.equal(ok.location, '/admin');
      const home = await b.follow();
      assert.equal(home.status, 200);
      assert.match(textOf(home.body), /Tableau de bord/);
      assert.match(textOf(home.body), /Connecté : Claire Martin \(Superviseur\)/);
      const enrolled = await auditRows(store, 'staff-totp-enrolled');
      assert.equal(enrolled.at(-1)?.actor, 'staff:cmartin');
    });

    it('accepts a code from the previous step (phone clock late) and refuses one three steps old', async (c) => {
      if (skip) return c.skip(skip);
      t.clock.advance(5 * MINUTE);
      const b = new Browser(t.app);
      await staffPasswordStep(b, t, 'cmartin');
      await b.follow();
      const late = await currentCode(t, 'cmartin');
      t.clock.advance(30 * SECOND);
      assert.equal((await b.post('/admin/connexion/code', { code: late })).status, 303);

      t.clock.advance(5 * MINUTE);
      const b2 = new Browser(t.app);
      await staffPasswordStep(b2, t, 'cmartin');
      await b2.follow();
      const old = await currentCode(t, 'cmartin');
      t.clock.advance(90 * SECOND);
      if (old !== (await currentCode(t, 'cmartin'))) {
        assert.equal((await b2.post('/admin/connexion/code', { code: old })).status, 400);
      }
    });

    it('refuses a replayed code, audits it, and accepts the next step’s code', async (c) => {
      if (skip) return c.skip(skip);
      t.clock.advance(5 * MINUTE);
      const first = new Browser(t.app, '198.51.100.1');
      await staffPasswordStep(first, t, 'cmartin');
      await first.follow();
      const code = await currentCode(t, 'cmartin');
      assert.equal((await first.post('/admin/connexion/code', { code })).status, 303);

      const thief = new Browser(t.app, '198.51.100.2');
      await staffPasswordStep(thief, t, 'cmartin');
      await thief.follow();
      const replay = await thief.post('/admin/connexion/code', { code });
      assert.equal(replay.status, 400);
      assert.match(textOf(replay.body), /Code de vérification incorrect/);
      const failures = await auditRows(store, 'staff-sign-in');
      assert.match(String(failures.at(-1)?.details), /"reason":"replayed"/);
      assert.equal(failures.at(-1)?.ip, '198.51.100.2');
      assert.equal((await thief.get('/admin/adherents')).location, '/admin/connexion/code', 'nothing opened');

      t.clock.advance(30 * SECOND);
      await thief.get('/admin/connexion/code');
      assert.equal(
        (await thief.post('/admin/connexion/code', { code: await currentCode(t, 'cmartin') })).status,
        303,
      );
    });

    it('refuses a wrong password and a wrong picture with the same page, and counts the failures', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app, '198.51.100.3');
      const bad = await staffPasswordStep(b, t, 'pnouveau', 'Not-The-Password-1!');
      assert.equal(bad.status, 401);
      assert.match(textOf(bad.body), /Identifiant ou mot de passe incorrect/);
      const unknown = await staffPasswordStep(b, t, 'nobody', 'Not-The-Password-1!');
      assert.equal(unknown.status, 401);
      assert.equal(textOf(unknown.body).includes('Identifiant ou mot de passe incorrect'), true);
      const page = await b.get('/admin/connexion');
      const robot = await b.post('/admin/connexion', {
        username: 'pnouveau',
        password: 'x',
        ...antiRobotWrong(page.body, t.answerIndex),
      });
      assert.equal(robot.status, 400);
      assert.equal(b.cookies.get('__Host-sesame-staff'), undefined);
    });

    it('ends an idle staff session after 15 minutes, and a pending one after 10', async (c) => {
      if (skip) return c.skip(skip);
      t.clock.advance(5 * MINUTE);
      const b = await signInStaff(t, 'cmartin');
      assert.equal((await b.get('/admin/adherents')).status, 200);
      t.clock.advance(16 * MINUTE);
      const r = await b.get('/admin/adherents');
      assert.equal(r.status, 303);
      assert.equal(r.location, '/admin/connexion?expire=1');

      const p = new Browser(t.app);
      await staffPasswordStep(p, t, 'cmartin');
      t.clock.advance(11 * MINUTE);
      assert.equal((await p.get('/admin/connexion/code')).location, '/admin/connexion?expire=1');
    });

    it('signs out, audited, and the cookie no longer opens anything', async (c) => {
      if (skip) return c.skip(skip);
      t.clock.advance(5 * MINUTE);
      const b = await signInStaff(t, 'cmartin');
      const page = await b.get('/admin/adherents');
      const token = b.cookies.get('__Host-sesame-staff')!;
      const out = await b.post('/admin/deconnexion', {});
      assert.equal(out.status, 303);
      assert.equal(out.location, '/admin/connexion?fin=1');
      assert.ok(page.body.includes('Se déconnecter'));
      b.cookies.set('__Host-sesame-staff', token);
      assert.equal((await b.get('/admin/adherents')).status, 303);
      assert.equal((await auditRows(store, 'staff-sign-out')).at(-1)?.actor, 'staff:cmartin');
    });
  });
}
