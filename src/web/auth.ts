import type { FastifyReply, FastifyRequest } from 'fastify';
import { SesameError } from '../errors.js';
import type { Clock } from '../platform/clock.js';
import { type Session, type SubjectType, validateSession } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';
import { COOKIE_DEFAULTS } from './app.js';

// __Host- prefix: Secure, path=/ and no Domain, so a sibling sub-domain cannot plant or read it (ASVS 7.1).
export const SESSION_COOKIE: Readonly<Record<SubjectType, string>> = {
  member: '__Host-sesame',
  staff: '__Host-sesame-staff',
};

export function setSessionCookie(reply: FastifyReply, subject: SubjectType, token: string): void {
  reply.setCookie(SESSION_COOKIE[subject], token, { ...COOKIE_DEFAULTS });
}

export function clearSessionCookie(reply: FastifyReply, subject: SubjectType): void {
  reply.clearCookie(SESSION_COOKIE[subject], { ...COOKIE_DEFAULTS });
}

export async function readSession(
  req: FastifyRequest,
  deps: { store: Store; clock: Clock },
  subject: SubjectType,
): Promise<Session | null> {
  const token = req.cookies[SESSION_COOKIE[subject]];
  if (!token) return null;
  return validateSession(deps.store, token, subject, deps.clock.now());
}

export async function requireSession(
  req: FastifyRequest,
  deps: { store: Store; clock: Clock },
  subject: SubjectType,
): Promise<Session> {
  const s = await readSession(req, deps, subject);
  if (!s) throw new SesameError('SESSION_REQUIRED');
  return s;
}

export function clientOf(req: FastifyRequest): { ip: string; userAgent: string } {
  return { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300) };
}
