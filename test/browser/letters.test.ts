// The postal-letter journey in a real browser: the member with neither e-mail nor mobile asks for a letter,
// staff print the batch, the member signs in with the provisional password read from the PDF, is made to
// choose a password, and reaches the member space.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { printPendingLetters } from '../../src/letters/batches.js';
import { letterSettingsFromConfig } from '../../src/letters/pdf.js';
import { DEMO_MEMBERS } from '../../src/members/demo.js';
import { chromiumSkipReason, type LiveServer, launchChromium, startLiveServer } from '../helpers/browser.js';

function pdftotextSkipReason(): string | undefined {
  if (existsSync('/usr/bin/pdftotext')) return undefined;
  if (process.env.CI === 'true') throw new Error('pdftotext (poppler-utils) is required under CI');
  console.warn('NOTICE: pdftotext missing: letter browser test skipped (apt-get install poppler-utils)');
  return 'pdftotext missing';
}

describe('the postal-letter journey in Chromium', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let browser: Browser;
  const number = DEMO_MEMBERS.find((m) => !m.email && !m.mobile)!.member_number;
  before(async () => {
    skip = chromiumSkipReason() ?? pdftotextSkipReason();
    if (skip) return;
    live = await startLiveServer();
    browser = await launchChromium();
  });
  after(async () => {
    if (skip) return;
    await browser.close();
    await live.stop();
  });

  it('goes from « mot de passe oublié » to the member space through a printed letter', async (t) => {
    if (skip) return t.skip(skip);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill(number);
    await page.getByRole('radio', { name: `Image ${live.answerIndex + 1}`, exact: true }).check();
    await page.getByRole('button', { name: 'Valider' }).click();
    assert.equal(await page.getByRole('button', { name: /Recevoir mon code/ }).count(), 0);
    await page.getByRole('button', { name: 'Recevoir un nouveau mot de passe par courrier' }).click();
    await page.getByRole('heading', { name: 'Votre courrier est demandé' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /sous huit jours/);

    // Staff print the day's batch (as `sesame letters print` does).
    const { services } = live.server;
    const file = join(live.dataDir, 'lot.pdf');
    const result = await printPendingLetters(
      {
        store: services.store,
        clock: services.clock,
        random: services.random,
        hashParams: services.hashParams,
        settings: letterSettingsFromConfig(services.config, `${live.url}/connexion`),
      },
      createWriteStream(file),
      'test',
    );
    assert.equal(result.printed, 1);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.match(text, new RegExp(number));
    const password = /\b([3479ACEFHJKMNPRTWXY]{4}-[3479ACEFHJKMNPRTWXY]{4}-[3479ACEFHJKMNPRTWXY]{4})\b/.exec(
      text,
    )?.[1];
    assert.ok(password, 'the provisional password is printed in the letter');

    await page.goto(`${live.url}/connexion`);
    await page.getByLabel('N° adhérent').fill(number);
    await page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await page.getByRole('radio', { name: `Image ${live.answerIndex + 1}`, exact: true }).check();
    await page.getByRole('button', { name: 'Connexion' }).click();
    await page.getByRole('heading', { name: 'Choisissez votre nouveau mot de passe' }).waitFor();
    // The member space stays closed until a password is chosen.
    await page.goto(`${live.url}/espace`);
    await page.getByRole('heading', { name: 'Choisissez votre nouveau mot de passe' }).waitFor();
    await page.getByLabel('Nouveau mot de passe').fill('Bruyère-des-Monts-2029');
    await page.getByLabel('Confirmation du mot de passe').fill('Bruyère-des-Monts-2029');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    // The provisional password worked once only.
    const again = await browser.newContext({ locale: 'fr-FR' });
    const p2 = await again.newPage();
    await p2.goto(`${live.url}/connexion`);
    await p2.getByLabel('N° adhérent').fill(number);
    await p2.getByLabel('Mot de passe', { exact: true }).fill(password);
    await p2.getByRole('radio', { name: `Image ${live.answerIndex + 1}`, exact: true }).check();
    await p2.getByRole('button', { name: 'Connexion' }).click();
    await p2.getByText('Identifiant ou mot de passe incorrect.').waitFor();
    await again.close();
    await context.close();
  });
});
