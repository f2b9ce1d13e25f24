// axe-core in Chromium on every page (issue 8; RGAA 4.1 is built on WCAG 2.1 AA, and WCAG 2.2 adds 3.3.8):
// the WCAG 2.0, 2.1 and 2.2 A and AA rules, zero violations, on each page in each state a person meets —
// sign-in and its errors, every recovery step and its errors, the letter pages, the member space, the
// advice page, the 404 page and the back office. axe is injected through the DevTools protocol, which the
// page's CSP does not govern, so the pages are audited with their real, strict policy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findStaffByUsername } from '../../src/admin/staff.js';
import { generateTotpCode, openTotpSecret } from '../../src/admin/totp.js';
import { SECOND } from '../../src/platform/clock.js';
import { STAFF_PASSWORD } from '../admin/fixtures.js';
import { seedStaff } from '../admin/helpers.js';
import {
  chromiumSkipReason,
  type LiveServer,
  launchChromium,
  outboxFiles,
  startLiveServer,
  waitForCode,
} from '../helpers/browser.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Finding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/** The parts of an axe result this test reads (axe-core's own types describe the page-side object). */
interface AxeViolation {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly failureSummary?: string }[];
}

/** axe's WCAG A/AA violations on the page as it is now. */
async function auditPage(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const w = window as unknown as {
      axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> };
    };
    const result = await w.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: String(v.id),
      impact: v.impact ?? null,
      help: String(v.help),
      nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    }));
  }, TAGS);
}

async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.waitForLoadState('load');
  const findings = await auditPage(page);
  const report = findings
    .map(
      (f) =>
        `  ${f.id} (${f.impact}): ${f.help}\n${f.nodes.map((n) => `    ${n.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n')}`,
    )
    .join('\n');
  assert.equal(findings.length, 0, `${what} (${page.url()}): ${findings.length} axe violation(s)\n${report}`);
}

async function pickPicture(page: Page, live: LiveServer, right = true): Promise<void> {
  const n = right ? live.answerIndex + 1 : ((live.answerIndex + 1) % 6) + 1;
  await page.getByRole('radio', { name: `Image ${n}`, exact: true }).check();
}

