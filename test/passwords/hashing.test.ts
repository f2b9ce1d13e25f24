import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SesameError } from '../../src/errors.js';
import {
  hashParamsFromConfig,
  hashPassword,
  MAX_PASSWORD_BYTES,
  needsRehash,
  OWASP_HASH_PARAMS,
  prepareDummyHash,
  verifyAgainstDummy,
  verifyPassword,
} from '../../src/passwords/hashing.js';

const PASSWORD = 'Vélo-Rouge#Matin7';

describe('Argon2id hashing', () => {
  it('verifies the password it hashed, with the OWASP parameters in the PHC string', async () => {
    const hashed = await hashPassword(PASSWORD, OWASP_HASH_PARAMS);
    assert.match(hashed, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(hashed, PASSWORD), true);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword(PASSWORD, OWASP_HASH_PARAMS),
      hashPassword(PASSWORD, OWASP_HASH_PARAMS),
    ]);
    assert.notEqual(a, b);
  });

  it('answers false for a wrong password', async () => {
    const hashed = await hashPassword(PASSWORD, OWASP_HASH_PARAMS);
    assert.equal(await verifyPassword(hashed, 'Vélo-Rouge#Matin8'), false);
    assert.equal(await verifyPassword(hashed, ''), false);
  });

  it('answers false, without throwing, for a malformed or foreign hash', async () => {
    for (const hashed of [
      '',
      'not a hash',
      '$argon2id$v=19$m=19456,t=2,p=1$broken',
      '$2b$12$C6UzMDM.H6dfI/f/IKxGhuWrb3Tg5ZUr4b1F1YEBDa0nqJ4sxfxny',
      `$argon2id$v=19$m=19456,t=2,p=1$${'A'.repeat(4000)}`,
    ]) {
      assert.equal(await verifyPassword(hashed, PASSWORD), false, hashed.slice(0, 40));
    }
  });

  it('treats the composed and decomposed forms of an accented password as the same password', async () => {
    const hashed = await hashPassword('Ve\u0301lo-Rouge#Matin7', OWASP_HASH_PARAMS);
    assert.equal(await verifyPassword(hashed, 'V\u00e9lo-Rouge#Matin7'), true);
  });

  it('refuses to hash a password over 1024 bytes, and never verifies one', async () => {
    const hashed = await hashPassword(PASSWORD, OWASP_HASH_PARAMS);
    const huge = 'x'.repeat(1024 * 1024);
    await assert.rejects(hashPassword(huge, OWASP_HASH_PARAMS), (e: unknown) => {
      return e instanceof SesameError && e.code === 'PASSWORD_POLICY';
    });
    assert.equal(await verifyPassword(hashed, huge), false);
    // The limit is in bytes: 342 three-byte characters are over it although only 342 characters long.
    assert.equal(await verifyPassword(hashed, '€'.repeat(342)), false);
    assert.equal(Buffer.byteLength('€'.repeat(342)), 1026);
    assert.equal(MAX_PASSWORD_BYTES, 1024);
  });

  it('refuses parameters below the OWASP minimum', async () => {
    await assert.rejects(hashPassword(PASSWORD, { ...OWASP_HASH_PARAMS, memoryKib: 4096 }), RangeError);
    await assert.rejects(hashPassword(PASSWORD, { ...OWASP_HASH_PARAMS, iterations: 1 }), RangeError);
  });
});

describe('needsRehash', () => {
  it('is false for a hash made with the current parameters', async () => {
    const hashed = await hashPassword(PASSWORD, OWASP_HASH_PARAMS);
    assert.equal(needsRehash(hashed, OWASP_HASH_PARAMS), false);
  });

  it('is true when memory, iterations or parallelism changed', async () => {
    const hashed = await hashPassword(PASSWORD, OWASP_HASH_PARAMS);
    assert.equal(needsRehash(hashed, { ...OWASP_HASH_PARAMS, memoryKib: 47_104 }), true);
    assert.equal(needsRehash(hashed, { ...OWASP_HASH_PARAMS, iterations: 3 }), true);
    assert.equal(needsRehash(hashed, { ...OWASP_HASH_PARAMS, parallelism: 2 }), true);
  });

  it('is true for a malformed hash, so the next good sign-in replaces it', () => {
    assert.equal(needsRehash('garbage', OWASP_HASH_PARAMS), true);
  });

  it('reads the parameters from the configuration', () => {
    assert.deepEqual(hashParamsFromConfig({ argon2MemoryKib: 47_104, argon2Iterations: 1 + 2 }), {
      memoryKib: 47_104,
      iterations: 3,
      parallelism: 1,
    });
  });
});

describe('verifyAgainstDummy', () => {
  it('always answers false, whatever the password', async () => {
    await prepareDummyHash(OWASP_HASH_PARAMS);
    assert.equal(await verifyAgainstDummy(PASSWORD, OWASP_HASH_PARAMS), false);
    assert.equal(await verifyAgainstDummy('sésame-dummy-password-not-a-secret', OWASP_HASH_PARAMS), false);
    assert.equal(await verifyAgainstDummy('x'.repeat(1024 * 1024), OWASP_HASH_PARAMS), false);
  });

  it('works without being prepared first, for a new parameter set', async () => {
    assert.equal(await verifyAgainstDummy(PASSWORD, { ...OWASP_HASH_PARAMS, iterations: 3 }), false);
  });
});
