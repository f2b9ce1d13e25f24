import type { FastifyReply, FastifyRequest } from 'fastify';
import { texts } from '../i18n/catalogue.js';
import type { Locale } from '../i18n/types.js';
import type { PageContext } from './views/layout.js';

// __Host- like every cookie we set: a sibling subdomain cannot plant a language on our pages.
export const LANG_COOKIE = '__Host-lang';

/** French by default; English from ?lang=, then the remembered choice, then Accept-Language. */
export function resolveLocale(req: FastifyRequest): Locale {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'fr' || q === 'en') return q;
  const c = req.cookies[LANG_COOKIE];
  if (c === 'fr' || c === 'en') return c;
  const header = req.headers['accept-language'] ?? '';
  for (const part of header.split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr') return 'fr';
    if (tag === 'en') return 'en';
  }
  return 'fr';
}

export function pageContext(req: FastifyRequest, insurerName: string): PageContext {
  const locale = req.locale;
  const url = new URL(req.url, 'http://x');
  url.searchParams.set('lang', locale === 'fr' ? 'en' : 'fr');
  return { locale, t: texts(locale), insurerName, switchHref: url.pathname + url.search };
}

export function sendHtml(reply: FastifyReply, html: string | Promise<string>, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

/** Reads one text field of a urlencoded form; anything else (arrays, objects, huge strings) is refused. */
export function field(body: unknown, name: string, max = 256): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v.length > max) return undefined;
  return v;
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}
