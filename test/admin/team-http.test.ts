import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hideUrlPassword } from '../../src/admin/routes-team.js';
import { findStaffByUsername } from '../../src/admin/staff.js';
import { type Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';
import { auditRows, STAFF_PASSWORD, seedStaff, signInStaff } from './helpers.js';

for (const d of DIALECTS) {
  describe(`staff management and settings over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let admin: Browser;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store, { SESAME_SMS_TOKEN: 'sms-secret-value' });
      await seedStaff(store, 'chef', 'admin', t.clock.now(), 'Camille Chef');
      admin = await signInStaff(t, 'chef');
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('creates an account from the back office, refusing a weak password rule by rule', async (c) => {
      if (skip) return c.skip(skip);
      await admin.get('/admin/equipe');
      const weak = await admin.post('/admin/equipe', {
        username: 'lmoreau',
        display_name: 'Léa Moreau',
        role: 'agent',
        password: 'court',
      });
      assert.equal(weak.status, 400);
      assert.match(textOf(weak.body), /ne respecte pas les règles/);
      assert.match(textOf(weak.body), /Au moins 12 caractères/);
      assert.match(weak.body, /name="username"[^>]*value="lmoreau"/, 'the form keeps what was typed');
      assert.doesNotMatch(weak.body, /value="court"/, 'but never the password');
      const ok = await admin.post('/admin/equipe', {
        username: 'lmoreau',
        display_name: 'Léa Moreau',
        role: 'agent',
        password: STAFF_PASSWORD,
      });
      assert.equal(ok.status, 303);
      assert.match(textOf((await admin.follow()).body), /Le compte lmoreau est créé/);
      assert.equal((await findStaffByUsername(store.db, 'lmoreau'))?.role, 'agent');
      assert.match(String((await auditRows(store, 'staff-created')).at(-1)?.details), /"username":"lmoreau"/);
    });

    it('disables an account after confirmation, which ends its sessions, and resets a second factor', async (c) => {
      if (skip) return c.skip(skip);
      const agent = await signInStaff(t, 'lmoreau');
      assert.equal((await agent.get('/admin/adherents')).status, 200);
      const row = await findStaffByUsername(store.db, 'lmoreau');
      await admin.get(`/admin/equipe/${row!.id}/reinitialiser-2fa`);
      assert.equal(
        (await admin.post(`/admin/equipe/${row!.id}/reinitialiser-2fa`, { confirm: '1' })).status,
        303,
      );
      assert.equal((await findStaffByUsername(store.db, 'lmoreau'))?.totp_enrolled_at, null);
      assert.equal((await agent.get('/admin/adherents')).status, 303, 'the reset ends the sessions');

      await admin.get(`/admin/equipe/${row!.id}/desactiver`);
      assert.equal((await admin.post(`/admin/equipe/${row!.id}/desactiver`, { confirm: '1' })).status, 303);
      assert.equal((await findStaffByUsername(store.db, 'lmoreau'))?.status, 'disabled');
      assert.equal((await auditRows(store, 'staff-disabled')).at(-1)?.actor, 'staff:chef');
      const self = await admin.get(
        `/admin/equipe/${(await findStaffByUsername(store.db, 'chef'))!.id}/desactiver`,
      );
      assert.equal(self.status, 404, 'nobody disables their own account');
    });

    it('shows the settings without any secret value', async (c) => {
      if (skip) return c.skip(skip);
      const page = await admin.get('/admin/reglages');
      assert.equal(page.status, 200);
      const text = textOf(page.body);
      assert.match(text, /SESAME_AUDIT_RETENTION_DAYS 400/);
      assert.match(text, /SESAME_SMS_TOKEN \(définie, masquée\)/);
      assert.doesNotMatch(page.body, /sms-secret-value|test-secret-test-secret/);
      assert.equal(
        hideUrlPassword('postgres://sesame:hunter2@db:5432/sesame'),
        'postgres://sesame:***@db:5432/sesame',
      );
      assert.equal(hideUrlPassword('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
    });
  });
}
