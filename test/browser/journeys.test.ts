// The guide's journeys in a real browser (Debian's Chromium), driven by labels and roles as a person and a
// screen reader would: first connection by e-mail, by SMS, a code typed in another browser, sign-in with
// the pictures and with the accessible alternative, and the member space.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_MEMBERS } from '../../src/members/demo.js';
import {
  chromiumSkipReason,
  type LiveServer,
  launchChromium,
  outboxFiles,
  startLiveServer,
  waitForCode,
} from '../helpers/browser.js';

const demo = (kind: 'both' | 'email' | 'mobile' | 'none') => {
  const m = DEMO_MEMBERS.find((d) =>
    kind === 'both'
      ? d.email && d.mobile
      : kind === 'email'
        ? d.email && !d.mobile
        : kind === 'mobile'
          ? !d.email && d.mobile
          : !d.email && !d.mobile,
  );
  if (!m) throw new Error(`no demo member with ${kind}`);
  return m.member_number;
};

async function pickPicture(page: Page, answerIndex: number): Promise<void> {
  // The pictures are radio buttons labelled « Image n »: a keyboard or a click both work.
  await page.getByRole('radio', { name: `Image ${answerIndex + 1}`, exact: true }).check();
}

async function recover(
  page: Page,
  live: LiveServer,
  number: string,
  channel: 'e-mail' | 'SMS',
  password: string,
): Promise<void> {
  await page.goto(`${live.url}/connexion`);
  await page.getByRole('link', { name: 'Mot de passe oublié, ou première connexion' }).click();
  await page.getByRole('link', { name: 'Créer ou changer mon mot de passe' }).click();
  await page.getByLabel('N° Adhérent').fill(number);
  await pickPicture(page, live.answerIndex);
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByText(channel === 'SMS' ? 'Mobile :' : 'E-mail :').waitFor();
  const before = outboxFiles(live.dataDir);
  await page.getByRole('button', { name: `Recevoir mon code par ${channel}` }).click();
  await page.getByRole('heading', { name: 'Merci de saisir votre code d’activation' }).waitFor();
  const { code, file } = await waitForCode(live.dataDir, before);
  assert.ok(file.endsWith(channel === 'SMS' ? '.json' : '.eml'));
  await page.getByLabel('Code d’activation').fill(code);
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByRole('heading', { name: 'Merci de saisir votre nouveau mot de passe' }).waitFor();
  await page.getByLabel('Nouveau mot de passe').fill(password);
  await page.getByLabel('Confirmation du mot de passe').fill(password);
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByRole('heading', { name: 'Félicitations !' }).waitFor();
}

async function signIn(page: Page, live: LiveServer, number: string, password: string): Promise<void> {
  await page.goto(`${live.url}/connexion`);
  await page.getByLabel('N° adhérent').fill(number);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await pickPicture(page, live.answerIndex);
  await page.getByRole('button', { name: 'Connexion' }).click();
}

