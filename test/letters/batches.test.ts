// Letter batches (issue 5): requested → printed (batch) → posted, flagged for staff, or cancelled by a
// reprint. The PDF is read back with pdftotext, the only place the provisional password is in clear.
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LetterBatchError, markBatchPosted, reprintBatch } from '../../src/letters/batches.js';
import { letterCounts, pendingLetters } from '../../src/letters/status.js';
import { DAY, ManualClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import {
  batchDeps,
  lettersOf,
  memberWithLetter,
  passwordsByMember,
  pdfPages,
  popplerSkip,
  printToFile,
} from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sesame-batches-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const d of DIALECTS) {
  describe(`letter batches on ${d.name}`, { skip: popplerSkip }, () => {
    it('prints pending letters sorted by postal code and keeps only a hash of each password', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const lyon = await memberWithLetter(store, '20000001', clock, { postal_code: '69003', city: 'Lyon' });
        const marseille = await memberWithLetter(store, '20000002', clock, {
          postal_code: '13001',
          city: 'Marseille',
        });
        const paris = await memberWithLetter(store, '20000003', clock, {
          postal_code: '75011',
          city: 'Paris',
        });
        clock.advance(DAY);
        const { file, result } = await printToFile(batchDeps(store, clock), dir);
        assert.equal(result.printed, 3);
        assert.deepEqual(result.flagged, []);
        assert.ok(result.batchId !== null);

        const pages = pdfPages(file);
        assert.equal(pages.length, 3);
        const order = pages.map((p) =>
          ['13001 MARSEILLE', '69003 LYON', '75011 PARIS'].find((l) => p.includes(l)),
        );
        assert.deepEqual(order, ['13001 MARSEILLE', '69003 LYON', '75011 PARIS']);
        const passwords = passwordsByMember(file, ['20000001', '20000002', '20000003']);
        assert.equal(new Set(passwords.values()).size, 3);

        for (const id of [lyon, marseille, paris]) {
          const [letter] = await lettersOf(store, id);
          assert.equal(letter?.status, 'printed');
          assert.equal(letter?.batch_id, result.batchId);
          assert.equal(letter?.printed_at, clock.now());
          assert.equal(letter?.provisional_expires_at, clock.now() + 30 * DAY);
          assert.match(letter?.provisional_hash ?? '', /^\$argon2id\$/);
        }
        const batch = await store.db
          .selectFrom('letter_batches')
          .selectAll()
          .where('id', '=', result.batchId!)
          .executeTakeFirstOrThrow();
        assert.equal(batch.status, 'printed');
        assert.equal(batch.letter_count, 3);

        // The clear password is in the PDF only: in no column of any letter, nor in the audit trail.
        const stored = JSON.stringify([
          await store.db.selectFrom('letters').selectAll().execute(),
          await store.db.selectFrom('letter_batches').selectAll().execute(),
          await store.db.selectFrom('audit_events').selectAll().execute(),
        ]);
        for (const grouped of passwords.values()) {
          assert.ok(!stored.includes(grouped), `${grouped} stored`);
          assert.ok(!stored.includes(grouped.replace(/-/g, '')), `${grouped} stored ungrouped`);
        }
      } finally {
        await store.dispose();
      }
    });

    it('flags letters whose address cannot be printed, with the reason, and prints the others', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        // Six lines already used: a 45-character street with nothing to abbreviate has no line to wrap onto.
        const street = '1234 RUE DU PETIT JEAN QUI RIT ET QUI PLEURE'.padEnd(45, 'X');
        assert.equal(street.length, 45);
        const tooLong = await memberWithLetter(store, '20000011', clock, {
          address_line2: 'Chez Mme Dupont',
          address_line3: 'Escalier B',
          address_line4: street,
          address_line5: 'LIEU DIT LES AULNES',
        });
        const noPostalCode = await memberWithLetter(store, '20000012', clock, { postal_code: null });
        const fine = await memberWithLetter(store, '20000013', clock);
        const { file, result } = await printToFile(batchDeps(store, clock), dir);

        assert.equal(result.printed, 1);
        assert.deepEqual(result.flagged.map((f) => f.memberNumber).sort(), ['20000011', '20000012']);
        const pages = pdfPages(file);
        assert.equal(pages.length, 1);
        assert.ok(pages[0]!.includes('20000013'));
        const [long] = await lettersOf(store, tooLong);
        assert.equal(long?.status, 'flagged');
        assert.match(
          long?.flag_reason ?? '',
          /^Ligne 4 de l’adresse trop longue .*45 caractères, 38 au plus/,
        );
        assert.equal(long?.provisional_hash, null);
        const [missing] = await lettersOf(store, noPostalCode);
        assert.equal(missing?.status, 'flagged');
        assert.equal(missing?.flag_reason, 'Code postal manquant.');
        assert.equal((await lettersOf(store, fine))[0]?.status, 'printed');

        // Flagged letters stay in the staff's list, with their reason, and are not printed again.
        const listed = await pendingLetters(store, clock.now());
        assert.deepEqual(
          listed
            .filter((l) => l.status === 'flagged')
            .map((l) => l.memberNumber)
            .sort(),
          ['20000011', '20000012'],
        );
        assert.ok(listed.every((l) => l.status !== 'flagged' || l.flagReason));
        const again = await printToFile(batchDeps(store, clock), dir);
        assert.equal(again.result.batchId, null);
        assert.equal(again.result.printed, 0);
      } finally {
        await store.dispose();
      }
    });

    it('marks a printed batch posted once, and refuses to post it twice', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const a = await memberWithLetter(store, '20000021', clock);
        const b = await memberWithLetter(store, '20000022', clock);
        const { result } = await printToFile(batchDeps(store, clock), dir);
        clock.advance(DAY);
        assert.equal(await markBatchPosted(store, result.batchId!, clock.now(), 'test'), 2);
        for (const id of [a, b]) {
          const [letter] = await lettersOf(store, id);
          assert.equal(letter?.status, 'posted');
          assert.equal(letter?.posted_at, clock.now());
        }
        const batch = await store.db
          .selectFrom('letter_batches')
          .select(['status', 'posted_at'])
          .where('id', '=', result.batchId!)
          .executeTakeFirstOrThrow();
        assert.deepEqual(batch, { status: 'posted', posted_at: clock.now() });
        await assert.rejects(markBatchPosted(store, result.batchId!, clock.now(), 'test'), LetterBatchError);
        await assert.rejects(markBatchPosted(store, 999_999, clock.now(), 'test'), LetterBatchError);
        assert.deepEqual(await pendingLetters(store, clock.now()), []);
      } finally {
        await store.dispose();
      }
    });

    it('reprints a batch: old letters cancelled, new passwords in a new batch', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        const a = await memberWithLetter(store, '20000031', clock);
        const b = await memberWithLetter(store, '20000032', clock);
        const deps = batchDeps(store, clock);
        const first = await printToFile(deps, dir);
        const before = passwordsByMember(first.file, ['20000031', '20000032']);
        clock.advance(DAY);
        const file = join(dir, `reprint-${d.name}.pdf`);
        const second = await reprintBatch(deps, first.result.batchId!, createWriteStream(file), 'test');
        assert.equal(second.printed, 2);
        assert.notEqual(second.batchId, first.result.batchId);
        const afterwards = passwordsByMember(file, ['20000031', '20000032']);
        for (const n of ['20000031', '20000032']) assert.notEqual(afterwards.get(n), before.get(n));

        for (const id of [a, b]) {
          const [old, fresh] = await lettersOf(store, id);
          assert.equal(old?.status, 'cancelled');
          assert.equal(old?.cancel_reason, 'reprint');
          assert.equal(old?.provisional_hash, null);
          assert.equal(fresh?.status, 'printed');
          assert.equal(fresh?.batch_id, second.batchId);
          // The eight-day promise still runs from the member's request.
          assert.equal(fresh?.requested_at, old?.requested_at);
        }
        const batches = await store.db
          .selectFrom('letter_batches')
          .select(['id', 'status'])
          .orderBy('id')
          .execute();
        assert.deepEqual(batches, [
          { id: first.result.batchId, status: 'reprinted' },
          { id: second.batchId, status: 'printed' },
        ]);
        await assert.rejects(
          reprintBatch(deps, first.result.batchId!, createWriteStream(join(dir, 'never.pdf')), 'test'),
          LetterBatchError,
        );
      } finally {
        await store.dispose();
      }
    });

    it('shows a letter requested nine days ago and not yet posted as late', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const clock = new ManualClock();
        await memberWithLetter(store, '20000041', clock);
        clock.advance(2 * DAY);
        await memberWithLetter(store, '20000042', clock);
        clock.advance(7 * DAY);
        // 9 days and 7 days after the requests.
        const rows = await pendingLetters(store, clock.now());
        assert.deepEqual(
          rows.map((r) => [r.memberNumber, r.status, r.late]),
          [
            ['20000041', 'requested', true],
            ['20000042', 'requested', false],
          ],
        );
        assert.deepEqual(await letterCounts(store, clock.now()), { pending: 2, late: 1 });

        // Printed but not posted is still late; posted is no longer pending.
        const { result } = await printToFile(batchDeps(store, clock), dir);
        assert.deepEqual(await letterCounts(store, clock.now()), { pending: 2, late: 1 });
        assert.deepEqual(
          (await pendingLetters(store, clock.now())).map((r) => [r.status, r.late]),
          [
            ['printed', true],
            ['printed', false],
          ],
        );
        await markBatchPosted(store, result.batchId!, clock.now(), 'test');
        assert.deepEqual(await letterCounts(store, clock.now()), { pending: 0, late: 0 });
      } finally {
        await store.dispose();
      }
    });
  });
}
