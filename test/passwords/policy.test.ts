import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { texts } from '../../src/i18n/catalogue.js';
import {
  CONFIRM_RULE_ID,
  checkPassword,
  describePolicy,
  describeRule,
  type PasswordContext,
  type PolicyResult,
  type RuleId,
  type RuleStatus,
} from '../../src/passwords/policy.js';

const member: Omit<PasswordContext, 'preset'> = {
  memberNumber: '40012345',
  firstName: 'Éloïse',
  lastName: 'Le Goff-Durand',
};
const house = (password: string): PolicyResult => checkPassword(password, { preset: 'house', ...member });
const nist = (password: string): PolicyResult => checkPassword(password, { preset: 'nist', ...member });

function statusOf(result: PolicyResult, id: RuleId): RuleStatus | undefined {
  return result.rules.find((r) => r.id === id)?.status;
}

// A strong password that passes every house rule; each test below breaks exactly one rule.
const STRONG = 'Vélo-Rouge#Matin7';

describe('house preset', () => {
  it('accepts a strong password and reports every rule as passed', () => {
    const result = house(STRONG);
    assert.equal(result.ok, true);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(
      result.rules.map((r) => r.id),
      [
        'min-length',
        'max-length',
        'digit',
        'upper',
        'lower',
        'special',
        'no-forbidden-chars',
        'not-common',
        'not-personal',
        'hard-to-guess',
      ],
    );
    assert.ok(result.rules.every((r) => r.status === 'pass'));
    assert.ok(result.score !== null && result.score >= 3);
  });

  const oneRuleBroken: ReadonlyArray<[RuleId, string]> = [
    ['min-length', 'Vélo#Matin7'],
    ['max-length', `${STRONG}${'x'.repeat(120)}`],
    ['digit', 'Vélo-Rouge#Matin'],
    ['upper', 'vélo-rouge#matin7'],
    ['lower', 'VÉLO-ROUGE#MATIN7'],
    ['special', 'VeloRougeMatin7'],
  ];
  for (const [rule, password] of oneRuleBroken) {
    it(`refuses a password that breaks only the ${rule} rule, and says so`, () => {
      const result = house(password);
      assert.equal(result.ok, false);
      assert.deepEqual(result.failed, [rule]);
      assert.equal(statusOf(result, rule), 'fail');
      // The costly strength estimate is not run on a password that is refused anyway.
      assert.equal(statusOf(result, 'hard-to-guess'), 'unchecked');
      assert.equal(result.score, null);
    });
  }

  it('counts characters as code points after NFC normalisation', () => {
    // "é" typed as e + combining accent is one character, as is an emoji outside the BMP.
    const decomposed = 'Ve\u0301lo#Matin7!'; // 12 code points once composed, 13 before.
    assert.equal(statusOf(house(decomposed), 'min-length'), 'pass');
    assert.equal(statusOf(house('Vélo#Mati7😀'), 'min-length'), 'fail'); // 11 code points, 12 UTF-16 units
    assert.equal(statusOf(house(`Aa1!${'😀'.repeat(124)}`), 'max-length'), 'pass'); // 128 code points
  });

  for (const forbidden of ["'", '%', '\\', '_']) {
    it(`refuses the forbidden character ${forbidden}`, () => {
      const result = house(`Vélo-Rouge${forbidden}Matin7`);
      assert.deepEqual(result.failed, ['no-forbidden-chars']);
    });
  }

  it('accepts the typographic apostrophe, which downstream systems handle', () => {
    assert.equal(statusOf(house('L’Arbre-Bleu#Matin7'), 'no-forbidden-chars'), 'pass');
  });

  it('counts a space as a special character', () => {
    assert.equal(statusOf(house('Vélo Rouge Matin7'), 'special'), 'pass');
  });

  it('refuses a password scoring under 3 with zxcvbn even when every other rule passes', () => {
    const result = house('Lundi-Mardi-2024');
    assert.equal(statusOf(result, 'not-common'), 'pass');
    assert.deepEqual(result.failed, ['hard-to-guess']);
    assert.ok(result.score !== null && result.score < 3);
  });
});

describe('personal information', () => {
  const refused: ReadonlyArray<[string, string]> = [
    ['the member number', 'Zèbre#40012345'],
    ['the member number with spaces', 'Zèbre#4001 2345'],
    ['the first name', 'Eloise#Zèbre2024'],
    ['the first name in capitals without accents', 'ELOISE#zebre2024'],
    ['the first name with its accents', 'Éloïse#Zèbre2024'],
    ['one part of a compound last name', 'Zèbre#Durand2024'],
    ['the whole last name without separators', 'Zèbre#legoffdurand9'],
    ['a name in l33t', 'Zèbre#Dur4nd-2024'],
  ];
  for (const [what, password] of refused) {
    it(`refuses ${what}`, () => {
      assert.equal(statusOf(house(password), 'not-personal'), 'fail');
      assert.equal(statusOf(nist(`${password}-ajout`), 'not-personal'), 'fail');
    });
  }

  it('ignores name parts shorter than three letters', () => {
    // "Le" is part of « Le Goff-Durand » but too short to mean anything on its own.
    assert.equal(statusOf(house('Lever-Zèbre#2024'), 'not-personal'), 'pass');
  });

  it('passes when no member is known yet', () => {
    assert.equal(statusOf(checkPassword(STRONG, { preset: 'house' }), 'not-personal'), 'pass');
  });
});

