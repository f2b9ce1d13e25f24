import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countGsmSeptets, toGsmText } from '../../src/delivery/gsm.js';
import {
  type MessageToRender,
  type RenderedEmail,
  type RenderedSms,
  redactPayload,
  renderMessage,
} from '../../src/delivery/templates.js';
import { BRAND } from './helpers.js';

const AT = Date.UTC(2026, 0, 15, 9, 5, 0); // 10:05 in Paris

function code(channel: 'email' | 'sms', locale: string, recipient = 'claire@example.org'): MessageToRender {
  return { id: 3, channel, recipient, template: 'activation-code', locale, payload: { code: '482913' } };
}
function notice(channel: 'email' | 'sms', locale: string, recipient = 'claire@example.org'): MessageToRender {
  return {
    id: 4,
    channel,
    recipient,
    template: 'password-changed',
    locale,
    payload: { changedAt: String(AT) },
  };
}

describe('message templates', () => {
  it('writes the activation code in the plain-text and HTML parts, in French and English', () => {
    const fr = renderMessage(code('email', 'fr'), BRAND) as RenderedEmail;
    assert.equal(fr.subject, "Votre code d'activation");
    assert.match(fr.text, /482913/);
    assert.match(fr.text, /10 minutes/);
    assert.match(fr.text, /même page internet/);
    assert.match(fr.text, /Ne communiquez jamais ce code/);
    assert.match(fr.text, /Nos conseillers ne vous le demanderont jamais/);
    assert.match(fr.text, /ignorez ce message/);
    assert.match(fr.html, /<html lang="fr">/);
    assert.match(fr.html, />482913</);
    const en = renderMessage(code('email', 'en'), BRAND) as RenderedEmail;
    assert.equal(en.subject, 'Your activation code');
    assert.match(en.text, /482913/);
    assert.match(en.html, /<html lang="en">/);
  });

  it('escapes configured text in the HTML part and loads no remote resource', () => {
    const brand = { insurerName: 'Mutuelle <b>A & B</b>', insurerPhone: '01' };
    const mail = renderMessage(code('email', 'fr'), brand) as RenderedEmail;
    assert.match(mail.html, /Mutuelle &lt;b>A &amp; B&lt;\/b>/);
    assert.doesNotMatch(mail.html, /<b>/);
    assert.doesNotMatch(mail.html, /<img|src=|https?:/i);
    assert.match(mail.text, /Mutuelle <b>A & B<\/b>/);
  });

  it('tells the date in Paris time and the phone number after a password change, never a password', () => {
    const fr = renderMessage(notice('email', 'fr'), BRAND) as RenderedEmail;
    assert.equal(fr.subject, 'Votre mot de passe a été modifié');
    assert.match(fr.text, /15 janvier 2026 à 10:05/);
    assert.match(fr.text, /09 69 00 00 00/);
    assert.doesNotMatch(fr.text, /mot de passe :/i);
    const sms = renderMessage(notice('sms', 'fr', '0612345678'), BRAND) as RenderedSms;
    assert.match(sms.text, /15\/01\/2026 10:05/);
    assert.match(sms.text, /09 69 00 00 00/);
  });

  it('writes the SMS of the design, with the mobile number in E.164', () => {
    const sms = renderMessage(code('sms', 'fr', '06 12 34 56 78'), { ...BRAND, insurerName: 'Mutuelle' });
    assert.deepEqual(sms, {
      channel: 'sms',
      outboxId: 3,
      to: '+33612345678',
      text: "Mutuelle : votre code d'activation est 482913. Valable 10 min. Ne le communiquez à personne.",
    });
  });

  it('keeps every SMS in the GSM alphabet and within 160 characters, even with the longest insurer name', () => {
    const brand = {
      insurerName: 'Mutuelle générale française des agents',
      insurerPhone: '+33 9 69 00 00 00',
    };
    assert.equal(brand.insurerName.length, 38);
    for (const locale of ['fr', 'en']) {
      for (const m of [code('sms', locale, '+33612345678'), notice('sms', locale, '+33612345678')]) {
        const { text } = renderMessage(m, brand) as RenderedSms;
        const septets = countGsmSeptets(text);
        assert.ok(septets !== undefined, `not GSM: ${text}`);
        assert.ok(septets <= 160, `${septets} > 160: ${text}`);
      }
    }
  });

  it('replaces characters outside the GSM alphabet by their plain form', () => {
    assert.equal(
      toGsmText('Mutuelle française « Forêt » – l’œuvre'),
      'Mutuelle francaise " Foret " - l\'oeuvre',
    );
    assert.equal(countGsmSeptets('é à ù €'), 8);
    assert.equal(countGsmSeptets('ç'), undefined);
  });

  it('refuses a message whose code is missing and a phone number that is not one', () => {
    assert.throws(() => renderMessage({ ...code('email', 'fr'), payload: {} }, BRAND), /"code" is missing/);
    assert.throws(() => renderMessage(code('sms', 'fr', '12'), BRAND), /not a valid phone number/);
    assert.throws(
      () => renderMessage({ ...code('email', 'fr'), template: 'unknown' }, BRAND),
      /unknown template/,
    );
  });

  it('clears the code from a payload and keeps other fields', () => {
    assert.deepEqual(redactPayload('activation-code', { code: '482913' }), { code: '' });
    assert.deepEqual(redactPayload('password-changed', { changedAt: '1' }), { changedAt: '1' });
    assert.deepEqual(redactPayload('some-old-template', { secret: 'x' }), { secret: '' });
  });
});
