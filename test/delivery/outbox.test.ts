import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  claimDueMessages,
  enqueueMessage,
  MAX_ATTEMPTS,
  outboxStats,
  RETRY_CAP_MS,
  recordFailure,
  recordSuccess,
  retryDelayMs,
} from '../../src/delivery/outbox.js';
import { HOUR, MINUTE, SECOND } from '../../src/platform/clock.js';
import type { Random } from '../../src/platform/random.js';
import { DIALECTS } from '../helpers/stores.js';
import { attemptsOf, enqueueCode, enqueueNotice, lowRandom, outboxRow } from './helpers.js';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const LEASE = 5 * MINUTE;
const highRandom: Random = { bytes: (n) => Buffer.alloc(n), int: (_min, max) => max - 1 };

describe('retry delays', () => {
  it('doubles from 30 s with at most 20 % jitter and never exceeds one hour', () => {
    assert.equal(retryDelayMs(1, lowRandom), 24 * SECOND);
    assert.equal(retryDelayMs(1, highRandom), 36 * SECOND);
    assert.equal(retryDelayMs(2, lowRandom), 48 * SECOND);
    assert.equal(retryDelayMs(4, lowRandom), 192 * SECOND);
    assert.equal(retryDelayMs(8, highRandom), RETRY_CAP_MS);
    assert.equal(retryDelayMs(50, highRandom), HOUR);
  });
});

