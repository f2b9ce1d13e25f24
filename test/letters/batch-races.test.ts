// Races of the letter batches (STYLE.md §3): two prints at once never put one letter in two valid files,
// and a letter cancelled while its file is written is reported with its page, for staff to take out.
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { LetterBatchError, printPendingLetters } from '../../src/letters/batches.js';
import { cancelLetter } from '../../src/letters/status.js';
import { ManualClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import { batchDeps, lettersOf, memberWithLetter, popplerSkip, printToFile } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sesame-batch-races-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const d of DIALECTS) {
  describe(`letter batch races on ${d.name}`, { skip: popplerSkip }, () => {
    it('records only one of two prints started at once; the other is refused and its file void', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const numbers = ['20000051', '20000052', '20000053'];
        for (const n of numbers) await memberWithLetter(store, n, clock);
        const deps = batchDeps(store, clock);
        const outcomes = await Promise.allSettled([printToFile(deps, dir), printToFile(deps, dir)]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, 1);
        assert.ok(lost[0]!.reason instanceof LetterBatchError, String(lost[0]!.reason));
        assert.equal(won[0]!.value.result.printed, 3);
        const batches = await store.db.selectFrom('letter_batches').select(['id', 'letter_count']).execute();
        assert.deepEqual(batches, [{ id: won[0]!.value.result.batchId, letter_count: 3 }]);
        const letters = await store.db.selectFrom('letters').select(['status', 'batch_id']).execute();
        assert.ok(
          letters.every((l) => l.status === 'printed' && l.batch_id === won[0]!.value.result.batchId),
        );
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
