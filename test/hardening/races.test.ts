// Races (issue 8), on SQLite and PostgreSQL: two password changes at once, two letter requests at once,
// two imports at once — each ends in one consistent state. Two spends of the same activation code are
// tested in test/recovery/flow.test.ts (« lets exactly one of two simultaneous right codes through »), two
// letter requests at the domain level in test/letters/requests.test.ts, two TOTP spends in
// test/admin/staff.test.ts.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeMembersCsv } from '../../bench/generate-members.js';
import { verifyPassword } from '../../src/passwords/hashing.js';
import { antiRobotAnswer, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { assertNoLeak, runSesame } from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

const FIRST = 'Nouvelle-Lune-2031!';
const SECOND = 'Soleil-Couchant-2032?';

async function signIn(t: TestApp, number: string): Promise<Browser> {
  const b = new Browser(t.app);
  const page = await b.get('/connexion');
  const res = await b.post('/connexion', {
    member_number: number,
    password: GOOD_PASSWORD,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
  assert.equal(res.status, 303);
  await b.get('/espace/mot-de-passe');
  return b;
}

async function startFlow(t: TestApp, number: string): Promise<{ b: Browser; id: string }> {
  const b = new Browser(t.app);
  const page = await b.get('/mot-de-passe-oublie/numero');
  const res = await b.post('/mot-de-passe-oublie/numero', {
    member_number: number,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
  const id = res.location!.split('/').pop()!;
  await b.follow();
  return { b, id };
}

async function generate(file: string, rows: number, seed: number): Promise<Set<string>> {
  const out = createWriteStream(file);
  await writeMembersCsv(out, rows, seed);
  out.end();
  await once(out, 'finish');
  const numbers = readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[0]!);
  return new Set(numbers);
}

for (const d of DIALECTS) {
  describe(`races on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    const audits = async (memberId: number) =>
      store.db
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'password-change')
        .where('member_id', '=', memberId)
        .execute();

    it('settles two password changes sent at once from one session: one credential, each change audited', async (c) => {
      if (skip) return c.skip(skip);
      const id = await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      const b = await signIn(t, '100001');
      const change = (p: string) =>
        b.post('/espace/mot-de-passe', {
          current_password: GOOD_PASSWORD,
          new_password: p,
          confirm_password: p,
        });
      const results = await Promise.all([change(FIRST), change(SECOND)]);
      const won = results.filter((r) => r.status === 303).length;
      assert.ok(won >= 1, `statuses ${results.map((r) => r.status)}`);
      for (const r of results) assert.ok(r.status === 303 || r.status === 400, `status ${r.status}`);
      const credentials = await store.db
        .selectFrom('credentials')
        .selectAll()
        .where('member_id', '=', id)
        .execute();
      assert.equal(credentials.length, 1);
      const isFirst = await verifyPassword(credentials[0]!.password_hash, FIRST);
      const isSecond = await verifyPassword(credentials[0]!.password_hash, SECOND);
      assert.ok(isFirst !== isSecond, 'the credential is exactly one of the two new passwords');
      assert.equal(
        (await audits(id)).length,
        won,
        'each change that answered « done » is audited, and only those',
      );
      assert.equal((await b.get('/espace')).status, 200, 'the session that made the change stays open');
    });

    it('settles two password changes sent at once from two sessions of one member consistently', async (c) => {
      if (skip) return c.skip(skip);
      const id = await seedMember(store, { number: '100002', password: GOOD_PASSWORD });
      const [a, b] = [await signIn(t, '100002'), await signIn(t, '100002')];
      const results = await Promise.all([
        a.post('/espace/mot-de-passe', {
          current_password: GOOD_PASSWORD,
          new_password: FIRST,
          confirm_password: FIRST,
        }),
        b.post('/espace/mot-de-passe', {
          current_password: GOOD_PASSWORD,
          new_password: SECOND,
          confirm_password: SECOND,
        }),
      ]);
      const won = results.filter((r) => r.status === 303).length;
      assert.ok(won >= 1);
      const credentials = await store.db
        .selectFrom('credentials')
        .selectAll()
        .where('member_id', '=', id)
        .execute();
      assert.equal(credentials.length, 1);
      const matches = [
        await verifyPassword(credentials[0]!.password_hash, FIRST),
        await verifyPassword(credentials[0]!.password_hash, SECOND),
      ];
      assert.equal(matches.filter(Boolean).length, 1);
      assert.equal((await audits(id)).length, won);
      // Each change ends the member's other sessions (ASVS 7.4.3): at most one of the two survives.
      const sessions = await store.db
        .selectFrom('sessions')
        .select('id')
        .where('subject_type', '=', 'member')
        .where('subject_id', '=', id)
        .execute();
      assert.ok(sessions.length <= 1, `${sessions.length} sessions left`);
      // The password that won signs in; the other does not.
      const winner = matches[0] ? FIRST : SECOND;
      const loser = matches[0] ? SECOND : FIRST;
      for (const [p, expected] of [
        [winner, 303],
        [loser, 401],
      ] as const) {
        const s = new Browser(t.app);
        const page = await s.get('/connexion');
        assert.equal(
          (
            await s.post('/connexion', {
              member_number: '100002',
              password: p,
              ...antiRobotAnswer(page.body, t.answerIndex),
            })
          ).status,
          expected,
        );
      }
    });

    it('queues exactly one letter for two requests sent at once, from one flow or from two', async (c) => {
      if (skip) return c.skip(skip);
      const id = await seedMember(store, { number: '100003', email: null, mobile: null });
      const one = await startFlow(t, '100003');
      const two = await startFlow(t, '100003');
      const sameFlow = () => one.b.post(`/mot-de-passe-oublie/${one.id}/courrier`, {});
      const results = await Promise.all([
        sameFlow(),
        sameFlow(),
        two.b.post(`/mot-de-passe-oublie/${two.id}/courrier`, {}),
      ]);
      for (const r of results) assert.ok(r.status < 500, `status ${r.status}`);
      const letters = await store.db
        .selectFrom('letters')
        .select(['status'])
        .where('member_id', '=', id)
        .execute();
      assert.deepEqual(letters, [{ status: 'requested' }]);
    });

    it('applies two imports run at once without duplicates and with consistent counts', async (c) => {
      if (skip) return c.skip(skip);
      const dir = mkdtempSync(join(tmpdir(), 'sesame-race-import-'));
      try {
        const a = join(dir, 'a.csv');
        const b = join(dir, 'b.csv');
        const numbersA = await generate(a, 20_000, 11);
        const numbersB = await generate(b, 20_000, 12);
        const before = await store.db.selectFrom('members').select('member_number').execute();
        const env = {
          SESAME_DATA_DIR: store.dataDir,
          ...(store.databaseUrl ? { SESAME_DATABASE_URL: store.databaseUrl } : {}),
        };
        // The same file twice and a second file, all at once.
        const runs = await Promise.all([a, a, b].map((f) => runSesame(['members', 'import', f], env)));
        const applied = new Set<string>(before.map((m) => m.member_number));
        runs.forEach((r, i) => {
          assertNoLeak(`${r.stdout}\n${r.stderr}`, `import ${i}`);
          if (r.code === 0) for (const n of i === 2 ? numbersB : numbersA) applied.add(n);
          else assert.match(r.stderr, /^(Erreur|Import refusé)/m, `import ${i}: ${r.stderr}`);
        });
        assert.ok(
          runs.some((r) => r.code === 0),
          runs.map((r) => r.stderr).join('\n'),
        );
        const after = await store.db.selectFrom('members').select('member_number').execute();
        assert.equal(after.length, new Set(after.map((m) => m.member_number)).size, 'no member number twice');
        assert.deepEqual(
          new Set(after.map((m) => m.member_number)),
          applied,
          'exactly the files that succeeded',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
