import { randomBytes, randomInt } from 'node:crypto';

/** Injected randomness (STYLE.md §9). Production uses the operating system's CSPRNG. */
export interface Random {
  bytes(n: number): Buffer;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
}

// Every randomBytes() call goes into OpenSSL; a page view takes a dozen small values (request id, CSRF
// secret, challenge id, six picture tokens…). Small ones are cut from a 4 KiB block of the same CSPRNG,
// refilled when used up — what Node itself does for randomUUID(). Each byte is handed out once, copied.
const BLOCK = 4096;
const SMALL = 64;
let block = Buffer.alloc(0);
let used = 0;

function cryptoBytes(n: number): Buffer {
  if (n > SMALL) return randomBytes(n);
  if (used + n > block.length) {
    block = randomBytes(BLOCK);
    used = 0;
  }
  const out = Buffer.from(block.subarray(used, used + n));
  used += n;
  return out;
}

export const cryptoRandom: Random = {
  bytes: cryptoBytes,
  int: (min, max) => randomInt(min, max),
};

/** URL-safe opaque token of `bytes` random bytes (32 bytes = 256 bits). */
export function token(random: Random, bytes = 32): string {
  return random.bytes(bytes).toString('base64url');
}

/** `length` characters drawn uniformly from `alphabet` (rejection-free: randomInt is unbiased). */
export function randomString(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length)];
  return out;
}
