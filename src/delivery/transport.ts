import type { RenderedEmail, RenderedMessage, RenderedSms } from './templates.js';

/**
 * One way out for messages. `send` resolves once the message is accepted (SMTP 250, HTTP 2xx, file renamed)
 * and throws otherwise, with an error message that holds no secret: it is stored in outbox_attempts.
 * A real SMS provider's adapter is one file implementing `Transport<RenderedSms>`.
 */
export interface Transport<M extends RenderedMessage = RenderedMessage> {
  send(message: M): Promise<void>;
  /** Releases connections (SMTP pool); optional. */
  close?(): Promise<void>;
}

export interface Transports {
  readonly email: Transport<RenderedEmail>;
  readonly sms: Transport<RenderedSms>;
}

/** Closes every transport that holds resources. */
export async function closeTransports(transports: Transports): Promise<void> {
  await Promise.all([transports.email.close?.(), transports.sms.close?.()]);
}
