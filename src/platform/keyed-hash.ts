import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keyed hashes of short secrets (activation codes, challenge answers, binding cookies). A 6-digit code
 * hashed without a key falls to a million guesses; with the server's key it cannot be brute-forced from a
 * database copy alone (DESIGN.md §4, ASVS 6.5).
 */
export class KeyedHasher {
  constructor(private readonly key: Buffer) {}

  hash(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(purpose).update('\0').update(value).digest('base64url');
  }

  verify(purpose: string, value: string, expected: string): boolean {
    const a = Buffer.from(this.hash(purpose, value));
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** Plain SHA-256 for high-entropy tokens (session cookies): a key adds nothing to 256 random bits. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
