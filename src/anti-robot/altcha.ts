// The accessible alternative (DESIGN.md §5): a proof of work with no perception test (ALTCHA, v2
// protocol of altcha-lib), so blind and low-vision members are not stopped (RGAA 1.5, WCAG 1.1.1, 3.3.8).
// Deterministic mode: the server picks the counter, so each solve costs the client about that many
// hashes while the server checks it with one hash and one HMAC.
import { type Challenge, createChallenge, type Payload, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Clock } from '../platform/clock.js';
import { MINUTE } from '../platform/clock.js';
import { type KeyedHasher, sha256 } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import type { ChallengeStore } from './challenge-store.js';

export const ALTCHA_TTL = 5 * MINUTE;
export const ALTCHA_ALGORITHM = 'SHA-256';
/** A widget payload is about 700 characters; anything much larger is not one. */
const MAX_PAYLOAD_LENGTH = 4096;

export interface AltchaDeps {
  readonly challengeStore: ChallengeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  /** Upper bound of the work (SESAME_ALTCHA_MAX_NUMBER): hashes a client computes at most. */
  readonly maxNumber: number;
}

export type AltchaChallenge = Challenge;

// The ALTCHA signing secret is derived from the server key: no setting of its own, and it changes with it.
function signingSecret(hasher: KeyedHasher): string {
  return hasher.hash('altcha-signature', 'v2');
}

/** A signed challenge, as JSON for the widget's `challenge` URL. */
export async function createAltchaChallenge(deps: AltchaDeps): Promise<AltchaChallenge> {
  // At least half the bound: every challenge costs real CPU, none is nearly free.
  const counter = deps.random.int(Math.ceil(deps.maxNumber / 2), deps.maxNumber + 1);
  return createChallenge({
    algorithm: ALTCHA_ALGORITHM,
    cost: 1,
    counter,
    deriveKey,
    expiresAt: Math.floor((deps.clock.now() + ALTCHA_TTL) / 1000),
    hmacSignatureSecret: signingSecret(deps.hasher),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The widget's field: base64 of {challenge: {parameters, signature}, solution: {counter, derivedKey}}. */
function decodePayload(raw: unknown): Payload | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_PAYLOAD_LENGTH) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.challenge) || !isRecord(parsed.solution)) return null;
  const { parameters, signature } = parsed.challenge;
  if (!isRecord(parameters) || typeof signature !== 'string') return null;
  if (parameters.algorithm !== ALTCHA_ALGORITHM || typeof parameters.expiresAt !== 'number') return null;
  return parsed as unknown as Payload;
}

/**
 * True once for a solved, unexpired challenge of ours. The spend is keyed by the challenge's signature,
 * not by the payload's bytes: a re-encoded or re-solved payload of the same challenge is still a replay.
 * Never throws on hostile input.
 */
export async function verifyAltchaPayload(deps: AltchaDeps, raw: unknown): Promise<boolean> {
  const payload = decodePayload(raw);
  if (!payload) return false;
  const expiresAt = (payload.challenge.parameters.expiresAt ?? 0) * 1000;
  if (expiresAt <= deps.clock.now()) return false;
  let verified = false;
  try {
    // No key-signature shortcut: the library re-derives the key from the submitted counter (one hash),
    // so the counter, the key and the signed prefix must all agree.
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: signingSecret(deps.hasher),
    });
    verified = result.verified;
  } catch {
    // A crafted payload can make the library throw (bad hex, odd types): it is simply not a proof.
    return false;
  }
  if (!verified || typeof payload.challenge.signature !== 'string') return false;
  const id = sha256(`altcha:${payload.challenge.signature}`);
  return deps.challengeStore.spendProof(id, expiresAt, deps.clock.now());
}
