import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SesameError } from '../../src/errors.js';
import { OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import { DAY, ManualClock, MINUTE, SECOND } from '../../src/platform/clock.js';
import { KeyedHasher } from '../../src/platform/keyed-hash.js';
import { cryptoRandom, type Random } from '../../src/platform/random.js';
import { checkCode, resendCode, sendCode } from '../../src/recovery/codes.js';
import {
  completeWithPassword,
  requestLetterByPost,
  startRecovery,
  viewFlow,
} from '../../src/recovery/flow.js';
import type { RecoveryDeps } from '../../src/recovery/stored-flow.js';
import { sqlCounters } from '../../src/store/counters.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

const client = { ip: '192.0.2.1', userAgent: 'test' };
const BINDING = 'b'.repeat(43);

/** A random source whose codes the test can predict: the next code is always `nextCode`. */
function predictableCodes(): Random & { nextCode: string } {
  const r = {
    nextCode: '123456',
    bytes: (n: number) => cryptoRandom.bytes(n),
    int: (min: number, max: number) => (max === 1_000_000 ? Number(r.nextCode) : cryptoRandom.int(min, max)),
  };
  return r;
}

async function expectError(p: Promise<unknown>, code: string): Promise<SesameError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SesameError, String(e));
    assert.equal(e.code, code);
    return e;
  }
  assert.fail(`expected ${code}`);
}

