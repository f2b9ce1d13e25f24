import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatPostalAddress, MAX_LINE_LENGTH, type PostalMember } from '../../src/letters/address.js';

function member(over: Partial<PostalMember> = {}): PostalMember {
  return {
    civility: 'M.',
    first_name: 'Jean',
    last_name: 'Dupont',
    address_line2: null,
    address_line3: null,
    address_line4: '12 rue de la Paix',
    address_line5: null,
    postal_code: '75002',
    city: 'Paris',
    country: null,
    ...over,
  };
}

describe('postal address (NF Z10-011)', () => {
  it('writes name, street and postal code with the city in capitals, dropping empty lines', () => {
    const { lines, problems } = formatPostalAddress(member());
    assert.deepEqual(lines, ['M. Jean Dupont', '12 RUE DE LA PAIX', '75002 PARIS']);
    assert.deepEqual(problems, []);
  });

  it('keeps the six lines in their order', () => {
    const { lines } = formatPostalAddress(
      member({
        address_line2: 'Chez Mme Martin',
        address_line3: 'Résidence les Tilleuls',
        address_line5: 'BP 42',
        city: 'Lyon',
        postal_code: '69003',
      }),
    );
    assert.deepEqual(lines, [
      'M. Jean Dupont',
      'Chez Mme Martin',
      'Résidence les Tilleuls',
      '12 RUE DE LA PAIX',
      'BP 42',
      '69003 LYON',
    ]);
  });

  it('removes punctuation and accents from line 4 on, and keeps lines 2 and 3 as written', () => {
    const { lines } = formatPostalAddress(
      member({
        address_line2: 'Appt. 12, 3e étage',
        address_line4: '5, rue de l’Église.',
        address_line5: 'Lieu-dit « Les Côtes »',
        postal_code: '42000',
        city: 'Saint-Étienne',
      }),
    );
    assert.deepEqual(lines, [
      'M. Jean Dupont',
      'Appt. 12, 3e étage',
      '5 RUE DE L EGLISE',
      'LIEU DIT LES COTES',
      '42000 SAINT ETIENNE',
    ]);
  });

  it('folds œ and æ into plain capitals on the machine-read lines', () => {
    const { lines } = formatPostalAddress(member({ address_line4: '3 rue du Sacré-Cœur', city: 'Lætitia' }));
    assert.equal(lines[1], '3 RUE DU SACRE COEUR');
    assert.equal(lines[2], '75002 LAETITIA');
  });

  it('writes the country on a last line in capitals for an address abroad', () => {
    const { lines, problems } = formatPostalAddress(
      member({ address_line4: 'Rue Neuve 12', postal_code: '1000', city: 'Bruxelles', country: 'Belgique' }),
    );
    assert.deepEqual(lines, ['M. Jean Dupont', 'RUE NEUVE 12', '1000 BRUXELLES', 'BELGIQUE']);
    assert.deepEqual(problems, []);
  });

  it('writes no country line for France', () => {
    const { lines } = formatPostalAddress(member({ country: 'France' }));
    assert.equal(lines.at(-1), '75002 PARIS');
  });

  it('accepts an address abroad without a postal code', () => {
    const { lines, problems } = formatPostalAddress(
      member({ postal_code: null, city: 'Dublin', country: 'Irlande' }),
    );
    assert.deepEqual(lines.slice(-2), ['DUBLIN', 'IRLANDE']);
    assert.deepEqual(problems, []);
  });

  it('reports a missing postal code, an invalid one and a missing city for France', () => {
    assert.match(formatPostalAddress(member({ postal_code: null })).problems.join(), /Code postal manquant/);
    assert.match(
      formatPostalAddress(member({ postal_code: '7500' })).problems.join(),
      /Code postal «\u202F7500\u202F» invalide/,
    );
    assert.match(formatPostalAddress(member({ city: ' ' })).problems.join(), /Commune manquante/);
    assert.deepEqual(formatPostalAddress(member({ postal_code: '75 002' })).problems, []);
  });

  it('reports the problems in English when asked', () => {
    assert.deepEqual(formatPostalAddress(member({ postal_code: null }), 'en').problems, [
      'Postal code missing.',
    ]);
  });

  it('leaves a street that fits unabbreviated', () => {
    const { lines } = formatPostalAddress(member({ address_line4: '1 avenue des Fleurs' }));
    assert.equal(lines[1], '1 AVENUE DES FLEURS');
  });

  it('abbreviates a line longer than 38 characters with the standard abbreviations', () => {
    const { lines, problems } = formatPostalAddress(
      member({ address_line4: '128 boulevard du Maréchal de Lattre de Tassigny' }),
    );
    assert.equal(lines[1], '128 BD DU MAL DE LATTRE DE TASSIGNY');
    assert.ok(
      lines.every((l) => l.length <= MAX_LINE_LENGTH),
      lines.join('|'),
    );
    assert.deepEqual(problems, []);
  });

  it('abbreviates only as much as needed', () => {
    const { lines } = formatPostalAddress(
      member({ address_line4: '3 avenue du Général Leclerc prolongée est' }),
    );
    assert.equal(lines[1], '3 AV DU GENERAL LECLERC PROLONGEE EST');
  });

  it('abbreviates building words on lines 2 and 3, keeping the rest as written', () => {
    const { lines } = formatPostalAddress(
      member({ address_line3: 'Bâtiment B, Résidence du Grand Parc des Érables' }),
    );
    assert.equal(lines[1], 'BAT B, RES du Grand Parc des Érables');
  });

  it('shortens a long name: civility first, then the first names to initials', () => {
    const civility = formatPostalAddress(
      member({ civility: 'Madame', first_name: 'Anne', last_name: 'de La Rochefoucauld-Liancourt' }),
    );
    assert.equal(civility.lines[0], 'Mme Anne de La Rochefoucauld-Liancourt');
    const initials = formatPostalAddress(
      member({ civility: 'Madame', first_name: 'Marie-Christine', last_name: 'Rochefoucauld-Liancourt' }),
    );
    assert.equal(initials.lines[0], 'Mme M.-C. Rochefoucauld-Liancourt');
  });

  it('wraps a line that stays too long onto a free line', () => {
    const street = '7 chemin de la Fontaine aux Loups et des Trois Moulins';
    const { lines, problems } = formatPostalAddress(member({ address_line4: street }));
    assert.deepEqual(problems, []);
    assert.equal(lines.length, 4);
    assert.ok(
      lines.every((l) => l.length <= MAX_LINE_LENGTH),
      lines.join('|'),
    );
    assert.equal(`${lines[1]} ${lines[2]}`, '7 CHE DE LA FONTAINE AUX LOUPS ET DES TROIS MOULINS');
  });

  it('reports a line that cannot fit when no line is left free, and never cuts it', () => {
    const street = '7 chemin de la Fontaine aux Loups et des Trois Moulins';
    const full = member({
      address_line2: 'Chez M. Martin',
      address_line3: 'Les Hauts',
      address_line4: street,
      address_line5: 'BP 12',
    });
    const { lines, problems } = formatPostalAddress(full);
    assert.equal(lines.length, 6);
    assert.equal(lines[3], '7 CHE DE LA FONTAINE AUX LOUPS ET DES TROIS MOULINS');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^Ligne 4 de l’adresse trop longue/);
  });

  it('reports characters the letter font cannot print', () => {
    const { problems } = formatPostalAddress(member({ address_line2: '北京 Appartement 3' }));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /Ligne 2 .*北 京/);
  });

  it('reports a missing name', () => {
    assert.match(
      formatPostalAddress(member({ first_name: '', last_name: '' })).problems.join(),
      /Nom du destinataire manquant/,
    );
  });

  it('never gives more than 6 lines in France, 7 abroad, nor a line over 38 without reporting it', () => {
    const text = fc.option(fc.string({ maxLength: 60 }), { nil: null });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        text,
        fc.constantFrom(null, '', 'France', 'Belgique'),
        (l2, l3, l4, l5, city, country) => {
          const { lines, problems } = formatPostalAddress(
            member({
              address_line2: l2,
              address_line3: l3,
              address_line4: l4,
              address_line5: l5,
              city,
              country,
            }),
          );
          const abroad = country === 'Belgique';
          assert.ok(lines.length <= (abroad ? 7 : 6), lines.join('|'));
          assert.ok(lines.every((l) => l !== '' && l === l.trim()));
          const tooLong = lines.filter((l) => l.length > MAX_LINE_LENGTH);
          assert.ok(
            tooLong.every((l) => problems.some((p) => p.includes(l))),
            `${tooLong} not reported`,
          );
          // The last line (postal code and city, or country): capitals, digits and spaces only.
          assert.doesNotMatch(lines.at(-1) ?? '', /[\p{Ll}\p{P}\p{S}]/u);
        },
      ),
    );
  });
});
