// Shared counters and picture challenges in Redis fail closed (issue 7): when Redis cannot be reached, the
// sign-in and recovery pages answer the French 503 page (their pictures cannot be stored), before anything is
// typed. Forms posted from pages loaded before the outage are refused the same way in nginx.test.ts, with
// two processes behind nginx; this one needs no nginx nor Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { closedPort } from '../helpers/network.js';
import { sqliteStore, type TestStore } from '../helpers/stores.js';

describe('Redis unreachable', () => {
  let store: TestStore;
  let t: TestApp;
  before(async () => {
    store = await sqliteStore();
    await seedMember(store, { number: '7300001', password: GOOD_PASSWORD });
    t = await buildTestApp(store, { SESAME_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('answers the sign-in page with the French 503 page, without creating a session', async () => {
    const b = new Browser(t.app);
    const page = await b.get('/connexion');
    assert.equal(page.status, 503);
    assert.match(page.body, /<html lang="fr"/);
    assert.match(textOf(page.body), /Le service est momentanément indisponible/);
    assert.doesNotMatch(page.body, /name="password"/, 'no form to fill in for nothing');
    assert.equal(b.cookies.has('__Host-sesame'), false);
    const sessions = await store.db.selectFrom('sessions').select('id').execute();
    assert.equal(sessions.length, 0);
  });

  it('answers the recovery start page the same way, starting no flow', async () => {
    const b = new Browser(t.app);
    const page = await b.get('/mot-de-passe-oublie/numero');
    assert.equal(page.status, 503);
    assert.match(textOf(page.body), /Le service est momentanément indisponible/);
    const flows = await store.db.selectFrom('recovery_flows').select('id').execute();
    assert.equal(flows.length, 0, 'nothing started uncounted');
  });
});
