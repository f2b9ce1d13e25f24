import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newLetterRow } from '../../src/letters/requests.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { createSession } from '../../src/sessions/sessions.js';
import { readLockState, recordSignInFailure } from '../../src/sign-in/lockout.js';
import { type Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { auditRows, seedNamedMember, seedStaff, signInStaff } from './helpers.js';

for (const d of DIALECTS) {
  describe(`member lookup and staff actions over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let agent: Browser;
    let member: { id: number; number: string };
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      const now = t.clock.now();
      await seedStaff(store, 'jdupont', 'agent', now, 'Jeanne Dupont');
      member = await seedNamedMember(
        store,
        { number: '600001', firstName: 'Hélène', lastName: 'Lefèvre' },
        now,
      );
      await seedNamedMember(store, { number: '600002', firstName: 'Marc', lastName: 'Lefort' }, now);
      for (let i = 0; i < 6; i++) await recordSignInFailure(store, '600001', now);
      await createSession(
        store.db,
        { subjectType: 'member', subjectId: member.id, ip: '192.0.2.5', userAgent: 'Firefox' },
        now,
        cryptoRandom,
      );
      await createSession(
        store.db,
        { subjectType: 'member', subjectId: member.id, ip: '192.0.2.6', userAgent: 'Safari' },
        now,
        cryptoRandom,
      );
      agent = await signInStaff(t, 'jdupont');
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('finds « Lefèvre » typed « lefevre » and shows her page with masked contacts and the lock', async (c) => {
      if (skip) return c.skip(skip);
      const results = await agent.get('/admin/adherents?q=lefevre');
      assert.equal(results.status, 200);
      assert.match(textOf(results.body), /1 adhérent trouvé/);
      assert.match(results.body, /href="\/admin\/adherents\/600001"/);
      assert.doesNotMatch(results.body, /600002/);
      const page = await agent.get('/admin/adherents/600001');
      assert.equal(page.status, 200);
      const text = textOf(page.body);
      assert.match(text, /Mme Hélène Lefèvre — N° 600001/);
      assert.match(text, /Connexion par mot de passe bloquée jusqu’au/);
      assert.match(text, /6 échecs consécutifs/);
      assert.match(text, /aucun mot de passe/);
      assert.doesNotMatch(page.body, /600001@example\.fr/, 'the e-mail is masked');
      assert.doesNotMatch(page.body, /\+33612345678|06 12 34 56 78/, 'the mobile is masked');
      assert.match(text, /Sessions actives/);
      assert.match(page.body, /Safari/);
    });

    it('answers a 10,000-character or SQL-laden search with a page, never a 500', async (c) => {
      if (skip) return c.skip(skip);
      const long = await agent.get(`/admin/adherents?q=${'é'.repeat(10_000)}`);
      assert.equal(long.status, 200);
      assert.match(textOf(long.body), /limitée à ses 100 premiers caractères/);
      const sql = await agent.get(`/admin/adherents?q=${encodeURIComponent("lefevre' OR '1'='1")}`);
      assert.equal(sql.status, 200);
      assert.match(textOf(sql.body), /0 adhérent trouvé|Aucun adhérent/);
      const odd = await agent.get('/admin/adherents?q[]=a&q[]=b&page=-1');
      assert.equal(odd.status, 200);
      assert.equal((await agent.get('/admin/adherents/1%27%20or%201=1')).status, 404);
    });

    it('unlocks after confirmation, audited with the staff member’s name', async (c) => {
      if (skip) return c.skip(skip);
      const confirm = await agent.get('/admin/adherents/600001/debloquer');
      assert.match(textOf(confirm.body), /Débloquer la connexion de Mme Hélène Lefèvre \(N° 600001\) \?/);
      const done = await agent.post('/admin/adherents/600001/debloquer', { confirm: '1' });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/admin/adherents/600001?fait=debloque');
      assert.equal((await readLockState(store, '600001', t.clock.now())).blockedUntil, 0);
      const page = await agent.follow();
      assert.match(textOf(page.body), /La connexion de l’adhérent est débloquée/);
      const row = (await auditRows(store, 'member-unlocked')).at(-1)!;
      assert.equal(row.actor, 'staff:jdupont');
      assert.equal(Number(row.member_id), member.id);
      assert.equal(row.member_number, '600001');
      assert.match(String(row.details), /"by":"jdupont"/);
    });

    it('ends all sessions after confirmation, and a POST without confirmation changes nothing', async (c) => {
      if (skip) return c.skip(skip);
      await agent.get('/admin/adherents/600001');
      const unconfirmed = await agent.post('/admin/adherents/600001/fermer-sessions', {});
      assert.equal(unconfirmed.status, 200);
      assert.match(textOf(unconfirmed.body), /Fermer toutes les sessions de/);
      const count = async () =>
        Number(
          (
            await store.db
              .selectFrom('sessions')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('subject_type', '=', 'member')
              .executeTakeFirst()
          )?.n,
        );
      assert.equal(await count(), 2);
      const done = await agent.post('/admin/adherents/600001/fermer-sessions', { confirm: '1' });
      assert.equal(done.location, '/admin/adherents/600001?fait=sessions&n=2');
      assert.equal(await count(), 0);
      assert.match(textOf((await agent.follow()).body), /2 sessions fermées/);
      assert.equal((await auditRows(store, 'member-sessions-ended')).at(-1)?.actor, 'staff:jdupont');
    });

    it('orders a letter, refuses a second one in the interval, and cancels the first', async (c) => {
      if (skip) return c.skip(skip);
      await agent.get('/admin/adherents/600001/courrier');
      const ordered = await agent.post('/admin/adherents/600001/courrier', { confirm: '1' });
      assert.equal(ordered.location, '/admin/adherents/600001?fait=courrier');
      const letter = await store.db
        .selectFrom('letters')
        .selectAll()
        .where('member_id', '=', member.id)
        .executeTakeFirstOrThrow();
      assert.equal(letter.status, 'requested');
      assert.equal(letter.requested_by, 'staff:jdupont');
      const page = await agent.follow();
      assert.match(textOf(page.body), /Le courrier est commandé/);
      assert.match(textOf(page.body), /à imprimer/);

      await agent.get('/admin/adherents/600001/courrier');
      const again = await agent.post('/admin/adherents/600001/courrier', { confirm: '1' });
      assert.equal(again.status, 409);
      assert.match(textOf(again.body), /Un courrier a déjà été demandé le/);
      const ordersAudit = await auditRows(store, 'letter-requested');
      assert.deepEqual(
        ordersAudit.slice(-2).map((r) => [r.actor, r.outcome]),
        [
          ['staff:jdupont', 'success'],
          ['staff:jdupont', 'failure'],
        ],
      );

      const cancelUrl = `/admin/adherents/600001/courriers/${letter.id}/annuler`;
      assert.match(page.body, new RegExp(`href="${cancelUrl}"`));
      await agent.get(cancelUrl);
      const cancelled = await agent.post(cancelUrl, { confirm: '1' });
      assert.equal(cancelled.location, '/admin/adherents/600001?fait=annule');
      const after = await store.db
        .selectFrom('letters')
        .select(['status', 'cancel_reason'])
        .where('id', '=', letter.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(after, { status: 'cancelled', cancel_reason: 'staff:jdupont' });
      assert.equal((await auditRows(store, 'letter-cancelled')).at(-1)?.actor, 'staff:jdupont');
    });

    it('refuses to cancel another member’s letter through a forged URL', async (c) => {
      if (skip) return c.skip(skip);
      const other = await seedNamedMember(
        store,
        { number: '600003', firstName: 'Luc', lastName: 'Autre' },
        t.clock.now(),
      );
      const row = await store.db
        .insertInto('letters')
        .values(newLetterRow(other.id, 'member', t.clock.now()))
        .returning('id')
        .executeTakeFirstOrThrow();
      await agent.get('/admin/adherents/600001');
      const res = await agent.post(`/admin/adherents/600001/courriers/${row.id}/annuler`, { confirm: '1' });
      assert.equal(res.status, 404);
      const still = await store.db
        .selectFrom('letters')
        .select('status')
        .where('id', '=', Number(row.id))
        .executeTakeFirstOrThrow();
      assert.equal(still.status, 'requested');
    });

    it('shows the member’s last events, staff actions included', async (c) => {
      if (skip) return c.skip(skip);
      const page = await agent.get('/admin/adherents/600001');
      const text = textOf(page.body);
      assert.match(text, /Derniers événements/);
      assert.match(text, /Adhérent débloqué/);
      assert.match(text, /staff:jdupont/);
    });
  });
}
