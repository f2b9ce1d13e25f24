import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { can, PERMISSIONS, STAFF_ROLES } from '../../src/admin/roles.js';
import { createStaff, findStaffByUsername, StaffRefusal } from '../../src/admin/staff.js';
import {
  confirmStaffSecondFactor,
  pendingEnrolmentSecret,
  signInStaffWithPassword,
} from '../../src/admin/staff-sign-in.js';
import { generateTotpCode } from '../../src/admin/totp.js';
import { SesameError } from '../../src/errors.js';
import { OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import { ManualClock, SECOND } from '../../src/platform/clock.js';
import { KeyedHasher } from '../../src/platform/keyed-hash.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { validateSession } from '../../src/sessions/sessions.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { STAFF_PASSWORD } from './fixtures.js';

const client = { ip: '192.0.2.9', userAgent: 'test' };

async function refusal(p: Promise<unknown>): Promise<StaffRefusal> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StaffRefusal, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

async function sesameError(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e) => e instanceof SesameError && e.code === code);
}

describe('staff roles', () => {
  it('gives agents the lookup and member actions only, supervisors the office, admins everything', () => {
    assert.ok(can('agent', 'unlock') && can('agent', 'orderLetter'));
    assert.ok(!can('agent', 'auditExport') && !can('agent', 'lettersDesk') && !can('agent', 'dashboard'));
    assert.ok(can('supervisor', 'auditExport') && can('supervisor', 'lettersDesk'));
    assert.ok(!can('supervisor', 'manageStaff') && !can('supervisor', 'viewSettings'));
    for (const p of PERMISSIONS) assert.ok(can('admin', p));
    for (const p of PERMISSIONS) assert.ok(!can('root', p), 'an unknown role can do nothing');
    assert.deepEqual([...STAFF_ROLES], ['agent', 'supervisor', 'admin']);
  });
});

