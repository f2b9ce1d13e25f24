// Shared fixtures of the delivery tests.
import type { Kysely } from 'kysely';
import { enqueueMessage } from '../../src/delivery/outbox.js';
import type { MessageBrand, RenderedEmail, RenderedSms } from '../../src/delivery/templates.js';
import type { Transport, Transports } from '../../src/delivery/transport.js';
import type { Random } from '../../src/platform/random.js';
import type { Database } from '../../src/store/tables.js';

export const BRAND: MessageBrand = {
  insurerName: 'Mutuelle des agents publics',
  insurerPhone: '09 69 00 00 00',
};

/** Always draws the lowest value: retry delays are exactly 80 % of their nominal value. */
export const lowRandom: Random = { bytes: (n) => Buffer.alloc(n), int: (min) => min };

export function enqueueCode(
  db: Kysely<Database>,
  now: number,
  channel: 'email' | 'sms',
  code = '123456',
): Promise<number> {
  return enqueueMessage(
    db,
    {
      channel,
      recipient: channel === 'email' ? 'claire.martin@example.org' : '06 12 34 56 78',
      template: 'activation-code',
      locale: 'fr',
      payload: { code },
      memberId: 7,
    },
    now,
  );
}

export function enqueueNotice(db: Kysely<Database>, now: number, channel: 'email' | 'sms'): Promise<number> {
  return enqueueMessage(
    db,
    {
      channel,
      recipient: channel === 'email' ? 'claire.martin@example.org' : '+33612345678',
      template: 'password-changed',
      locale: 'fr',
      payload: { changedAt: String(now) },
    },
    now,
  );
}

export async function outboxRow(db: Kysely<Database>, id: number) {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function attemptsOf(db: Kysely<Database>, id: number) {
  return db.selectFrom('outbox_attempts').selectAll().where('outbox_id', '=', id).orderBy('id').execute();
}

/** Records what it is asked to send; `fail` makes it throw, `gate` holds each send until released. */
export class RecordingTransport<M extends RenderedEmail | RenderedSms> implements Transport<M> {
  readonly sent: M[] = [];
  fail: string | undefined;
  gate: Promise<void> | undefined;
  async send(message: M): Promise<void> {
    if (this.gate) await this.gate;
    if (this.fail) throw new Error(this.fail);
    this.sent.push(message);
  }
}

export function recordingTransports(): Transports & {
  email: RecordingTransport<RenderedEmail>;
  sms: RecordingTransport<RenderedSms>;
} {
  return { email: new RecordingTransport<RenderedEmail>(), sms: new RecordingTransport<RenderedSms>() };
}
