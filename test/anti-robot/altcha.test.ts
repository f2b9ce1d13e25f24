import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  ALTCHA_TTL,
  type AltchaDeps,
  createAltchaChallenge,
  verifyAltchaPayload,
} from '../../src/anti-robot/altcha.js';
import { createChallengeStore } from '../../src/anti-robot/challenge-store.js';
import { purgeExpiredChallenges } from '../../src/anti-robot/image-challenge.js';
import { ManualClock, SECOND } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { solveAltcha, testHasher } from '../helpers/anti-robot.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

const MAX_NUMBER = 1000;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function decode(payload: string): {
  challenge: { parameters: Record<string, unknown>; signature: string };
  solution: { counter: number; derivedKey: string };
} {
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
}

for (const d of DIALECTS) {
  describe(`proof of work on ${d.name}`, () => {
    async function setUp(
      t: TestContext,
    ): Promise<(AltchaDeps & { store: TestStore; clock: ManualClock }) | undefined> {
      const reason = await d.skip();
      if (reason) {
        t.skip(reason);
        return undefined;
      }
      const store = await d.open();
      t.after(() => store.dispose());
      // altcha-lib also checks expiry against the real clock, so the manual clock starts at real time.
      const clock = new ManualClock(Date.now());
      return {
        store,
        challengeStore: createChallengeStore(store),
        clock,
        random: cryptoRandom,
        hasher: testHasher(),
        maxNumber: MAX_NUMBER,
      };
    }

    it('accepts a solved challenge once and refuses its replay', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(await createAltchaChallenge(deps));
      assert.equal(await verifyAltchaPayload(deps, payload), true);
      assert.equal(await verifyAltchaPayload(deps, payload), false);
    });

    it('refuses a replay re-encoded differently', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(await createAltchaChallenge(deps));
      assert.equal(await verifyAltchaPayload(deps, payload), true);
      const reencoded = Buffer.from(JSON.stringify(decode(payload), null, 2)).toString('base64');
      assert.notEqual(reencoded, payload);
      assert.equal(await verifyAltchaPayload(deps, reencoded), false);
    });

    it('lets exactly one of two simultaneous submissions win', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(await createAltchaChallenge(deps));
      const results = await Promise.all([
        verifyAltchaPayload(deps, payload),
        verifyAltchaPayload(deps, payload),
      ]);
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('makes every challenge cost at least half of the configured work', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      for (let i = 0; i < 5; i++) {
        const { solution } = decode(await solveAltcha(await createAltchaChallenge(deps)));
        assert.ok(
          solution.counter >= MAX_NUMBER / 2 && solution.counter <= MAX_NUMBER,
          String(solution.counter),
        );
      }
    });

    it('refuses tampered payloads', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const original = decode(await solveAltcha(await createAltchaChallenge(deps)));
      const tampered = [
        { ...original, solution: { ...original.solution, counter: original.solution.counter + 1 } },
        { ...original, solution: { ...original.solution, derivedKey: '00'.repeat(32) } },
        { ...original, challenge: { ...original.challenge, signature: '0'.repeat(64) } },
        {
          ...original,
          challenge: {
            ...original.challenge,
            parameters: { ...original.challenge.parameters, expiresAt: 4e9 },
          },
        },
        {
          ...original,
          challenge: {
            ...original.challenge,
            parameters: { ...original.challenge.parameters, keyPrefix: '00' },
          },
        },
        {
          ...original,
          challenge: { ...original.challenge, parameters: { ...original.challenge.parameters, cost: 0 } },
        },
      ];
      for (const payload of tampered) assert.equal(await verifyAltchaPayload(deps, encode(payload)), false);
      // The untouched payload still passes: the refusals above did not spend it.
      assert.equal(await verifyAltchaPayload(deps, encode(original)), true);
    });

    it('refuses a challenge signed with another server key', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(
        await createAltchaChallenge({ ...deps, hasher: testHasher('x'.repeat(32)) }),
      );
      assert.equal(await verifyAltchaPayload(deps, payload), false);
    });

    it('refuses a solution after five minutes', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(await createAltchaChallenge(deps));
      deps.clock.advance(ALTCHA_TTL + SECOND);
      assert.equal(await verifyAltchaPayload(deps, payload), false);
    });

    it('refuses hostile input without throwing', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const hostile: unknown[] = [
        undefined,
        null,
        0,
        {},
        [],
        '',
        'not base64 !',
        'a'.repeat(100_000),
        encode(null),
        encode([]),
        encode({ challenge: null, solution: null, test: true }),
        encode({ challenge: { parameters: {}, signature: 1 }, solution: {} }),
        encode({
          challenge: { parameters: { algorithm: 'SHA-256', expiresAt: 4e9 }, signature: 'x' },
          solution: 1,
        }),
        encode({ algorithm: 'SHA-256', challenge: 'ab', number: 1, salt: 'x', signature: 'y' }),
      ];
      for (const value of hostile) assert.equal(await verifyAltchaPayload(deps, value), false);
    });

    it('records spent proofs until they expire, then lets the purge drop them', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const payload = await solveAltcha(await createAltchaChallenge(deps));
      assert.equal(await verifyAltchaPayload(deps, payload), true);
      const rows = await deps.store.db.selectFrom('spent_proofs').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.ok((rows[0]?.expires_at ?? 0) > deps.clock.now());
      assert.ok((rows[0]?.expires_at ?? 0) <= deps.clock.now() + ALTCHA_TTL);
      assert.equal((await purgeExpiredChallenges(deps)).proofs, 0);
      deps.clock.advance(ALTCHA_TTL);
      assert.equal((await purgeExpiredChallenges(deps)).proofs, 1);
      assert.equal(await verifyAltchaPayload(deps, payload), false);
    });
  });
}
