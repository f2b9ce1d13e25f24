// The back-office journey steps through the Browser stand-in: a full staff sign-in (password, anti-robot,
// TOTP read from the sealed secret like an authenticator app would).
import assert from 'node:assert/strict';
import { findStaffByUsername } from '../../src/admin/staff.js';
import { generateTotpCode, openTotpSecret } from '../../src/admin/totp.js';
import { SECOND } from '../../src/platform/clock.js';
import { antiRobotAnswer, Browser, type TestApp } from '../helpers/app.js';
import { STAFF_PASSWORD } from './fixtures.js';

export * from './fixtures.js';

/** Password + anti-robot step only: the browser then holds a session without second factor. */
export async function staffPasswordStep(b: Browser, t: TestApp, username: string, password = STAFF_PASSWORD) {
  const page = await b.get('/admin/connexion');
  return b.post('/admin/connexion', { username, password, ...antiRobotAnswer(page.body, t.answerIndex) });
}

/** The current code of a staff member's authenticator (the test reads the sealed secret like the app would). */
export async function currentCode(t: TestApp, username: string): Promise<string> {
  const row = await findStaffByUsername(t.services.store.db, username);
  assert.ok(row?.totp_secret, 'no TOTP secret yet');
  const secret = openTotpSecret(t.services.hasher, row.totp_secret);
  assert.ok(secret);
  return generateTotpCode(secret, t.clock.now());
}

/** A full staff sign-in (enrolling on first use); each call moves the clock one TOTP step so codes never repeat. */
export async function signInStaff(t: TestApp, username: string, ip = '198.51.100.20'): Promise<Browser> {
  const b = new Browser(t.app, ip);
  const res = await staffPasswordStep(b, t, username);
  assert.equal(res.status, 303, `password step for ${username}: ${res.status}`);
  const codePage = await b.follow();
  assert.equal(codePage.status, 200);
  t.clock.advance(30 * SECOND);
  const done = await b.post('/admin/connexion/code', { code: await currentCode(t, username) });
  assert.equal(done.status, 303, `code step for ${username}: ${done.status}`);
  assert.equal(done.location, '/admin');
  return b;
}
