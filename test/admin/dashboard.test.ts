import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completionRate, computeDashboard } from '../../src/admin/dashboard.js';
import { dayOf, lastDays, parisDateKey, parseDateInput } from '../../src/admin/days.js';
import { recordAudit } from '../../src/audit/audit.js';
import { DAY, HOUR } from '../../src/platform/clock.js';
import type { Store } from '../../src/store/db.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { seedNamedMember } from './fixtures.js';

// 15 January 2026, 10:00 in Paris.
const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

describe('Paris days', () => {
  it('gives 30 days ending today, oldest first, with 23- and 25-hour days around DST', () => {
    const days = lastDays(NOW, 30);
    assert.equal(days.length, 30);
    assert.equal(days[29]!.key, '2026-01-15');
    assert.equal(days[0]!.key, '2025-12-17');
    for (let i = 1; i < days.length; i++) assert.equal(days[i]!.start, days[i - 1]!.end);
    const spring = dayOf(Date.UTC(2026, 2, 29, 12));
    assert.equal(spring.end - spring.start, 23 * HOUR);
    const autumn = dayOf(Date.UTC(2026, 9, 25, 12));
    assert.equal(autumn.end - autumn.start, 25 * HOUR);
    assert.equal(
      parisDateKey(Date.UTC(2026, 0, 14, 23, 30)),
      '2026-01-15',
      '00:30 in Paris is already the 15th',
    );
    assert.equal(parseDateInput('2026-01-15'), Date.UTC(2026, 0, 14, 23, 0));
    assert.equal(parseDateInput('2026-02-29'), undefined);
  });

  it('shows no completion rate when nothing started', () => {
    assert.equal(completionRate({ started: 0, completed: 0 }), null);
    assert.equal(completionRate({ started: 3, completed: 2 }), 67);
  });
});

async function flow(
  store: Store,
  id: string,
  channel: string | null,
  state: string,
  at: number,
): Promise<void> {
  await store.db
    .insertInto('recovery_flows')
    .values({
      id,
      state,
      binding_hash: 'x',
      member_number: '500001',
      member_id: null,
      channel,
      locale: 'fr',
      code_hash: null,
      code_sent_at: null,
      code_expires_at: null,
      failed_attempts: 0,
      sends: 0,
      ip: '192.0.2.1',
      created_at: at,
      updated_at: at,
      expires_at: at + HOUR,
    })
    .execute();
}

async function message(store: Store, status: 'sent' | 'failed', at: number): Promise<void> {
  await store.db
    .insertInto('outbox')
    .values({
      channel: 'email',
      recipient: 'x@example.fr',
      template: 'code',
      locale: 'fr',
      payload: '{}',
      status,
      attempts: 1,
      next_attempt_at: at,
      locked_until: 0,
      last_error: null,
      member_id: null,
      created_at: at,
      sent_at: status === 'sent' ? at : null,
    })
    .execute();
}

for (const d of DIALECTS) {
  describe(`dashboard figures on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      const audit = (at: number, event: 'sign-in' | 'lock', outcome: 'success' | 'failure' | 'info') =>
        recordAudit(store.db, { event, outcome, actor: 'member:1' }, at);
      await audit(NOW, 'sign-in', 'success');
      await audit(NOW - HOUR, 'sign-in', 'success');
      await audit(NOW, 'sign-in', 'failure');
      await audit(NOW - DAY, 'lock', 'info');
      await audit(NOW - 40 * DAY, 'sign-in', 'success'); // outside the 30 days
      await flow(store, 'f1', 'email', 'completed', NOW);
      await flow(store, 'f2', 'email', 'awaiting_code', NOW);
      await flow(store, 'f3', 'sms', 'completed', NOW - DAY);
      await flow(store, 'f4', null, 'choosing_channel', NOW);
      await message(store, 'sent', NOW);
      await message(store, 'failed', NOW - DAY);
      const m = await seedNamedMember(store, { firstName: 'Léa', lastName: 'Roux' }, NOW);
      const letter = (
        requestedAt: number,
        status: 'requested' | 'posted',
        postedAt: number | null,
        used: number | null,
      ) =>
        store.db
          .insertInto('letters')
          .values({
            member_id: m.id,
            status,
            requested_at: requestedAt,
            requested_by: 'member',
            batch_id: null,
            printed_at: null,
            posted_at: postedAt,
            cancelled_at: null,
            cancel_reason: null,
            flag_reason: null,
            provisional_hash: null,
            provisional_expires_at: null,
            provisional_used_at: used,
          })
          .execute();
      await letter(NOW - 10 * DAY, 'requested', null, null); // late today
      await letter(NOW - 3 * DAY, 'posted', NOW - DAY, NOW); // pending until yesterday, then used
    });
    after(async () => {
      if (!skip) await store.dispose();
    });

    it('counts each figure on the right Paris day', async (c) => {
      if (skip) return c.skip(skip);
      const figures = await computeDashboard(store, NOW);
      assert.equal(figures.length, 30);
      const today = figures[29]!;
      const yesterday = figures[28]!;
      assert.equal(today.day, '2026-01-15');
      assert.equal(today.signIns, 2);
      assert.equal(today.failures, 1);
      assert.equal(yesterday.locks, 1);
      assert.deepEqual(today.recoveries.email, { started: 2, completed: 1 });
      assert.deepEqual(yesterday.recoveries.sms, { started: 1, completed: 1 });
      assert.equal(today.messagesSent, 1);
      assert.equal(yesterday.messagesFailed, 1);
      assert.equal(today.lettersPending, 1);
      assert.equal(today.lettersLate, 1);
      assert.equal(figures[26]!.lettersPending, 2, 'two days ago both letters were waiting');
      assert.equal(figures[26]!.lettersLate, 0);
      assert.deepEqual(figures[26]!.recoveries.letter, { started: 1, completed: 1 });
      assert.equal(
        figures.reduce((n, f) => n + f.signIns, 0),
        2,
        'older events are left out',
      );
    });
  });
}