describe('the member journeys in Chromium', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let browser: Browser;
  before(async () => {
    skip = chromiumSkipReason();
    if (skip) return;
    live = await startLiveServer({ SESAME_ALTCHA_MAX_NUMBER: '2000' });
    browser = await launchChromium();
  });
  after(async () => {
    if (skip) return;
    await browser.close();
    await live.stop();
  });

  it('a member with e-mail and mobile creates a password by e-mail, signs in and uses the member space', async (t) => {
    if (skip) return t.skip(skip);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await recover(page, live, demo('both'), 'e-mail', 'Tournesol-Jaune-2026!');
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /Votre espace adhérent est maintenant ouvert/,
    );
    await page.getByRole('link', { name: 'Me connecter' }).click();
    await signIn(page, live, demo('both'), 'Tournesol-Jaune-2026!');
    await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    const main = (await page.locator('main').textContent()) ?? '';
    assert.match(main, /Mes sessions actives/);
    assert.match(main, /Historique de connexion/);
    assert.match(main, /\*/, 'contact details are masked');
    // Change the password from the member space.
    await page.getByRole('link', { name: 'Changer mon mot de passe' }).first().click();
    await page.getByLabel('Mot de passe actuel').fill('Tournesol-Jaune-2026!');
    await page.getByLabel('Nouveau mot de passe').fill('Coquelicot-Rouge-2027?');
    await page.getByLabel('Confirmation du mot de passe').fill('Coquelicot-Rouge-2027?');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Votre mot de passe a été modifié').waitFor();
    await page.getByRole('button', { name: 'Se déconnecter partout' }).click();
    await page.getByText('Toutes vos autres sessions ont été fermées.').waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.getByText('Vous êtes déconnecté').waitFor();
    await context.close();
  });

  it('a member with only a mobile creates a password by SMS', async (t) => {
    if (skip) return t.skip(skip);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await recover(page, live, demo('mobile'), 'SMS', 'Marée-Haute-sur-Brest-9');
    await signIn(page, live, demo('mobile'), 'Marée-Haute-sur-Brest-9');
    await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    await context.close();
  });

  it('a member with only an e-mail creates a password, and the live checklist ticks the rules', async (t) => {
    if (skip) return t.skip(skip);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill(demo('email'));
    await pickPicture(page, live.answerIndex);
    await page.getByRole('button', { name: 'Valider' }).click();
    assert.equal(await page.getByRole('button', { name: 'Recevoir mon code par SMS' }).count(), 0);
    const before = outboxFiles(live.dataDir);
    await page.getByRole('button', { name: 'Recevoir mon code par e-mail' }).click();
    const { code } = await waitForCode(live.dataDir, before);
    await page.getByLabel('Code d’activation').fill(code);
    await page.getByRole('button', { name: 'Valider' }).click();
    const field = page.getByLabel('Nouveau mot de passe');
    await field.fill("abc'");
    await page.locator('li[data-rule="no-forbidden-chars"].ko').waitFor();
    await field.fill('Lavande-de-Provence-31');
    await page.locator('li[data-rule="min-length"].ok').waitFor();
    await page.getByLabel('Confirmation du mot de passe').fill('Lavande-de-Provence-31');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('heading', { name: 'Félicitations !' }).waitFor();
    await context.close();
  });

  it('refuses a code typed in another browser than the one that asked for it', async (t) => {
    if (skip) return t.skip(skip);
    const asking = await browser.newContext({ locale: 'fr-FR' });
    const page = await asking.newPage();
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill(demo('both'));
    await pickPicture(page, live.answerIndex);
    await page.getByRole('button', { name: 'Valider' }).click();
    const before = outboxFiles(live.dataDir);
    await page.getByRole('button', { name: 'Recevoir mon code par e-mail' }).click();
    const { code } = await waitForCode(live.dataDir, before);
    const flowUrl = page.url();
    const other = await browser.newContext({ locale: 'fr-FR' });
    const thief = await other.newPage();
    await thief.goto(flowUrl);
    assert.match((await thief.locator('main').textContent()) ?? '', /même page internet/);
    assert.equal(await thief.getByLabel('Code d’activation').count(), 0);
    // The code still works where it was asked for.
    await page.getByLabel('Code d’activation').fill(code);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('heading', { name: 'Merci de saisir votre nouveau mot de passe' }).waitFor();
    await asking.close();
    await other.close();
  });

  it('signs in through the accessible alternative (proof of work) without choosing a picture', async (t) => {
    if (skip) return t.skip(skip);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await recover(page, live, demo('email'), 'e-mail', 'Olivier-Argenté-2030!');
    await page.goto(`${live.url}/connexion`);
    await page.getByLabel('N° adhérent').fill(demo('email'));
    await page.getByLabel('Mot de passe', { exact: true }).fill('Olivier-Argenté-2030!');
    await page.getByText('Vous ne pouvez pas voir les images ?').click();
    // The widget draws its own tick over the input, so the click goes through it as a person's would.
    await page.getByRole('checkbox', { name: /Je ne suis pas un robot/ }).click({ force: true });
    await page.locator('altcha-widget input[name="altcha"]').waitFor({ state: 'attached' });
    await page.waitForFunction(() => {
      const input = document.querySelector('altcha-widget input[name="altcha"]') as HTMLInputElement | null;
      return Boolean(input?.value);
    });
    await page.getByRole('button', { name: 'Connexion' }).click();
    await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    await context.close();
  });
});
