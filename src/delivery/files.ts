// The embedded default (no SMTP, no SMS provider): each message becomes a file in <data dir>/outbox/ that a
// newcomer can open. E-mails are full RFC 5322 messages (.eml, both parts); SMS are the HTTP adapter's JSON
// body (.json). Names sort by time: <20260115T090000.123Z>-<outbox id>-<channel>.<ext>.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Clock } from '../platform/clock.js';
import type { HttpSmsBody } from './sms-http.js';
import { buildMailOptions, type MailSettings } from './smtp.js';
import type { RenderedEmail, RenderedSms } from './templates.js';
import type { Transport, Transports } from './transport.js';

export interface FileTransportSettings extends MailSettings {
  /** <data dir>/outbox */
  readonly dir: string;
  readonly smsSender: string;
  readonly clock: Clock;
}

export function outboxFileName(at: number, outboxId: number, channel: 'email' | 'sms'): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '');
  const ext = channel === 'email' ? 'eml' : 'json';
  return `${stamp}-${String(outboxId).padStart(10, '0')}-${channel}.${ext}`;
}

/** Writes to a hidden temporary name then renames: a reader globbing *.eml never sees half a message. */
async function writeAtomically(dir: string, name: string, content: string | Buffer): Promise<void> {
  // The files hold activation codes: readable by the service's user only.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${name}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o600 });
    await rename(temp, join(dir, name));
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as { code?: string }).code ?? 'error';
    throw new Error(`cannot write ${name} in the outbox folder: ${code}`);
  }
}

export function createFileEmailTransport(settings: FileTransportSettings): Transport<RenderedEmail> {
  // streamTransport + buffer: nodemailer builds the real MIME message (multipart/alternative) without sending.
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(message: RenderedEmail): Promise<void> {
      const now = settings.clock.now();
      const info = await builder.sendMail(buildMailOptions(message, settings, new Date(now)));
      if (!Buffer.isBuffer(info.message)) throw new Error('the e-mail could not be built');
      await writeAtomically(settings.dir, outboxFileName(now, message.outboxId, 'email'), info.message);
    },
  };
}

export function createFileSmsTransport(settings: FileTransportSettings): Transport<RenderedSms> {
  return {
    async send(message: RenderedSms): Promise<void> {
      const now = settings.clock.now();
      const body: HttpSmsBody = {
        to: message.to,
        from: settings.smsSender,
        text: message.text,
        reference: String(message.outboxId),
      };
      await writeAtomically(
        settings.dir,
        outboxFileName(now, message.outboxId, 'sms'),
        `${JSON.stringify(body, null, 2)}\n`,
      );
    },
  };
}

export function createFileTransports(settings: FileTransportSettings): Transports {
  return { email: createFileEmailTransport(settings), sms: createFileSmsTransport(settings) };
}
