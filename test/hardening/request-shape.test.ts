// The shape of a request, on every POST route the server lists (issue 8, ASVS 5.0 V4 and OWASP CSRF cheat
// sheet): a huge body (413), a body that is not a urlencoded form (415), a missing or foreign CSRF token
// (403), a cross-site origin (403), a NUL character (400) and bytes that are not UTF-8. Each is refused with
// a French page, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedStaff, signInStaff } from '../admin/helpers.js';
import { antiRobotAnswer, Browser, buildTestApp, csrfOf, type TestApp } from '../helpers/app.js';
import {
  assertSafeAnswer,
  assertUnchanged,
  fillPattern,
  formBody,
  listRoutes,
  rowCounts,
  send,
  visibleText,
} from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

interface Caller {
  readonly cookies: ReadonlyMap<string, string>;
  readonly csrf: string;
}

const PLACEHOLDERS: Readonly<Record<string, string>> = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  number: '100001',
  letter: '1',
  batch: '1',
  file: 'x',
  '*': 'x',
};

/** The page a refusal must show, by status. */
const REFUSAL_TEXT: Readonly<Record<number, RegExp>> = {
  400: /mal formée/,
  403: /Votre page a expiré|ne provient pas de notre site/,
  413: /trop volumineuses/,
  415: /format de données n’est pas accepté/,
};

for (const d of DIALECTS) {
  describe(`the shape of requests on every POST route on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let member: Caller;
    let staff: Caller;
    let posts: string[];
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      await seedStaff(store, 'admin1', 'admin', t.clock.now());
      const m = new Browser(t.app);
      const page = await m.get('/connexion');
      await m.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      await m.get('/espace');
      member = { cookies: new Map(m.cookies), csrf: csrfOf(m.last!.body)! };
      const s = await signInStaff(t, 'admin1');
      await s.get('/admin/equipe');
      // One caller holding both sessions: a refusal below can only come from the request's shape.
      staff = { cookies: new Map([...m.cookies, ...s.cookies]), csrf: csrfOf(s.last!.body)! };
      posts = listRoutes(t.app)
        .filter((r) => r.startsWith('POST '))
        .map((r) => fillPattern(r.slice(5), PLACEHOLDERS));
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    const caller = (url: string): Caller => (url.startsWith('/admin') ? staff : member);

    /** Sends `req` to every POST route and checks the refusal: status, French page, nothing written. */
    async function expectRefusedEverywhere(
      status: number,
      build: (
        url: string,
        c: Caller,
      ) => { body?: Buffer | string; headers?: Record<string, string>; cookies?: Map<string, string> },
    ): Promise<void> {
      assert.ok(posts.length >= 10, 'the server lists its POST routes');
      for (const url of posts) {
        const c = caller(url);
        const req = build(url, c);
        const before = await rowCounts(store);
        const res = await send(t.app, {
          method: 'POST',
          url,
          cookies: req.cookies ?? c.cookies,
          body: req.body,
          headers: req.headers,
        });
        assert.equal(res.status, status, `${url}: expected ${status}, got ${res.status}`);
        assertSafeAnswer(res, url);
        assert.match(visibleText(res.body), REFUSAL_TEXT[status]!, `${url}: the page does not say why`);
        assert.match(
          String(res.headers['content-security-policy'] ?? ''),
          /default-src 'self'/,
          `${url}: no CSP`,
        );
        await assertUnchanged(store, before, url);
      }
    }

    it('refuses a body over 64 KB with 413 before reading it', async (c) => {
      if (skip) return c.skip(skip);
      await expectRefusedEverywhere(413, (_url, caller) => ({
        body: formBody({ _csrf: caller.csrf, member_number: '1'.repeat(70 * 1024) }),
      }));
    });

    it('refuses JSON, plain text, multipart and XML bodies with 415', async (c) => {
      if (skip) return c.skip(skip);
      const kinds: [string, string][] = [
        ['application/json', '{"member_number":"100001","password":{"$ne":null}}'],
        ['text/plain', 'member_number=100001'],
        [
          'multipart/form-data; boundary=x',
          '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
        ],
        [
          'application/xml',
          '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
        ],
      ];
      for (const [type, body] of kinds) {
        await expectRefusedEverywhere(415, () => ({ body, headers: { 'content-type': type } }));
      }
    });

    it('refuses a form without CSRF token, with a forged one, or without its cookie, with 403', async (c) => {
      if (skip) return c.skip(skip);
      await expectRefusedEverywhere(403, () => ({ body: formBody({ confirm: '1' }) }));
      await expectRefusedEverywhere(403, () => ({
        body: formBody({ _csrf: 'forged-token-forged-token', confirm: '1' }),
      }));
      await expectRefusedEverywhere(403, (_url, caller) => {
        const cookies = new Map(caller.cookies);
        cookies.delete('__Host-csrf');
        return { body: formBody({ _csrf: caller.csrf, confirm: '1' }), cookies };
      });
      // A token of another browser: tokens are bound to their own secret cookie.
      const other = new Browser(t.app);
      const token = csrfOf((await other.get('/connexion')).body)!;
      await expectRefusedEverywhere(403, () => ({ body: formBody({ _csrf: token, confirm: '1' }) }));
    });

    it('refuses a cross-site POST with 403 even with a valid token', async (c) => {
      if (skip) return c.skip(skip);
      const crossSite: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: 'http://localhost:3000.evil.example' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of crossSite) {
        await expectRefusedEverywhere(403, (_url, caller) => ({
          body: formBody({ _csrf: caller.csrf, confirm: '1' }),
          headers,
        }));
      }
    });

    it('refuses a NUL character in a field, a query parameter or a path parameter with 400', async (c) => {
      if (skip) return c.skip(skip);
      await expectRefusedEverywhere(400, (_url, caller) => ({
        body: formBody({ _csrf: caller.csrf, member_number: '100001\u0000', password: 'x', confirm: '1' }),
      }));
      for (const url of [
        '/admin/adherents?q=%00',
        '/admin/journal?staff=a%00b',
        '/admin/adherents/100001%00',
      ]) {
        const res = await send(t.app, { method: 'GET', url, cookies: staff.cookies });
        assert.equal(res.status, 400, url);
        assertSafeAnswer(res, url);
      }
    });

    it('answers bytes that are not UTF-8 with a page, never a 500', async (c) => {
      if (skip) return c.skip(skip);
      for (const url of posts) {
        const c2 = caller(url);
        for (const bad of [[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80]]) {
          const body = Buffer.concat([
            Buffer.from(`_csrf=${c2.csrf}&member_number=1234`),
            Buffer.from(bad),
            Buffer.from('&password=a'),
            Buffer.from(bad),
            Buffer.from('&confirm=1&code=12'),
            Buffer.from(bad),
          ]);
          const before = await rowCounts(store);
          const res = await send(t.app, { method: 'POST', url, cookies: c2.cookies, body });
          assertSafeAnswer(res, `${url} with bytes ${bad.join(',')}`);
          if (res.status >= 400) await assertUnchanged(store, before, url);
        }
      }
    });

    it('answers a malformed URL with the French error page rather than the framework’s JSON', async (c) => {
      if (skip) return c.skip(skip);
      for (const url of [
        '/mot-de-passe-oublie/%ED%A0%80',
        `/mot-de-passe-oublie/${'9'.repeat(300)}`,
        '/admin/adherents/%FF',
      ]) {
        const res = await send(t.app, { method: 'GET', url, cookies: staff.cookies });
        assert.equal(res.status, 400, url);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assertSafeAnswer(res, url);
        assert.match(visibleText(res.body), /mal formée/);
      }
    });
  });
}
