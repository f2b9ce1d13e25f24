import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { DEMO_MEMBERS, demoMembersHelp, loadDemoMembers } from '../../src/members/demo.js';
import { FirstLines } from '../../src/members/first-lines.js';
import {
  findMemberById,
  findMemberByNumber,
  getCredential,
  searchMembers,
  setPassword,
} from '../../src/members/repository.js';
import { checkEmail } from '../../src/members/validate.js';
import type { Store } from '../../src/store/db.js';
import { DIALECTS, type DialectCase } from '../helpers/stores.js';

const NOW = Date.UTC(2026, 0, 15, 9, 0);

async function withStore(
  d: DialectCase,
  t: TestContext,
  body: (store: Store) => Promise<void>,
): Promise<void> {
  const reason = await d.skip();
  if (reason) return t.skip(reason);
  const store = await d.open();
  try {
    await body(store);
  } finally {
    await store.dispose();
  }
}

for (const d of DIALECTS) {
  describe(`member registry on ${d.name}`, () => {
    it('loads the four demo members, one per contact case, without passwords', (t) =>
      withStore(d, t, async (store) => {
        await loadDemoMembers(store, NOW);
        await loadDemoMembers(store, NOW + 1000); // twice: still four, untouched
        const rows = await store.db.selectFrom('members').selectAll().orderBy('member_number').execute();
        assert.deepEqual(
          rows.map((m) => [m.member_number, Boolean(m.email), Boolean(m.mobile), m.updated_at]),
          [
            ['100001', true, true, NOW],
            ['100002', true, false, NOW],
            ['100003', false, true, NOW],
            ['100004', false, false, NOW],
          ],
        );
        assert.equal(
          await store.db.selectFrom('credentials').select('member_id').executeTakeFirst(),
          undefined,
        );
      }));

    it('finds a member by number and by id', (t) =>
      withStore(d, t, async (store) => {
        await loadDemoMembers(store, NOW);
        const byNumber = await findMemberByNumber(store.db, '100002');
        assert.equal(byNumber?.last_name, 'Nguyễn');
        assert.equal((await findMemberById(store.db, byNumber!.id))?.member_number, '100002');
        assert.equal(await findMemberByNumber(store.db, '999999'), undefined);
      }));

    it('searches by number prefix and by name without accents or case', (t) =>
      withStore(d, t, async (store) => {
        await loadDemoMembers(store, NOW);
        const numbers = async (q: string) =>
          (await searchMembers(store.db, q, { limit: 10, offset: 0 })).map((m) => m.member_number);
        assert.deepEqual((await numbers('10000')).sort(), ['100001', '100002', '100003', '100004']);
        assert.deepEqual(await numbers('100003'), ['100003']);
        assert.deepEqual(await numbers('LEFEVRE'), ['100001']);
        assert.deepEqual(await numbers('hélène lefèvre'), ['100001']);
        assert.deepEqual(await numbers('gall jean'), ['100004']);
        assert.deepEqual(await numbers('nguyen'), ['100002']);
        assert.deepEqual(await numbers('aicha'), ['100003']);
        assert.deepEqual(await numbers('ll'), []);
        assert.deepEqual(await numbers('%'), []);
        assert.deepEqual((await searchMembers(store.db, '1000', { limit: 2, offset: 2 })).length, 2);
      }));

    it('sets a password, then replaces it, keeping one credential per member', (t) =>
      withStore(d, t, async (store) => {
        await loadDemoMembers(store, NOW);
        const member = (await findMemberByNumber(store.db, '100004'))!;
        assert.equal(await getCredential(store.db, member.id), undefined);
        await setPassword(store.db, member.id, 'hash-1', NOW, true);
        assert.deepEqual(await getCredential(store.db, member.id), {
          member_id: member.id,
          password_hash: 'hash-1',
          changed_at: NOW,
          must_change: 1,
        });
        await setPassword(store.db, member.id, 'hash-2', NOW + 5);
        const credential = await getCredential(store.db, member.id);
        assert.deepEqual(
          [credential?.password_hash, credential?.changed_at, credential?.must_change],
          ['hash-2', NOW + 5, 0],
        );
      }));
  });
}

describe('demo members', () => {
  it('explains in French then English which number has which contact, and where codes land', () => {
    const help = demoMembersHelp('/srv/sesame');
    const fr = help.indexOf('Adhérents de démonstration');
    const en = help.indexOf('Demo members');
    assert.ok(fr >= 0 && en > fr);
    assert.match(help, /100001 +Hélène Lefèvre — e-mail et mobile/);
    assert.match(help, /100004 .*courrier/);
    assert.match(help, /\/srv\/sesame\/outbox\//);
  });

  it('holds valid e-mail addresses at a reserved domain', () => {
    for (const m of DEMO_MEMBERS)
      if (m.email) assert.ok(checkEmail(m.email).ok && m.email.endsWith('@example.com'));
  });
});

describe('duplicate detection', () => {
  it('remembers the first line of each number, numeric or not, leading zeros included', () => {
    const lines = new FirstLines();
    for (let i = 0; i < 20_000; i++)
      assert.equal(lines.claim(String(10_000_000 + i * 7919), i + 2), undefined);
    assert.equal(lines.claim(String(10_000_000 + 5 * 7919), 99_999), 7);
    assert.equal(lines.claim('0123456', 3), undefined);
    assert.equal(lines.claim('123456', 4), undefined);
    assert.equal(lines.claim('0123456', 5), 3);
    assert.equal(lines.claim('AB-12', 6), undefined);
    assert.equal(lines.claim('AB-12', 7), 6);
  });
});
