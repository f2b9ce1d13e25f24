// Keyboard only (issue 8; RGAA 7.3 and 12.x, WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.8): the sign-in through the
// pictures (Tab to the radio group, arrow keys, Space) and through the proof-of-work alternative, and the
// whole recovery journey, with page.keyboard alone — no click, no fill, no focus() call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumSkipReason,
  type LiveServer,
  launchChromium,
  outboxFiles,
  startLiveServer,
  waitForCode,
} from '../helpers/browser.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';

interface Focused {
  readonly tag: string;
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** Visible text, or the label's text for a field. */
  readonly text: string;
  readonly checked: boolean;
  /** The focus indicator drawn on the element, or on the label that stands for a hidden radio. */
  readonly outline: string;
}

/** What has the keyboard focus, looking through shadow roots (the ALTCHA widget draws its own checkbox). */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
    if (!el || el === document.body) return null;
    const input = el as HTMLInputElement;
    const label = input.labels?.[0];
    const styled = el.matches('.picture input') && label ? label : el;
    const style = getComputedStyle(styled);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      type: input.type ?? '',
      name: input.name ?? '',
      text: (label?.textContent ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      checked: Boolean(input.checked),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

/** Presses Tab until the focused element matches; fails after `max` presses (a trap or a missing stop). */
async function tabTo(page: Page, what: string, match: (f: Focused) => boolean, max = 60): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && match(f)) {
      assert.notEqual(f.outline.split(' ')[0], 'none', `${what}: no visible focus indicator (${f.outline})`);
      return f;
    }
  }
  throw new Error(`${what}: not reached with Tab`);
}

async function typeInto(page: Page, id: string, text: string): Promise<void> {
  await tabTo(page, `#${id}`, (f) => f.id === id);
  await page.keyboard.type(text);
}

/** Tab into the picture group, move with the arrow keys to picture n (1-based), select it with Space. */
async function choosePictureWithArrows(page: Page, n: number): Promise<void> {
  const first = await tabTo(page, 'the picture group', (f) => f.name === 'challenge_choice');
  assert.equal(first.id, 'choice-1', 'Tab enters the group on its first picture');
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  const now = await focused(page);
  assert.equal(now?.id, `choice-${n}`);
  assert.ok(now?.checked, `picture ${n} is selected`);
}

async function pressButton(page: Page, label: RegExp): Promise<void> {
  await tabTo(
    page,
    `button ${label}`,
    (f) => (f.tag === 'button' || f.type === 'submit') && label.test(f.text),
  );
  await page.keyboard.press('Enter');
}

describe('keyboard-only journeys in Chromium', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let browser: Browser;
  before(async () => {
    skip = chromiumSkipReason();
    if (skip) return;
    live = await startLiveServer({ SESAME_ALTCHA_MAX_NUMBER: '2000' });
    await seedMember(live.server.services.store, { number: '200001', password: GOOD_PASSWORD });
    browser = await launchChromium();
  });
  after(async () => {
    if (skip) return;
    await browser.close();
    await live.stop();
  });

  const withPage = async (run: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      await run(await context.newPage());
    } finally {
      await context.close();
    }
  };

  it('skips to the content with the first Tab', async (t) => {
    if (skip) return t.skip(skip);
    await withPage(async (page) => {
      await page.goto(`${live.url}/connexion`);
      await page.keyboard.press('Tab');
      assert.equal((await focused(page))?.text, 'Aller au contenu');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    });
  });

  it('signs in through the pictures with Tab, the arrow keys and Space', async (t) => {
    if (skip) return t.skip(skip);
    await withPage(async (page) => {
      await page.goto(`${live.url}/connexion`);
      await typeInto(page, 'member_number', '200001');
      await typeInto(page, 'password', GOOD_PASSWORD);
      await choosePictureWithArrows(page, live.answerIndex + 1);
      await pressButton(page, /^Connexion$/);
      await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    });
  });

  it('signs in through the proof-of-work alternative without choosing a picture', async (t) => {
    if (skip) return t.skip(skip);
    await withPage(async (page) => {
      await page.goto(`${live.url}/connexion`);
      await typeInto(page, 'member_number', '200001');
      await typeInto(page, 'password', GOOD_PASSWORD);
      await tabTo(page, 'the alternative', (f) => f.tag === 'summary' && /voir les images/.test(f.text));
      await page.keyboard.press('Enter');
      await tabTo(page, 'the « not a robot » checkbox', (f) => f.type === 'checkbox');
      await page.keyboard.press('Space');
      await page.waitForFunction(() =>
        Boolean(
          (document.querySelector('altcha-widget input[name="altcha"]') as HTMLInputElement | null)?.value,
        ),
      );
      await pressButton(page, /^Connexion$/);
      await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    });
  });

  it('goes through the whole recovery journey with the keyboard alone', async (t) => {
    if (skip) return t.skip(skip);
    await withPage(async (page) => {
      await page.goto(`${live.url}/connexion`);
      await tabTo(
        page,
        'the forgotten-password link',
        (f) => f.tag === 'a' && f.text === 'Mot de passe oublié, ou première connexion',
      );
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/mot-de-passe-oublie$/);
      await page.getByRole('link', { name: 'Créer ou changer mon mot de passe' }).waitFor();
      await tabTo(
        page,
        'the start link',
        (f) => f.tag === 'a' && f.text === 'Créer ou changer mon mot de passe',
      );
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/numero$/);
      await page.getByLabel('N° Adhérent').waitFor();
      await typeInto(page, 'member_number', '100002');
      await choosePictureWithArrows(page, live.answerIndex + 1);
      await pressButton(page, /^Valider$/i);
      await page.getByText('E-mail :').waitFor();
      const before = outboxFiles(live.dataDir);
      await pressButton(page, /^Recevoir mon code par e-mail$/);
      await page.getByRole('heading', { name: 'Merci de saisir votre code d’activation' }).waitFor();
      const { code } = await waitForCode(live.dataDir, before);
      await typeInto(page, 'code', code);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Merci de saisir votre nouveau mot de passe' }).waitFor();
      await typeInto(page, 'new_password', 'Lavande-de-Provence-31');
      await typeInto(page, 'confirm_password', 'Lavande-de-Provence-31');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Félicitations !' }).waitFor();
      await tabTo(page, 'the sign-in link', (f) => f.tag === 'a' && /Me connecter/.test(f.text));
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/connexion$/);
      await page.getByLabel('N° adhérent').waitFor();
      await typeInto(page, 'member_number', '100002');
      await typeInto(page, 'password', 'Lavande-de-Provence-31');
      await choosePictureWithArrows(page, live.answerIndex + 1);
      await pressButton(page, /^Connexion$/);
      await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
    });
  });
});