for (const d of DIALECTS) {
  describe(`recovery flow on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    let clock: ManualClock;
    let random: ReturnType<typeof predictableCodes>;
    let deps: RecoveryDeps;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      clock = new ManualClock();
      random = predictableCodes();
      deps = {
        store,
        clock,
        random,
        hasher: new KeyedHasher(Buffer.from('k'.repeat(32))),
        counters: sqlCounters(store),
        config: {
          codesPerMemberPerDay: 50,
          codesPerIpPerDay: 1000,
          codesPerDay: 100000,
          letterForAll: false,
          letterIntervalDays: 30,
          passwordPolicy: 'house',
        },
        hashParams: OWASP_HASH_PARAMS,
      };
      await seedMember(store, { number: '500001', password: GOOD_PASSWORD });
      await seedMember(store, { number: '500002', email: null, mobile: null });
    });
    after(async () => {
      if (!skip) await store.dispose();
    });

    const start = (number: string, binding = BINDING) =>
      startRecovery(deps, { memberNumber: number, binding, locale: 'fr', ...client });

    it('goes from the number to a new password through an e-mailed code', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      assert.equal((await viewFlow(deps, id, BINDING)).state, 'choosing_channel');
      random.nextCode = '424242';
      await sendCode(deps, id, BINDING, 'email', client);
      const outbox = await store.db
        .selectFrom('outbox')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(outbox.template, 'activation-code');
      assert.equal(JSON.parse(outbox.payload).code, '424242');
      const flowRow = await store.db
        .selectFrom('recovery_flows')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.notEqual(flowRow.code_hash, '424242', 'the code is stored only as a keyed hash');
      await checkCode(deps, id, BINDING, '424 242', client);
      assert.equal((await viewFlow(deps, id, BINDING)).state, 'code_verified');
      await completeWithPassword(deps, id, BINDING, {
        newPassword: 'Nouvelle-Saison-2027!',
        confirmation: 'Nouvelle-Saison-2027!',
        locale: 'fr',
        ...client,
      });
      assert.equal((await viewFlow(deps, id, BINDING)).state, 'completed');
      await expectError(checkCode(deps, id, BINDING, '424242', client), 'FLOW_WRONG_STATE');
    });

    it('audits each step with its outcome, in the step that made it', async (c) => {
      if (skip) return c.skip(skip);
      clock.advance(DAY);
      const since = clock.now();
      const id = await start('500001');
      random.nextCode = '313131';
      await sendCode(deps, id, BINDING, 'email', client);
      await expectError(checkCode(deps, id, BINDING, '999999', client), 'CODE_WRONG');
      await checkCode(deps, id, BINDING, '313131', client);
      await completeWithPassword(deps, id, BINDING, {
        newPassword: 'Nouvelle-Saison-2028!',
        confirmation: 'Nouvelle-Saison-2028!',
        locale: 'fr',
        ...client,
      });
      const events = await store.db
        .selectFrom('audit_events')
        .select(['event', 'outcome', 'member_id', 'member_number', 'ip', 'details'])
        .where('at', '>=', since)
        .where('member_number', '=', '500001')
        .where('event', 'like', 'recovery-%')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => `${e.event}/${e.outcome}`),
        [
          'recovery-start/info',
          'recovery-code-sent/info',
          'recovery-code-check/failure',
          'recovery-code-check/success',
          'recovery-complete/success',
        ],
      );
      assert.ok(events.every((e) => e.member_id !== null && e.ip === client.ip));
      assert.deepEqual(JSON.parse(events[1]?.details ?? '{}'), { channel: 'email', resend: false });
    });

    it('sends one code when the same flow is asked twice at once', async (c) => {
      if (skip) return c.skip(skip);
      clock.advance(DAY);
      const since = clock.now();
      const id = await start('500001');
      const before = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const results = await Promise.allSettled([
        sendCode(deps, id, BINDING, 'email', client),
        sendCode(deps, id, BINDING, 'sms', client),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = results.find((r) => r.status === 'rejected');
      assert.ok(refused?.status === 'rejected' && refused.reason instanceof SesameError);
      assert.equal(refused.reason.code, 'FLOW_WRONG_STATE');
      const afterCount = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n) - Number(before.n), 1, 'exactly one message queued');
      const sent = await store.db
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'recovery-code-sent')
        .where('at', '>=', since)
        .execute();
      assert.equal(sent.length, 1, 'only the send that moved the flow is audited');
    });

    it('refuses the code in another browser', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      random.nextCode = '111111';
      await sendCode(deps, id, BINDING, 'sms', client);
      await expectError(checkCode(deps, id, 'x'.repeat(43), '111111', client), 'FLOW_OTHER_BROWSER');
      await expectError(checkCode(deps, id, undefined, '111111', client), 'FLOW_OTHER_BROWSER');
    });

    it('refuses malformed codes without counting them, and ends the flow after five wrong codes', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      random.nextCode = '222222';
      await sendCode(deps, id, BINDING, 'email', client);
      for (const bad of ['abcdef', '12345', '1234567', ''])
        await expectError(checkCode(deps, id, BINDING, bad, client), 'CODE_FORMAT');
      for (let left = 4; left >= 1; left--) {
        const e = await expectError(checkCode(deps, id, BINDING, '999999', client), 'CODE_WRONG');
        assert.equal(e.params.left, left);
      }
      await expectError(checkCode(deps, id, BINDING, '999999', client), 'CODE_TOO_MANY_ATTEMPTS');
      assert.equal((await viewFlow(deps, id, BINDING)).state, 'failed');
      await expectError(checkCode(deps, id, BINDING, '222222', client), 'FLOW_WRONG_STATE');
    });

    it('expires a code after ten minutes', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      random.nextCode = '333333';
      await sendCode(deps, id, BINDING, 'email', client);
      clock.advance(10 * MINUTE);
      await expectError(checkCode(deps, id, BINDING, '333333', client), 'CODE_EXPIRED');
    });

    it('resends only after 60 seconds, keeps the failure count, and only the last code works', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      random.nextCode = '444444';
      await sendCode(deps, id, BINDING, 'email', client);
      await expectError(checkCode(deps, id, BINDING, '000000', client), 'CODE_WRONG');
      clock.advance(30 * SECOND);
      const early = await expectError(resendCode(deps, id, BINDING, client), 'RESEND_TOO_EARLY');
      assert.equal(early.params.seconds, 30);
      clock.advance(30 * SECOND);
      random.nextCode = '555555';
      await resendCode(deps, id, BINDING, client);
      assert.equal((await viewFlow(deps, id, BINDING)).attemptsLeft, 4);
      await expectError(checkCode(deps, id, BINDING, '444444', client), 'CODE_WRONG');
      await checkCode(deps, id, BINDING, '555555', client);
    });

    it('lets exactly one of two simultaneous right codes through', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      random.nextCode = '666666';
      await sendCode(deps, id, BINDING, 'email', client);
      const results = await Promise.allSettled([
        checkCode(deps, id, BINDING, '666666', client),
        checkCode(deps, id, BINDING, '666666', client),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('walks an unknown number through the same steps, sends nothing, and never accepts a code', async (c) => {
      if (skip) return c.skip(skip);
      const before = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const id = await start('909090');
      const view = await viewFlow(deps, id, BINDING);
      assert.equal(view.state, 'choosing_channel');
      assert.ok(view.email || view.mobile, 'plausible masked contacts are shown');
      const again = await viewFlow(deps, await start('909090'), BINDING);
      assert.deepEqual([again.email, again.mobile], [view.email, view.mobile], 'the same on every try');
      random.nextCode = '777777';
      await sendCode(deps, id, BINDING, view.email ? 'email' : 'sms', client);
      assert.equal((await viewFlow(deps, id, BINDING)).state, 'awaiting_code');
      await expectError(checkCode(deps, id, BINDING, '777777', client), 'CODE_WRONG');
      const afterCount = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n));
    });

    it('stops sending codes past the per-member daily limit', async (c) => {
      if (skip) return c.skip(skip);
      await seedMember(store, { number: '500009' });
      const limited: RecoveryDeps = { ...deps, config: { ...deps.config, codesPerMemberPerDay: 5 } };
      for (let i = 0; i < 5; i++) await sendCode(limited, await start('500009'), BINDING, 'email', client);
      await expectError(sendCode(limited, await start('500009'), BINDING, 'email', client), 'SEND_LIMIT');
      clock.advance(DAY);
      await sendCode(limited, await start('500009'), BINDING, 'email', client);
    });

    it('offers the letter only to a member with neither e-mail nor mobile, once per 30 days', async (c) => {
      if (skip) return c.skip(skip);
      const known = await start('500001');
      assert.equal((await viewFlow(deps, known, BINDING)).letterOffered, false);
      await expectError(requestLetterByPost(deps, known, BINDING, client), 'FLOW_WRONG_STATE');
      const id = await start('500002');
      const view = await viewFlow(deps, id, BINDING);
      assert.equal(view.letterOffered, true);
      assert.equal(view.email, null);
      assert.deepEqual(await requestLetterByPost(deps, id, BINDING, client), { status: 'queued' });
      const second = await requestLetterByPost(deps, await start('500002'), BINDING, client);
      assert.equal(second.status, 'too_soon');
      const letters = await store.db.selectFrom('letters').selectAll().execute();
      assert.equal(letters.length, 1);
    });

    it('refuses an expired flow and a forged flow id', async (c) => {
      if (skip) return c.skip(skip);
      const id = await start('500001');
      clock.advance(61 * MINUTE);
      await expectError(viewFlow(deps, id, BINDING), 'FLOW_EXPIRED');
      await expectError(viewFlow(deps, 'does-not-exist-1234', BINDING), 'FLOW_NOT_FOUND');
      await expectError(viewFlow(deps, "x' or 1=1 --", BINDING), 'FLOW_NOT_FOUND');
    });
  });
}