describe('blocklist', () => {
  const common = [
    'Motdepasse123!',
    'MotDePasse2024#',
    'Mutuelle2024!',
    '2024Mutuelle!',
    'M0td3p@sse2024!',
    'Azertyuiop123!',
    'Marseille13013!',
    'P@ssw0rd12345!',
    'Soleil-2024!!',
    'Chouchou#2025',
    'Doudou!1234567',
  ];
  for (const password of common) {
    it(`refuses ${password}, a common password dressed up to pass the composition rules`, () => {
      const result = house(password);
      for (const rule of ['min-length', 'digit', 'upper', 'lower', 'special'] as const) {
        assert.equal(statusOf(result, rule), 'pass', `${password} should pass ${rule}`);
      }
      assert.equal(statusOf(result, 'not-common'), 'fail');
      assert.equal(result.ok, false);
    });
  }

  it('refuses runs and repetitions under the NIST preset, which has no composition rule', () => {
    for (const password of [
      '123456789012345',
      'motdepassemotdepasse',
      'abcabcabcabcabcabc',
      'azertyuiop123456',
    ]) {
      assert.deepEqual(nist(password).failed, ['not-common'], password);
    }
  });

  it('does not refuse an ordinary word that merely contains a common password', () => {
    assert.equal(statusOf(house('Soleil#Jaune-Montagne7'), 'not-common'), 'pass');
  });
});

describe('nist preset', () => {
  it('accepts a long passphrase of any Unicode without composition rules', () => {
    const result = nist('un cheval rouge dans le pré');
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.rules.map((r) => r.id),
      ['min-length', 'max-length', 'not-common', 'not-personal'],
    );
  });

  it('accepts the characters the house preset forbids', () => {
    assert.equal(nist("l'été_100%\\bleu-vert").ok, true);
  });

  it('refuses fewer than 15 characters and more than 128', () => {
    assert.deepEqual(nist('cheval rouge 7').failed, ['min-length']); // 14
    assert.equal(nist('cheval rouge 78').ok, true); // 15
    assert.deepEqual(nist('cheval rouge '.repeat(10)).failed, ['max-length']); // 130
  });
});

describe('oversized input', () => {
  it('refuses a 1 MB password on its length without examining it', () => {
    const huge = 'Aa1!'.repeat(256 * 1024);
    for (const result of [house(huge), nist(huge)]) {
      assert.equal(result.ok, false);
      assert.deepEqual(result.failed, ['max-length']);
      assert.equal(statusOf(result, 'not-common'), 'unchecked');
      assert.equal(result.score, null);
    }
  });
});

describe('describePolicy', () => {
  it('lists the rules and marks those a browser can check', () => {
    const policy = describePolicy('house');
    assert.equal(policy.minLength, 12);
    assert.equal(policy.maxLength, 128);
    assert.deepEqual(policy.forbiddenCharacters, ["'", '%', '\\', '_']);
    const clientSide = policy.rules.filter((r) => r.clientSide).map((r) => r.id);
    assert.deepEqual(clientSide, [
      'min-length',
      'max-length',
      'digit',
      'upper',
      'lower',
      'special',
      'no-forbidden-chars',
    ]);
    assert.equal(policy.dataAttributes['data-min-length'], '12');
    assert.equal(policy.dataAttributes['data-forbidden-chars'], "'%\\_");
  });

  it('gives the NIST preset 15 characters and no forbidden characters', () => {
    const policy = describePolicy('nist');
    assert.equal(policy.dataAttributes['data-min-length'], '15');
    assert.equal(policy.dataAttributes['data-forbidden-chars'], '');
    assert.deepEqual(
      policy.rules.map((r) => r.id),
      ['min-length', 'max-length', 'not-common', 'not-personal'],
    );
  });

  it('carries the screen-reader status words of the page language', () => {
    const policy = describePolicy('house', texts('fr').passwords);
    assert.equal(policy.dataAttributes['data-text-pass'], 'respectée');
    assert.equal(policy.dataAttributes['data-text-fail'], 'non respectée');
    assert.equal(describePolicy('house', texts('en').passwords).dataAttributes['data-text-fail'], 'not met');
  });

  it('names every rule plainly in French and English', () => {
    const policy = describePolicy('house');
    const fr = texts('fr').passwords;
    const en = texts('en').passwords;
    assert.equal(describeRule(fr, 'min-length', policy), 'Au moins 12 caractères');
    assert.equal(describeRule(fr, 'digit', policy), 'Au moins un chiffre');
    assert.equal(describeRule(fr, 'no-forbidden-chars', policy), "Aucun des caractères ' % \\ _");
    assert.equal(describeRule(fr, 'not-common', policy), 'N’est pas un mot de passe trop courant');
    assert.equal(
      describeRule(fr, 'not-personal', policy),
      'Ne contient pas votre numéro d’adhérent ni votre nom',
    );
    assert.equal(describeRule(fr, 'hard-to-guess', policy), 'Assez difficile à deviner');
    assert.equal(describeRule(en, 'min-length', describePolicy('nist')), 'At least 15 characters');
    for (const rule of [...policy.rules.map((r) => r.id), CONFIRM_RULE_ID] as const) {
      assert.ok(describeRule(fr, rule, policy).length > 5, rule);
      assert.ok(describeRule(en, rule, policy).length > 5, rule);
    }
  });
});
