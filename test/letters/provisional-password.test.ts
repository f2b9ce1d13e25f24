import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatProvisionalPassword,
  generateProvisionalPassword,
  isProvisionalPasswordShape,
  normaliseProvisionalInput,
  PROVISIONAL_ALPHABET,
  PROVISIONAL_LENGTH,
} from '../../src/letters/provisional-password.js';
import type { Random } from '../../src/platform/random.js';

/** A Random that returns the given integers in turn (offset into [min, max)). */
function scriptedRandom(values: number[]): Random {
  let i = 0;
  return {
    bytes: (n) => Buffer.alloc(n),
    int: (min, max) => {
      const v = values[i++ % values.length] ?? 0;
      return min + (v % (max - min));
    },
  };
}

describe('provisional password', () => {
  it('leaves every look-alike character out of the alphabet', () => {
    for (const c of '0OQD1IL2Z5S6G8BUV')
      assert.ok(!PROVISIONAL_ALPHABET.includes(c), `${c} is in the alphabet`);
    assert.match(PROVISIONAL_ALPHABET, /^[A-Z0-9]+$/);
    assert.equal(new Set(PROVISIONAL_ALPHABET).size, PROVISIONAL_ALPHABET.length);
  });

  it('has at least 50 bits of entropy', () => {
    assert.ok(PROVISIONAL_LENGTH * Math.log2(PROVISIONAL_ALPHABET.length) >= 50);
  });

  it('draws 12 characters of the alphabet from the injected random source', () => {
    const password = generateProvisionalPassword(scriptedRandom([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18]));
    assert.equal(password, '3479ACEFHJKY');
    assert.equal(password.length, PROVISIONAL_LENGTH);
  });

  it('can produce every character of the alphabet', () => {
    const seen = new Set<string>();
    const counter = [...Array(PROVISIONAL_ALPHABET.length).keys()];
    for (let i = 0; i < 2; i++)
      for (const c of generateProvisionalPassword(scriptedRandom(counter.slice(i * 12)))) seen.add(c);
    assert.equal(seen.size, PROVISIONAL_ALPHABET.length);
  });

  it('is printed in three groups of four', () => {
    assert.equal(formatProvisionalPassword('K7MPX3RWAC9H'), 'K7MP-X3RW-AC9H');
  });

  it('accepts the password typed with or without dashes or spaces, in any case', () => {
    for (const typed of [
      'K7MP-X3RW-AC9H',
      'k7mp x3rw ac9h',
      ' K7MPX3RWAC9H ',
      'K7MP\u2013X3RW\u2011AC9H',
      'K7MP\u00A0X3RW\u202FAC9H',
      'Ｋ７ＭＰ－Ｘ３ＲＷ－ＡＣ９Ｈ',
    ]) {
      const normalised = normaliseProvisionalInput(typed);
      assert.equal(normalised, 'K7MPX3RWAC9H', typed);
      assert.ok(isProvisionalPasswordShape(normalised));
    }
  });

  it('tells an ordinary password from a provisional one by its shape', () => {
    assert.equal(isProvisionalPasswordShape(normaliseProvisionalInput('Tr0ub4dor&3xyz')), false);
    assert.equal(isProvisionalPasswordShape('K7MPX3RWAC9'), false);
    assert.equal(isProvisionalPasswordShape('K7MPX3RWAC90'), false);
  });

  it('reads back what it prints, for any generated password', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (values) => {
        const password = generateProvisionalPassword(scriptedRandom(values));
        const typed = normaliseProvisionalInput(formatProvisionalPassword(password).toLowerCase());
        return typed === password && isProvisionalPasswordShape(typed);
      }),
    );
  });
});
