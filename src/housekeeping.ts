// Periodic clean-up of rows whose life is over: anti-robot challenges and spent proofs, sessions, ended
// recovery flows. Every process may run it: each statement is an idempotent DELETE.
import { purgeOldAudit } from './admin/audit-log.js';
import { DAY, MINUTE } from './platform/clock.js';
import type { Services } from './services.js';
import { purgeExpiredSessions } from './sessions/sessions.js';

export async function runHousekeeping(services: Services): Promise<void> {
  const now = services.clock.now();
  await services.antiRobotService.purgeExpired();
  await purgeExpiredSessions(services.store, now);
  // Ended or expired flows are kept a day for support questions, then go (CNIL minimisation).
  await services.store.db
    .deleteFrom('recovery_flows')
    .where('expires_at', '<', now - DAY)
    .execute();
  // Audit retention (SESAME_AUDIT_RETENTION_DAYS): an indexed DELETE, cheap enough to run with the rest.
  await purgeOldAudit(services.store, now, services.config.auditRetentionDays);
}

/** Runs housekeeping every `everyMs` (unref'd: it never keeps the process alive). */
export function startHousekeeping(services: Services, everyMs = MINUTE): { stop(): void } {
  const timer = setInterval(() => {
    runHousekeeping(services).catch((err) => services.logger.warn({ err }, 'housekeeping failed'));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