for (const d of DIALECTS) {
  describe(`staff accounts and sign-in on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 9, 0, 5));
    const hasher = new KeyedHasher(Buffer.from('s'.repeat(32)));
    let deps: Parameters<typeof signInStaffWithPassword>[0];
    const opts = { now: clock.now(), hashParams: OWASP_HASH_PARAMS, policy: 'house' as const };
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      deps = { store, clock, random: cryptoRandom, hasher, hashParams: OWASP_HASH_PARAMS };
      await createStaff(
        store.db,
        { username: 'MDurand', displayName: 'Marie Durand', role: 'supervisor', password: STAFF_PASSWORD },
        opts,
      );
    });
    after(async () => {
      if (!skip) await store.dispose();
    });

    it('stores a lower-case username and an Argon2id hash, never the password', async (c) => {
      if (skip) return c.skip(skip);
      const row = await findStaffByUsername(store.db, 'mdurand');
      assert.ok(row);
      assert.match(row.password_hash, /^\$argon2id\$/);
      assert.equal(row.role, 'supervisor');
      assert.equal(row.totp_secret, null);
    });

    it('refuses weak passwords with the failed rules, bad usernames, unknown roles and duplicates', async (c) => {
      if (skip) return c.skip(skip);
      const weak = await refusal(
        createStaff(
          store.db,
          { username: 'bob', displayName: 'Bob', role: 'agent', password: 'password' },
          opts,
        ),
      );
      assert.equal(weak.reason, 'password');
      assert.ok(weak.failedRules.includes('min-length'));
      const bad = await refusal(
        createStaff(
          store.db,
          { username: "x'; drop table staff;--", displayName: 'X', role: 'agent', password: STAFF_PASSWORD },
          opts,
        ),
      );
      assert.equal(bad.reason, 'username');
      const role = await refusal(
        createStaff(
          store.db,
          { username: 'bob', displayName: 'Bob', role: 'root', password: STAFF_PASSWORD },
          opts,
        ),
      );
      assert.equal(role.reason, 'role');
      const dup = await refusal(
        createStaff(
          store.db,
          { username: 'mdurand', displayName: 'Other', role: 'agent', password: STAFF_PASSWORD },
          opts,
        ),
      );
      assert.equal(dup.reason, 'username-taken');
    });

    it('opens a session without second factor, then enrols with the first good code and refuses its replay', async (c) => {
      if (skip) return c.skip(skip);
      const first = await signInStaffWithPassword(deps, {
        username: 'MDurand ',
        password: STAFF_PASSWORD,
        ...client,
      });
      assert.equal(first.enrolled, false);
      const session = await validateSession(store, first.token, 'staff', clock.now());
      assert.ok(session && !session.secondFactor);
      const secret = await pendingEnrolmentSecret(deps, first.staffId);
      assert.ok(secret);
      assert.equal(
        await pendingEnrolmentSecret(deps, first.staffId),
        secret,
        'the same secret until enrolled',
      );
      const code = generateTotpCode(secret, clock.now());
      const done = await confirmStaffSecondFactor(deps, session, { code, ...client });
      assert.equal(done.enrolledNow, true);
      const full = await validateSession(store, done.token, 'staff', clock.now());
      assert.ok(full?.secondFactor);
      assert.equal(
        await validateSession(store, first.token, 'staff', clock.now()),
        null,
        'the password-only session is replaced',
      );
      assert.equal(
        await pendingEnrolmentSecret(deps, first.staffId),
        undefined,
        'the secret is never shown again',
      );

      // Same code again, in a new sign-in within the same 30 s step: refused as a replay.
      const again = await signInStaffWithPassword(deps, {
        username: 'mdurand',
        password: STAFF_PASSWORD,
        ...client,
      });
      assert.equal(again.enrolled, true);
      const s2 = await validateSession(store, again.token, 'staff', clock.now());
      assert.ok(s2);
      await sesameError(confirmStaffSecondFactor(deps, s2, { code, ...client }), 'TOTP_INVALID');
      const replay = await store.db
        .selectFrom('audit_events')
        .select('details')
        .where('event', '=', 'staff-sign-in')
        .where('outcome', '=', 'failure')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      assert.match(String(replay?.details), /"reason":"replayed"/);
      clock.advance(30 * SECOND);
      const next = await confirmStaffSecondFactor(deps, s2, {
        code: generateTotpCode(secret, clock.now()),
        ...client,
      });
      assert.equal(next.enrolledNow, false);
    });

    it('spends a code once when two submissions race', async (c) => {
      if (skip) return c.skip(skip);
      clock.advance(60 * SECOND);
      const a = await signInStaffWithPassword(deps, {
        username: 'mdurand',
        password: STAFF_PASSWORD,
        ...client,
      });
      const b = await signInStaffWithPassword(deps, {
        username: 'mdurand',
        password: STAFF_PASSWORD,
        ...client,
      });
      const sa = await validateSession(store, a.token, 'staff', clock.now());
      const sb = await validateSession(store, b.token, 'staff', clock.now());
      const row = await findStaffByUsername(store.db, 'mdurand');
      const { openTotpSecret } = await import('../../src/admin/totp.js');
      const code = generateTotpCode(openTotpSecret(hasher, row!.totp_secret!)!, clock.now());
      const results = await Promise.allSettled([
        confirmStaffSecondFactor(deps, sa!, { code, ...client }),
        confirmStaffSecondFactor(deps, sb!, { code, ...client }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('answers the same for an unknown name and a wrong password, and blocks after five failures', async (c) => {
      if (skip) return c.skip(skip);
      await store.db.deleteFrom('throttles').execute();
      await sesameError(
        signInStaffWithPassword(deps, { username: 'nobody', password: STAFF_PASSWORD, ...client }),
        'INVALID_CREDENTIALS',
      );
      for (let i = 0; i < 5; i++) {
        await sesameError(
          signInStaffWithPassword(deps, { username: 'mdurand', password: 'Wrong-Password-123!', ...client }),
          'INVALID_CREDENTIALS',
        );
      }
      await sesameError(
        signInStaffWithPassword(deps, { username: 'mdurand', password: STAFF_PASSWORD, ...client }),
        'SIGN_IN_BLOCKED',
      );
      const key = await store.db
        .selectFrom('throttles')
        .select('key')
        .where('key', 'like', '%mdurand')
        .executeTakeFirst();
      assert.equal(key?.key, 'account:staff:mdurand', 'staff share the lockout rules under their own key');
    });
  });
}
