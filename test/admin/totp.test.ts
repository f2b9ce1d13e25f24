import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentTotpStep,
  formatTotpSecret,
  generateTotpCode,
  generateTotpSecret,
  matchTotpStep,
  normaliseTotpInput,
  openTotpSecret,
  sealTotpSecret,
  totpKeyUri,
  totpQrDataUrl,
} from '../../src/admin/totp.js';
import { SECOND } from '../../src/platform/clock.js';
import { KeyedHasher } from '../../src/platform/keyed-hash.js';
import { cryptoRandom } from '../../src/platform/random.js';

const NOW = Date.UTC(2026, 0, 15, 9, 0, 10);
const hasher = new KeyedHasher(Buffer.from('k'.repeat(32)));

describe('staff TOTP', () => {
  it('accepts the code of the current step and of one step either side, and nothing further', () => {
    const secret = generateTotpSecret(cryptoRandom, NOW);
    const step = currentTotpStep(NOW);
    assert.equal(matchTotpStep(secret, generateTotpCode(secret, NOW), NOW), step);
    assert.equal(matchTotpStep(secret, generateTotpCode(secret, NOW - 30 * SECOND), NOW), step - 1);
    assert.equal(matchTotpStep(secret, generateTotpCode(secret, NOW + 30 * SECOND), NOW), step + 1);
    const old = generateTotpCode(secret, NOW - 90 * SECOND);
    if (old !== generateTotpCode(secret, NOW)) assert.equal(matchTotpStep(secret, old, NOW), null);
  });

  it('refuses codes that are not six digits', () => {
    const secret = generateTotpSecret(cryptoRandom, NOW);
    for (const bad of ['', '12345', '1234567', 'abcdef', "1' or '1'='1"])
      assert.equal(matchTotpStep(secret, bad, NOW), null);
    assert.equal(normaliseTotpInput(' 123 456 '), '123456');
    assert.equal(normaliseTotpInput('123-456'), '123456');
  });

  it('seals the secret so that the stored value is neither the secret nor readable with another key', () => {
    const secret = generateTotpSecret(cryptoRandom, NOW);
    const sealed = sealTotpSecret(hasher, cryptoRandom, secret);
    assert.ok(!sealed.includes(secret));
    assert.equal(openTotpSecret(hasher, sealed), secret);
    assert.equal(openTotpSecret(new KeyedHasher(Buffer.from('x'.repeat(32))), sealed), undefined);
    const [v, iv, body, tag] = sealed.split(':');
    const flipped = `${v}:${iv}:${body!.slice(0, -2)}AA:${tag}`;
    assert.equal(openTotpSecret(hasher, flipped), undefined);
    assert.equal(openTotpSecret(hasher, 'garbage'), undefined);
  });

  it('draws the secret from the injected randomness', () => {
    const fixed = { bytes: (n: number) => Buffer.alloc(n, 7), int: () => 0 };
    assert.equal(generateTotpSecret(fixed, NOW), generateTotpSecret(fixed, NOW));
    assert.equal(generateTotpSecret(fixed, NOW).length, 32);
  });

  it('gives an otpauth URI and a PNG QR code for enrolment', async () => {
    const uri = totpKeyUri('JBSWY3DPEHPK3PXP', 'jdupont', 'Espace Adhérent');
    assert.match(uri, /^otpauth:\/\/totp\/.*jdupont\?secret=JBSWY3DPEHPK3PXP/);
    assert.match(uri, /period=30&digits=6/);
    assert.match(await totpQrDataUrl(uri), /^data:image\/png;base64,/);
    assert.equal(formatTotpSecret('ABCDEFGHIJ'), 'ABCD EFGH IJ');
  });
});
