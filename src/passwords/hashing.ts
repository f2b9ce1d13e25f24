// Password storage with Argon2id (OWASP Password Storage Cheat Sheet: m ≥ 19 MiB, t ≥ 2, p = 1; NIST
// 800-63B-4 §3.1.1.2: salted, memory-hard). @node-rs/argon2's async API runs on libuv's thread pool, never
// on the event loop.
import { hash, parseOptions, verify } from '@node-rs/argon2';
import type { Config } from '../config/schema.js';
import { SesameError } from '../errors.js';
import { normalizePassword } from './text-forms.js';

export interface HashParams {
  /** Memory cost in KiB (`m=` in the PHC string). */
  readonly memoryKib: number;
  /** Passes over memory (`t=`). */
  readonly iterations: number;
  /** Lanes (`p=`); 1 keeps one request on one pool thread. */
  readonly parallelism: number;
}

/** The OWASP minimum for Argon2id, also the configuration's default. */
export const OWASP_HASH_PARAMS: HashParams = { memoryKib: 19_456, iterations: 2, parallelism: 1 };

/**
 * Longest accepted input, in UTF-8 bytes. The policy caps passwords at 128 characters (≤ 512 bytes); anything
 * past this is refused before hashing so that a 1 MB paste costs nothing (OWASP: limit input to the hash).
 */
export const MAX_PASSWORD_BYTES = 1024;

const ARGON2ID = 2; // Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import.
const VERSION_0X13 = 1; // Version.V0x13
const MAX_HASH_CHARS = 512;

export function hashParamsFromConfig(
  config: Pick<Config, 'argon2MemoryKib' | 'argon2Iterations'>,
): HashParams {
  return { memoryKib: config.argon2MemoryKib, iterations: config.argon2Iterations, parallelism: 1 };
}

function assertOwaspParams(params: HashParams): void {
  if (
    params.memoryKib < OWASP_HASH_PARAMS.memoryKib ||
    params.iterations < OWASP_HASH_PARAMS.iterations ||
    params.parallelism < 1
  ) {
    throw new RangeError(`Argon2id parameters below the OWASP minimum: ${JSON.stringify(params)}`);
  }
}

/** The NFC form as bytes, or undefined when over MAX_PASSWORD_BYTES (checked before any normalisation). */
function passwordBytes(password: string): Buffer | undefined {
  // Each UTF-16 unit is at least one UTF-8 byte: a longer string is over the limit whatever it holds.
  if (password.length > MAX_PASSWORD_BYTES) return undefined;
  const bytes = Buffer.from(normalizePassword(password), 'utf8');
  return bytes.length > MAX_PASSWORD_BYTES ? undefined : bytes;
}

function argonOptions(params: HashParams): {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  algorithm: 2;
} {
  return {
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    algorithm: ARGON2ID,
  };
}

/** Argon2id PHC string of the password (NFC-normalised). Refuses inputs over MAX_PASSWORD_BYTES. */
export async function hashPassword(password: string, params: HashParams): Promise<string> {
  assertOwaspParams(params);
  const bytes = passwordBytes(password);
  if (!bytes) throw new SesameError('PASSWORD_POLICY', `password over ${MAX_PASSWORD_BYTES} bytes`);
  return hash(bytes, argonOptions(params));
}

/** True when the password matches the hash. Never throws: a malformed hash or an over-long input is false. */
let verifyObserver: ((seconds: number) => void) | undefined;

/** Metrics hook: told how long each Argon2id verification took. Set once by the web layer. */
export function onArgon2Verify(observer: (seconds: number) => void): void {
  verifyObserver = observer;
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  const bytes = passwordBytes(password);
  if (!bytes || hashed.length > MAX_HASH_CHARS) return false;
  const started = performance.now();
  try {
    return await verify(hashed, bytes);
  } catch {
    return false;
  } finally {
    verifyObserver?.((performance.now() - started) / 1000);
  }
}

/** True when the hash was made with other parameters (or is not Argon2id v1.3): rehash at next sign-in. */
export function needsRehash(hashed: string, params: HashParams): boolean {
  try {
    const used = parseOptions(hashed);
    return (
      used.algorithm !== ARGON2ID ||
      used.version !== VERSION_0X13 ||
      used.memoryCost !== params.memoryKib ||
      used.timeCost !== params.iterations ||
      used.parallelism !== params.parallelism
    );
  } catch {
    return true;
  }
}

// One dummy hash per parameter set, made once: unknown member numbers then cost one real verification.
const dummyHashes = new Map<string, Promise<string>>();

function dummyHash(params: HashParams): Promise<string> {
  const key = `${params.memoryKib}:${params.iterations}:${params.parallelism}`;
  let pending = dummyHashes.get(key);
  if (!pending) {
    pending = hashPassword('sésame-dummy-password-not-a-secret', params);
    // A failure must not be cached forever: the next call tries again.
    pending.catch(() => dummyHashes.delete(key));
    dummyHashes.set(key, pending);
  }
  return pending;
}

/** Make the dummy hash now (at start-up), so the first unknown member number is not faster or slower. */
export async function prepareDummyHash(params: HashParams): Promise<void> {
  await dummyHash(params);
}

/**
 * Spend the time of one real verification and answer false, for unknown member numbers or members without
 * a password (ASVS 6.3.8: no timing difference that tells who is a member).
 */
export async function verifyAgainstDummy(password: string, params: HashParams): Promise<false> {
  const hashed = await dummyHash(params);
  await verifyPassword(hashed, password);
  return false;
}
