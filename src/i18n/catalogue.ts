import * as admin from '../admin/texts.js';
import * as advice from '../advice/texts.js';
import * as antiRobot from '../anti-robot/texts.js';
import * as delivery from '../delivery/texts.js';
import * as letters from '../letters/texts.js';
import * as members from '../members/texts.js';
import * as passwords from '../passwords/texts.js';
import * as recovery from '../recovery/texts.js';
import * as sessions from '../sessions/texts.js';
import * as signIn from '../sign-in/texts.js';
import * as web from '../web/texts.js';
import type { Catalogue, Locale } from './types.js';

const fr = {
  web: web.fr,
  signIn: signIn.fr,
  recovery: recovery.fr,
  letters: letters.fr,
  antiRobot: antiRobot.fr,
  members: members.fr,
  sessions: sessions.fr,
  passwords: passwords.fr,
  delivery: delivery.fr,
  admin: admin.fr,
  advice: advice.fr,
} as const;

/** What a view receives: the catalogue of one locale, typed against French. */
export type Texts = Catalogue<typeof fr>;

const en: Texts = {
  web: web.en,
  signIn: signIn.en,
  recovery: recovery.en,
  letters: letters.en,
  antiRobot: antiRobot.en,
  members: members.en,
  sessions: sessions.en,
  passwords: passwords.en,
  delivery: delivery.en,
  admin: admin.en,
  advice: advice.en,
};

export const CATALOGUES: Readonly<Record<Locale, Texts>> = { fr, en };

export function texts(locale: Locale): Texts {
  return CATALOGUES[locale];
}
