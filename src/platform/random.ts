import { randomBytes, randomInt } from 'node:crypto';

/** Injected randomness (STYLE.md §9). Production uses the operating system's CSPRNG. */
export interface Random {
  bytes(n: number): Buffer;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (n) => randomBytes(n),
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
