// Races of the letter batches (STYLE.md §3): two prints at once never put one letter in two files — the
// second learns before drawing that the letters are taken; an interrupted or crashed print gives its letters
// back; a letter cancelled while its file is written is reported with its page, for staff to take out.
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  LetterBatchError,
  markBatchPosted,
  PRINT_IN_PROGRESS,
  printClaimedLetters,
  printPendingLetters,
} from '../../src/letters/batches.js';
import { claimPendingLetters, STALE_CLAIM } from '../../src/letters/claims.js';
import { cancelLetter } from '../../src/letters/status.js';
import { ManualClock, MINUTE } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import { batchDeps, lettersOf, memberWithLetter, popplerSkip, printToFile } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sesame-batch-races-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const d of DIALECTS) {
  describe(`letter batch races on ${d.name}`, { skip: popplerSkip }, () => {
    it('lets only one of two prints started at once claim the letters; the other learns it before drawing', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const numbers = ['20000051', '20000052', '20000053'];
        for (const n of numbers) await memberWithLetter(store, n, clock);
        const deps = batchDeps(store, clock);
        const outcomes = await Promise.all([
          claimPendingLetters(deps, 'staff:a'),
          claimPendingLetters(deps, 'staff:b'),
        ]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['busy', 'claimed']);
        const won = outcomes.find((o) => o.status === 'claimed');
        assert.ok(won?.status === 'claimed');
        assert.equal(won.claim.letters.length, 3);
        // A third print while the first draws gets no byte at all: it is refused before the file.
        let bytes = 0;
        const sink = new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            done();
          },
        });
        await assert.rejects(printPendingLetters(deps, sink, 'cli'), (e: unknown) => {
          assert.ok(e instanceof LetterBatchError);
          assert.equal(e.message, PRINT_IN_PROGRESS);
          return true;
        });
        assert.equal(bytes, 0);

        const file = join(dir, `race-${d.name}.pdf`);
        const result = await printClaimedLetters(deps, won.claim, createWriteStream(file));
        assert.equal(result.printed, 3);
        const batches = await store.db
          .selectFrom('letter_batches')
          .select(['id', 'letter_count', 'status'])
          .execute();
        assert.deepEqual(batches, [{ id: won.claim.batchId, letter_count: 3, status: 'printed' }]);
        const letters = await store.db.selectFrom('letters').select(['status', 'batch_id']).execute();
        assert.ok(letters.every((l) => l.status === 'printed' && l.batch_id === won.claim.batchId));
      } finally {
        await store.dispose();
      }
    });

    it('releases the letters of an interrupted print, and the next print takes them', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        for (const n of ['20000071', '20000072']) await memberWithLetter(store, n, clock);
        const deps = batchDeps(store, clock);
        const outcome = await claimPendingLetters(deps, 'staff:a');
        assert.ok(outcome.status === 'claimed');
        // The download is cut short after its first chunk.
        const cut = new Writable({
          write(_chunk, _encoding, done) {
            done(new Error('download interrupted'));
          },
        });
        await assert.rejects(printClaimedLetters(deps, outcome.claim, cut), /download interrupted/);
        const letters = await store.db.selectFrom('letters').select(['status', 'batch_id']).execute();
        assert.deepEqual(letters, [
          { status: 'requested', batch_id: null },
          { status: 'requested', batch_id: null },
        ]);
        const voided = await store.db
          .selectFrom('letter_batches')
          .select(['status'])
          .where('id', '=', outcome.claim.batchId)
          .executeTakeFirstOrThrow();
        assert.equal(voided.status, 'void');
        const audit = await store.db
          .selectFrom('audit_events')
          .select(['outcome', 'details'])
          .where('event', '=', 'letter-printed')
          .execute();
        assert.deepEqual(
          audit.map((a) => a.outcome),
          ['failure'],
        );
        await assert.rejects(
          markBatchPosted(store, outcome.claim.batchId, clock.now(), 'test'),
          LetterBatchError,
        );

        const { result } = await printToFile(deps, dir);
        assert.equal(result.printed, 2);
        assert.notEqual(result.batchId, outcome.claim.batchId);
      } finally {
        await store.dispose();
      }
    });

    it('takes over the letters of a print left « printing » for thirty minutes; the late file is void', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        await memberWithLetter(store, '20000081', clock);
        const deps = batchDeps(store, clock);
        const crashed = await claimPendingLetters(deps, 'cli');
        assert.ok(crashed.status === 'claimed');
        clock.advance(STALE_CLAIM);
        // At exactly thirty minutes the claim is stale; a minute before it still stood.
        clock.advance(-MINUTE);
        assert.equal((await claimPendingLetters(deps, 'staff:a')).status, 'busy');
        clock.advance(MINUTE);
        const next = await claimPendingLetters(deps, 'staff:a');
        assert.ok(next.status === 'claimed');
        assert.deepEqual(
          next.claim.letters.map((l) => l.memberNumber),
          ['20000081'],
        );
        const old = await store.db
          .selectFrom('letter_batches')
          .select('status')
          .where('id', '=', crashed.claim.batchId)
          .executeTakeFirstOrThrow();
        assert.equal(old.status, 'void');

        // The first process was only slow: its file is refused, and the new claim keeps the letter.
        await assert.rejects(
          printClaimedLetters(deps, crashed.claim, new Writable({ write: (_c, _e, done) => done() })),
          LetterBatchError,
        );
        const [letter] = await store.db.selectFrom('letters').select(['status', 'batch_id']).execute();
        assert.deepEqual(letter, { status: 'requested', batch_id: next.claim.batchId });
        const result = await printClaimedLetters(
          deps,
          next.claim,
          createWriteStream(join(dir, `stale-${d.name}.pdf`)),
        );
        assert.equal(result.printed, 1);
      } finally {
        await store.dispose();
      }
    });

    it('lists a letter cancelled while its batch prints as withdrawn, with its page', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        await memberWithLetter(store, '20000061', clock, { postal_code: '13001', city: 'Marseille' });
        const leaving = await memberWithLetter(store, '20000062', clock, {
          postal_code: '69003',
          city: 'Lyon',
        });
        const [letter] = await lettersOf(store, leaving);
        const file = createWriteStream(join(dir, `withdrawn-${d.name}.pdf`));
        let cancelled = false;
        // The member finishes another way while the file is being written.
        const output = new Writable({
          write(chunk, _encoding, done) {
            const first = !cancelled;
            cancelled = true;
            (first
              ? cancelLetter(store, letter!.id, 'password-set', clock.now())
              : Promise.resolve(true)
            ).then(() => file.write(chunk, done), done);
          },
          final(done) {
            file.end(done);
          },
        });
        const result = await printPendingLetters(batchDeps(store, clock), output, 'test');
        assert.equal(result.printed, 1);
        assert.deepEqual(result.withdrawn, [{ letterId: letter!.id, memberNumber: '20000062', page: 2 }]);
        const [after] = await lettersOf(store, leaving);
        assert.equal(after?.status, 'cancelled');
        assert.equal(after?.provisional_hash, null);
      } finally {
        await store.dispose();
      }
    });
  });
}
