import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { recordAudit } from '../../src/audit/audit.js';
import { newLetterRow } from '../../src/letters/requests.js';
import { DAY } from '../../src/platform/clock.js';
import { type Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { auditRows, seedNamedMember, seedStaff, signInStaff } from './helpers.js';

async function requestLetter(store: TestStore, memberId: number, at: number): Promise<number> {
  const row = await store.db
    .insertInto('letters')
    .values(newLetterRow(memberId, 'member', at))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

for (const d of DIALECTS) {
  describe(`supervisor pages over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let sup: Browser;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      const now = t.clock.now();
      await seedStaff(store, 'superv', 'supervisor', now, 'Sophie Perrin');
      const late = await seedNamedMember(
        store,
        { number: '610001', firstName: 'Anne', lastName: 'Tardif' },
        now,
      );
      const fresh = await seedNamedMember(
        store,
        { number: '610002', firstName: 'Bruno', lastName: 'Récent' },
        now,
      );
      await requestLetter(store, late.id, now - 10 * DAY);
      await requestLetter(store, fresh.id, now - DAY);
      await recordAudit(
        store.db,
        {
          event: 'sign-in',
          outcome: 'failure',
          actor: 'member:610001',
          memberNumber: '610001',
          userAgent: '=1+2',
        },
        now,
      );
      sup = await signInStaff(t, 'superv');
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('draws the dashboard as SVG charts with the same figures in a table, without inline style', async (c) => {
      if (skip) return c.skip(skip);
      const page = await sup.get('/admin');
      assert.equal(page.status, 200);
      assert.equal([...page.body.matchAll(/<svg /g)].length, 6);
      assert.match(
        page.body,
        /<svg [^>]*role="img" aria-labelledby="chart-sign-ins-title chart-sign-ins-desc"/,
      );
      assert.match(page.body, /<table class="figures">/);
      assert.equal([...page.body.matchAll(/<th scope="row">\d{4}-\d{2}-\d{2}<\/th>/g)].length, 30);
      assert.doesNotMatch(page.body, /style=|<script>/);
      assert.match(textOf(page.body), /Courriers en attente et en retard/);
    });

    it('lists pending letters with their age and highlights the late one', async (c) => {
      if (skip) return c.skip(skip);
      const desk = await sup.get('/admin/courriers');
      assert.equal(desk.status, 200);
      const text = textOf(desk.body);
      assert.match(text, /2 courriers à imprimer, dont 1 en retard/);
      assert.match(desk.body, /<tr class="late">[\s\S]*?610001[\s\S]*?10 jours/);
      assert.match(text, /Imprimer le lot/);
    });

    it('prints the batch as a PDF download, records it, then marks it posted', async (c) => {
      if (skip) return c.skip(skip);
      await sup.get('/admin/courriers');
      const pdf = await sup.post('/admin/courriers/lot', {});
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.match(String(pdf.headers['content-disposition']), /^attachment; filename="courriers-\d+\.pdf"$/);
      assert.ok(pdf.body.startsWith('%PDF-'));
      const batch = await store.db.selectFrom('letter_batches').selectAll().executeTakeFirstOrThrow();
      assert.equal(batch.letter_count, 2);
      assert.equal(batch.created_by, 'staff:superv');
      const letters = await store.db.selectFrom('letters').select(['status', 'provisional_hash']).execute();
      assert.ok(letters.every((l) => l.status === 'printed' && l.provisional_hash?.startsWith('$argon2id$')));

      const desk = await sup.get('/admin/courriers');
      assert.match(textOf(desk.body), /Aucun courrier en attente d’impression/);
      assert.match(textOf(desk.body), new RegExp(`Lot n° ${batch.id}`));
      const posted = await sup.post(`/admin/courriers/lots/${batch.id}/poste`, {});
      assert.equal(posted.status, 303);
      assert.match(
        textOf((await sup.follow()).body),
        new RegExp(`Le lot n° ${batch.id} est marqué comme posté`),
      );
      const after = await store.db.selectFrom('letters').select('status').execute();
      assert.ok(after.every((l) => l.status === 'posted'));
      assert.equal((await auditRows(store, 'letter-posted')).at(-1)?.actor, 'staff:superv');

      await sup.get('/admin/courriers');
      const twice = await sup.post(`/admin/courriers/lots/${batch.id}/poste`, {});
      assert.equal(twice.status, 409);
      await sup.get('/admin/courriers');
      const nothing = await sup.post('/admin/courriers/lot', {});
      assert.equal(nothing.status, 409);
      assert.match(textOf(nothing.body), /Aucun courrier à imprimer/);
    });

    it('filters the audit log and exports it as CSV that a parser reads, formulas neutralised, audited', async (c) => {
      if (skip) return c.skip(skip);
      const page = await sup.get('/admin/journal?member=610001&event=sign-in');
      assert.equal(page.status, 200);
      assert.match(textOf(page.body), /1 événement/);
      assert.match(page.body, /name="member" value="610001"/);
      const csv = await sup.post('/admin/journal/export', { member: '610001', event: 'sign-in' });
      assert.equal(csv.status, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(
        String(csv.headers['content-disposition']),
        /attachment; filename="journal-audit-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      const rows = parse(csv.body, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.user_agent, "'=1+2");
      assert.equal(rows[0]!.member_number, '610001');
      const exported = (await auditRows(store, 'audit-exported')).at(-1)!;
      assert.equal(exported.actor, 'staff:superv');
      assert.match(String(exported.details), /"member":"610001"/);
    });
  });
}
