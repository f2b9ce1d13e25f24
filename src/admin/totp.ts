// The staff second factor: TOTP (RFC 6238) through otplib, the format every authenticator app reads.
// NIST 800-63B §5.1.4.2: a code is accepted once only, so the last accepted time step is stored and a code
// of that step or an earlier one is refused. The shared secret is sealed with AES-256-GCM under a key
// derived from the server secret: a copy of the database alone yields no usable secret.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';

export const TOTP_STEP_SECONDS = 30;
/** One step either side: tolerates a phone clock 30 s off without widening the guessing window much. */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20; // 160 bits, RFC 4226 §4's recommended length
const SEAL_VERSION = 'v1';

function otp(now: number, random?: Random) {
  return authenticator.clone({
    epoch: now,
    step: TOTP_STEP_SECONDS,
    window: TOTP_WINDOW,
    digits: 6,
    ...(random
      ? { createRandomBytes: (n: number, enc: BufferEncoding) => random.bytes(n).toString(enc) }
      : {}),
  });
}

/** A new base32 secret from the injected randomness. */
export function generateTotpSecret(random: Random, now: number): string {
  return otp(now, random).generateSecret(SECRET_BYTES);
}

function sealKey(hasher: KeyedHasher): Buffer {
  return Buffer.from(hasher.hash('totp-seal-key', SEAL_VERSION), 'base64url');
}

export function sealTotpSecret(hasher: KeyedHasher, random: Random, secret: string): string {
  const iv = random.bytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(hasher), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    SEAL_VERSION,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join(':');
}

/** The secret, or undefined when the value was not sealed by this server's key (or was tampered with). */
export function openTotpSecret(hasher: KeyedHasher, sealed: string): string | undefined {
  const [version, iv, body, tag] = sealed.split(':');
  if (version !== SEAL_VERSION || !iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(hasher), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** The time step a 6-digit code belongs to (now ±1 step), or null when it matches none. */
export function matchTotpStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = otp(now).checkDelta(code, secret);
  if (delta === null) return null;
  return currentTotpStep(now) + delta;
}

export function currentTotpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_STEP_SECONDS);
}

/** The code an authenticator app shows at `now` (tests and the enrolment self-check). */
export function generateTotpCode(secret: string, now: number): string {
  return otp(now).generate(secret);
}

/** Spaces and dashes typed or pasted from an app (« 123 456 ») are dropped before checking. */
export function normaliseTotpInput(raw: string): string {
  return raw.replace(/[\s\u00a0\u202f-]/g, '');
}

/** The otpauth:// URI of the enrolment QR code (Google Authenticator key URI format). */
export function totpKeyUri(secret: string, username: string, issuer: string): string {
  return otp(0).keyuri(username, issuer, secret);
}

/** The QR code as a data: URL PNG (the CSP allows img data:), drawn by the `qrcode` package. */
export function totpQrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** The secret in groups of four for manual entry. */
export function formatTotpSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
