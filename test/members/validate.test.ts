import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkAddressLine,
  checkCity,
  checkCivility,
  checkCountry,
  checkEmail,
  checkMemberNumber,
  checkPostalCode,
  memberNumberRule,
  normaliseMobile,
  validateMember,
} from '../../src/members/validate.js';

const DEFAULT_RULE = memberNumberRule('^[0-9]{6,10}$');

function value<T>(r: { ok: true; value: T } | { ok: false }): T {
  assert.ok(r.ok, 'expected the value to be accepted');
  return (r as { value: T }).value;
}

function message(
  r: { ok: boolean; problem?: { text(locale?: 'fr' | 'en'): string } },
  locale: 'fr' | 'en' = 'fr',
): string {
  assert.equal(r.ok, false, 'expected the value to be refused');
  return r.problem!.text(locale);
}

describe('mobile numbers', () => {
  it('normalises French mobiles written the usual ways to E.164', () => {
    for (const written of [
      '06 12 34 56 78',
      '0612345678',
      '06.12.34.56.78',
      '06-12-34-56-78',
      '+33 6 12 34 56 78',
      '+33612345678',
      '0033 6 12 34 56 78',
      '0033612345678',
      '+33 (0)6 12 34 56 78',
      ' 06 12 34 56 78 ',
    ]) {
      assert.equal(value(normaliseMobile(written)), '+33612345678', written);
    }
    assert.equal(value(normaliseMobile('07 81 23 45 67')), '+33781234567');
  });

  it('gives an overseas department mobile its own country code', () => {
    assert.equal(value(normaliseMobile('0692 12 34 56')), '+262692123456');
    assert.equal(value(normaliseMobile('0696 12 34 56')), '+596696123456');
  });

  it('accepts foreign mobiles in international form', () => {
    assert.equal(value(normaliseMobile('+41 79 123 45 67')), '+41791234567');
    assert.equal(value(normaliseMobile('0041 79 123 45 67')), '+41791234567');
    assert.equal(value(normaliseMobile('+32 470 12 34 56')), '+32470123456');
  });

  it('treats an empty cell as no mobile', () => {
    assert.equal(value(normaliseMobile('  ')), null);
  });

  it('refuses landlines, short numbers and text with a French message', () => {
    for (const bad of [
      '01 45 67 89 12',
      '06 12 34 56 7',
      '06 12 34 56 789',
      'tel 0612345678',
      '+33 1 45 67 89 12',
      'abc',
    ]) {
      assert.match(message(normaliseMobile(bad)), /numéro de mobile invalide/, bad);
    }
    assert.match(message(normaliseMobile('0145678912'), 'en'), /invalid mobile number/);
  });
});

