// E-mail through an SMTP server (SESAME_SMTP_URL, e.g. smtp://user:pass@mail.example:587 or smtps://…:465).
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { type Clock, systemClock } from '../platform/clock.js';
import type { RenderedEmail } from './templates.js';
import type { Transport } from './transport.js';

export interface MailSettings {
  /** SESAME_MAIL_FROM, e.g. "Espace Adhérent <ne-pas-repondre@mutuelle.example>". */
  readonly from: string;
  /** SESAME_MAIL_REPLY_TO; empty for none. */
  readonly replyTo: string;
}

export interface SmtpSettings extends MailSettings {
  readonly url: string;
  /** Messages sent at once over pooled connections (the worker's concurrency). */
  readonly maxConnections?: number;
}

/** The nodemailer message for a rendered e-mail, shared by SMTP and the .eml files. */
export function buildMailOptions(message: RenderedEmail, settings: MailSettings, date: Date): Mail.Options {
  return {
    from: settings.from,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    date,
    headers: {
      'Content-Language': message.locale,
      // RFC 3834: out-of-office robots must not answer an automatic message.
      'Auto-Submitted': 'auto-generated',
    },
  };
}

/** The failure as one line without secrets: nodemailer's code and the server's reply, never the body. */
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return 'SMTP error';
  const { code, responseCode } = error as Error & { code?: string; responseCode?: number };
  const prefix = ['SMTP', code, responseCode].filter((p) => p !== undefined && p !== '').join(' ');
  return `${prefix}: ${error.message}`;
}

export function createSmtpTransport(
  settings: SmtpSettings,
  clock: Clock = systemClock,
): Transport<RenderedEmail> {
  const transporter = nodemailer.createTransport({
    url: settings.url,
    pool: true,
    maxConnections: settings.maxConnections ?? 4,
    // A hung server must fail the attempt (and schedule a retry) well within the worker's lease.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message: RenderedEmail): Promise<void> {
      try {
        await transporter.sendMail(buildMailOptions(message, settings, new Date(clock.now())));
      } catch (error) {
        throw new Error(describeSmtpError(error));
      }
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
