import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskContact, maskEmail, maskMobile, pretendContact } from '../../src/members/mask.js';
import { KeyedHasher } from '../../src/platform/keyed-hash.js';

const EMAIL_MASK = /^[a-z0-9]\*{5}@[a-z0-9]\*{4}\.[a-z]{2,}$/;
const FRENCH_MOBILE_MASK = /^0[67] \*\* \*\* \*\* [0-9]{2}$/;

describe('masking contact details', () => {
  it('keeps the first letters and the top-level domain of an e-mail, with a fixed number of stars', () => {
    assert.equal(maskEmail('jean.dupont@gmail.com'), 'j*****@g****.com');
    assert.equal(maskEmail('Marie@orange.fr'), 'm*****@o****.fr');
    assert.equal(maskEmail('x@etu.univ-lyon1.fr'), 'x*****@e****.fr');
    // The length of the address is not told.
    assert.equal(maskEmail('a@bc.fr'), maskEmail('anne-sophie.delafontaine@bigcorporation.fr'));
  });

  it('shows a French mobile in the national format with the first two and last two digits', () => {
    assert.equal(maskMobile('+33612345678'), '06 ** ** ** 78');
    assert.equal(maskMobile('+33781234512'), '07 ** ** ** 12');
  });

  it('shows an overseas department mobile in its national format too', () => {
    assert.equal(maskMobile('+262692123456'), '06** ** ** 56');
  });

  it('shows a foreign mobile in international form, likewise', () => {
    assert.equal(maskMobile('+41791234567'), '+41 79 *** ** 67');
    assert.equal(maskMobile('+32470123456'), '+32 47* ** ** 56');
  });

  it('masks what is on file and nothing else', () => {
    assert.deepEqual(maskContact({ email: 'jean@free.fr', mobile: null }), {
      email: 'j*****@f****.fr',
      mobile: null,
    });
  });
});

describe('pretending a contact for an unknown member number', () => {
  const hasher = new KeyedHasher(Buffer.alloc(32, 7));

  it('shows the same contact on every try for the same number', () => {
    assert.deepEqual(pretendContact(hasher, '987654321'), pretendContact(hasher, '987654321'));
  });

  it('depends on the server key, so it cannot be recomputed without it', () => {
    const other = new KeyedHasher(Buffer.alloc(32, 8));
    const numbers = Array.from({ length: 20 }, (_, i) => String(500000 + i));
    const same = numbers.filter(
      (n) => JSON.stringify(pretendContact(hasher, n)) === JSON.stringify(pretendContact(other, n)),
    );
    assert.ok(same.length < 10, `only ${same.length} of 20 alike across keys`);
  });

  it('looks like the real masks, with the usual French providers', () => {
    const allowed = [
      'g****.com',
      'o****.fr',
      'h****.fr',
      'f****.fr',
      'w****.fr',
      'l****.net',
      'y****.fr',
      's****.fr',
    ];
    for (let i = 0; i < 300; i++) {
      const c = pretendContact(hasher, String(700000 + i));
      if (c.email) {
        assert.match(c.email, EMAIL_MASK);
        assert.ok(allowed.includes(c.email.split('@')[1]!), c.email);
      }
      if (c.mobile) assert.match(c.mobile, FRENCH_MOBILE_MASK);
    }
  });

  it('mostly has both, sometimes one, never neither', () => {
    const counts = { both: 0, email: 0, mobile: 0, neither: 0 };
    for (let i = 0; i < 2000; i++) {
      const c = pretendContact(hasher, String(100000 + i));
      const kind = c.email && c.mobile ? 'both' : c.email ? 'email' : c.mobile ? 'mobile' : 'neither';
      counts[kind]++;
    }
    assert.equal(counts.neither, 0);
    assert.ok(counts.both > counts.email && counts.both > counts.mobile, JSON.stringify(counts));
    assert.ok(counts.email > 100 && counts.mobile > 100, JSON.stringify(counts));
  });

  it('uses the same formats as a real member with the same kind of contact', () => {
    const real = maskContact({ email: 'claire.martin@gmail.com', mobile: '+33612345678' });
    assert.match(real.email!, EMAIL_MASK);
    assert.match(real.mobile!, FRENCH_MOBILE_MASK);
  });
});