describe('e-mail addresses', () => {
  it('accepts ordinary addresses and lower-cases the domain only', () => {
    assert.equal(value(checkEmail('Jean.Dupont@Orange.FR')), 'Jean.Dupont@orange.fr');
    assert.equal(value(checkEmail("o'neil+mutuelle@sub.exemple.co.uk")), "o'neil+mutuelle@sub.exemple.co.uk");
    assert.equal(value(checkEmail('')), null);
  });

  it('refuses addresses that cannot be delivered', () => {
    for (const bad of [
      'jean.dupont',
      'jean@',
      '@orange.fr',
      'jean@@orange.fr',
      'jean dupont@orange.fr',
      'jean..dupont@orange.fr',
      '.jean@orange.fr',
      'jean@orange',
      'jean@-orange.fr',
      'jean@orange.f',
      'jean@orange..fr',
      'jéan@orange.fr',
    ]) {
      assert.match(message(checkEmail(bad)), /adresse e-mail invalide/, bad);
    }
  });

  it('refuses an address over 254 characters and a mailbox over 64', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.fr`;
    assert.ok(long.length > 254);
    assert.match(message(checkEmail(long)), /trop long.*254 au plus/);
    assert.match(message(checkEmail(`${'a'.repeat(65)}@orange.fr`)), /adresse e-mail invalide/);
  });
});

describe('postal address', () => {
  it('accepts a 38-character line and refuses a 39-character one, saying how long it is', () => {
    assert.equal(value(checkAddressLine('address_line4', 'x'.repeat(38))), 'x'.repeat(38));
    assert.equal(
      message(checkAddressLine('address_line4', 'x'.repeat(39))),
      '«\u202Fadresse ligne 4\u202F» trop long\u202F: 39 caractères, 38 au plus',
    );
  });

  it('counts an accented letter as one character, even when decomposed', () => {
    const decomposed = `${'e\u0301'.repeat(38)}`;
    assert.equal(value(checkAddressLine('address_line3', decomposed)), 'é'.repeat(38));
  });

  it('refuses a line break inside an address line', () => {
    assert.match(message(checkAddressLine('address_line2', 'Bât. A\nEsc. 2')), /retour à la ligne/);
  });

  it('wants 5 digits for a French postal code and a short code abroad', () => {
    assert.equal(value(checkPostalCode('75011', 'FR')), '75011');
    assert.equal(value(checkPostalCode('75 011', 'FR')), '75011');
    assert.equal(value(checkPostalCode('97400', 'RE')), '97400');
    assert.match(message(checkPostalCode('7501', 'FR')), /5 chiffres/);
    assert.equal(value(checkPostalCode('sw1a 1aa', 'GB')), 'SW1A 1AA');
    assert.equal(value(checkPostalCode('L-1009', null)), 'L-1009');
    assert.match(message(checkPostalCode('12345678901', 'BE')), /au plus 10/);
  });

  it('keeps postal code and city within the 38 characters of line 6', () => {
    assert.equal(value(checkCity('Saint-Rémy-de-Provence', '13210')), 'Saint-Rémy-de-Provence');
    assert.match(message(checkCity('x'.repeat(33), '13210')), /ligne 6/);
  });

  it('stores France as empty and other countries by their French name', () => {
    assert.deepEqual(value(checkCountry('')), { code: 'FR', stored: null });
    assert.deepEqual(value(checkCountry('France')), { code: 'FR', stored: null });
    assert.deepEqual(value(checkCountry('fr')), { code: 'FR', stored: null });
    assert.deepEqual(value(checkCountry('BE')), { code: 'BE', stored: 'Belgique' });
    assert.deepEqual(value(checkCountry('Belgium')), { code: 'BE', stored: 'Belgique' });
    assert.deepEqual(value(checkCountry('royaume uni')), { code: 'GB', stored: 'Royaume-Uni' });
    assert.deepEqual(value(checkCountry('La Réunion')), { code: 'RE', stored: null });
  });

  it('keeps an unknown country name but refuses unknown codes and long values', () => {
    assert.deepEqual(value(checkCountry('Principauté de Sealand')), {
      code: null,
      stored: 'Principauté de Sealand',
    });
    assert.match(message(checkCountry('ZZ')), /pays invalide/);
    assert.match(message(checkCountry('x'.repeat(39))), /pays invalide/);
    assert.match(message(checkCountry('12345')), /pays invalide/);
  });
});

describe('member number and civility', () => {
  it('follows the configured format, anchored', () => {
    assert.equal(value(checkMemberNumber(' 123456 ', DEFAULT_RULE)), '123456');
    assert.match(
      message(checkMemberNumber('12345', DEFAULT_RULE)),
      /N° adhérent invalide \(format attendu\u202F: \^\[0-9\]\{6,10\}\$\)/,
    );
    const unanchored = memberNumberRule('[0-9]{6}');
    assert.equal(checkMemberNumber('1234567', unanchored).ok, false);
    assert.equal(checkMemberNumber('AB-123456', memberNumberRule('AB-[0-9]{6}')).ok, true);
  });

  it('maps the usual civility spellings to M. and Mme', () => {
    assert.equal(value(checkCivility('Monsieur')), 'M.');
    assert.equal(value(checkCivility('M')), 'M.');
    assert.equal(value(checkCivility('MME')), 'Mme');
    assert.equal(value(checkCivility('Mlle')), 'Mme');
    assert.equal(value(checkCivility('')), '');
    assert.match(message(checkCivility('Sire')), /civilité inconnue/);
  });
});

describe('a whole row', () => {
  const row = {
    member_number: '123456',
    civility: 'Mme',
    first_name: ' Hélène ',
    last_name: 'Lefèvre',
    email: 'helene@orange.fr',
    mobile: '06 12 34 56 78',
    address_line2: '',
    address_line3: '',
    address_line4: '8  rue des Tanneurs',
    address_line5: '',
    postal_code: '67000',
    city: 'Strasbourg',
    country: '',
  };

  it('returns the cleaned member', () => {
    const r = validateMember(row, DEFAULT_RULE);
    assert.ok(r.ok);
    assert.deepEqual(r.member, {
      member_number: '123456',
      civility: 'Mme',
      first_name: 'Hélène',
      last_name: 'Lefèvre',
      email: 'helene@orange.fr',
      mobile: '+33612345678',
      address_line2: null,
      address_line3: null,
      address_line4: '8 rue des Tanneurs',
      address_line5: null,
      postal_code: '67000',
      city: 'Strasbourg',
      country: null,
    });
  });

  it('reports every problem of the row, in column order', () => {
    const r = validateMember(
      { ...row, member_number: 'x', last_name: '', email: 'nope', postal_code: '1' },
      DEFAULT_RULE,
    );
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.problems.map((p) => p.field), [
      'member_number',
      'last_name',
      'email',
      'postal_code',
    ]);
  });
});
