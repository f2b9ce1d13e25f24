import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY, ManualClock, MINUTE } from '../../src/platform/clock.js';
import {
  lockStateOf,
  readLockState,
  recordSignInFailure,
  recordSignInSuccess,
  waitAfter,
} from '../../src/sign-in/lockout.js';
import { DIALECTS } from '../helpers/stores.js';

describe('lockout arithmetic', () => {
  it('lets the first four failures through without a wait', () => {
    for (let n = 0; n < 5; n++) assert.equal(waitAfter(n), 0);
  });
  it('waits one minute after the fifth consecutive failure, doubling after each one', () => {
    assert.equal(waitAfter(5), MINUTE);
    assert.equal(waitAfter(6), 2 * MINUTE);
    assert.equal(waitAfter(7), 4 * MINUTE);
  });
  it('never waits more than a day (never a permanent lock)', () => {
    assert.equal(waitAfter(60), DAY);
  });
  it('blocks until a day after the window started once 25 failures were counted', () => {
    const t0 = 1_000_000_000;
    const s = lockStateOf(
      { consecutive: 1, window_start: t0, window_count: 25, updated_at: t0 + 1000 },
      t0 + 2000,
    );
    assert.equal(s.blockedUntil, t0 + DAY);
    assert.equal(
      lockStateOf({ consecutive: 1, window_start: t0, window_count: 25, updated_at: t0 }, t0 + DAY)
        .blockedUntil,
      0,
    );
  });
});

for (const d of DIALECTS) {
  describe(`lockout state on ${d.name}`, () => {
    it('counts failures atomically and frees the account after the wait', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        for (let i = 0; i < 4; i++)
          assert.equal((await recordSignInFailure(store, '123456', clock.now())).blockedUntil, 0);
        const fifth = await recordSignInFailure(store, '123456', clock.now());
        assert.equal(fifth.blockedUntil, clock.now() + MINUTE);
        clock.advance(MINUTE - 1);
        assert.ok((await readLockState(store, '123456', clock.now())).blockedUntil > 0);
        clock.advance(1);
        assert.equal((await readLockState(store, '123456', clock.now())).blockedUntil, 0);
        // Another account is not touched.
        assert.equal((await readLockState(store, '654321', clock.now())).consecutive, 0);
      } finally {
        await store.dispose();
      }
    });

    it('keeps the 24-hour count across a success but ends the consecutive run', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        for (let i = 0; i < 3; i++) await recordSignInFailure(store, '123456', clock.now());
        await recordSignInSuccess(store, '123456');
        const s = await readLockState(store, '123456', clock.now());
        assert.equal(s.consecutive, 0);
        assert.equal(s.dayCount, 3);
        clock.advance(DAY);
        assert.equal((await readLockState(store, '123456', clock.now())).dayCount, 0);
      } finally {
        await store.dispose();
      }
    });

    it('counts concurrent failures without losing any', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const now = Date.now();
        await Promise.all(Array.from({ length: 10 }, () => recordSignInFailure(store, '777777', now)));
        assert.equal((await readLockState(store, '777777', now)).consecutive, 10);
      } finally {
        await store.dispose();
      }
    });
  });
}
