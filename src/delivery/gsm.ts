// GSM 03.38 (3GPP TS 23.038) default alphabet: a text using only these characters fits 160 per SMS;
// one character outside it switches the whole SMS to UCS-2 and 70 characters, doubling the cost.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿' +
  'abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: each costs two septets (escape + character). */
const EXTENSION = '^{}\\[~]|€\f';

const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

const LOOKALIKES: Readonly<Record<string, string>> = {
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '«': '"',
  '»': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  œ: 'oe',
  Œ: 'OE',
};

function isGsmChar(c: string): boolean {
  return BASIC_SET.has(c) || EXTENSION_SET.has(c);
}

/** Septets the text takes in the GSM alphabet, or undefined when a character is outside it. */
export function countGsmSeptets(text: string): number | undefined {
  let n = 0;
  for (const c of text) {
    if (BASIC_SET.has(c)) n += 1;
    else if (EXTENSION_SET.has(c)) n += 2;
    else return undefined;
  }
  return n;
}

/**
 * Replaces characters outside the GSM alphabet by their nearest GSM form (ê → e, ç → c, ’ → ', any space →
 * space) so that a configured insurer name such as « Mutuelle générale » never turns an SMS into UCS-2.
 */
export function toGsmText(text: string): string {
  let out = '';
  for (const c of text) {
    if (isGsmChar(c)) out += c;
    else if (LOOKALIKES[c] !== undefined) out += LOOKALIKES[c];
    else if (/\s/u.test(c)) out += ' ';
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...base].every(isGsmChar) ? base : '?';
    }
  }
  return out;
}
