import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINUTE } from '../../src/platform/clock.js';
import {
  antiRobotAnswer,
  antiRobotWrong,
  Browser,
  buildTestApp,
  type TestApp,
  textOf,
} from '../helpers/app.js';
import { GOOD_PASSWORD, OTHER_GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

async function signIn(b: Browser, t: TestApp, number: string, password: string) {
  const page = await b.get('/connexion');
  return b.post('/connexion', {
    member_number: number,
    password,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
}

async function throttleRows(store: TestStore): Promise<number> {
  const r = await store.db
    .selectFrom('throttles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', 'like', 'account:%')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

for (const d of DIALECTS) {
  describe(`sign-in over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      await seedMember(store, {
        number: '100002',
        password: GOOD_PASSWORD,
        firstName: 'Éric',
        lastName: 'Durand',
      });
      await seedMember(store, { number: '100003', password: GOOD_PASSWORD, status: 'closed' });
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('shows the guide’s sign-in page with its labels, the pictures and the alternative', async (c) => {
      if (skip) return c.skip(skip);
      const page = await new Browser(t.app).get('/connexion');
      assert.equal(page.status, 200);
      const text = textOf(page.body);
      assert.match(text, /Espace Adhérent - Connexion/);
      assert.match(text, /Identifiant \(N° adhérent\)/);
      assert.match(text, /Cliquer sur l'image correspondant au mot : vélo/);
      assert.match(page.body, /<label for="password">Mot de passe<\/label>/);
      assert.match(page.body, /<button type="submit" class="button">Connexion<\/button>/);
      assert.match(text, /Mot de passe oublié, ou première connexion/);
      assert.equal([...page.body.matchAll(/type="radio"/g)].length, 6);
      assert.match(page.body, /<altcha-widget/);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.doesNotMatch(page.body, /<script>|style="/);
    });

    it('signs a member in with the right picture and password, then shows the member space', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const res = await signIn(b, t, '100002', GOOD_PASSWORD);
      assert.equal(res.status, 303);
      assert.equal(res.location, '/espace?bienvenue=1');
      assert.ok(b.cookies.get('__Host-sesame'));
      assert.match(
        String(res.headers['set-cookie']),
        /__Host-sesame=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
      );
      const space = await b.follow();
      assert.equal(space.status, 200);
      assert.match(textOf(space.body), /Bonjour Éric Durand/);
      assert.match(textOf(space.body), /Historique de connexion/);
    });

    it('refuses a wrong picture before looking at the password, with a fresh challenge', async (c) => {
      if (skip) return c.skip(skip);
      const before = await throttleRows(store);
      const b = new Browser(t.app);
      const page = await b.get('/connexion');
      const res = await b.post('/connexion', {
        member_number: '100001',
        password: 'wrong',
        ...antiRobotWrong(page.body, t.answerIndex),
      });
      assert.equal(res.status, 400);
      assert.match(textOf(res.body), /vérification anti-robot n’a pas réussi/);
      assert.notEqual(
        antiRobotAnswer(res.body, t.answerIndex).challenge_id,
        antiRobotAnswer(page.body, t.answerIndex).challenge_id,
      );
      assert.equal(
        await throttleRows(store),
        before,
        'no failure may be counted when the anti-robot check failed',
      );
    });

    it('refuses a missing, forged or replayed challenge', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const page = await b.get('/connexion');
      const missing = await b.post('/connexion', { member_number: '100001', password: GOOD_PASSWORD });
      assert.equal(missing.status, 400);
      const forged = await b.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        challenge_id: 'forged',
        challenge_choice: 'x',
      });
      assert.equal(forged.status, 400);
      const answer = antiRobotAnswer(page.body, t.answerIndex);
      const first = await b.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...answer,
      });
      assert.equal(first.status, 303);
      const again = await new Browser(t.app).get('/connexion');
      const replay = await new Browser(t.app).post('/connexion', {
        _csrf: /name="_csrf" value="([^"]+)"/.exec(again.body)![1]!,
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...answer,
      });
      assert.notEqual(replay.status, 303);
    });

    it('gives one generic message for a wrong password, an unknown number and a closed member', async (c) => {
      if (skip) return c.skip(skip);
      const texts = [];
      for (const [n, p] of [
        ['100001', 'Wrong-Password-1!'],
        ['999999', GOOD_PASSWORD],
        ['100003', GOOD_PASSWORD],
      ] as const) {
        const res = await signIn(new Browser(t.app), t, n, p);
        assert.equal(res.status, 401);
        texts.push(/<div class="alert alert--error" role="alert">([\s\S]*?)<\/div>/.exec(res.body)?.[1]);
      }
      assert.match(texts[0] ?? '', /Identifiant ou mot de passe incorrect/);
      assert.equal(texts[1], texts[0]);
      assert.equal(texts[2], texts[0]);
    });

    it('refuses malformed member numbers and oversized input with a clear message, never a 500', async (c) => {
      if (skip) return c.skip(skip);
      const letters = await signIn(new Browser(t.app), t, '12ab56', GOOD_PASSWORD);
      assert.equal(letters.status, 400);
      assert.match(textOf(letters.body), /uniquement des chiffres/);
      const long = await signIn(new Browser(t.app), t, '1'.repeat(500), GOOD_PASSWORD);
      assert.equal(long.status, 400);
      const empty = await signIn(new Browser(t.app), t, '', '');
      assert.equal(empty.status, 400);
      assert.match(textOf(empty.body), /Merci de renseigner/);
      const b = new Browser(t.app);
      const page = await b.get('/connexion');
      const huge = await b.post('/connexion', {
        member_number: '100001',
        password: 'x'.repeat(1024 * 1024),
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      assert.equal(huge.status, 413);
      assert.match(textOf(huge.body), /trop volumineuses/);
    });

    it('refuses a POST without CSRF token or from another origin, counting nothing', async (c) => {
      if (skip) return c.skip(skip);
      const before = await throttleRows(store);
      const b = new Browser(t.app);
      const page = await b.get('/connexion');
      const noCsrf = await b.post('/connexion', {
        _csrf: '',
        member_number: '100001',
        password: 'x',
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      assert.equal(noCsrf.status, 403);
      const page2 = await b.get('/connexion');
      const cross = await b.post(
        '/connexion',
        { member_number: '100001', password: 'x', ...antiRobotAnswer(page2.body, t.answerIndex) },
        { origin: 'https://evil.example' },
      );
      assert.equal(cross.status, 403);
      const json = await t.app.inject({
        method: 'POST',
        url: '/connexion',
        payload: { member_number: '1' },
        headers: { origin: 'http://localhost:3000' },
      });
      assert.equal(json.statusCode, 415);
      assert.equal(await throttleRows(store), before);
    });

    it('blocks after five failures, tells the wait, and lets the member in once it has passed', async (c) => {
      if (skip) return c.skip(skip);
      await seedMember(store, { number: '200001', password: GOOD_PASSWORD });
      for (let i = 0; i < 5; i++)
        assert.equal((await signIn(new Browser(t.app), t, '200001', 'Nope-nope-12!')).status, 401);
      const blocked = await signIn(new Browser(t.app), t, '200001', GOOD_PASSWORD);
      assert.equal(blocked.status, 429);
      assert.match(textOf(blocked.body), /Trop de tentatives de connexion. Merci de patienter 1 minute/);
      t.clock.advance(MINUTE);
      assert.equal((await signIn(new Browser(t.app), t, '200001', GOOD_PASSWORD)).status, 303);
      const events = await store.db
        .selectFrom('audit_events')
        .select(['event', 'outcome'])
        .where('member_number', '=', '200001')
        .execute();
      assert.ok(events.some((e) => e.event === 'lock'));
      assert.ok(events.some((e) => e.event === 'sign-in-blocked'));
    });

    it('throttles an unknown number exactly like a real one', async (c) => {
      if (skip) return c.skip(skip);
      for (let i = 0; i < 5; i++) await signIn(new Browser(t.app), t, '300300', 'Nope-nope-12!');
      assert.equal((await signIn(new Browser(t.app), t, '300300', 'Nope-nope-12!')).status, 429);
    });

    it('gives a new session token at each sign-in and ends the session on sign-out', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      b.cookies.set('__Host-sesame', 'planted-token-planted-token-planted-token-000');
      await signIn(b, t, '100001', GOOD_PASSWORD);
      const first = b.cookies.get('__Host-sesame');
      assert.notEqual(first, 'planted-token-planted-token-planted-token-000');
      await signIn(b, t, '100001', GOOD_PASSWORD);
      const second = b.cookies.get('__Host-sesame');
      assert.notEqual(first, second);
      const space = await b.get('/espace');
      await b.post('/deconnexion', {});
      assert.equal(b.last?.location, '/connexion?fin=1');
      // The old token no longer opens anything, even if replayed.
      const replay = new Browser(t.app);
      replay.cookies.set('__Host-sesame', second!);
      const res = await replay.get('/espace');
      assert.equal(res.status, 303);
      assert.equal(space.status, 200);
    });

    it('ends the session after 30 idle minutes', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      await signIn(b, t, '100001', GOOD_PASSWORD);
      assert.equal((await b.get('/espace')).status, 200);
      t.clock.advance(30 * MINUTE);
      assert.equal((await b.get('/espace')).status, 303);
    });

    it('changes the password from the member space and ends the other sessions', async (c) => {
      if (skip) return c.skip(skip);
      await seedMember(store, { number: '400001', password: GOOD_PASSWORD });
      const other = new Browser(t.app, '198.51.100.9');
      await signIn(other, t, '400001', GOOD_PASSWORD);
      const b = new Browser(t.app);
      await signIn(b, t, '400001', GOOD_PASSWORD);
      await b.get('/espace/mot-de-passe');
      const weak = await b.post('/espace/mot-de-passe', {
        current_password: GOOD_PASSWORD,
        new_password: 'abc',
        confirm_password: 'abc',
      });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /<li data-rule="min-length" class="ko">/);
      const forbidden = await b.post('/espace/mot-de-passe', {
        current_password: GOOD_PASSWORD,
        new_password: "Ciel_Bleu'Marine%42",
        confirm_password: "Ciel_Bleu'Marine%42",
      });
      assert.equal(forbidden.status, 400);
      assert.match(forbidden.body, /<li data-rule="no-forbidden-chars" class="ko">/);
      await b.get('/espace/mot-de-passe');
      const ok = await b.post('/espace/mot-de-passe', {
        current_password: GOOD_PASSWORD,
        new_password: OTHER_GOOD_PASSWORD,
        confirm_password: OTHER_GOOD_PASSWORD,
      });
      assert.equal(ok.status, 303);
      assert.equal((await other.get('/espace')).status, 303, 'the other session must have ended');
      assert.equal((await b.get('/espace')).status, 200);
      assert.equal((await signIn(new Browser(t.app), t, '400001', OTHER_GOOD_PASSWORD)).status, 303);
      const outbox = await store.db
        .selectFrom('outbox')
        .select(['template', 'channel'])
        .where('template', '=', 'password-changed')
        .execute();
      assert.ok(outbox.length >= 2, 'a notice goes to the e-mail and to the mobile on file');
    });

    it('speaks English from Accept-Language and from the switch', async (c) => {
      if (skip) return c.skip(skip);
      const res = await t.app.inject({
        method: 'GET',
        url: '/connexion',
        headers: { 'accept-language': 'en-GB,en;q=0.9' },
      });
      assert.match(res.body, /<html lang="en">/);
      assert.match(res.body, /Member space - Sign in/);
      const b = new Browser(t.app);
      await b.get('/connexion?lang=en');
      assert.equal(b.cookies.get('__Host-lang'), 'en');
      assert.match((await b.get('/connexion')).body, /lang="en"/);
    });

    it('serves the security-advice page in French and English', async (c) => {
      if (skip) return c.skip(skip);
      const fr = await new Browser(t.app).get('/conseils-securite');
      assert.match(textOf(fr.body), /Ne communiquez jamais votre code d’activation/);
      const en = await new Browser(t.app).get('/conseils-securite?lang=en');
      assert.match(textOf(en.body), /Never give away your activation code/);
    });
  });
}

describe('per-IP limit on sign-in', () => {
  it('refuses the attempts of one address past the limit per minute, and not those of another', async (c) => {
    const d = DIALECTS[0]!;
    const store = await d.open();
    const t = await buildTestApp(store, { SESAME_SIGN_INS_PER_IP_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++)
        assert.equal((await signIn(new Browser(t.app, '198.51.100.1'), t, '123456', 'x')).status, 401);
      const limited = await signIn(new Browser(t.app, '198.51.100.1'), t, '123456', 'x');
      assert.equal(limited.status, 429);
      assert.match(textOf(limited.body), /Trop de demandes depuis votre connexion/);
      assert.equal((await signIn(new Browser(t.app, '198.51.100.2'), t, '123456', 'x')).status, 401);
      t.clock.advance(MINUTE);
      assert.equal((await signIn(new Browser(t.app, '198.51.100.1'), t, '123456', 'x')).status, 401);
      c.diagnostic('limit enforced per address and per minute');
    } finally {
      await t.close();
      await store.dispose();
    }
  });
});
