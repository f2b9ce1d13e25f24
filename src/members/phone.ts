// Mobile numbers of the registry, normalised to E.164 for the SMS provider.
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { type Checked, fail, ok } from './field-check.js';

// French overseas departments share the French national format (06 92… in La Réunion) but have their own
// country codes; a number that is no metropolitan mobile is tried against them before being refused.
const OVERSEAS_REGIONS = ['RE', 'YT', 'GP', 'MQ', 'GF', 'PM', 'BL', 'MF'] as const;

const FRENCH_MOBILE = /^(?:0|\+33|0033)([67][0-9]{8})$/;
const frenchPrefixValid = new Map<string, boolean>();

/**
 * Fast path for the common French forms, same answer as libphonenumber-js: the FR mobile ranges are decided
 * by the first digits, so validity is remembered per 4-digit prefix when the lowest and highest numbers of
 * that prefix are both valid mobiles (anything else goes through the library).
 */
function frenchMobile(compact: string): string | undefined {
  const nsn = FRENCH_MOBILE.exec(compact)?.[1];
  if (nsn === undefined) return undefined;
  const prefix = nsn.slice(0, 4);
  let valid = frenchPrefixValid.get(prefix);
  if (valid === undefined) {
    const low = parsePhoneNumberFromString(`+33${prefix}00000`);
    const high = parsePhoneNumberFromString(`+33${prefix}99999`);
    valid = low?.isValid() === true && high?.isValid() === true;
    frenchPrefixValid.set(prefix, valid);
  }
  return valid ? `+33${nsn}` : undefined;
}

/**
 * Optional mobile, returned in E.164. National French forms (06 12 34 56 78, 06.12.34.56.78, +33 6…, 0033 6…)
 * and international numbers in + or 00 form are accepted; the "mobile" metadata of libphonenumber-js
 * refuses landlines, which cannot receive an SMS.
 */
export function normaliseMobile(raw: string): Checked<string | null> {
  const s = raw.trim();
  if (s === '') return ok(null);
  if (s.length <= 32 && /^\+?[0-9][0-9 .()\-\u00a0]*$/.test(s)) {
    const fast = frenchMobile(s.replace(/[ .()\-\u00a0]/g, ''));
    if (fast !== undefined) return ok(fast);
    const french = parsePhoneNumberFromString(s, 'FR');
    if (french?.isValid()) return ok(french.number);
    if (/^0[1-9]/.test(s)) {
      for (const region of OVERSEAS_REGIONS) {
        const overseas = parsePhoneNumberFromString(s, region);
        if (overseas?.isValid()) return ok(overseas.number);
      }
    }
  }
  return fail('mobile', (t) => t.mobileInvalid);
}
