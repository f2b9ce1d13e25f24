// The provisional password of a letter, read from the printed PDF and typed on the ordinary sign-in page
// (DESIGN.md §2 "Postal letter", §4): single use, 30 days, forces a new password, and never locks out the
// member's own password.
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { markBatchPosted, reprintBatch } from '../../src/letters/batches.js';
import { requestLetter } from '../../src/letters/requests.js';
import { OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import { DAY, ManualClock } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { setNewPassword } from '../../src/sign-in/password-change.js';
import { type SignInSuccess, signInWithPassword } from '../../src/sign-in/sign-in.js';
import type { Store } from '../../src/store/db.js';
import { GOOD_PASSWORD, OTHER_GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS } from '../helpers/stores.js';
import { batchDeps, passwordsByMember, popplerSkip, printToFile } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sesame-provisional-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function signIn(
  store: Store,
  clock: ManualClock,
  memberNumber: string,
  password: string,
): Promise<SignInSuccess> {
  return signInWithPassword(
    { store, clock, random: cryptoRandom, hashParams: OWASP_HASH_PARAMS },
    { memberNumber, password, ip: '192.0.2.10', userAgent: 'test' },
  );
}

const refused = { name: 'SesameError', code: 'INVALID_CREDENTIALS' };

/** Seeds a member (with `password` if given), requests a letter, prints it; returns the printed password. */
async function printedLetter(
  store: Store,
  clock: ManualClock,
  number: string,
  password?: string,
): Promise<{ memberId: number; provisional: string; batchId: number; file: string }> {
  const memberId = await seedMember(store, { number, email: null, mobile: null, password }, clock.now());
  await store.db.transaction().execute((trx) =>
    requestLetter(trx, store.dialect, {
      memberId,
      requestedBy: 'member',
      now: clock.now(),
      intervalDays: 30,
    }),
  );
  const { file, result } = await printToFile(batchDeps(store, clock), dir);
  const provisional = passwordsByMember(file, [number]).get(number)!;
  return { memberId, provisional, batchId: result.batchId!, file };
}

for (const d of DIALECTS) {
  describe(`provisional password sign-in on ${d.name}`, { skip: popplerSkip }, () => {
    it('signs in once with the password read from the PDF, and asks for a new password', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { memberId, provisional } = await printedLetter(store, clock, '30000001', GOOD_PASSWORD);
        clock.advance(3 * DAY);
        // Until the letter is used, the member's own password still works, and asks for nothing.
        const own = await signIn(store, clock, '30000001', GOOD_PASSWORD);
        assert.equal(own.mustChangePassword, false);

        const first = await signIn(store, clock, '30000001', provisional);
        assert.equal(first.memberId, memberId);
        assert.equal(first.mustChangePassword, true);
        const letter = await store.db
          .selectFrom('letters')
          .select('provisional_used_at')
          .where('member_id', '=', memberId)
          .executeTakeFirstOrThrow();
        assert.equal(letter.provisional_used_at, clock.now());
        const session = await store.db
          .selectFrom('sessions')
          .select('must_change_password')
          .where('subject_id', '=', memberId)
          .where('must_change_password', '=', 1)
          .execute();
        assert.equal(session.length, 1);

        await assert.rejects(signIn(store, clock, '30000001', provisional), refused);
      } finally {
        await store.dispose();
      }
    });

    it('accepts the password typed in lower case without dashes, for a member with no password yet', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { provisional } = await printedLetter(store, clock, '30000002');
        const typed = provisional.replace(/-/g, ' ').toLowerCase();
        assert.equal((await signIn(store, clock, '30000002', typed)).mustChangePassword, true);
      } finally {
        await store.dispose();
      }
    });

    it('refuses the password after 30 days', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { provisional } = await printedLetter(store, clock, '30000003', GOOD_PASSWORD);
        clock.advance(30 * DAY);
        await assert.rejects(signIn(store, clock, '30000003', provisional), refused);
        // The member's own password is untouched.
        assert.equal((await signIn(store, clock, '30000003', GOOD_PASSWORD)).mustChangePassword, false);
      } finally {
        await store.dispose();
      }
    });

    it('still works once the batch is marked posted, one second before it expires', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { provisional, batchId } = await printedLetter(store, clock, '30000004', GOOD_PASSWORD);
        clock.advance(DAY);
        await markBatchPosted(store, batchId, clock.now(), 'test');
        clock.advance(29 * DAY - 1000);
        assert.equal((await signIn(store, clock, '30000004', provisional)).mustChangePassword, true);
      } finally {
        await store.dispose();
      }
    });

    it('stops the old password at once when the batch is reprinted; the new one works', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { provisional: old, batchId } = await printedLetter(store, clock, '30000005', GOOD_PASSWORD);
        const file = join(dir, `reprint-${d.name}.pdf`);
        await reprintBatch(batchDeps(store, clock), batchId, createWriteStream(file), 'test');
        const fresh = passwordsByMember(file, ['30000005']).get('30000005')!;
        assert.notEqual(fresh, old);
        await assert.rejects(signIn(store, clock, '30000005', old), refused);
        assert.equal((await signIn(store, clock, '30000005', fresh)).mustChangePassword, true);
      } finally {
        await store.dispose();
      }
    });

    it('lets only one of two simultaneous sign-ins with the same letter through', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { provisional } = await printedLetter(store, clock, '30000006');
        const outcomes = await Promise.allSettled([
          signIn(store, clock, '30000006', provisional),
          signIn(store, clock, '30000006', provisional),
        ]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      } finally {
        await store.dispose();
      }
    });

    it('cancels an unused letter when the member sets a new password another way', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const { memberId, provisional } = await printedLetter(store, clock, '30000007', GOOD_PASSWORD);
        clock.advance(DAY);
        await setNewPassword(
          { store, hashParams: OWASP_HASH_PARAMS, policy: 'house' },
          {
            memberId,
            newPassword: OTHER_GOOD_PASSWORD,
            confirmation: OTHER_GOOD_PASSWORD,
            ip: '192.0.2.10',
            userAgent: 'test',
            locale: 'fr',
            reason: 'recovery',
          },
          clock.now(),
        );
        const letter = await store.db
          .selectFrom('letters')
          .select(['status', 'cancel_reason', 'provisional_hash'])
          .where('member_id', '=', memberId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(letter, {
          status: 'cancelled',
          cancel_reason: 'password-set',
          provisional_hash: null,
        });
        await assert.rejects(signIn(store, clock, '30000007', provisional), refused);
        assert.equal((await signIn(store, clock, '30000007', OTHER_GOOD_PASSWORD)).mustChangePassword, false);
      } finally {
        await store.dispose();
      }
    });
  });
}
