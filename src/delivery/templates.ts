// Message templates: one content model per template, rendered to an e-mail (plain text + HTML) or an SMS.
// Texts come from the delivery catalogue; HTML is minimal, escaped, with no remote images (no tracking).
import { escapeHtml } from '@kitajs/html';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Locale } from '../i18n/types.js';
import { MINUTE } from '../platform/clock.js';
import { countGsmSeptets, toGsmText } from './gsm.js';
import { en, fr } from './texts.js';

export type Channel = 'email' | 'sms';

/** The variables each template needs; every value is a string (stored as JSON in outbox.payload). */
export type TemplatePayloads = {
  'activation-code': { code: string };
  /** `changedAt`: milliseconds since the epoch, as a string. */
  'password-changed': { changedAt: string };
};
export type TemplateId = keyof TemplatePayloads;
export const TEMPLATE_IDS: readonly TemplateId[] = ['activation-code', 'password-changed'];

/** Payload fields cleared once the message is delivered or abandoned: codes are not kept (CNIL minimisation). */
export const SECRET_FIELDS: Readonly<Record<TemplateId, readonly string[]>> = {
  'activation-code': ['code'],
  'password-changed': [],
};

/** Past this age a message is pointless (the code expired, NIST 800-63B §3.1.3) and is abandoned unsent. */
export const MAX_AGE_MS: Readonly<Partial<Record<TemplateId, number>>> = {
  'activation-code': 10 * MINUTE,
};

/** Members live in France: dates in messages are Paris time. */
const TIME_ZONE = 'Europe/Paris';
const SMS_MAX_SEPTETS = 160;

/** Settings that appear in every message. */
export interface MessageBrand {
  readonly insurerName: string;
  readonly insurerPhone: string;
}

export interface RenderedEmail {
  readonly channel: 'email';
  readonly outboxId: number;
  readonly to: string;
  readonly locale: Locale;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface RenderedSms {
  readonly channel: 'sms';
  readonly outboxId: number;
  /** E.164, e.g. +33612345678. */
  readonly to: string;
  readonly text: string;
}

export type RenderedMessage = RenderedEmail | RenderedSms;

/** What rendering needs of an outbox row. */
export interface MessageToRender {
  readonly id: number;
  readonly channel: Channel;
  readonly recipient: string;
  readonly template: string;
  readonly locale: string;
  readonly payload: Readonly<Record<string, string>>;
}

type Block = { readonly kind: 'p' | 'code'; readonly text: string };
interface Content {
  readonly subject: string;
  readonly blocks: readonly Block[];
  readonly sms: string;
}

export function isTemplateId(value: string): value is TemplateId {
  return (TEMPLATE_IDS as readonly string[]).includes(value);
}

/** The payload with its secret fields replaced by '' (kept as keys so the row still shows its shape). */
export function redactPayload(
  template: string,
  payload: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = { ...payload };
  const secrets = isTemplateId(template) ? SECRET_FIELDS[template] : Object.keys(out);
  for (const key of secrets) if (key in out) out[key] = '';
  return out;
}

function field(payload: Readonly<Record<string, string>>, name: string): string {
  const value = payload[name];
  if (value === undefined || value === '') throw new Error(`payload field "${name}" is missing`);
  return value;
}

function formatDate(ms: string, locale: Locale, style: 'long' | 'short'): string {
  const at = Number(ms);
  if (!Number.isFinite(at)) throw new Error('payload field "changedAt" is not a time');
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: style,
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(at);
}

function buildContent(message: MessageToRender, locale: Locale, brand: MessageBrand): Content {
  const t = locale === 'fr' ? fr : en;
  const insurer = brand.insurerName;
  if (message.template === 'activation-code') {
    const code = field(message.payload, 'code');
    const a = t.activationCode;
    return {
      subject: a.subject,
      blocks: [
        { kind: 'p', text: t.greeting },
        { kind: 'p', text: a.intro },
        { kind: 'code', text: code },
        { kind: 'p', text: a.validity },
        { kind: 'p', text: a.neverShare },
        { kind: 'p', text: a.notYou },
      ],
      sms: a.sms({ insurer, code }),
    };
  }
  if (message.template === 'password-changed') {
    const changedAt = field(message.payload, 'changedAt');
    const p = t.passwordChanged;
    const phone = brand.insurerPhone;
    return {
      subject: p.subject,
      blocks: [
        { kind: 'p', text: t.greeting },
        { kind: 'p', text: p.changed({ date: formatDate(changedAt, locale, 'long') }) },
        { kind: 'p', text: p.ifYou },
        { kind: 'p', text: p.ifNotYou({ phone }) },
      ],
      sms: p.sms({ insurer, date: formatDate(changedAt, locale, 'short'), phone }),
    };
  }
  throw new Error(`unknown template "${message.template}"`);
}

function renderText(content: Content, brand: MessageBrand, footer: string): string {
  const body = content.blocks.map((b) => b.text).join('\n\n');
  return `${body}\n\n${brand.insurerName}\n\n--\n${footer}\n`;
}

function renderHtml(content: Content, brand: MessageBrand, locale: Locale, footer: string): string {
  const blocks = content.blocks.map((b) =>
    b.kind === 'code'
      ? `<p style="font-size:28px;font-weight:bold;letter-spacing:4px;font-family:'Courier New',monospace;margin:16px 0">${escapeHtml(b.text)}</p>`
      : `<p style="margin:0 0 16px">${escapeHtml(b.text)}</p>`,
  );
  // role="article" + lang: how mail clients that strip <html> still expose language and structure.
  return [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;padding:16px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    `<div role="article" aria-label="${escapeHtml(content.subject)}" lang="${locale}" style="max-width:600px">`,
    ...blocks,
    `<p style="margin:0 0 16px">${escapeHtml(brand.insurerName)}</p>`,
    `<p style="margin:0;font-size:14px;color:#4a4a4a">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function toE164(recipient: string): string {
  const phone = parsePhoneNumberFromString(recipient, 'FR');
  if (!phone?.isValid()) throw new Error('recipient is not a valid phone number');
  return phone.number;
}

/** Renders one outbox message. Throws (a permanent error, retried then flagged) on a bad row. */
export function renderMessage(message: MessageToRender, brand: MessageBrand): RenderedMessage {
  const locale: Locale = message.locale === 'en' ? 'en' : 'fr';
  const content = buildContent(message, locale, brand);
  if (message.channel === 'sms') {
    const text = toGsmText(content.sms);
    const septets = countGsmSeptets(text) ?? Number.POSITIVE_INFINITY;
    if (septets > SMS_MAX_SEPTETS) throw new Error(`SMS text takes ${septets} GSM characters, more than 160`);
    return { channel: 'sms', outboxId: message.id, to: toE164(message.recipient), text };
  }
  const footer = (locale === 'fr' ? fr : en).automatic;
  return {
    channel: 'email',
    outboxId: message.id,
    to: message.recipient,
    locale,
    subject: content.subject,
    text: renderText(content, brand, footer),
    html: renderHtml(content, brand, locale, footer),
  };
}