describe('axe-core: zero WCAG A/AA violations on every page', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let flowUrl = '';

  before(async () => {
    skip = chromiumSkipReason();
    if (skip) return;
    live = await startLiveServer({ SESAME_ALTCHA_MAX_NUMBER: '2000' });
    const store = live.server.services.store;
    await seedMember(store, {
      number: '200001',
      password: GOOD_PASSWORD,
      firstName: 'Jeanne',
      lastName: 'Martin',
    });
    await seedMember(store, { number: '200002', password: GOOD_PASSWORD });
    await seedStaff(store, 'admin1', 'admin', live.clock.now());
    await seedStaff(store, 'agent1', 'agent', live.clock.now());
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'fr-FR' });
    page = await context.newPage();
  });
  after(async () => {
    if (skip) return;
    await browser.close();
    await live.stop();
  });

  const check = (name: string, reach: () => Promise<void>) =>
    it(name, async (t) => {
      if (skip) return t.skip(skip);
      await reach();
      await assertAccessible(page, name);
    });

  it('finds the violations it is meant to find (the audit itself works)', async (t) => {
    if (skip) return t.skip(skip);
    const p = await context.newPage();
    await p.goto(`${live.url}/nulle-part`);
    // Break the page on purpose: an image without text, an unlabelled field, grey on white, no language.
    await p.evaluate(() => {
      const main = document.querySelector('main')!;
      main.insertAdjacentHTML(
        'beforeend',
        '<img src="/favicon.ico"><input type="text"><p class="x">texte gris</p>',
      );
      (main.querySelector('p.x') as HTMLElement).style.color = '#ccc';
      document.documentElement.removeAttribute('lang');
    });
    const ids = (await auditPage(p)).map((f) => f.id).sort();
    assert.deepEqual(ids, ['color-contrast', 'html-has-lang', 'image-alt', 'label']);
    await p.close();
  });

  // Sign-in and its error states.
  check('sign-in page', async () => {
    await page.goto(`${live.url}/connexion`);
  });
  check('sign-in with the accessible alternative open', async () => {
    await page.goto(`${live.url}/connexion`);
    await page.getByText('Vous ne pouvez pas voir les images ?').click();
  });
  check('sign-in after a wrong picture', async () => {
    await page.goto(`${live.url}/connexion`);
    await page.getByLabel('N° adhérent').fill('200001');
    await page.getByLabel('Mot de passe', { exact: true }).fill(GOOD_PASSWORD);
    await pickPicture(page, live, false);
    await page.getByRole('button', { name: 'Connexion' }).click();
    await page.getByText('La vérification anti-robot n’a pas réussi').waitFor();
  });
  check('sign-in after a wrong password', async () => {
    await page.goto(`${live.url}/connexion`);
    await page.getByLabel('N° adhérent').fill('200002');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Mauvais-Mot-2024!');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Connexion' }).click();
    await page.getByText('Identifiant ou mot de passe incorrect').waitFor();
  });
  check('sign-in blocked after too many failures', async () => {
    for (let i = 0; i < 5; i++) {
      await page.goto(`${live.url}/connexion`);
      await page.getByLabel('N° adhérent').fill('200002');
      await page.getByLabel('Mot de passe', { exact: true }).fill('Mauvais-Mot-2024!');
      await pickPicture(page, live);
      await page.getByRole('button', { name: 'Connexion' }).click();
      await page.locator('[role="alert"]').waitFor();
    }
    await page.getByText('Trop de tentatives de connexion').waitFor();
  });
  check('security advice page', async () => {
    await page.goto(`${live.url}/conseils-securite`);
  });
  check('page not found', async () => {
    await page.goto(`${live.url}/nulle-part`);
  });
  check('sign-in page in English', async () => {
    await page.goto(`${live.url}/connexion?lang=en`);
    await page.goto(`${live.url}/connexion?lang=fr`);
  });

  // Recovery, step by step (demo member 100001 has an e-mail and a mobile).
  check('recovery intro', async () => {
    await page.goto(`${live.url}/mot-de-passe-oublie`);
  });
  check('recovery number page', async () => {
    await page.getByRole('link', { name: 'Créer ou changer mon mot de passe' }).click();
    await page.getByLabel('N° Adhérent').waitFor();
  });
  check('recovery number refused', async () => {
    await page.getByLabel('N° Adhérent').fill('12ab');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('uniquement des chiffres').waitFor();
  });
  check('recovery channel choice', async () => {
    await page.getByLabel('N° Adhérent').fill('100001');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('button', { name: 'Recevoir mon code par e-mail' }).waitFor();
    flowUrl = page.url();
  });
  let code = '';
  check('recovery code step', async () => {
    const before = outboxFiles(live.dataDir);
    await page.getByRole('button', { name: 'Recevoir mon code par e-mail' }).click();
    await page.getByLabel('Code d’activation').waitFor();
    code = (await waitForCode(live.dataDir, before)).code;
  });
  check('recovery wrong code', async () => {
    await page.getByLabel('Code d’activation').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Code d’activation incorrect').waitFor();
  });
  check('recovery new password step', async () => {
    await page.getByLabel('Code d’activation').fill(code);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByLabel('Nouveau mot de passe').waitFor();
  });
  check('recovery password refused by the policy, checklist marked', async () => {
    await page.getByLabel('Nouveau mot de passe').fill('court');
    await page.getByLabel('Confirmation du mot de passe').fill('court');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('ne respecte pas les règles').waitFor();
    // Each failed rule is said in words, not only by its colour and mark (RGAA 3.1).
    const failed = await page.locator('li.ko').allTextContents();
    assert.ok(failed.length > 0 && failed.every((t) => t.includes('(non respectée)')), failed.join(' | '));
  });
  check('recovery success', async () => {
    await page.getByLabel('Nouveau mot de passe').fill('Tournesol-Jaune-2026!');
    await page.getByLabel('Confirmation du mot de passe').fill('Tournesol-Jaune-2026!');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('heading', { name: 'Félicitations !' }).waitFor();
  });
  check('recovery flow opened in another browser', async () => {
    const other = await browser.newContext({ locale: 'fr-FR' });
    const p = await other.newPage();
    await p.goto(flowUrl);
    await assertAccessible(p, 'recovery flow opened in another browser');
    await other.close();
  });
  check('letter requested (member with no e-mail and no mobile)', async () => {
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill('100004');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('button', { name: 'Recevoir un nouveau mot de passe par courrier' }).click();
    await page.locator('[role="status"]').first().waitFor();
  });
  check('letter refused: one was sent less than 30 days ago', async () => {
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill('100004');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('button', { name: 'Recevoir un nouveau mot de passe par courrier' }).click();
    await page.getByText('Un courrier vous a déjà été adressé').waitFor();
  });
  check('recovery failed after five wrong codes', async () => {
    await page.goto(`${live.url}/mot-de-passe-oublie/numero`);
    await page.getByLabel('N° Adhérent').fill('100002');
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('button', { name: 'Recevoir mon code par e-mail' }).click();
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Code d’activation').fill('000000');
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.locator('[role="alert"]').waitFor();
    }
    await page.getByText('Trop de codes incorrects').waitFor();
  });

  // The member space.
  check('member space after sign-in', async () => {
    await page.goto(`${live.url}/connexion`);
    await page.getByLabel('N° adhérent').fill('200001');
    await page.getByLabel('Mot de passe', { exact: true }).fill(GOOD_PASSWORD);
    await pickPicture(page, live);
    await page.getByRole('button', { name: 'Connexion' }).click();
    await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
  });
  check('change password page', async () => {
    await page.getByRole('link', { name: 'Changer mon mot de passe' }).first().click();
    await page.getByLabel('Mot de passe actuel').waitFor();
  });
  check('change password refused (wrong current password, mismatch)', async () => {
    await page.getByLabel('Mot de passe actuel').fill('faux');
    await page.getByLabel('Nouveau mot de passe').fill('Coquelicot-Rouge-2027?');
    await page.getByLabel('Confirmation du mot de passe').fill('Coquelicot-Rouge-2027!');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.locator('[role="alert"]').waitFor();
  });
  check('member space after a password change', async () => {
    await page.getByLabel('Mot de passe actuel').fill(GOOD_PASSWORD);
    await page.getByLabel('Nouveau mot de passe').fill('Coquelicot-Rouge-2027?');
    await page.getByLabel('Confirmation du mot de passe').fill('Coquelicot-Rouge-2027?');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Votre mot de passe a été modifié').waitFor();
  });
  check('new password required after a provisional password', async () => {
    await live.server.services.store.db
      .updateTable('sessions')
      .set({ must_change_password: 1 })
      .where('subject_type', '=', 'member')
      .execute();
    await page.goto(`${live.url}/espace/nouveau-mot-de-passe`);
    await page.getByLabel('Nouveau mot de passe').waitFor();
  });
  check('signed out', async () => {
    await live.server.services.store.db
      .updateTable('sessions')
      .set({ must_change_password: 0 })
      .where('subject_type', '=', 'member')
      .execute();
    await page.goto(`${live.url}/espace`);
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.getByText('Vous êtes déconnecté').waitFor();
  });

  // The back office.
  const staffSignIn = async (username: string) => {
    await page.goto(`${live.url}/admin/connexion`);
    await page.getByLabel('Identifiant').fill(username);
    await page.getByLabel('Mot de passe', { exact: true }).fill(STAFF_PASSWORD);
    await pickPicture(page, live);
    await page.getByRole('button', { name: /connexion|Se connecter/i }).click();
  };
  const totp = async (username: string) => {
    const row = await findStaffByUsername(live.server.services.store.db, username);
    live.clock.advance(30 * SECOND);
    return generateTotpCode(
      openTotpSecret(live.server.services.hasher, row!.totp_secret!)!,
      live.clock.now(),
    );
  };
  check('staff sign-in page', async () => {
    await page.goto(`${live.url}/admin/connexion`);
  });
  check('staff enrolment page with the QR code', async () => {
    await staffSignIn('admin1');
    await page.waitForURL(/\/admin\/connexion\/code/);
  });
  check('staff wrong verification code', async () => {
    await page.getByRole('textbox').first().fill('000000');
    await page
      .getByRole('button')
      .filter({ hasText: /Valider|Vérifier|Activer/ })
      .first()
      .click();
    await page.locator('[role="alert"]').waitFor();
  });
  const adminPage = (name: string, path: string) =>
    check(`back office: ${name}`, async () => {
      if (!page.url().includes('/admin') || page.url().includes('/connexion')) {
        await page
          .getByRole('textbox')
          .first()
          .fill(await totp('admin1'));
        await page
          .getByRole('button')
          .filter({ hasText: /Valider|Vérifier|Activer/ })
          .first()
          .click();
        await page.waitForURL(/\/admin(\/)?$/);
      }
      const res = await page.goto(`${live.url}${path}`);
      assert.equal(res?.status(), 200, `${path} answered ${res?.status()}`);
      assert.ok(!page.url().includes('/connexion'), `${path}: sent back to the sign-in`);
    });
  adminPage('dashboard', '/admin');
  adminPage('member search', '/admin/adherents?q=lefevre');
  adminPage('member page', '/admin/adherents/100001');
  adminPage('unlock confirmation', '/admin/adherents/100001/debloquer');
  adminPage('end sessions confirmation', '/admin/adherents/100001/fermer-sessions');
  adminPage('order a letter confirmation', '/admin/adherents/100002/courrier');
  adminPage('letters desk', '/admin/courriers');
  adminPage('audit log', '/admin/journal');
  adminPage('team', '/admin/equipe');
  adminPage('settings', '/admin/reglages');
  check('back office: cancel a letter confirmation', async () => {
    const letter = await live.server.services.store.db
      .selectFrom('letters')
      .innerJoin('members', 'members.id', 'letters.member_id')
      .select(['letters.id', 'members.member_number'])
      .where('letters.status', '=', 'requested')
      .executeTakeFirstOrThrow();
    const res = await page.goto(
      `${live.url}/admin/adherents/${letter.member_number}/courriers/${letter.id}/annuler`,
    );
    assert.equal(res?.status(), 200);
  });
  check('back office: team member confirmation', async () => {
    const agent = await findStaffByUsername(live.server.services.store.db, 'agent1');
    const res = await page.goto(`${live.url}/admin/equipe/${agent!.id}/desactiver`);
    assert.equal(res?.status(), 200);
  });
  check('back office: refused page (agent on the team page)', async () => {
    await page.goto(`${live.url}/admin`);
    await page
      .getByRole('button', { name: /déconnecter/i })
      .first()
      .click();
    await staffSignIn('agent1');
    await page
      .getByRole('textbox')
      .first()
      .fill(await totp('agent1'));
    await page
      .getByRole('button')
      .filter({ hasText: /Valider|Vérifier|Activer/ })
      .first()
      .click();
    await page.waitForURL(/\/admin\/adherents/);
    const res = await page.goto(`${live.url}/admin/equipe`);
    assert.equal(res?.status(), 403);
  });
});
