// One letter per member per 30 days (DESIGN.md §4): a second request in the window gets an answer with
// the dates, not a second letter, even when two requests arrive at the same instant.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LetterRequestAnswer, requestLetter } from '../../src/letters/requests.js';
import { DAY, ManualClock } from '../../src/platform/clock.js';
import type { Store } from '../../src/store/db.js';
import { seedMember } from '../helpers/members.js';
import { DIALECTS } from '../helpers/stores.js';

function ask(store: Store, memberId: number, now: number): Promise<LetterRequestAnswer> {
  return store.db
    .transaction()
    .execute((trx) =>
      requestLetter(trx, store.dialect, { memberId, requestedBy: 'member', now, intervalDays: 30 }),
    );
}

async function letterCount(store: Store, memberId: number): Promise<number> {
  const rows = await store.db.selectFrom('letters').select('id').where('member_id', '=', memberId).execute();
  return rows.length;
}

for (const d of DIALECTS) {
  describe(`letter requests on ${d.name}`, () => {
    it('queues one letter, answers « too soon » with the dates for 30 days, then queues again', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const memberId = await seedMember(store, { number: '10000001', email: null, mobile: null });
        const first = clock.now();
        assert.deepEqual(await ask(store, memberId, first), { status: 'queued' });
        const row = await store.db
          .selectFrom('letters')
          .selectAll()
          .where('member_id', '=', memberId)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'requested');
        assert.equal(row.requested_at, first);
        assert.equal(row.requested_by, 'member');
        assert.equal(row.provisional_hash, null);

        clock.advance(29 * DAY);
        assert.deepEqual(await ask(store, memberId, clock.now()), {
          status: 'too_soon',
          lastAt: first,
          nextAt: first + 30 * DAY,
        });
        assert.equal(await letterCount(store, memberId), 1);

        clock.advance(DAY);
        assert.deepEqual(await ask(store, memberId, clock.now()), { status: 'queued' });
        assert.equal(await letterCount(store, memberId), 2);
      } finally {
        await store.dispose();
      }
    });

    it('does not count a cancelled letter against the 30 days', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const memberId = await seedMember(store, { number: '10000002', email: null, mobile: null });
        assert.equal((await ask(store, memberId, clock.now())).status, 'queued');
        await store.db
          .updateTable('letters')
          .set({ status: 'cancelled' })
          .where('member_id', '=', memberId)
          .execute();
        clock.advance(DAY);
        assert.equal((await ask(store, memberId, clock.now())).status, 'queued');
      } finally {
        await store.dispose();
      }
    });

    it('queues exactly one letter when two requests for the same member arrive at once', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const memberId = await seedMember(store, { number: '10000003', email: null, mobile: null });
        const answers = await Promise.all([
          ask(store, memberId, clock.now()),
          ask(store, memberId, clock.now()),
        ]);
        assert.deepEqual(answers.map((a) => a.status).sort(), ['queued', 'too_soon']);
        assert.equal(await letterCount(store, memberId), 1);
      } finally {
        await store.dispose();
      }
    });

    it('keeps members apart: one member’s letter does not hold back another’s', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const a = await seedMember(store, { number: '10000004', email: null, mobile: null });
        const b = await seedMember(store, { number: '10000005', email: null, mobile: null });
        const answers = await Promise.all([ask(store, a, clock.now()), ask(store, b, clock.now())]);
        assert.deepEqual(answers, [{ status: 'queued' }, { status: 'queued' }]);
      } finally {
        await store.dispose();
      }
    });
  });
}
