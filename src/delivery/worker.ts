// The delivery worker: polls the outbox, claims due messages under a lease and hands them to the transports.
// Several processes may run it against one PostgreSQL database: the claim guarantees that one message goes
// to one worker at a time (at-least-once only if a process dies between sending and recording).
import type { Clock } from '../platform/clock.js';
import { MINUTE } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Store } from '../store/db.js';
import {
  type ClaimedMessage,
  claimDueMessages,
  recordAbandon,
  recordFailure,
  recordSuccess,
} from './outbox.js';
import { isTemplateId, MAX_AGE_MS, type MessageBrand, renderMessage } from './templates.js';
import type { Transports } from './transport.js';

/** The subset of pino the worker uses. */
export interface DeliveryLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface DeliveryWorkerOptions {
  readonly store: Store;
  readonly transports: Transports;
  readonly clock: Clock;
  readonly random: Random;
  /** Insurer name and phone written in the messages. */
  readonly brand: MessageBrand;
  readonly logger?: DeliveryLogger;
  /** SESAME_OUTBOX_POLL_MS. */
  readonly pollMs: number;
  /** Messages sent at once; default 4. */
  readonly concurrency?: number;
  /** How long a claim lasts; default 5 min, far above the transports' timeouts (≤ 30 s). */
  readonly leaseMs?: number;
}

export interface DeliveryWorker {
  /** Stops polling and waits for the sends in flight (flush); no new message is claimed. */
  stop(): Promise<void>;
  /** Clock time of the last poll or claim, for /readyz ("worker alive"). */
  lastTickAt(): number;
  /** Delivers everything due now; resolves with the number of messages handled. Serialised with the poll. */
  runOnce(): Promise<number>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, transports, clock, random, brand, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 5 * MINUTE;
  let stopping = false;
  let lastTick = clock.now();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);

  async function deliverOne(message: ClaimedMessage): Promise<void> {
    const log = { outboxId: message.id, channel: message.channel, template: message.template };
    const maxAge = isTemplateId(message.template) ? MAX_AGE_MS[message.template] : undefined;
    const now = clock.now();
    if (maxAge !== undefined && now - message.createdAt > maxAge) {
      await recordAbandon(store, message, 'not delivered before the code expired', now);
      logger?.warn({ ...log, attempts: message.attempts }, 'message abandoned: its code expired');
      return;
    }
    try {
      const rendered = renderMessage(message, brand);
      if (rendered.channel === 'email') await transports.email.send(rendered);
      else await transports.sms.send(rendered);
    } catch (error) {
      const status = await recordFailure(store, message, errorText(error), clock.now(), random);
      const level = status === 'failed' ? 'error' : 'warn';
      logger?.[level](
        { ...log, attempt: message.attempts + 1, status, err: errorText(error) },
        'delivery failed',
      );
      return;
    }
    await recordSuccess(store, message, clock.now());
    logger?.info({ ...log, attempt: message.attempts + 1 }, 'message delivered');
  }

  /** One of `concurrency` lanes: claims one message at a time, so a slow send never holds back the others. */
  async function drainLane(): Promise<number> {
    let handled = 0;
    while (!stopping) {
      const now = clock.now();
      lastTick = now;
      const [message] = await claimDueMessages(store, now, 1, leaseMs);
      if (!message) break;
      await deliverOne(message);
      handled++;
    }
    return handled;
  }

  async function runAll(): Promise<number> {
    // allSettled: when one lane fails (database down), the others still finish before the run ends.
    const lanes = await Promise.allSettled(Array.from({ length: concurrency }, drainLane));
    const failed = lanes.find((l) => l.status === 'rejected');
    if (failed) throw failed.reason;
    return lanes.reduce((sum, l) => sum + (l.status === 'fulfilled' ? l.value : 0), 0);
  }

  function runOnce(): Promise<number> {
    // Chained on the previous run: a poll and a manual run never overlap.
    const next = running.catch(() => 0).then(runAll);
    running = next;
    return next;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      runOnce()
        .catch((error: unknown) => logger?.error({ err: errorText(error) }, 'delivery poll failed'))
        .finally(schedule);
    }, options.pollMs);
    // The poll alone must not keep the process alive (CLI commands, tests).
    timer.unref();
  }

  schedule();
  return {
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => 0);
    },
    lastTickAt: () => lastTick,
    runOnce,
  };
}
