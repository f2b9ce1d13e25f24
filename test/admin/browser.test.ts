// A supervisor's working day in a real browser (Debian's Chromium), driven by labels and roles: sign-in with
// TOTP enrolment, find a locked member by name typed without accents, unlock, order a letter, print the
// batch (a PDF download) and mark it posted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { generateTotpCode } from '../../src/admin/totp.js';
import { readLockState, recordSignInFailure } from '../../src/sign-in/lockout.js';
import { chromiumSkipReason, type LiveServer, launchChromium, startLiveServer } from '../helpers/browser.js';
import { STAFF_PASSWORD, seedStaff } from './fixtures.js';

describe('the back office in Chromium', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let browser: Browser;
  before(async () => {
    skip = chromiumSkipReason();
    if (skip) return;
    live = await startLiveServer();
    browser = await launchChromium();
    const { store } = live.server.services;
    await seedStaff(store, 'sperrin', 'supervisor', live.clock.now(), 'Sophie Perrin');
    for (let i = 0; i < 6; i++) await recordSignInFailure(store, '100001', live.clock.now());
  });
  after(async () => {
    if (skip) return;
    await browser.close();
    await live.stop();
  });

  it('lets a supervisor sign in with TOTP, unlock a member, print the letters and mark them posted', async (c) => {
    if (skip) return c.skip(skip);
    const context = await browser.newContext({ acceptDownloads: true, locale: 'fr-FR' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(`${live.url}/admin/connexion`);
    await page.getByLabel('Identifiant').fill('sperrin');
    await page.getByLabel('Mot de passe').fill(STAFF_PASSWORD);
    await page.getByRole('radio', { name: `Image ${live.answerIndex + 1}`, exact: true }).check();
    await page.getByRole('button', { name: 'Connexion' }).click();

    await page.getByRole('heading', { name: 'Activer la double authentification' }).waitFor();
    assert.ok(await page.getByRole('img', { name: /QR code/ }).isVisible());
    const secret = ((await page.locator('.totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code à 6 chiffres').fill(generateTotpCode(secret, live.clock.now()));
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    assert.equal(await page.locator('svg[role="img"]').count(), 6);

    await page.getByRole('link', { name: 'Adhérents' }).click();
    await page.getByLabel('N° adhérent ou nom').fill('lefevre');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('link', { name: '100001' }).click();
    await page.getByText(/Connexion par mot de passe bloquée/).waitFor();

    await page.getByRole('link', { name: 'Débloquer la connexion' }).click();
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByText('La connexion de l’adhérent est débloquée.').waitFor();
    const { store } = live.server.services;
    assert.equal((await readLockState(store, '100001', live.clock.now())).blockedUntil, 0);

    await page.getByRole('link', { name: 'Commander un courrier' }).click();
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByText(/Le courrier est commandé/).waitFor();

    await page.getByRole('link', { name: 'Courriers' }).click();
    await page.getByText(/1 courrier à imprimer/).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Imprimer le lot' }).click(),
    ]);
    const file = await download.path();
    assert.ok(file);
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
    assert.match(download.suggestedFilename(), /^courriers-\d+\.pdf$/);

    await page.reload();
    await page.getByRole('button', { name: /Marquer comme posté/ }).click();
    await page.getByText(/est marqué comme posté/).waitFor();
    const letter = await store.db
      .selectFrom('letters')
      .select(['status', 'requested_by'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(letter, { status: 'posted', requested_by: 'staff:sperrin' });
    assert.deepEqual(errors, [], 'no console error (CSP violations show up here)');
    await context.close();
  });
});
