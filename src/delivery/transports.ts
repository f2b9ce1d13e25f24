import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { type Clock, systemClock } from '../platform/clock.js';
import { createFileEmailTransport, createFileSmsTransport, type FileTransportSettings } from './files.js';
import { createHttpSmsTransport } from './sms-http.js';
import { createSmtpTransport } from './smtp.js';
import { closeTransports, type Transports } from './transport.js';

export type DeliveryConfig = Pick<
  Config,
  'dataDir' | 'smtpUrl' | 'mailFrom' | 'mailReplyTo' | 'smsUrl' | 'smsToken' | 'smsSender'
>;

export interface ConfiguredTransports extends Transports {
  /** What was picked, for the start-up log and the back office (no URL: it may hold credentials). */
  readonly kinds: { readonly email: 'smtp' | 'files'; readonly sms: 'http' | 'files' };
  close(): Promise<void>;
}

/** SMTP when SESAME_SMTP_URL is set, else .eml files; HTTP SMS when SESAME_SMS_URL is set, else .json files. */
export function createTransports(config: DeliveryConfig, clock: Clock = systemClock): ConfiguredTransports {
  const files: FileTransportSettings = {
    dir: join(config.dataDir, 'outbox'),
    from: config.mailFrom,
    replyTo: config.mailReplyTo,
    smsSender: config.smsSender,
    clock,
  };
  const email = config.smtpUrl
    ? createSmtpTransport({ url: config.smtpUrl, from: config.mailFrom, replyTo: config.mailReplyTo }, clock)
    : createFileEmailTransport(files);
  const sms = config.smsUrl
    ? createHttpSmsTransport({ url: config.smsUrl, token: config.smsToken, sender: config.smsSender })
    : createFileSmsTransport(files);
  const transports: Transports = { email, sms };
  return {
    email,
    sms,
    kinds: { email: config.smtpUrl ? 'smtp' : 'files', sms: config.smsUrl ? 'http' : 'files' },
    close: () => closeTransports(transports),
  };
}
