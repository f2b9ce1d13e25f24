import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Browser, Page } from 'playwright-core';
import { texts } from '../../src/i18n/catalogue.js';
import {
  CONFIRM_RULE_ID,
  checkPassword,
  describePolicy,
  describeRule,
  type PolicyPreset,
} from '../../src/passwords/policy.js';

const SCRIPT_URL = new URL('../../public/js/password-checklist.js', import.meta.url);

interface ChecklistModule {
  evaluateRules(
    value: string,
    policy: { minLength: number; maxLength: number; forbiddenChars: string },
  ): Record<string, boolean>;
}

async function loadScript(): Promise<ChecklistModule> {
  // Imported by URL: the browser script is plain JavaScript with no type declarations.
  const href: string = SCRIPT_URL.href;
  return (await import(href)) as ChecklistModule;
}

describe('password-checklist.js rules', () => {
  for (const preset of ['house', 'nist'] as const satisfies readonly PolicyPreset[]) {
    it(`agrees with the server on every client-side rule of the ${preset} preset`, async () => {
      const { evaluateRules } = await loadScript();
      const policy = describePolicy(preset);
      const browserPolicy = {
        minLength: policy.minLength,
        maxLength: policy.maxLength,
        forbiddenChars: policy.forbiddenCharacters.join(''),
      };
      const clientRules = policy.rules.filter((r) => r.clientSide).map((r) => r.id);
      const samples = fc.sample(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 140 }), fc.string({ unit: 'grapheme-composite' })),
        { numRuns: 300, seed: 42 },
      );
      for (const password of [
        ...samples,
        'Vélo-Rouge#Matin7',
        'Ve\u0301lo#Matin7!',
        "a'b%c\\d_e",
        'ÉCOLE été 1',
      ]) {
        const server = checkPassword(password, { preset });
        const client = evaluateRules(password, browserPolicy);
        for (const id of clientRules) {
          const serverPassed = server.rules.find((r) => r.id === id)?.status === 'pass';
          assert.equal(client[id], serverPassed, `${id} on ${JSON.stringify(password)}`);
        }
      }
    });
  }
});

// The page as src/web/views/password-fields.tsx renders it, served under a strict CSP with no inline script.
function checklistPage(): string {
  const t = texts('fr').passwords;
  const policy = describePolicy('house', t);
  const attrs = Object.entries(policy.dataAttributes)
    .map(([k, v]) => `${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
    .join(' ');
  const items = [...policy.rules.map((r) => r.id), CONFIRM_RULE_ID]
    .map((id) => `<li data-rule="${id}">${describeRule(t, id, policy)}</li>`)
    .join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><script type="module" src="/js/password-checklist.js"></script></head>
<body><label for="new_password">Nouveau mot de passe</label>
<input id="new_password" type="password" data-password-checklist="password-rules">
<ul id="password-rules" ${attrs}>${items}</ul>
<label for="confirm_password">Confirmation du mot de passe</label>
<input id="confirm_password" type="password" data-confirm-for="new_password"></body></html>`;
}

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('password-checklist.js in a browser', () => {
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    if (!CHROMIUM) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage();
    await page.route('http://sesame.test/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      const csp = { 'content-security-policy': "default-src 'none'; script-src 'self'" };
      if (path === '/js/password-checklist.js') {
        await route.fulfill({
          contentType: 'text/javascript',
          headers: csp,
          body: readFileSync(SCRIPT_URL, 'utf8'),
        });
      } else
        await route.fulfill({ contentType: 'text/html; charset=utf-8', headers: csp, body: checklistPage() });
    });
  });

  after(async () => {
    await browser?.close();
  });

  async function itemState(rule: string): Promise<{ className: string; text: string }> {
    const item = page.locator(`li[data-rule="${rule}"]`);
    return { className: (await item.getAttribute('class')) ?? '', text: (await item.textContent()) ?? '' };
  }

  it('ticks the rules a browser can check as the member types, under a strict CSP', async (t) => {
    if (!browser) return t.skip('no Chromium on this machine');
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    await page.goto('http://sesame.test/nouveau-mot-de-passe');
    const password = page.getByLabel('Nouveau mot de passe');

    await password.fill('abc');
    assert.deepEqual(await itemState('min-length'), {
      className: 'ko',
      text: 'Au moins 12 caractères (non respectée)',
    });
    assert.equal((await itemState('lower')).className, 'ok');
    assert.equal((await itemState('upper')).className, 'ko');
    // The server decides these: no mark, only "checked when sent".
    assert.deepEqual(await itemState('not-common'), {
      className: '',
      text: 'N’est pas un mot de passe trop courant (vérifiée à l’envoi)',
    });

    await password.fill('Vélo-Rouge#Matin7');
    for (const rule of [
      'min-length',
      'max-length',
      'digit',
      'upper',
      'lower',
      'special',
      'no-forbidden-chars',
    ]) {
      assert.equal((await itemState(rule)).className, 'ok', rule);
    }
    assert.match((await itemState('digit')).text, /\(respectée\)$/);

    await password.fill('Vélo_Rouge#Matin7');
    assert.equal((await itemState('no-forbidden-chars')).className, 'ko');

    await password.fill('');
    assert.deepEqual(await itemState('digit'), { className: '', text: 'Au moins un chiffre' });
    assert.deepEqual(cspErrors, []);
  });

  it('says whether the confirmation matches', async (t) => {
    if (!browser) return t.skip('no Chromium on this machine');
    await page.goto('http://sesame.test/nouveau-mot-de-passe');
    await page.getByLabel('Nouveau mot de passe').fill('Vélo-Rouge#Matin7');
    const confirm = page.getByLabel('Confirmation du mot de passe');
    await confirm.fill('Vélo-Rouge#Matin');
    assert.equal((await itemState(CONFIRM_RULE_ID)).className, 'ko');
    await confirm.fill('Vélo-Rouge#Matin7');
    assert.equal((await itemState(CONFIRM_RULE_ID)).className, 'ok');
    // Changing the password afterwards re-checks the confirmation.
    await page.getByLabel('Nouveau mot de passe').fill('Vélo-Rouge#Matin8');
    assert.equal((await itemState(CONFIRM_RULE_ID)).className, 'ko');
  });
});
