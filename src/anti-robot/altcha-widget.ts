// Serving the ALTCHA widget from our own origin under a strict CSP (no inline script or style). The
// package's "external" build is the one meant for that: no bundled workers (no blob: URLs), no injected
// <style> (its CSS is a separate file). Our setup module registers the SHA worker and our texts.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Locale } from '../i18n/types.js';
import { ALTCHA_ALGORITHM } from './altcha.js';
import { en, fr } from './texts.js';

export const ALTCHA_CHALLENGE_PATH = '/anti-robot/altcha-challenge';
export const ALTCHA_ASSET_PATH = '/anti-robot/altcha/';
/** The one script a page includes (type="module"); it imports the widget itself. */
export const ALTCHA_SETUP_URL = `${ALTCHA_ASSET_PATH}setup.js`;
export const ALTCHA_CSS_URL = `${ALTCHA_ASSET_PATH}altcha.css`;
/** Name of the hidden form field the widget fills. */
export const ALTCHA_FIELD = 'altcha';

// The package exports no package.json; its CSS export sits in dist/external, next to the script.
const externalDir = dirname(createRequire(import.meta.url).resolve('altcha/altcha.css'));

export interface StaticAsset {
  readonly file: string;
  readonly contentType: string;
}

/** Files to serve under ALTCHA_ASSET_PATH, by name. Everything else there is a 404. */
export const ALTCHA_FILES: Readonly<Record<string, StaticAsset>> = {
  'altcha.min.js': {
    file: join(externalDir, 'altcha.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'altcha.css': { file: join(externalDir, 'altcha.css'), contentType: 'text/css; charset=utf-8' },
  'sha-worker.js': {
    file: join(externalDir, '..', 'workers', 'sha.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
};

/**
 * setup.js (served with `text/javascript`): loads the widget, registers the worker of our algorithm
 * (the external build bundles none) and the texts each widget carries in `data-strings`.
 */
export const ALTCHA_SETUP_SCRIPT = `import './altcha.min.js';
const altcha = globalThis.$altcha;
const createWorker = () => new Worker(new URL('./sha-worker.js', import.meta.url));
altcha.algorithms.set(${JSON.stringify(ALTCHA_ALGORITHM)}, createWorker);
for (const widget of document.querySelectorAll('altcha-widget[data-strings]')) {
  try {
    const language = widget.getAttribute('language') || document.documentElement.lang || 'fr';
    altcha.i18n.set(language, JSON.parse(widget.dataset.strings));
  } catch {
    // Unreadable strings: the widget keeps its own English texts.
  }
}
`;

/** The widget's texts in `locale` (its i18n keys), to put as JSON in `data-strings`. */
export function altchaWidgetStrings(locale: Locale): Record<string, string> {
  return { ...(locale === 'en' ? en : fr).widget };
}

export interface AltchaWidgetAttributes {
  readonly challenge: string;
  readonly name: string;
  readonly language: Locale;
  readonly configuration: string;
  readonly 'data-strings': string;
}

/**
 * Attributes of `<altcha-widget>`: the widget fetches its challenge from our origin, fills the hidden
 * field `altcha`, starts only when the member ticks it (auto off), and shows no external link.
 */
export function altchaWidgetAttributes(locale: Locale): AltchaWidgetAttributes {
  return {
    challenge: ALTCHA_CHALLENGE_PATH,
    name: ALTCHA_FIELD,
    language: locale,
    configuration: JSON.stringify({ auto: 'off', hideFooter: true, type: 'checkbox' }),
    'data-strings': JSON.stringify(altchaWidgetStrings(locale)),
  };
}