for (const d of DIALECTS) {
  describe(`outbox on ${d.name}`, () => {
    it('enqueues a message only when the caller’s transaction commits', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        await assert.rejects(
          store.db.transaction().execute(async (trx) => {
            await enqueueCode(trx, T0, 'email');
            throw new Error('code insert failed');
          }),
          /code insert failed/,
        );
        assert.equal((await outboxStats(store, T0)).pending, 0);
        const id = await store.db.transaction().execute((trx) => enqueueCode(trx, T0, 'sms'));
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'pending');
        assert.equal(row.channel, 'sms');
        assert.equal(row.member_id, 7);
        assert.deepEqual(JSON.parse(row.payload), { code: '123456' });
      } finally {
        await store.dispose();
      }
    });

    it('hands a due message to one claimer only until its lease ends', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const id = await enqueueCode(store.db, T0, 'email');
        const first = await claimDueMessages(store, T0, 10, LEASE);
        assert.deepEqual(
          first.map((m) => [m.id, m.payload.code]),
          [[id, '123456']],
        );
        assert.equal((await outboxRow(store.db, id)).status, 'sending');
        assert.deepEqual(await claimDueMessages(store, T0 + LEASE - 1, 10, LEASE), []);
        // The claimer died: once the lease is over another worker takes the message.
        const again = await claimDueMessages(store, T0 + LEASE, 10, LEASE);
        assert.deepEqual(
          again.map((m) => m.id),
          [id],
        );
      } finally {
        await store.dispose();
      }
    });

    it('claims the oldest due messages first, up to the limit, and none scheduled later', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const a = await enqueueNotice(store.db, T0, 'email');
        const b = await enqueueNotice(store.db, T0 + 1, 'email');
        await enqueueNotice(store.db, T0 + 2, 'email');
        const later = await enqueueNotice(store.db, T0 + MINUTE, 'sms');
        const claimed = await claimDueMessages(store, T0 + 10, 2, LEASE);
        assert.deepEqual(
          claimed.map((m) => m.id),
          [a, b],
        );
        const rest = await claimDueMessages(store, T0 + 10, 10, LEASE);
        assert.equal(rest.length, 1);
        assert.ok(!rest.some((m) => m.id === later));
      } finally {
        await store.dispose();
      }
    });

    it('retries with growing delays and flags the message failed after the retry budget', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const id = await enqueueCode(store.db, T0, 'sms');
        let now = T0;
        const delays: number[] = [];
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const [message] = await claimDueMessages(store, now, 1, LEASE);
          assert.ok(message, `attempt ${attempt} was not claimed`);
          const status = await recordFailure(
            store,
            message,
            'SMS provider answered HTTP 500',
            now,
            lowRandom,
          );
          const row = await outboxRow(store.db, id);
          assert.equal(row.attempts, attempt);
          if (attempt < MAX_ATTEMPTS) {
            assert.equal(status, 'pending');
            delays.push(row.next_attempt_at - now);
            assert.deepEqual(await claimDueMessages(store, row.next_attempt_at - 1, 1, LEASE), []);
            now = row.next_attempt_at;
          } else {
            assert.equal(status, 'failed');
            assert.equal(row.status, 'failed');
            assert.deepEqual(JSON.parse(row.payload), { code: '' });
          }
        }
        assert.deepEqual(
          delays.map((ms) => ms / SECOND),
          [24, 48, 96, 192, 384, 768, 1536],
        );
        const attempts = await attemptsOf(store.db, id);
        assert.equal(attempts.length, MAX_ATTEMPTS);
        assert.ok(attempts.every((a) => a.ok === 0 && a.error === 'SMS provider answered HTTP 500'));
        // Flagged, never dropped, and no longer offered to workers.
        assert.deepEqual(await claimDueMessages(store, now + 10 * HOUR, 10, LEASE), []);
        assert.equal((await outboxStats(store, now)).failed, 1);
      } finally {
        await store.dispose();
      }
    });

    it('clears the code from the payload once the message is delivered', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const id = await enqueueCode(store.db, T0, 'email', '654321');
        const [message] = await claimDueMessages(store, T0, 1, LEASE);
        assert.ok(message);
        await recordSuccess(store, message, T0 + SECOND);
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'sent');
        assert.equal(row.sent_at, T0 + SECOND);
        assert.equal(row.locked_until, 0);
        assert.deepEqual(JSON.parse(row.payload), { code: '' });
        assert.ok(!row.payload.includes('654321'));
        const attempts = await attemptsOf(store.db, id);
        assert.deepEqual(
          attempts.map((a) => [a.ok, a.error, a.at]),
          [[1, null, T0 + SECOND]],
        );
      } finally {
        await store.dispose();
      }
    });

    it('keeps the code out of a recorded error even when the transport quotes it', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const id = await enqueueCode(store.db, T0, 'sms', '777111');
        const [message] = await claimDueMessages(store, T0, 1, LEASE);
        assert.ok(message);
        await recordFailure(store, message, 'rejected text:\n"votre code est 777111"', T0, lowRandom);
        const row = await outboxRow(store.db, id);
        assert.equal(row.last_error, 'rejected text: "votre code est [redacted]"');
        const [attempt] = await attemptsOf(store.db, id);
        assert.equal(attempt?.error, 'rejected text: "votre code est [redacted]"');
      } finally {
        await store.dispose();
      }
    });

    it('counts waiting and failed messages and the age of the oldest waiting one', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        assert.deepEqual(await outboxStats(store, T0), {
          pending: 0,
          sending: 0,
          failed: 0,
          oldestPendingAgeMs: 0,
        });
        await enqueueNotice(store.db, T0, 'email');
        await enqueueNotice(store.db, T0 + MINUTE, 'email');
        await enqueueMessage(
          store.db,
          {
            channel: 'email',
            recipient: 'x@example.org',
            template: 'password-changed',
            locale: 'en',
            payload: { changedAt: '0' },
          },
          T0 + 2 * MINUTE,
        );
        await claimDueMessages(store, T0 + 3 * MINUTE, 1, LEASE);
        assert.deepEqual(await outboxStats(store, T0 + 5 * MINUTE), {
          pending: 2,
          sending: 1,
          failed: 0,
          oldestPendingAgeMs: 5 * MINUTE,
        });
      } finally {
        await store.dispose();
      }
    });
  });
}
