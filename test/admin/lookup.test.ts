import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  LOOKUP_PAGE_SIZE,
  loadMemberFile,
  parsePage,
  searchMembersForStaff,
} from '../../src/admin/lookup.js';
import { ManualClock } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { createSession } from '../../src/sessions/sessions.js';
import { recordSignInFailure } from '../../src/sign-in/lockout.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { seedNamedMember } from './fixtures.js';

for (const d of DIALECTS) {
  describe(`member lookup on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    const clock = new ManualClock();
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      const now = clock.now();
      await seedNamedMember(store, { number: '300001', firstName: 'Hélène', lastName: 'Lefèvre' }, now);
      await seedNamedMember(store, { number: '300002', firstName: 'Jean', lastName: 'Lefebvre' }, now);
      await seedNamedMember(store, { number: '300003', firstName: 'Aïcha', lastName: 'N’Diaye' }, now);
      await seedNamedMember(store, { number: '300004', firstName: 'Zoé', lastName: 'Martin-Lefèvre' }, now);
      for (let i = 0; i < 45; i++)
        await seedNamedMember(store, { firstName: `Prénom${i}`, lastName: 'Dupont' }, now);
    });
    after(async () => {
      if (!skip) await store.dispose();
    });

    it('finds « Lefèvre » when typed « lefevre », and a compound name by either part', async (c) => {
      if (skip) return c.skip(skip);
      const r = await searchMembersForStaff(store, 'lefevre', 1);
      assert.deepEqual(r.items.map((m) => m.number).sort(), ['300001', '300004']);
      assert.equal(r.items.find((m) => m.number === '300001')?.lastName, 'Lefèvre');
      const upper = await searchMembersForStaff(store, 'LEFÈVRE Hélène', 1);
      assert.deepEqual(
        upper.items.map((m) => m.number),
        ['300001'],
      );
      const apostrophe = await searchMembersForStaff(store, "n'diaye", 1);
      assert.deepEqual(
        apostrophe.items.map((m) => m.number),
        ['300003'],
      );
    });

    it('finds a member by the exact member number', async (c) => {
      if (skip) return c.skip(skip);
      const r = await searchMembersForStaff(store, ' 300002 ', 1);
      assert.deepEqual(
        r.items.map((m) => m.lastName),
        ['Lefebvre'],
      );
      assert.equal(
        (await searchMembersForStaff(store, '30000', 1)).total,
        0,
        'a number matches exactly, not as a prefix',
      );
    });

    it('pages results 20 at a time', async (c) => {
      if (skip) return c.skip(skip);
      const p1 = await searchMembersForStaff(store, 'dupont', 1);
      assert.equal(p1.total, 45);
      assert.equal(p1.pages, 3);
      assert.equal(p1.items.length, LOOKUP_PAGE_SIZE);
      const p3 = await searchMembersForStaff(store, 'dupont', 3);
      assert.equal(p3.items.length, 5);
      const past = await searchMembersForStaff(store, 'dupont', 99);
      assert.equal(past.page, 3, 'a page past the end shows the last one');
      assert.equal(parsePage('abc'), 1);
      assert.equal(parsePage('-3'), 1);
      assert.equal(parsePage('9'.repeat(50)), 1);
    });

    it('handles SQL metacharacters, wildcards and a 10,000-character query without error', async (c) => {
      if (skip) return c.skip(skip);
      for (const q of ["' OR 1=1 --", '%', '_', '%%%', '\\', "'; DROP TABLE members; --", '"', '\u0000x']) {
        const r = await searchMembersForStaff(store, q, 1);
        assert.equal(r.total, 0, `query ${JSON.stringify(q)}`);
      }
      const long = await searchMembersForStaff(store, 'a'.repeat(10_000), 1);
      assert.equal(long.query.length, 100);
      assert.equal(long.total, 0);
      const count = await store.db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      assert.equal(Number(count?.n), 49);
    });

    it('gathers the member page: lock state, failures, sessions, and no secret', async (c) => {
      if (skip) return c.skip(skip);
      const now = clock.now();
      for (let i = 0; i < 5; i++) await recordSignInFailure(store, '300001', now);
      const member = await store.db
        .selectFrom('members')
        .select('id')
        .where('member_number', '=', '300001')
        .executeTakeFirstOrThrow();
      await createSession(
        store.db,
        { subjectType: 'member', subjectId: Number(member.id), ip: '192.0.2.1', userAgent: 'Firefox' },
        now,
        cryptoRandom,
      );
      const file = await loadMemberFile(store, '300001', now);
      assert.ok(file);
      assert.ok(file.lock.blockedUntil > now);
      assert.equal(file.lock.consecutive, 5);
      assert.equal(file.sessions.length, 1);
      assert.equal(file.password, null);
      assert.doesNotMatch(JSON.stringify(file), /password_hash|code_hash|provisional_hash/);
      assert.equal(await loadMemberFile(store, "300001' or '1'='1", now), undefined);
      assert.equal(await loadMemberFile(store, '999999', now), undefined);
    });
  });
}
