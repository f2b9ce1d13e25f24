import type { Locale } from './types.js';

// Members live in France: dates are shown in Paris time whatever the server's zone.
const TZ = 'Europe/Paris';
const dateTime: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: TZ }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: TZ }),
};
const dateOnly: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: TZ }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: TZ }),
};

export function formatDateTime(locale: Locale, ms: number): string {
  return dateTime[locale].format(ms);
}

export function formatDate(locale: Locale, ms: number): string {
  return dateOnly[locale].format(ms);
}
