import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cryptoRandom, token } from '../../src/platform/random.js';

describe('the production random source', () => {
  it('gives the length asked for, small values cut from a block and large ones straight from the CSPRNG', () => {
    for (const n of [0, 1, 8, 16, 32, 64, 65, 300, 5000]) assert.equal(cryptoRandom.bytes(n).length, n);
  });

  it('never hands out the same bytes twice, across block refills', () => {
    const seen = new Set<string>();
    // 2,000 tokens of 32 bytes span about sixteen 4 KiB blocks.
    for (let i = 0; i < 2000; i++) seen.add(token(cryptoRandom, 32));
    assert.equal(seen.size, 2000);
  });

  it('returns copies: changing one value leaves the next ones alone', () => {
    const a = cryptoRandom.bytes(16);
    const b = cryptoRandom.bytes(16);
    const before = Buffer.from(b);
    a.fill(0);
    assert.deepEqual(b, before);
  });

  it('spreads bytes over the whole range', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4000; i++)
      for (const byte of cryptoRandom.bytes(16)) counts[byte] = (counts[byte] ?? 0) + 1;
    // 64,000 bytes: 250 expected per value; a stuck or biased source falls far outside this band.
    assert.ok(
      Math.min(...counts) > 150 && Math.max(...counts) < 360,
      `${Math.min(...counts)}..${Math.max(...counts)}`,
    );
  });
});
